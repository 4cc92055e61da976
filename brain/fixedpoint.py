"""A brain's fixed-point twin: the same network in int16 Q13 integers, bit for bit as a
small CPU without floating point would compute it.

Format and rules (every step is an integer operation, so any implementation that follows
them gets the very same integers):

- Q13: a value v is held as the int16 q = v * 8192, so [-4, 4) in steps of 1/8192.
  (Q12, with twice the range, decides differently from the float network at one point
  of the car's input grid for two of the shipped brains; Q13 at none.)
- ``quantise``: the nearest Q13 integer, halves away from zero, saturated to int16.
  Weights and biases are quantised once; a brain with a weight or bias outside
  [-4, 4) is refused rather than saturated. ``forward`` quantises its float inputs so.
- A neuron: ``acc = sum_i x_i * w_i + b * 8192`` in int32 (Q26; every neuron's sum is
  checked once to fit int32 for any int16 inputs, or the brain is refused), then
  ``z = (acc + 4096) >> 13`` (an arithmetic shift: the nearest Q13, halves upwards),
  saturated to int16, then the activation.
- tanh: a table ``TANH_TABLE[k] = round(8192 * tanh(k / 32))`` for k = 0..128 (0 to 4 in
  steps of 1/32, 256 Q13 units apart) and linear interpolation on u = |z|:
  ``i = u >> 8, f = u & 255``, ``y = T[i] + (((T[i+1] - T[i]) * f + 128) >> 8)``;
  u >= 32768 gives T[128]; the sign is restored afterwards (tanh is odd, and so is this).
- sigmoid(z) = ``(8192 + tanh(z >> 1) + 1) >> 1`` (sigmoid(z) = (1 + tanh(z / 2)) / 2).
- relu = max(z, 0) and linear = z, exact.

Outputs are Q13 integers; ``forward`` returns them divided by 8192 (exact in float64),
so the decoders of ``brain.decoders`` decide on exactly the integer outputs (round: above
4096 gives 1, below -4096 gives -1; sign: 0 or more gives 1; bit: |a| above 4096 gives 1).
"""
from dataclasses import dataclass

import numpy as np

from brain.activations import Activation
from brain.decoders import decode_all
from brain.errors import FixedPointError
from brain.network import LayerSizes
from brain.i18n import _

FRACTION_BITS = 13
ONE = 1 << FRACTION_BITS            # 1.0 in Q13
HALF = ONE >> 1
INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1
INT32_MAX = (1 << 31) - 1
TABLE_STEP_BITS = 8                 # table entries every 256 Q13 units = 1/32
TABLE_SIZE = 129                    # 0 to 4 inclusive
TABLE_STEP = (1 << TABLE_STEP_BITS) / ONE
TANH_TABLE = np.rint(np.tanh(np.arange(TABLE_SIZE) * TABLE_STEP) * ONE).astype(np.int64)
RANGE = f"[-{-INT16_MIN // ONE}, {-INT16_MIN // ONE})"
FORMAT = f"int16 Q{FRACTION_BITS}"
ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")
# Largest |value| an activation can hand to the next layer.
_LARGEST = {"tanh": ONE, "sigmoid": ONE, "relu": INT16_MAX, "linear": -INT16_MIN}


def quantise(x) -> np.ndarray:
    """Q13 integers (int64 array) of float values: nearest, halves away from zero,
    saturated to int16."""
    x = np.asarray(x, dtype=float)
    q = np.sign(x) * np.floor(np.abs(x) * ONE + 0.5)
    return np.clip(q, INT16_MIN, INT16_MAX).astype(np.int64)


def dequantise(q) -> np.ndarray:
    return np.asarray(q, dtype=np.int64) / float(ONE)


def saturate(z) -> np.ndarray:
    return np.clip(z, INT16_MIN, INT16_MAX)


def tanh_q(z) -> np.ndarray:
    """tanh of Q13 integers by the interpolated table (see the module's rules)."""
    z = np.asarray(z, dtype=np.int64)
    u = np.abs(z)
    i = np.minimum(u >> TABLE_STEP_BITS, TABLE_SIZE - 2)
    f = u & ((1 << TABLE_STEP_BITS) - 1)
    low = TANH_TABLE[i]
    y = low + (((TANH_TABLE[i + 1] - low) * f + (1 << (TABLE_STEP_BITS - 1))) >> TABLE_STEP_BITS)
    y = np.where(u >= (TABLE_SIZE - 1) << TABLE_STEP_BITS, TANH_TABLE[-1], y)
    return np.where(z < 0, -y, y)


def sigmoid_q(z) -> np.ndarray:
    return (ONE + tanh_q(np.asarray(z, dtype=np.int64) >> 1) + 1) >> 1


_FUNCTIONS = {"tanh": tanh_q, "sigmoid": sigmoid_q, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z}


@dataclass
class FixedLayer:
    weights: np.ndarray      # (inputs, outputs) Q13 integers
    biases: np.ndarray       # (outputs,) Q13 integers; zeros when has_bias is False
    activation: Activation
    has_bias: bool

    @property
    def n_in(self) -> int:
        return self.weights.shape[0]

    @property
    def n_out(self) -> int:
        return self.weights.shape[1]


