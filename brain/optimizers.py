"""Update rules. Each updates a list of parameter arrays in place from their gradients."""
import numpy as np


class GradientDescent:
    def __init__(self, lr: float):
        self.lr = lr

    def update(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum:
    def __init__(self, lr: float, beta: float = 0.9):
        self.lr, self.beta = lr, beta
        self.velocity = None

    def update(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocity):
            v *= self.beta
            v -= self.lr * g
            p += v


class Adam:
    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        # Bias corrections folded into the step size.
        step = self.lr * np.sqrt(1.0 - self.beta2 ** self.t) / (1.0 - self.beta1 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            p -= step * m / (np.sqrt(v) + self.eps)


class Bounded:
    """Another update rule, then each parameter clipped to [-limit, limit] (projected
    gradient descent): the network stays within a format's range, such as fixed point's.
    ``limits``: one per parameter array, in the order ``update`` is handed them."""

    def __init__(self, inner, limits):
        self.inner, self.limits = inner, list(limits)

    def update(self, params, grads):
        self.inner.update(params, grads)
        clip(params, self.limits)


def clip(params, limits) -> None:
    """Each parameter array clipped in place to within +-its limit."""
    for p, limit in zip(params, limits, strict=True):
        np.clip(p, -limit, limit, out=p)
