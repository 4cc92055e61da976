"""Brains shared by the firmware tests (a plain module, not a test module, so tests need not import each other)."""
import numpy as np

from brain import Brain, load_brain
from brain.tutorial_layout import from_tutorial_layout
from simulator.assets import asset


def tutorial_layout_brain() -> Brain:
    """The tutorial's layout: a bias on the hidden layer only, so biases are read per layer."""
    brain = load_brain(asset("brains", "seed_motors.json"))
    rng = np.random.default_rng(4)
    brain.network = from_tutorial_layout(rng.uniform(-2, 2, (3, 4)), rng.uniform(-2, 2, (4, 4)))
    return brain