class FixedPointNetwork(LayerSizes):
    """A ``brain.network.Network`` quantised to Q13, with the integer forward pass."""

    def __init__(self, network):
        layers, largest = [], -INT16_MIN        # inputs may be any int16
        for n, layer in enumerate(network.layers, start=1):
            name = layer.activation.name
            if name not in _FUNCTIONS:
                raise FixedPointError(_("layer {n} uses the activation {name!r}, which the fixed-point network "
                                      "cannot compute; supported: {value}").format(
                                          n=n, name=name, value=', '.join(ACTIVATIONS)))
            w, b = np.asarray(layer.weights, dtype=float), np.asarray(layer.biases, dtype=float)
            for what, values in (("weight", w), ("bias", b if layer.has_bias else np.zeros(0))):
                outside = values[(values < (INT16_MIN - 0.5) / ONE) | (values >= (INT16_MAX + 0.5) / ONE)]
                if outside.size:
                    raise FixedPointError(_("layer {n} has a {what} of {flat:g}, outside the fixed-point "
                                          "range {RANGE} of {FORMAT}").format(
                                              n=n, what=what, flat=outside.flat[0], RANGE=RANGE, FORMAT=FORMAT))
            qw = quantise(w)
            qb = quantise(b) if layer.has_bias else np.zeros(layer.n_out, dtype=np.int64)
            bound = largest * np.abs(qw).sum(axis=0) + np.abs(qb) * ONE + HALF
            if bound.max() > INT32_MAX:
                raise FixedPointError(_("layer {n}: neuron {int}'s sum could overflow 32 bits in "
                                      "fixed point; its weights are too large").format(n=n, int=int(bound.argmax())))
            layers.append(FixedLayer(qw, qb, layer.activation, bool(layer.has_bias)))
            largest = _LARGEST[name]
        self.layers = layers

    def forward_int(self, xq) -> np.ndarray:
        """Q13 outputs (int64 array of int16 values) of Q13 inputs (a batch or one row)."""
        a = saturate(np.asarray(xq, dtype=np.int64))
        for layer in self.layers:
            acc = a @ layer.weights + layer.biases * ONE
            a = _FUNCTIONS[layer.activation.name](saturate((acc + HALF) >> FRACTION_BITS))
        return a

    def forward(self, x) -> np.ndarray:
        """Float inputs quantised, the integer pass, outputs dequantised (exactly)."""
        return dequantise(self.forward_int(quantise(x)))

    def __repr__(self) -> str:
        acts = ", ".join(l.activation.name for l in self.layers)
        return f"FixedPointNetwork({'-'.join(map(str, self.sizes))}, {acts}, {FORMAT})"


class FixedPointBrain:
    """A ``Brain`` computed in fixed point: the same names, decoders and actions, and
    ``forward``/``decide`` with the integer arithmetic of ``FixedPointNetwork``."""

    def __init__(self, brain):
        self.float_brain = brain
        self.network = FixedPointNetwork(brain.network)
        self.input_names = list(brain.input_names)
        self.output_names = list(brain.output_names)
        self.decoders = list(brain.decoders)
        self.actions = dict(brain.actions)
        self.provenance = dict(brain.provenance)

    def forward(self, x) -> np.ndarray:
        return self.network.forward(x)

    def forward_int(self, xq) -> np.ndarray:
        return self.network.forward_int(xq)

    def decide(self, x) -> np.ndarray:
        return decode_all(self.decoders, self.forward(np.atleast_2d(x)))

    def action_label(self, decision) -> str:
        return self.float_brain.action_label(decision)

    def sha256(self) -> str:
        """The float brain's hash: the twin is fully determined by it."""
        return self.float_brain.sha256()

    def to_dict(self) -> dict:
        return self.float_brain.to_dict()


def to_fixed_point(brain) -> FixedPointBrain:
    """The fixed-point twin of a brain (itself when it is one already); FixedPointError when
    the brain cannot be held in Q13."""
    return brain if isinstance(brain, FixedPointBrain) else FixedPointBrain(brain)


TWIN_LIMIT = -INT16_MIN / ONE  # Q13's range is [-4, 4)
TWIN_MARGIN = 0.99            # stay clear of both edges
_BOUNDED_OUTPUT = {"tanh": 1.0, "sigmoid": 1.0}   # |output| at most; others reach the Q13 range


def twin_limits(network) -> list[float]:
    """Per layer, the largest |weight| and |bias| with which the fixed-point twin always
    exists: a weight must lie in [-4, 4), and a neuron's sum must fit 32 bits for the
    largest inputs the layer can be handed (any int16, |x| < 4, for the first layer; at
    most 1 after tanh or sigmoid): with n inputs of magnitude at most m and every |weight|
    at most L, the sum stays within (n m + 1) L 8192^2 < 2^31 when L < 32 / (n m + 1)."""
    limits, largest = [], TWIN_LIMIT
    for layer in network.layers:
        limits.append(TWIN_MARGIN * min(TWIN_LIMIT, 32.0 / (layer.n_in * largest + 1)))
        largest = _BOUNDED_OUTPUT.get(layer.activation.name, TWIN_LIMIT)
    return limits
