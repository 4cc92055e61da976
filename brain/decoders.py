"""How a table turns an output value into the discrete decision it stands for.

A row counts as learned when every output decodes to the same decision as its target.
"""
import numpy as np


def _round(v):
    """-1, 0 or 1: the nearest of them (a turn left/none/right)."""
    return np.clip(np.rint(v), -1, 1).astype(int)


def _sign(v):
    """1 for zero or more, -1 below (a direction forward/backward)."""
    return np.where(np.asarray(v) >= 0, 1, -1)


def _bit(v):
    """0 or 1 as round(|v|), the tutorial firmware's rule for a motor pin."""
    return np.clip(np.rint(np.abs(v)), 0, 1).astype(int)


DECODERS = {"round": _round, "sign": _sign, "bit": _bit}


def decode(name: str, values) -> np.ndarray:
    return DECODERS[name](np.asarray(values, dtype=float))


def decode_all(decoders: list[str], outputs) -> np.ndarray:
    """Decode a batch (rows, outputs), one decoder per output column."""
    outputs = np.atleast_2d(np.asarray(outputs, dtype=float))
    return np.stack([DECODERS[d](outputs[:, i]) for i, d in enumerate(decoders)], axis=1)
