"""Loss functions. Each gives its value and its gradient with respect to the output
layer's pre-activation z (the "delta" that backpropagation starts from)."""
import numpy as np

from brain.activations import Activation


class MeanSquaredError:
    """0.5 * squared error, summed over outputs and averaged over rows."""
    name = "mse"

    def total(self, z, a, y, weights=None):
        """The loss summed over rows, each counted ``weights`` times (once if None)."""
        squared = (a - y) ** 2
        return 0.5 * float(np.sum(squared if weights is None else weights * squared))

    def value(self, z, a, y):
        return self.total(z, a, y) / len(y)

    def delta(self, z, a, y, activation: Activation, n=None, weights=None):
        """Gradient with respect to z of the loss averaged over n rows (len(y) if None)."""
        d = (a - y) * activation.df(z, a)
        return (d if weights is None else d * weights) / (len(y) if n is None else n)


class BinaryCrossEntropy:
    """Cross-entropy of 0/1 targets, computed from z so it stays finite when the
    sigmoid output saturates; its delta is the well-known a - y."""
    name = "bce"

    def total(self, z, a, y, weights=None):
        each = np.logaddexp(0.0, z) - y * z
        return float(np.sum(each if weights is None else weights * each))

    def value(self, z, a, y):
        return self.total(z, a, y) / len(y)

    def delta(self, z, a, y, activation: Activation, n=None, weights=None):
        d = a - y
        return (d if weights is None else d * weights) / (len(y) if n is None else n)


LOSSES = {"mse": MeanSquaredError(), "bce": BinaryCrossEntropy()}


def get_loss(name: str):
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; accepted: {', '.join(LOSSES)}") from None
