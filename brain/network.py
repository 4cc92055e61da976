"""A fully connected network of any layer sizes, one activation per layer.

Weights are stored per layer as arrays of shape (inputs, outputs), so a layer computes
a = f(x @ W + b). A layer's bias can be switched off, which reproduces the tutorial's
layout: a bias unit on the input side only (see ``brain.tutorial_layout``).
"""
from dataclasses import dataclass

import numpy as np

from brain.activations import Activation, get_activation
from brain.i18n import _

INITIALISERS = ("uniform", "xavier", "he")


@dataclass
class Layer:
    weights: np.ndarray          # (inputs, outputs)
    biases: np.ndarray           # (outputs,); zeros and never trained when has_bias is False
    activation: Activation
    has_bias: bool = True

    @property
    def n_in(self) -> int:
        return self.weights.shape[0]

    @property
    def n_out(self) -> int:
        return self.weights.shape[1]


class LayerSizes:
    """Sizes read off ``self.layers`` (each with n_in and n_out), for any network kind."""
    layers: list

    @property
    def sizes(self) -> list[int]:
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_out


class Network(LayerSizes):
    """Layers and a forward pass; training lives in ``brain.training``."""

    def __init__(self, layers: list[Layer]):
        if not layers:
            raise ValueError(_("a network needs at least one layer"))
        for before, after in zip(layers, layers[1:]):
            if before.n_out != after.n_in:
                raise ValueError(_("layer sizes do not chain: {n_out} outputs feed {n_in} inputs").format(
                    n_out=before.n_out, n_in=after.n_in))
        self.layers = layers

    @classmethod
    def create(cls, sizes, activations, *, seed: int, init: str = "xavier", bias=True) -> "Network":
        """A new network with weights drawn from its own seeded generator.

        sizes: [inputs, hidden..., outputs]; activations: one name, or one per layer;
        bias: one bool, or one per layer; init: uniform ([-1, 1], as in the tutorial),
        xavier (Glorot uniform) or he (He normal).
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer sizes must be at least [inputs, outputs], each 1 or more; got {sizes}")
        n_layers = len(sizes) - 1
        activations = [activations] * n_layers if isinstance(activations, str) else list(activations)
        biases = [bias] * n_layers if isinstance(bias, bool) else list(bias)
        if len(activations) != n_layers or len(biases) != n_layers:
            raise ValueError(f"{n_layers} layers need {n_layers} activations and bias flags")
        if init not in INITIALISERS:
            raise ValueError(f"unknown initialiser {init!r}; accepted: {', '.join(INITIALISERS)}")
        rng = np.random.default_rng(seed)
        layers = []
        for n_in, n_out, act, has_bias in zip(sizes, sizes[1:], activations, biases):
            w = _initial_weights(rng, init, n_in, n_out)
            b = rng.uniform(-1.0, 1.0, n_out) if (has_bias and init == "uniform") else np.zeros(n_out)
            layers.append(Layer(w, b, get_activation(act), bool(has_bias)))
        return cls(layers)

    def forward(self, x) -> np.ndarray:
        """Outputs for a batch (rows, inputs), or for one input vector."""
        a = np.asarray(x, dtype=float)
        for layer in self.layers:
            a = layer.activation.f(a @ layer.weights + layer.biases)
        return a

    def trace(self, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every layer's pre-activations zs and activations (inputs first), for
        backpropagation and for drawing live activations."""
        a = np.asarray(x, dtype=float)
        zs, activations = [], [a]
        for layer in self.layers:
            z = a @ layer.weights + layer.biases
            a = layer.activation.f(z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def copy(self) -> "Network":
        return Network([Layer(l.weights.copy(), l.biases.copy(), l.activation, l.has_bias) for l in self.layers])

    def is_finite(self) -> bool:
        return all(np.isfinite(l.weights).all() and np.isfinite(l.biases).all() for l in self.layers)

    def n_parameters(self) -> int:
        return sum(l.weights.size + (l.biases.size if l.has_bias else 0) for l in self.layers)

    def __repr__(self) -> str:
        acts = ", ".join(l.activation.name for l in self.layers)
        return f"Network({'-'.join(map(str, self.sizes))}, {acts})"


def _initial_weights(rng: np.random.Generator, init: str, n_in: int, n_out: int) -> np.ndarray:
    if init == "uniform":
        return rng.uniform(-1.0, 1.0, (n_in, n_out))
    if init == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out))
    return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
