"""Loss functions. Each gives its value and its gradient with respect to the output
layer's pre-activation z (the "delta" that backpropagation starts from)."""
import numpy as np

from brain.activations import Activation


class MeanSquaredError:
    """0.5 * squared error, summed over outputs and averaged over rows."""
    name = "mse"

    def value(self, z, a, y):
        return 0.5 * float(np.sum((a - y) ** 2)) / len(y)

    def delta(self, z, a, y, activation: Activation):
        return (a - y) * activation.df(z, a) / len(y)


class BinaryCrossEntropy:
    """Cross-entropy of 0/1 targets, computed from z so it stays finite when the
    sigmoid output saturates; its delta is the well-known a - y."""
    name = "bce"

    def value(self, z, a, y):
        return float(np.sum(np.logaddexp(0.0, z) - y * z)) / len(y)

    def delta(self, z, a, y, activation: Activation):
        return (a - y) / len(y)


LOSSES = {"mse": MeanSquaredError(), "bce": BinaryCrossEntropy()}


def get_loss(name: str):
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; accepted: {', '.join(LOSSES)}") from None
