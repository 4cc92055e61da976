"""The README's promise about the shipped brains: `neurocar train TABLE --seed 0`
reproduces each of them on any machine, in what matters and to a stated tolerance.

Bit-for-bit equality would hang on the BLAS kernel and on numpy's SIMD paths for tanh
(their last bits differ between CPUs); a rounding nudge of the start moves the trained
weights by about 1e-15, so 1e-9 leaves a wide margin and still catches any real change.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from brain import load_brain, load_table
from brain.decoders import DECODERS
from simulator.assets import asset
from simulator.controller import input_grid
from simulator.profile import load_profile

WEIGHT_TOLERANCE = 1e-9
SHIPPED = [("seed_turn_direction.csv", "default.json"), ("seed_motors.csv", "seed_motors.json"),
           ("improved.csv", "improved.json")]
ROBOTS = ["elegoo_v3.toml", "two_wheel.toml"]
EDGES = {"round": (-0.5, 0.5), "sign": (0.0,), "bit": (-0.5, 0.5)}   # where each decoder's decision changes
assert set(EDGES) == set(DECODERS)


def controller_inputs() -> np.ndarray:
    """Every input the controller can feed a brain, for every shipped robot."""
    return np.vstack([input_grid(load_profile(asset("robots", name)))[2] for name in ROBOTS])


def edge_margin(brain, x) -> float:
    """How far the brain's outputs stay from every decoder edge on inputs x."""
    out = brain.forward(x)
    return min(np.abs(out[:, j, None] - np.array(EDGES[d])).min() for j, d in enumerate(brain.decoders))


@pytest.fixture(scope="module")
def retrained(tmp_path_factory):
    """The three brains as the README's commands train them now."""
    exe = Path(sys.executable).parent / "neurocar"
    neurocar_cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "simulator.cli"]
    folder = tmp_path_factory.mktemp("retrained")
    brains = {}
    for table, name in SHIPPED:
        out = folder / name
        proc = subprocess.run([*neurocar_cmd, "train", str(asset("tables", table)), "--out", str(out), "--seed", "0"],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        brains[name] = load_brain(out)
    return brains


@pytest.mark.parametrize("table_name,brain_name", SHIPPED)
def test_retraining_a_shipped_brain_gives_its_weights_within_tolerance(retrained, table_name, brain_name):
    shipped, again = load_brain(asset("brains", brain_name)), retrained[brain_name]
    assert again.network.sizes == shipped.network.sizes
    for key in ("table_sha256", "hyperparameters", "epochs", "iterations", "status"):
        assert again.provenance[key] == shipped.provenance[key], key
    for new, old in zip(again.network.layers, shipped.network.layers):
        assert new.activation.name == old.activation.name and new.has_bias == old.has_bias
        np.testing.assert_allclose(new.weights, old.weights, rtol=0, atol=WEIGHT_TOLERANCE)
        np.testing.assert_allclose(new.biases, old.biases, rtol=0, atol=WEIGHT_TOLERANCE)


@pytest.mark.parametrize("table_name,brain_name", SHIPPED)
def test_retraining_a_shipped_brain_gives_its_decisions_everywhere(retrained, table_name, brain_name):
    shipped, again = load_brain(asset("brains", brain_name)), retrained[brain_name]
    table = load_table(asset("tables", table_name))
    x = controller_inputs()
    assert len(x) > 1000
    np.testing.assert_array_equal(again.decide(table.inputs), shipped.decide(table.inputs))
    np.testing.assert_array_equal(again.decide(table.inputs), table.decoded_targets())
    np.testing.assert_array_equal(again.decide(x), shipped.decide(x))


@pytest.mark.parametrize("table_name,brain_name", SHIPPED)
def test_weights_within_the_tolerance_cannot_change_a_decision(table_name, brain_name):
    """Why equal decisions hold on every machine: nudging every weight and bias by the
    tolerance moves the outputs far less than their distance to the nearest decoder edge."""
    shipped = load_brain(asset("brains", brain_name))
    x = np.vstack([controller_inputs(), load_table(asset("tables", table_name)).inputs])
    rng = np.random.default_rng(0)
    moved = 0.0
    for _ in range(20):
        net = shipped.network.copy()
        for layer in net.layers:
            layer.weights += rng.choice([-WEIGHT_TOLERANCE, WEIGHT_TOLERANCE], layer.weights.shape)
            layer.biases += layer.has_bias * rng.choice([-WEIGHT_TOLERANCE, WEIGHT_TOLERANCE], layer.biases.shape)
        moved = max(moved, np.abs(net.forward(x) - shipped.forward(x)).max())
    assert moved < 1e-7 < edge_margin(shipped, x) / 100, (moved, edge_margin(shipped, x))
