"""C code for a brain's network: weights in flash, a forward pass for any layer sizes.

The generated header is plain C99 that also compiles as C++ (an Arduino sketch), on
the host with gcc and on the ATmega328P with avr-gcc. Names follow the Python side:
``neurocar_neurons`` holds every layer's weights and biases neuron by neuron (layer
N's neuron j: column j of its (inputs, outputs) matrix, then its bias),
``neurocar_layers`` each layer's shape, ``neurocar_forward`` is ``Network.forward`` and
``neurocar_activate`` applies a ``brain.activations`` function with the same formula.
Everything is static storage: no dynamic allocation.
"""
import numpy as np

from firmware_export.errors import ExportError

# The activations the generator can write, as C expressions of a float z.
# sigmoid uses the same formula as brain.activations (0.5 * (1 + tanh(z / 2))).
FLOAT32_MAX = float(np.finfo(np.float32).max)
C_ACTIVATIONS = {
    "linear": ("NEUROCAR_LINEAR", "z"),
    "tanh": ("NEUROCAR_TANH", "tanhf(z)"),
    "sigmoid": ("NEUROCAR_SIGMOID", "0.5f * (1.0f + tanhf(0.5f * z))"),
    "relu": ("NEUROCAR_RELU", "(z > 0.0f ? z : 0.0f)"),
}


def check_activations(network) -> None:
    for i, layer in enumerate(network.layers, start=1):
        if layer.activation.name not in C_ACTIVATIONS:
            raise ExportError(f"layer {i} uses the activation {layer.activation.name!r}, which the firmware "
                              f"generator cannot write; supported: {', '.join(sorted(C_ACTIVATIONS))}")


def check_float32(network) -> None:
    """Refuse a weight or bias the AVR's float (IEEE single precision) cannot hold."""
    for i, layer in enumerate(network.layers, start=1):
        for what, values in (("weight", layer.weights), ("bias", layer.biases if layer.has_bias else np.zeros(0))):
            with np.errstate(over="ignore"):
                big = np.isinf(np.asarray(values, dtype=np.float32))
            if big.any():
                raise ExportError(f"layer {i} has a {what} of {np.asarray(values)[big].flat[0]:g}, beyond the "
                                  f"Arduino's float range (+-{FLOAT32_MAX:.4g}); retrain the brain")


def c_float(value: float) -> str:
    """A C float literal that reads back as exactly the float32 nearest to value."""
    text = f"{float(np.float32(value)):.9g}"
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def neuron_table(network) -> str:
    """Every layer's neurons in one flash table, in the order the pass reads them: layer
    by layer, one line per output neuron, its weight from each input (column j of the
    layer's (inputs, outputs) matrix), then its bias if the layer has biases."""
    lines, total = [], 0
    for i, layer in enumerate(network.layers, start=1):
        rows = np.asarray(layer.weights, dtype=float).T
        if layer.has_bias:
            rows = np.column_stack([rows, np.asarray(layer.biases, dtype=float).reshape(-1)])
        what = "weights from each input, then bias" if layer.has_bias else "weights from each input (no bias)"
        lines.append(f"    /* layer {i}: {layer.n_in} inputs -> {layer.n_out} outputs, {layer.activation.name} */")
        lines += [f"    {', '.join(c_float(v) for v in row)},  /* neuron {j}: {what} */"
                  for j, row in enumerate(rows)]
        total += rows.size
    return (f"static const float neurocar_neurons[{total}] PROGMEM = {{\n" + "\n".join(lines) + "\n};\n")


def count_type(network) -> str:
    """The narrowest loop counter: uint8_t loops are cheaper on an 8-bit CPU."""
    return "uint8_t" if max(network.sizes) <= 255 else "uint16_t"


def network_source(network) -> str:
    """The whole network header body: constants, weights and the forward pass."""
    check_activations(network)
    check_float32(network)
    count_t = count_type(network)
    parts = [_PRELUDE, _activation_function(network), constants_block(network), shape_table(network, count_t),
             neuron_table(network), _layer_properties(network),
             _PASS_FUNCTION.replace("COUNT_T", count_t).replace("HIDDEN_OUTPUT", _hidden_output(network))
             .replace("HIDDEN_TEST", "l < NEUROCAR_N_LAYERS - 1" if len(network.layers) > 1 else "0"),
             _forward_function(network)]
    return "\n".join(parts)


def constants_block(network) -> str:
    """The layer-size constants (shared by the float and fixed-point networks)."""
    sizes = ", ".join(str(s) for s in network.sizes)
    hidden = max(network.sizes[1:-1], default=0)
    return (f"/* Layer sizes {sizes}: inputs first, outputs last. */\n"
            f"#define NEUROCAR_N_INPUTS {network.n_inputs}\n"
            f"#define NEUROCAR_N_OUTPUTS {network.n_outputs}\n"
            f"#define NEUROCAR_N_LAYERS {len(network.layers)}\n"
            f"#define NEUROCAR_MAX_WIDTH {max(network.sizes)}\n"
            f"#define NEUROCAR_HIDDEN_WIDTH {hidden}   /* the widest hidden layer */\n")


