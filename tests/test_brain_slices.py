"""Training in slices of time that end inside an epoch (as the window retrains a big
table between frames) gives the same weights, bit for bit, as one run."""
import time

import numpy as np
import pytest

from brain import TrainConfig, Trainer
from brain.training import new_network
from tests.datasets import make_moons

ROWS = 3000


@pytest.mark.parametrize("optimizer, batch", [("sgd", None), ("adam", 64), ("momentum", 1)])
def test_slices_ending_inside_epochs_train_as_one_run(optimizer, batch):
    x, y = make_moons(ROWS, seed=3)
    config = TrainConfig(hidden=[6], optimizer=optimizer, batch_size=batch, epochs=3, stop_when_right=False, seed=5)
    whole = Trainer(new_network_for(x, y, config), x, y, config)
    whole.run()
    sliced = Trainer(new_network_for(x, y, config), x, y, config)
    slices, inside = 0, 0
    while not sliced.done:
        before = sliced.epochs_
        start = time.perf_counter()
        sliced.run(seconds=0.001)
        slices += 1
        inside += sliced.epochs_ == before
        assert time.perf_counter() - start < 0.05            # a slice never runs a whole epoch past its time
    assert inside >= 1 and slices > whole.epochs_            # the slices did end inside epochs
    assert sliced.epochs_ == whole.epochs_ and sliced.iterations_ == whole.iterations_
    assert sliced.loss_curve_ == whole.loss_curve_
    for a, b in zip(sliced.network.layers, whole.network.layers):
        assert np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)


def new_network_for(x, y, config):
    class Shape:                                              # new_network reads the columns' names only
        input_names = [f"x{i}" for i in range(x.shape[1])]
        output_names = [f"y{i}" for i in range(y.shape[1])]
    return new_network(Shape, config)
