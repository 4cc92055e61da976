"""Decoding an output from its pre-activation, without computing the activation.

``brain.decoders`` decide from an output a = f(z) by comparing it with 0 or +-0.5.
Every activation the generator writes is monotonic (non-decreasing), so each of those
comparisons is a comparison of z with one constant, f's inverse at that value. The
firmware therefore skips the output layer's tanh calls (the dearest part of a decision
on the AVR) and still makes the decision of the exact-tanh network: the same decoder
applied to the same f(z), up to the float32 rounding of the threshold itself.

Each comparison of z with a float32 edge t is written on z's bits, which gives exactly
the float comparison without the float comparison routines (about 90 bytes of flash on
the AVR, and their calls). IEEE 754 floats are sign and magnitude, so:

- for t >= +0 (sign bit clear), z > t, z >= t and z < t are the same comparisons of
  the bits read as a signed integer (every negative z is a negative integer there);
- for t <= -0 (sign bit set), they are the reversed comparisons of the bits read as
  an unsigned integer (z < t, for one, is "z negative with a larger magnitude").

A zero edge takes the sign that keeps +0 and -0 equal: +0 for z > 0, -0 for z >= 0
and z < 0. (NaN never reaches a decoder: the weights and inputs are finite.)
"""
import math
import struct

import numpy as np

from firmware_export.cgen import c_float

# (lowest, highest) value of f and whether each is reached by some finite z.
_RANGES = {"tanh": (-1.0, 1.0, False, False), "sigmoid": (0.0, 1.0, False, False),
           "relu": (0.0, math.inf, True, False), "linear": (-math.inf, math.inf, False, False)}
# Each decoder's rule in words, for the comments of the C written for it.
DECODER_RULES = {"round": "the nearest of -1, 0, 1 (0.5 rounds to 0)", "sign": "1 if >= 0, else -1",
                 "bit": "round(|a|): 1 when |a| > 0.5, else 0"}
BITS_VARIABLE = "bits"   # the C union holding z (.f), its bits signed (.i) and unsigned (.u)
_REVERSED = {">": "<", ">=": "<=", "<": ">"}


def _inverse(activation: str, v: float) -> float:
    if activation == "tanh":
        return math.atanh(v)
    if activation == "sigmoid":
        return math.log(v / (1.0 - v))
    return v  # relu above 0 and linear are the identity


def float_bits(value) -> int:
    """The float32 nearest to value, as its 32 bits (an unsigned integer)."""
    return struct.unpack("<I", struct.pack("<f", np.float32(value)))[0]


def compare_bits(op: str, edge) -> str:
    """The C test of z's bits that is exactly the float32 comparison 'z op edge'."""
    t = np.float32(edge)
    if t == 0:
        t = np.float32(0.0 if op == ">" else -0.0)
    bits = float_bits(t)
    text = c_float(abs(t) if t == 0 else t)
    if bits < 0x80000000:
        return f"({BITS_VARIABLE}.i {op} {bits}L /* z {op} {text} */)"
    return f"({BITS_VARIABLE}.u {_REVERSED[op]} 0x{bits:08X}UL /* z {op} {text} */)"


def greater(activation: str, v: float, strict: bool = True) -> str:
    """A C test of z's bits that is 1 exactly when f(z) > v (or >= v when not strict)."""
    low, high, low_reached, _ = _RANGES[activation]
    if v < low or (v == low and not strict) or (v == low and not low_reached):
        return "1"
    if v >= high:
        return "0"
    return compare_bits(">" if strict else ">=", _inverse(activation, v))


def less(activation: str, v: float) -> str:
    """A C test of z's bits that is 1 exactly when f(z) < v."""
    low, high, low_reached, _ = _RANGES[activation]
    if v <= low:
        return "0"
    if v > high:
        return "1"
    return compare_bits("<", _inverse(activation, v))


def decoder_expression(decoder: str, activation: str) -> str:
    """The decision of one output as a C expression of z's bits, z its pre-activation,
    matching brain.decoders: round (nearest of -1, 0, 1; 0.5 rounds to 0), sign (1 if
    >= 0) and bit (round(|a|): 1 when |a| > 0.5). A constant when the decoder cannot
    but give one value (no test of z is written then)."""
    if decoder == "sign":
        return _choose(greater(activation, 0.0, strict=False), "1", "-1")
    above, below = greater(activation, 0.5), less(activation, -0.5)
    magnitude = _magnitude_above(activation)
    if decoder == "round":
        if magnitude:
            return f"({magnitude} ? (({BITS_VARIABLE}.i < 0L /* z < 0.0f */) ? -1 : 1) : 0)"
        return _choose(above, "1", _choose(below, "-1", "0"))
    if decoder == "bit":
        return f"({magnitude} ? 1 : 0)" if magnitude else _choose(_either(above, below), "1", "0")
    raise ValueError(f"unknown decoder {decoder!r}")


def _magnitude_above(activation: str) -> str | None:
    """For an odd f whose edges at +-0.5 are t and -t (tanh, linear): the one test |z| > t,
    on the magnitude bits (sign bit cleared), which is z > t or z < -t. None otherwise."""
    if activation not in ("tanh", "linear"):
        return None
    high, low = np.float32(_inverse(activation, 0.5)), np.float32(_inverse(activation, -0.5))
    if not (high > 0 and low == -high):
        return None
    return (f"(({BITS_VARIABLE}.u & 0x7FFFFFFFUL) > 0x{float_bits(high):08X}UL"
            f" /* |z| > {c_float(high)} */)")


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
