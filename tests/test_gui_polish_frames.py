"""Retraining a big table in the window keeps each frame's share short: a slice of training
ends inside an epoch when its time is up, and the table's hash for the new brain is
worked out a few rows per slice after training ends. (The frame times themselves are
measured by tests/bench/bench_gui.py, not asserted here: the machine may be shared.)"""
import time

import numpy as np

from brain.table import load_table
from brain.training import TrainConfig
from simulator.assets import asset
from simulator.gui.retrain import RetrainJob

SLICE_S = 0.004
LONGEST_S = 0.05               # a whole epoch of 10,000 per-sample updates takes several times this


def big_table(rows=10_000, seed=0):
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(table), rows)
    inputs = table.inputs[pick] + rng.normal(0.0, 0.01, (rows, table.inputs.shape[1]))
    return table.with_rows(inputs, table.targets[pick], [table.labels[i] for i in pick])


def test_a_10000_row_table_retrains_in_short_slices_to_the_same_brain():
    table = big_table()
    config = TrainConfig(optimizer="sgd", epochs=2, stop_when_right=False, seed=3)
    job, slices, longest = RetrainJob(table, config), 0, 0.0
    while not job.done:
        start = time.perf_counter()
        job.step(SLICE_S)
        longest = max(longest, time.perf_counter() - start)
        slices += 1
    brain = job.result()
    assert slices > 20 and longest < LONGEST_S, (slices, longest)
    assert brain.provenance["table_sha256"] == table.sha256() and brain.provenance["epochs"] == 2
    whole = RetrainJob(table, config)
    whole.trainer.run()
    assert all(np.array_equal(a.weights, b.weights) for a, b in zip(brain.network.layers, whole.network.layers))