def shape_table(network, count_t: str) -> str:
    """Each layer's shape in flash; activation ids are the same in both arithmetics."""
    rows = "\n".join(f"    {{{layer.n_in}, {layer.n_out}, {int(layer.has_bias)}, "
                     f"{C_ACTIVATIONS[layer.activation.name][0]}}},  /* layer {i} */"
                     for i, layer in enumerate(network.layers, start=1))
    return ("/* Each layer's shape: inputs, outputs, 1 if it has biases, its activation. */\n"
            f"static const {count_t} neurocar_layers[NEUROCAR_N_LAYERS][4] PROGMEM = {{\n{rows}\n}};\n"
            f"#define NEUROCAR_LAYER(l, k) NEUROCAR_READ_{'BYTE' if count_t == 'uint8_t' else 'WORD'}"
            "(&neurocar_layers[l][k])\n")


def _layer_properties(network) -> str:
    """Whether layer l has biases, and a hidden layer's activation: constants when every
    layer agrees (so the compiler drops the test), else read from the shape table."""
    biased = {layer.has_bias for layer in network.layers}
    hidden = {layer.activation.name for layer in network.layers[:-1]}
    bias = str(int(biased.pop())) if len(biased) == 1 else "NEUROCAR_LAYER(l, 2)"
    act = C_ACTIVATIONS[hidden.pop()][0] if len(hidden) == 1 else "NEUROCAR_LAYER(l, 3)"
    return ("/* Whether layer l has biases, and hidden layer l's activation (one value for every\n"
            "   layer when they all agree). */\n"
            f"#define NEUROCAR_HAS_BIAS(l) {bias}\n#define NEUROCAR_HIDDEN_ACTIVATION(l) {act}\n")


def _hidden_output(network) -> str:
    """Where hidden layer l writes: one buffer with a single hidden layer, two in turn else."""
    n = len(network.layers)
    if n == 1:
        return "z"
    return "(l == NEUROCAR_N_LAYERS - 1) ? z : neurocar_buffers[" + ("0" if n == 2 else "l & 1") + "]"


def _activation_function(network) -> str:
    used = sorted({layer.activation.name for layer in network.layers})
    enum = "\n".join(f"#define {C_ACTIVATIONS[n][0]} {k}" for k, n in enumerate(sorted(C_ACTIVATIONS)))
    cases = "\n".join(f"    case {C_ACTIVATIONS[n][0]}: return {C_ACTIVATIONS[n][1]};" for n in used)
    return (f"/* Activation ids, and each used one with the formula of brain.activations. */\n{enum}\n\n"
            "static inline float neurocar_activate(uint8_t activation, float z)\n{\n"
            f"    switch (activation) {{\n{cases}\n    default: return z;\n    }}\n}}\n")


def _forward_function(network) -> str:
    act = C_ACTIVATIONS[network.layers[-1].activation.name][0]
    return ("/* Network.forward: outputs[NEUROCAR_N_OUTPUTS] from inputs[NEUROCAR_N_INPUTS]: the pass,\n"
            "   then the output layer's activation. */\n"
            "static inline void neurocar_forward(const float *inputs, float *outputs)\n{\n"
            "    neurocar_pass(inputs, outputs);\n"
            "    for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {\n"
            f"        outputs[k] = neurocar_activate({act}, outputs[k]);\n"
            "    }\n}\n")


_PRELUDE = """\
#include <math.h>
#include <stdint.h>

/* Weights live in flash on the AVR (PROGMEM); on any other machine they are plain
   constants, so the very same code runs on the host for verification. */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define NEUROCAR_READ_FLOAT(p) pgm_read_float(p)
#define NEUROCAR_READ_BYTE(p) pgm_read_byte(p)
#define NEUROCAR_READ_WORD(p) pgm_read_word(p)
#else
#ifndef PROGMEM
#define PROGMEM
#endif
#define NEUROCAR_READ_FLOAT(p) (*(p))
#define NEUROCAR_READ_BYTE(p) (*(p))
#define NEUROCAR_READ_WORD(p) (*(p))
#endif
"""

# One loop over the layers reads the neuron table from start to end: a single copy of
# the multiply-add code however many layers there are, which keeps the pass small.
_PASS_FUNCTION = """\
/* The pass up to the output layer's pre-activations z = x @ W + b (z[NEUROCAR_N_OUTPUTS]),
   every hidden layer's activation applied. Each neuron's products are summed in input
   order and its bias added last, as x @ W + b; the sum starts at the first product
   (0.0f + p is p: one float addition fewer). */
static void neurocar_pass(const float *inputs, float *z)
{
#if NEUROCAR_N_LAYERS > 1
    static float neurocar_buffers[NEUROCAR_N_LAYERS > 2 ? 2 : 1][NEUROCAR_HIDDEN_WIDTH];
#endif
    const float *p = neurocar_neurons;   /* the next weight or bias to read */
    const float *x = inputs;
    for (uint8_t l = 0; l < NEUROCAR_N_LAYERS; l++) {
        float *a = HIDDEN_OUTPUT;
        for (COUNT_T j = 0; j < NEUROCAR_LAYER(l, 1); j++) {
            float sum = x[0] * NEUROCAR_READ_FLOAT(p);
            p++;
            for (COUNT_T i = 1; i < NEUROCAR_LAYER(l, 0); i++, p++) {
                sum += x[i] * NEUROCAR_READ_FLOAT(p);
            }
            if (NEUROCAR_HAS_BIAS(l)) {
                sum += NEUROCAR_READ_FLOAT(p);
                p++;
            }
            if (HIDDEN_TEST) {   /* a hidden layer */
                sum = neurocar_activate(NEUROCAR_HIDDEN_ACTIVATION(l), sum);
            }
            a[j] = sum;
        }
        x = a;
    }
}
"""
