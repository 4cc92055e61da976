"""Activation functions, each with its derivative and the range of values it can reach."""
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    # Derivative da/dz, from the pre-activation z and the activation a = f(z):
    # tanh and sigmoid read it off a (the tutorial's 1 - a**2), relu off z.
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    low: float   # targets a network with this output can learn: the range of f,
    high: float  # ends included (sigmoid approaches 0 and 1 closely enough)


def _sigmoid(z):
    # The same function as 1 / (1 + exp(-z)), but it never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


SIGMOID = Activation("sigmoid", _sigmoid, lambda z, a: a * (1.0 - a), 0.0, 1.0)
TANH = Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a, -1.0, 1.0)
RELU = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float), 0.0, np.inf)
LINEAR = Activation("linear", lambda z: z, lambda z, a: np.ones_like(z), -np.inf, np.inf)

ACTIVATIONS = {a.name: a for a in (SIGMOID, TANH, RELU, LINEAR)}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; accepted: {', '.join(ACTIVATIONS)}") from None
