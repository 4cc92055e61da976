"""brain.fixedpoint: the Q13 rules themselves (the C twin is compared in test_firmware_fixed)."""
import numpy as np
import pytest

from brain import Network, load_brain
from brain.brainfile import Brain
from brain.errors import FixedPointError
from brain.fixedpoint import (INT16_MAX, INT16_MIN, ONE, TANH_TABLE, FixedPointBrain, dequantise, quantise, sigmoid_q,
                              tanh_q, to_fixed_point)
from simulator.assets import asset


def test_quantise_rounds_halves_away_from_zero_and_saturates():
    half = 0.5 / ONE
    assert quantise([half, -half, 3 * half, -3 * half, 0.0]).tolist() == [1, -1, 2, -2, 0]
    assert quantise([100.0, -100.0]).tolist() == [INT16_MAX, INT16_MIN]
    assert (quantise(dequantise(np.arange(-300, 300))) == np.arange(-300, 300)).all()


def test_tanh_and_sigmoid_tables_are_odd_monotonic_and_close():
    z = np.arange(INT16_MIN, INT16_MAX + 1)
    t, s = tanh_q(z), sigmoid_q(z)
    assert (np.diff(t) >= 0).all() and (np.diff(s) >= 0).all()
    assert (tanh_q(-z[1:]) == -t[1:]).all()
    assert np.abs(t / ONE - np.tanh(z / ONE)).max() < 8e-4
    assert np.abs(s / ONE - 1 / (1 + np.exp(-z / ONE))).max() < 5e-4
    assert TANH_TABLE[0] == 0 and tanh_q(np.array([256 * 5]))[0] == TANH_TABLE[5]


def test_forward_is_the_integer_rule_step_by_step():
    brain = load_brain(asset("brains", "default.json"))
    twin = FixedPointBrain(brain)
    xq = np.array([[1234, -5678], [INT16_MIN, INT16_MAX]])
    a = xq.copy()
    for layer in twin.network.layers:
        acc = [[sum(int(r[i]) * int(layer.weights[i, j]) for i in range(layer.n_in)) + int(layer.biases[j]) * ONE
                for j in range(layer.n_out)] for r in a]
        z = np.clip((np.array(acc) + ONE // 2) >> 13, INT16_MIN, INT16_MAX)
        a = tanh_q(z)
    assert (twin.forward_int(xq) == a).all()
    x = np.random.default_rng(0).uniform(-1, 1, (500, 2))
    assert (twin.forward(x) * ONE == twin.forward_int(quantise(x))).all(), "outputs are exact dequantisations"
    assert np.abs(twin.forward(x) - brain.forward(x)).max() < 2e-3
    assert (twin.decide(x) == np.stack([np.clip(np.rint(twin.forward(x)[:, 0]), -1, 1),
                                        np.where(twin.forward(x)[:, 1] >= 0, 1, -1)], axis=1)).all()


def test_twin_has_the_brain_interface():
    brain = load_brain(asset("brains", "seed_motors.json"))
    twin = to_fixed_point(brain)
    assert to_fixed_point(twin) is twin
    assert twin.output_names == brain.output_names and twin.decoders == brain.decoders
    assert twin.network.sizes == brain.network.sizes and twin.network.n_inputs == 2 and twin.network.n_outputs == 4
    assert twin.sha256() == brain.sha256() and "Q13" in repr(twin.network)


def _brain(weight=1.0, activation="tanh", sizes=(2, 3, 2)):
    net = Network.create(list(sizes), activation, seed=0)
    net.layers[0].weights[0, 0] = weight
    return Brain(net, ["a", "b"], ["turn", "direction"], ["round", "sign"])


@pytest.mark.parametrize("brain, message", [
    (_brain(4.5), "layer 1 has a weight of 4.5, outside the fixed-point range [-4, 4) of int16 Q13"),
    (_brain(-4.01), "outside the fixed-point range"),
])
def test_out_of_range_weights_are_refused(brain, message):
    with pytest.raises(FixedPointError, match=message.replace("[", r"\[").replace(")", r"\)").replace("(", r"\(")):
        FixedPointBrain(brain)


def test_a_sum_that_could_overflow_is_refused():
    net = Network.create([6, 1], "linear", seed=0)
    net.layers[0].weights[:] = 3.9
    with pytest.raises(FixedPointError, match="could overflow 32 bits"):
        FixedPointBrain(Brain(net, list("abcdef"), ["turn"], ["round"]))
    net.layers[0].weights[:] = 1.0
    FixedPointBrain(Brain(net, list("abcdef"), ["turn"], ["round"]))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "linear"])
def test_other_activations(activation):
    twin = FixedPointBrain(_brain(0.7, activation))
    x = np.random.default_rng(1).uniform(-1, 1, (200, 2))
    assert np.abs(twin.forward(x) - twin.float_brain.forward(x)).max() < 3e-3
