"""A run whose loss runs away is "diverged" even while every number stays finite, and
the tutorial's noisy per-sample SGD never counts as that."""
import subprocess

import pytest

from brain import TrainConfig, load_table, train
from brain.training import DIVERGED_RATIO
from simulator.assets import asset

CAR_TABLE = asset("tables", "seed_turn_direction.csv")
TABLES = ["seed_turn_direction.csv", "seed_motors.csv", "improved.csv"]


def test_a_finite_loss_far_above_the_first_epochs_is_diverged():
    """Adam at lr 1e9 on a linear network: the loss ends near 6e17, never infinite."""
    table = load_table(CAR_TABLE)
    _, trainer = train(table, TrainConfig(activation="linear", lr=1e9, seed=0))
    assert trainer.status_ == "diverged"
    final, first = trainer.loss_curve_[-1], trainer.loss_curve_[0]
    assert final < float("inf") and final > DIVERGED_RATIO * first
    assert f"the loss is {final:.3g}" in trainer.message_
    assert f"the first epoch's {first:.3g}" in trainer.message_ and "(now 1e+09)" in trainer.message_


def test_a_loss_that_spikes_and_comes_back_is_not_diverged():
    """Only the final loss counts: Adam at lr 5 on a linear network passes 9,000 times its
    first loss on the way and ends below it."""
    table = load_table(CAR_TABLE)
    _, trainer = train(table, TrainConfig(activation="linear", lr=5, seed=0))
    assert max(trainer.loss_curve_) > DIVERGED_RATIO * trainer.loss_curve_[0]
    assert trainer.status_ == "finished"


@pytest.mark.parametrize("table_name", TABLES)
@pytest.mark.parametrize("activation,init", [("tanh", "uniform"), ("linear", "xavier")])
def test_the_tutorials_per_sample_sgd_never_trips_it(table_name, activation, init):
    table = load_table(asset("tables", table_name))
    for seed in range(2):
        config = TrainConfig(optimizer="sgd", lr=0.03, init=init, activation=activation, epochs=300,
                             seed=seed, stop_when_right=False)
        _, trainer = train(table, config)
        assert trainer.status_ == "finished", trainer.message_
        assert max(trainer.loss_curve_) < 10 * trainer.loss_curve_[0]      # measured: under 1.5 times


def test_per_sample_sgd_from_an_already_trained_network_never_trips_it():
    """Retraining a solved brain starts from a tiny loss; SGD's noise must not read as divergence."""
    table = load_table(CAR_TABLE)
    brain, _ = train(table, TrainConfig(seed=0, epochs=3000, stop_when_right=False))
    again = TrainConfig(optimizer="sgd", lr=0.03, epochs=300, seed=0, stop_when_right=False)
    _, trainer = train(table, again, network=brain.network)
    assert trainer.loss_curve_[0] < 1e-3
    assert trainer.status_ == "finished", trainer.message_


def test_train_refuses_to_save_a_diverged_run_in_one_line(neurocar_cmd, tmp_path):
    out = tmp_path / "b.json"
    proc = subprocess.run([*neurocar_cmd, "train", str(CAR_TABLE), "--out", str(out), "--lr", "1e9",
                           "--activation", "linear"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert str(CAR_TABLE) in lines[0] and "training diverged: after 2000 epochs the loss is" in lines[0]
    assert "times the first epoch's" in lines[0] and "(now 1e+09)" in lines[0]
    assert not out.exists()
