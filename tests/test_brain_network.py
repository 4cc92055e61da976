"""The network's arithmetic: gradients against numerical gradients, and the optimizers."""
import numpy as np
import pytest

from brain.losses import get_loss
from brain.network import Network
from brain.tutorial_layout import from_tutorial_layout, is_tutorial_shaped, to_tutorial_layout
from brain.training import TrainConfig, Trainer, _parameters, backprop


def numerical_gradients(net, x, y, loss, eps=1e-6):
    grads = []
    for p in _parameters(net):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            zs, acts = net.trace(x)
            up = loss.value(zs[-1], acts[-1], y)
            p[idx] = old - eps
            zs, acts = net.trace(x)
            down = loss.value(zs[-1], acts[-1], y)
            p[idx] = old
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("hidden_act", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("out_act,loss_name", [
    ("tanh", "mse"), ("sigmoid", "mse"), ("linear", "mse"), ("relu", "mse"), ("sigmoid", "bce")])
def test_backprop_matches_numerical_gradients(hidden_act, out_act, loss_name):
    rng = np.random.default_rng(7)
    net = Network.create([3, 4, 3, 2], [hidden_act, hidden_act, out_act], seed=3, init="uniform",
                         bias=[True, False, True])
    x = rng.normal(size=(6, 3))
    y = rng.integers(0, 2, size=(6, 2)).astype(float)
    loss = get_loss(loss_name)
    zs, acts = net.trace(x)
    analytic = backprop(net, zs, acts, y, loss)
    numeric = numerical_gradients(net, x, y, loss)
    assert len(analytic) == len(numeric) == 5      # W1 b1 W2 W3 b3: layer 2 has no bias
    for a, n in zip(analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=1e-4, atol=1e-7)


def test_same_seed_same_network_and_training_bit_for_bit():
    def run():
        net = Network.create([2, 5, 1], "tanh", seed=11)
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
        y = np.array([[0], [1], [1], [0]], float)
        t = Trainer(net, x, y, TrainConfig(optimizer="sgd", epochs=50, seed=4, stop_when_right=False))
        t.run()
        return net.layers[0].weights.tobytes() + net.layers[1].weights.tobytes(), t.loss_curve_
    assert run() == run()


def test_initialisers_follow_their_definitions():
    big = Network.create([400, 300], "tanh", seed=1, init="uniform").layers[0].weights
    assert big.min() >= -1 and big.max() <= 1 and abs(big.mean()) < 0.01
    xav = Network.create([400, 300], "tanh", seed=1, init="xavier").layers[0].weights
    assert np.abs(xav).max() <= np.sqrt(6 / 700)
    he = Network.create([400, 300], "relu", seed=1, init="he").layers[0].weights
    assert abs(he.std() - np.sqrt(2 / 400)) < 0.005


def test_bad_network_settings_are_refused_clearly():
    with pytest.raises(ValueError, match="unknown activation 'softmax'; accepted: sigmoid, tanh, relu, linear"):
        Network.create([2, 2], "softmax", seed=0)
    with pytest.raises(ValueError, match="unknown initialiser"):
        Network.create([2, 2], "tanh", seed=0, init="zeros")
    with pytest.raises(ValueError, match="at least"):
        Network.create([2], "tanh", seed=0)


def test_tutorial_layout_round_trip_reproduces_the_tutorial_arithmetic():
    rng = np.random.default_rng(0)
    hw = rng.uniform(-1, 1, (3, 4))     # [inputs+1][hidden+1]
    ow = rng.uniform(-1, 1, (4, 4))     # [hidden+1][outputs]
    net = from_tutorial_layout(hw, ow, "tanh")
    assert is_tutorial_shaped(net) and net.sizes == [2, 4, 4]
    x = rng.uniform(-1, 1, (20, 2))
    # The tutorial's loop: bias unit first, every hidden column through tanh.
    hidden = np.tanh(np.hstack([np.ones((20, 1)), x]) @ hw)
    expected = np.tanh(hidden @ ow)
    np.testing.assert_allclose(net.forward(x), expected, rtol=0, atol=1e-14)   # only summation order differs
    hw2, ow2 = to_tutorial_layout(net)
    np.testing.assert_array_equal(hw2, hw)
    np.testing.assert_array_equal(ow2, ow)
