"""Retraining a big table in the window keeps each frame's share short: a slice of training
ends inside an epoch when its time is up, and the table's hash and distinct rows are
worked out a few rows per slice before training starts. (The frame times themselves are
measured by tests/bench/bench_gui.py, not asserted here: the machine may be shared.)"""
import time

import numpy as np

from brain.table import load_table
from brain.distinct_rows import DistinctRows
from brain.training import TrainConfig, Trainer, new_network
from simulator.assets import asset
from simulator.gui.retrain import RetrainJob

SLICE_S = 0.004
LONGEST_S = 0.05               # a whole epoch of 10,000 per-sample updates takes several times this


def big_table(rows=10_000, seed=0):
    """The tutorial's rows, moved by a little noise, and every third one an exact repeat of
    the tutorial's (as teach mode records them), one of them with a -0.0."""
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(table), rows)
    inputs = table.inputs[pick] + rng.normal(0.0, 0.01, (rows, table.inputs.shape[1]))
    inputs[::3] = table.inputs[pick[::3]]
    inputs[tuple(np.argwhere(inputs == 0.0)[0])] = -0.0      # np.unique counts it as 0.0
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
    whole = Trainer(new_network(table, config), table.inputs, table.targets, config, table.decoders)
    whole.run()                                      # as neurocar train does, its distinct rows all at once
    assert all(np.array_equal(a.weights, b.weights) for a, b in zip(brain.network.layers, whole.network.layers))


def test_distinct_rows_worked_out_in_steps_are_those_of_one_call():
    table = big_table(rows=5000)
    x, y = table.inputs, table.targets
    at_once = DistinctRows.of(x, y, table.decoders)
    steps = DistinctRows.in_steps(x, y, table.decoders, rows_per_step=333)
    pauses = 0
    try:
        while True:
            next(steps)
            pauses += 1
    except StopIteration as end:
        stepped = end.value
    assert pauses == 17 and at_once.counts is not None and at_once.counts.sum() == len(x)
    for name in ("x", "y", "decoded", "counts"):
        assert np.array_equal(getattr(stepped, name), getattr(at_once, name)), name
