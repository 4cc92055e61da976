"""C code for a brain's network: weights in flash, a forward pass for any layer sizes.

The generated header is plain C99 that also compiles as C++ (an Arduino sketch), on
the host with gcc and on the ATmega328P with avr-gcc. Names follow the Python side:
``layerN_weights`` is layer N's (inputs, outputs) matrix row by row, ``layerN_biases``
its biases (absent when the layer has none), ``neurocar_forward`` is
``Network.forward`` and ``neurocar_activate`` applies a ``brain.activations`` function
with the same formula. Everything is static storage: no dynamic allocation.
"""
import re

import numpy as np

from firmware_export.errors import ExportError

# The activations the generator can write, as C expressions of a float z.
# sigmoid uses the same formula as brain.activations (0.5 * (1 + tanh(z / 2))).
C_ACTIVATIONS = {
    "linear": ("NEUROCAR_LINEAR", "z"),
    "tanh": ("NEUROCAR_TANH", "tanhf(z)"),
    "sigmoid": ("NEUROCAR_SIGMOID", "0.5f * (1.0f + tanhf(0.5f * z))"),
    "relu": ("NEUROCAR_RELU", "(z > 0.0f ? z : 0.0f)"),
}
C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while bool class delete new private public
protected template this throw try virtual setup loop main""".split())
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}\Z")


def check_identifier(name: str, what: str = "sketch name") -> str:
    """A user-given name becomes a file and a C identifier: refuse anything else."""
    if not _IDENTIFIER.match(name or "") or name in C_KEYWORDS or name.startswith("__"):
        raise ExportError(f"{what} {name!r} is not usable as a C identifier: use letters, digits "
                          f"and underscores, start with a letter or underscore, at most 63 characters, "
                          f"and not a C/C++ keyword or Arduino function name")
    return name


def check_activations(network) -> None:
    for i, layer in enumerate(network.layers, start=1):
        if layer.activation.name not in C_ACTIVATIONS:
            raise ExportError(f"layer {i} uses the activation {layer.activation.name!r}, which the firmware "
                              f"generator cannot write; supported: {', '.join(sorted(C_ACTIVATIONS))}")


def c_float(value: float) -> str:
    """A C float literal that reads back as exactly the float32 nearest to value."""
    text = f"{float(np.float32(value)):.9g}"
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def c_array(name: str, values, per_line: int = 6) -> str:
    """A flash-resident float array, one row of the (inputs, outputs) matrix per line."""
    values = np.asarray(values, dtype=float)
    rows = values.reshape(-1, values.shape[-1]) if values.ndim == 2 else values.reshape(1, -1)
    lines = []
    for row in rows:
        for start in range(0, len(row), per_line):
            lines.append("    " + ", ".join(c_float(v) for v in row[start:start + per_line]) + ",")
    return f"static const float {name}[{values.size}] PROGMEM = {{\n" + "\n".join(lines) + "\n};\n"


def count_type(network) -> str:
    """The narrowest loop counter: uint8_t loops are cheaper on an 8-bit CPU."""
    return "uint8_t" if max(network.sizes) <= 255 else "uint16_t"


def network_source(network) -> str:
    """The whole network header body: constants, weights and the forward pass."""
    check_activations(network)
    width = max(network.sizes)
    parts = [_PRELUDE, _activation_function(network), _constants(network, width)]
    for i, layer in enumerate(network.layers, start=1):
        parts.append(c_array(f"layer{i}_weights", layer.weights))
        if layer.has_bias:
            parts.append(c_array(f"layer{i}_biases", layer.biases))
    parts.append(_LAYER_FUNCTION.replace("COUNT_T", count_type(network)))
    parts.append(_forward_function(network))
    return "\n".join(parts)


def _constants(network, width: int) -> str:
    sizes = ", ".join(str(s) for s in network.sizes)
    return (f"/* Layer sizes {sizes}: inputs first, outputs last. */\n"
            f"#define NEUROCAR_N_INPUTS {network.n_inputs}\n"
            f"#define NEUROCAR_N_OUTPUTS {network.n_outputs}\n"
            f"#define NEUROCAR_N_LAYERS {len(network.layers)}\n"
            f"#define NEUROCAR_MAX_WIDTH {width}\n")


def _activation_function(network) -> str:
    used = sorted({layer.activation.name for layer in network.layers})
    enum = "\n".join(f"#define {C_ACTIVATIONS[n][0]} {k}" for k, n in enumerate(sorted(C_ACTIVATIONS)))
    cases = "\n".join(f"    case {C_ACTIVATIONS[n][0]}: return {C_ACTIVATIONS[n][1]};" for n in used)
    return (f"/* Activation ids, and each used one with the formula of brain.activations. */\n{enum}\n\n"
            "static inline float neurocar_activate(uint8_t activation, float z)\n{\n"
            f"    switch (activation) {{\n{cases}\n    default: return z;\n    }}\n}}\n")


def _forward_function(network) -> str:
    calls = []
    for i, layer in enumerate(network.layers, start=1):
        src = "inputs" if i == 1 else ("neurocar_buffer_a" if i % 2 == 0 else "neurocar_buffer_b")
        dst = "outputs" if i == len(network.layers) else ("neurocar_buffer_a" if i % 2 else "neurocar_buffer_b")
        biases = f"layer{i}_biases" if layer.has_bias else "0"
        act = C_ACTIVATIONS[layer.activation.name][0]
        calls.append(f"    neurocar_layer({src}, {layer.n_in}, layer{i}_weights, {biases}, "
                     f"{layer.n_out}, {act}, {dst});")
    buffers = []
    if len(network.layers) > 1:
        buffers.append("    static float neurocar_buffer_a[NEUROCAR_MAX_WIDTH];")
    if len(network.layers) > 2:
        buffers.append("    static float neurocar_buffer_b[NEUROCAR_MAX_WIDTH];")
    body = "\n".join(buffers + calls)
    return ("/* Network.forward: outputs[NEUROCAR_N_OUTPUTS] from inputs[NEUROCAR_N_INPUTS]. */\n"
            "static inline void neurocar_forward(const float *inputs, float *outputs)\n{\n"
            f"{body}\n}}\n")


_PRELUDE = """\
#include <math.h>
#include <stdint.h>

/* Weights live in flash on the AVR (PROGMEM); on any other machine they are plain
   constants, so the very same code runs on the host for verification. */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define NEUROCAR_READ_FLOAT(p) pgm_read_float(p)
#else
#ifndef PROGMEM
#define PROGMEM
#endif
#define NEUROCAR_READ_FLOAT(p) (*(p))
#endif
"""

_LAYER_FUNCTION = """\
/* One layer, a = f(x @ W + b), with W stored (inputs, outputs) row by row.
   biases is 0 for a layer without a bias. */
static inline void neurocar_layer(const float *x, COUNT_T n_in, const float *weights,
                                  const float *biases, COUNT_T n_out, uint8_t activation, float *a)
{
    for (COUNT_T j = 0; j < n_out; j++) {
        float z = 0.0f;
        const float *w = &weights[j];
        for (COUNT_T i = 0; i < n_in; i++, w += n_out) {
            z += x[i] * NEUROCAR_READ_FLOAT(w);
        }
        if (biases) {
            z += NEUROCAR_READ_FLOAT(&biases[j]);
        }
        a[j] = neurocar_activate(activation, z);
    }
}
"""
