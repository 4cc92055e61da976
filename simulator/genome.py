"""A network's weights and biases as one flat vector, and back: what CMA-ES searches.

The order is layer by layer, each layer's weight matrix row by row, then its biases
(layers without a bias contribute none). Bounds keep every evolved brain exportable in
fixed point (``brain.fixedpoint.twin_limits``).
"""
import numpy as np

from brain.fixedpoint import twin_limits
from brain.network import Layer, Network


def flatten(network: Network) -> np.ndarray:
    parts = []
    for layer in network.layers:
        parts.append(layer.weights.ravel())
        if layer.has_bias:
            parts.append(layer.biases.ravel())
    return np.concatenate(parts).astype(float)


def unflatten(template: Network, vector) -> Network:
    """A network of the template's shape, activations and bias flags holding ``vector``."""
    v = np.asarray(vector, dtype=float)
    if v.size != template.n_parameters():
        raise ValueError(f"{v.size} values for a network of {template.n_parameters()} parameters")
    layers, at = [], 0
    for layer in template.layers:
        w = v[at:at + layer.weights.size].reshape(layer.weights.shape)
        at += layer.weights.size
        if layer.has_bias:
            b = v[at:at + layer.n_out].copy()
            at += layer.n_out
        else:
            b = np.zeros(layer.n_out)
        layers.append(Layer(w.copy(), b, layer.activation, layer.has_bias))
    return Network(layers)


def bounds(template: Network) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) per parameter: within which the fixed-point twin always exists."""
    upper = np.concatenate([np.full(layer.weights.size + (layer.n_out if layer.has_bias else 0), limit)
                            for layer, limit in zip(template.layers, twin_limits(template))])
    return -upper, upper


def widen(network: Network, n_inputs: int, hidden: int | None = None) -> Network:
    """The network with more inputs (appended after its own) and, for one hidden layer,
    more hidden neurons, all with zero weights: it computes exactly what it did, and the
    search can grow into the new weights."""
    layers = [Layer(l.weights.copy(), l.biases.copy(), l.activation, l.has_bias) for l in network.layers]
    first = layers[0]
    if n_inputs < first.n_in:
        raise ValueError(f"{n_inputs} inputs cannot widen a network of {first.n_in}")
    first.weights = np.vstack([first.weights, np.zeros((n_inputs - first.n_in, first.n_out))])
    if hidden is not None and hidden != first.n_out:
        if len(layers) != 2 or hidden < first.n_out:
            raise ValueError(f"{hidden} hidden neurons cannot widen {network!r}: one hidden layer of at most that "
                             f"many can")
        extra = hidden - first.n_out
        first.weights = np.hstack([first.weights, np.zeros((first.weights.shape[0], extra))])
        first.biases = np.concatenate([first.biases, np.zeros(extra)])
        out = layers[1]
        out.weights = np.vstack([out.weights, np.zeros((extra, out.n_out))])
    return Network(layers)
