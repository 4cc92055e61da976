"""Decoding an output from its pre-activation, without computing the activation.

``brain.decoders`` decide from an output a = f(z) by comparing it with 0 or +-0.5.
Every activation the generator writes is monotonic (non-decreasing), so each of those
comparisons is a comparison of z with one constant, f's inverse at that value. The
firmware therefore skips the output layer's tanh calls (the dearest part of a decision
on the AVR) and still makes the decision of the exact-tanh network: the same decoder
applied to the same f(z), up to the float32 rounding of the threshold itself.
"""
import math

from firmware_export.cgen import c_float

# (lowest, highest) value of f and whether each is reached by some finite z.
_RANGES = {"tanh": (-1.0, 1.0, False, False), "sigmoid": (0.0, 1.0, False, False),
           "relu": (0.0, math.inf, True, False), "linear": (-math.inf, math.inf, False, False)}


def _inverse(activation: str, v: float) -> float:
    if activation == "tanh":
        return math.atanh(v)
    if activation == "sigmoid":
        return math.log(v / (1.0 - v))
    return v  # relu above 0 and linear are the identity


def greater(activation: str, v: float, strict: bool = True) -> str:
    """A C expression of z that is 1 exactly when f(z) > v (or >= v when not strict)."""
    low, high, low_reached, _ = _RANGES[activation]
    if v < low or (v == low and not strict) or (v == low and not low_reached):
        return "1"
    if v >= high:
        return "0"
    op = ">" if strict else ">="
    return f"(z {op} {c_float(_inverse(activation, v))})"


def less(activation: str, v: float) -> str:
    """A C expression of z that is 1 exactly when f(z) < v."""
    low, high, low_reached, _ = _RANGES[activation]
    if v <= low:
        return "0"
    if v > high:
        return "1"
    return f"(z < {c_float(_inverse(activation, v))})"


def decoder_expression(decoder: str, activation: str) -> str:
    """The decision of one output as a C expression of its pre-activation z, matching
    brain.decoders: round (nearest of -1, 0, 1; 0.5 rounds to 0), sign (1 if >= 0)
    and bit (round(|a|): 1 when |a| > 0.5)."""
    if decoder == "sign":
        return _choose(greater(activation, 0.0, strict=False), "1", "-1")
    above, below = greater(activation, 0.5), less(activation, -0.5)
    if decoder == "round":
        return _choose(above, "1", _choose(below, "-1", "0"))
    if decoder == "bit":
        return _choose(_either(above, below), "1", "0")
    raise ValueError(f"unknown decoder {decoder!r}")


def _choose(condition: str, yes: str, no: str) -> str:
    """cond ? yes : no, folded when the condition is a constant (no always-true tests)."""
    if condition == "1":
        return yes
    if condition == "0":
        return no
    return f"({condition} ? {yes} : {no})"


def _either(a: str, b: str) -> str:
    if "1" in (a, b):
        return "1"
    if a == "0":
        return b
    return a if b == "0" else f"({a} || {b})"
