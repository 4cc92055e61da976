"""The tutorial's weight layout, both ways.

The tutorial stores a network as ``HiddenWeights[inputs+1][hidden+1]`` and
``OutputWeights[hidden+1][outputs]``, with input 0 the constant 1 (the bias unit).
Its quirk: the extra hidden column is computed through the activation like every other
hidden neuron (nothing sets it to 1). So a "2-3-4" sketch really runs as
2 inputs + bias -> 4 hidden neurons (no hidden bias) -> 4 outputs (no output bias).
"""
import numpy as np

from brain.activations import get_activation
from brain.network import Layer, Network


def from_tutorial_layout(hidden_weights, output_weights, activation: str = "tanh") -> Network:
    """A network computing exactly what the tutorial's arrays compute."""
    hw = np.asarray(hidden_weights, dtype=float)
    ow = np.asarray(output_weights, dtype=float)
    if hw.ndim != 2 or ow.ndim != 2 or hw.shape[0] < 2 or hw.shape[1] != ow.shape[0]:
        raise ValueError(f"HiddenWeights {hw.shape} and OutputWeights {ow.shape} do not chain: "
                         f"expected [inputs+1][hidden+1] and [hidden+1][outputs]")
    act = get_activation(activation)
    hidden = Layer(hw[1:].copy(), hw[0].copy(), act, has_bias=True)       # row 0 meets the bias unit
    output = Layer(ow.copy(), np.zeros(ow.shape[1]), act, has_bias=False)
    return Network([hidden, output])


def to_tutorial_layout(network: Network) -> tuple[np.ndarray, np.ndarray]:
    """The arrays of a network that has the tutorial's shape (one hidden layer, a bias on
    the hidden layer only, the same activation on both layers)."""
    if not is_tutorial_shaped(network):
        raise ValueError(f"{network!r} does not have the tutorial's layout (one hidden layer with a bias, "
                         f"an output layer without one, one activation)")
    hidden, output = network.layers
    return np.vstack([hidden.biases, hidden.weights]), output.weights.copy()


def is_tutorial_shaped(network: Network) -> bool:
    layers = network.layers
    return (len(layers) == 2 and layers[0].has_bias and not layers[1].has_bias
            and layers[0].activation is layers[1].activation)
