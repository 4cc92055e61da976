"""brain: a small from-scratch numpy neural network, its training tables and files.

It knows networks, tables, training and files; it knows nothing of cars.
"""
from brain.brainfile import Brain, load_brain, save_brain
from brain.errors import BrainFileError, NeurocarError, TableError, TrainingError
from brain.network import Network
from brain.table import Table, load_table
from brain.training import TrainConfig, Trainer, train

__all__ = [
    "Brain", "BrainFileError", "Network", "NeurocarError", "Table", "TableError",
    "TrainConfig", "Trainer", "TrainingError", "load_brain", "load_table",
    "save_brain", "train",
]
