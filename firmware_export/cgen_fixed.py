"""C code for a brain's fixed-point twin (``brain.fixedpoint``): int16 Q13 weights in
flash, int32 sums, the tanh table in flash, no floating point at all.

Every operation is the one ``brain.fixedpoint`` documents, in the same order, so the C
gives the Python twin's integers bit for bit (tests compare them on the host and in
simavr). Two C details the rules rely on: a right shift of a negative int32 is
arithmetic (floor), as gcc and avr-gcc define it, and ``b * 8192`` is written as a
product (a left shift of a negative value would be undefined).
"""
import numpy as np

from brain.fixedpoint import FRACTION_BITS, HALF, ONE, TABLE_SIZE, TABLE_STEP_BITS, TANH_TABLE

from firmware_export.cgen import constants_block, count_type, shape_table

# Activation ids (the same numbering as the float generator's) and their C expressions of z.
FIXED_ACTIVATIONS = {
    "linear": ("NEUROCAR_LINEAR", "z"),
    "relu": ("NEUROCAR_RELU", "(z > 0 ? z : 0)"),
    "sigmoid": ("NEUROCAR_SIGMOID", "(int16_t)((NEUROCAR_ONE + neurocar_tanh((int16_t)(z >> 1)) + 1) >> 1)"),
    "tanh": ("NEUROCAR_TANH", "neurocar_tanh(z)"),
}
DECODERS = {
    "round": "a > NEUROCAR_HALF ? 1 : (a < -NEUROCAR_HALF ? -1 : 0)",
    "sign": "a >= 0 ? 1 : -1",
    "bit": "(a > NEUROCAR_HALF || a < -NEUROCAR_HALF) ? 1 : 0",
}
DECODER_RULES = {"round": "the nearest of -1, 0, 1 (0.5 rounds to 0)", "sign": "1 if >= 0, else -1",
                 "bit": "round(|a|): 1 when |a| > 0.5, else 0"}


def network_source(network) -> str:
    """The fixed-point network: constants, tables and the forward pass (``network`` is a
    ``brain.fixedpoint.FixedPointNetwork``)."""
    count_t = count_type(network)
    used = {layer.activation.name for layer in network.layers}
    parts = [_PRELUDE.format(bits=FRACTION_BITS, one=ONE, half=HALF), _activation_ids()]
    if used & {"tanh", "sigmoid"}:
        parts.append(_tanh_table())
    parts += [_activate(used), constants_block(network), shape_table(network, count_t), _neuron_table(network),
              _layer_properties(network),
              _FORWARD.replace("COUNT_T", count_t).replace("LAYER_OUTPUT", _layer_output(network))]
    return "\n".join(parts)


def decide_source(brain) -> str:
    """Brain.decide for the twin: the pass, then one decoder per output on the Q13 outputs."""
    used = list(dict.fromkeys(brain.decoders))
    functions = "".join(f"/* {d}: {DECODER_RULES[d]}, on a Q13 output a. */\n"
                        f"static inline int8_t neurocar_{d}(int16_t a)\n{{\n    return {DECODERS[d]};\n}}\n\n"
                        for d in used)
    decodes = "\n".join(f"    decision[{k}] = neurocar_{d}(a[{k}]);  /* {name} */"
                        for k, (name, d) in enumerate(zip(brain.output_names, brain.decoders)))
    return (functions + "/* Brain.decide: each output's decision (brain.decoders) from the Q13 inputs. */\n"
            "static inline void neurocar_decide_outputs(const int16_t *inputs, int8_t *decision)\n{\n"
            "    int16_t a[NEUROCAR_N_OUTPUTS];\n    neurocar_forward(inputs, a);\n" + decodes + "\n}\n")


def _activation_ids() -> str:
    ids = "\n".join(f"#define {FIXED_ACTIVATIONS[n][0]} {k}" for k, n in enumerate(sorted(FIXED_ACTIVATIONS)))
    return f"/* Activation ids. */\n{ids}\n"


def _tanh_table() -> str:
    diffs = np.diff(TANH_TABLE)
    assert diffs.min() >= 0 and diffs.max() * 255 + 128 < 1 << 16, "the interpolation must fit 16 bits"
    rows = ",\n".join("    " + ", ".join(str(int(v)) for v in TANH_TABLE[k:k + 16]) for k in range(0, TABLE_SIZE, 16))
    step = 1 << TABLE_STEP_BITS
    top = (TABLE_SIZE - 1) * step // ONE
    return (f"/* tanh(k / {ONE // step}) in Q{FRACTION_BITS} for k = 0..{TABLE_SIZE - 1} (0 to {top}), "
            "rounded to nearest. */\n"
            f"static const uint16_t neurocar_tanh_table[{TABLE_SIZE}] PROGMEM = {{\n{rows}\n}};\n\n"
            "/* tanh of a Q13 value: the table at |z|, interpolated linearly between entries\n"
            f"   {step} apart (the fraction rounded halves up), the last entry beyond; odd. */\n"
            "static int16_t neurocar_tanh(int16_t z)\n{\n"
            "    uint16_t u = (z < 0) ? (uint16_t)(-(int32_t)z) : (uint16_t)z;\n"
            "    uint16_t y;\n"
            f"    if (u >= {(TABLE_SIZE - 1) * step}u) {{\n"
            f"        y = NEUROCAR_READ_WORD(&neurocar_tanh_table[{TABLE_SIZE - 1}]);\n"
            "    } else {\n"
            f"        uint8_t i = (uint8_t)(u >> {TABLE_STEP_BITS});\n"
            f"        uint8_t f = (uint8_t)(u & {step - 1}u);\n"
            "        uint16_t low = NEUROCAR_READ_WORD(&neurocar_tanh_table[i]);\n"
            "        uint16_t high = NEUROCAR_READ_WORD(&neurocar_tanh_table[i + 1]);\n"
            f"        y = low + (uint16_t)(((uint16_t)(high - low) * f + {step // 2}u) >> {TABLE_STEP_BITS});\n"
            "    }\n"
            "    return (z < 0) ? (int16_t)-(int16_t)y : (int16_t)y;\n}\n")


def _activate(used) -> str:
    cases = "\n".join(f"    case {FIXED_ACTIVATIONS[n][0]}: return {FIXED_ACTIVATIONS[n][1]};" for n in sorted(used))
    return ("/* An activation of a Q13 pre-activation (brain.fixedpoint's rules). */\n"
            "static inline int16_t neurocar_activate(uint8_t activation, int16_t z)\n{\n"
            f"    switch (activation) {{\n{cases}\n    default: return z;\n    }}\n}}\n")


def _neuron_table(network) -> str:
    lines, total = [], 0
    for i, layer in enumerate(network.layers, start=1):
        rows = np.asarray(layer.weights).T
        if layer.has_bias:
            rows = np.column_stack([rows, np.asarray(layer.biases).reshape(-1)])
        what = "weights from each input, then bias" if layer.has_bias else "weights from each input (no bias)"
        lines.append(f"    /* layer {i}: {layer.n_in} inputs -> {layer.n_out} outputs, {layer.activation.name} */")
        lines += [f"    {', '.join(str(int(v)) for v in row)},  /* neuron {j}: {what} */" for j, row in enumerate(rows)]
        total += rows.size
    return ("/* Every layer's neurons in Q13, in the order the pass reads them. */\n"
            f"static const int16_t neurocar_neurons[{total}] PROGMEM = {{\n" + "\n".join(lines) + "\n};\n")


def _layer_properties(network) -> str:
    biased = {layer.has_bias for layer in network.layers}
    acts = {layer.activation.name for layer in network.layers}
    bias = str(int(biased.pop())) if len(biased) == 1 else "NEUROCAR_LAYER(l, 2)"
    act = FIXED_ACTIVATIONS[acts.pop()][0] if len(acts) == 1 else "NEUROCAR_LAYER(l, 3)"
    return ("/* Whether layer l has biases, and its activation (one value for every layer when\n"
            "   they all agree). */\n"
            f"#define NEUROCAR_HAS_BIAS(l) {bias}\n#define NEUROCAR_ACTIVATION(l) {act}\n")


def _layer_output(network) -> str:
    n = len(network.layers)
    if n == 1:
        return "outputs"
    return "(l == NEUROCAR_N_LAYERS - 1) ? outputs : neurocar_buffers[" + ("0" if n == 2 else "l & 1") + "]"


_PRELUDE = """\
#include <stdint.h>

/* Weights live in flash on the AVR (PROGMEM); on any other machine they are plain
   constants, so the very same code runs on the host for verification. */
#ifdef __AVR__
#include <avr/pgmspace.h>
#define NEUROCAR_READ_BYTE(p) pgm_read_byte(p)
#define NEUROCAR_READ_WORD(p) pgm_read_word(p)
#else
#ifndef PROGMEM
#define PROGMEM
#endif
#define NEUROCAR_READ_BYTE(p) (*(p))
#define NEUROCAR_READ_WORD(p) (*(p))
#endif

/* Fixed point (brain.fixedpoint): int16 Q{bits} values (v * {one}), int32 sums. */
#define NEUROCAR_FIXED_POINT 1
#define NEUROCAR_FRACTION_BITS {bits}
#define NEUROCAR_ONE {one}    /* 1.0 */
#define NEUROCAR_HALF {half}   /* 0.5 */

static inline int16_t neurocar_saturate(int32_t z)
{{
    return z > 32767L ? 32767 : (z < -32768L ? -32768 : (int16_t)z);
}}
"""

_FORWARD = """\
/* Network.forward in fixed point: outputs[NEUROCAR_N_OUTPUTS] (Q13) from inputs (Q13).
   Each neuron: acc = sum of x[i] * w[i] in input order, plus bias * NEUROCAR_ONE (int32);
   z = (acc + NEUROCAR_HALF) >> NEUROCAR_FRACTION_BITS, saturated to int16; then the
   layer's activation. */
static void neurocar_forward(const int16_t *inputs, int16_t *outputs)
{
#if NEUROCAR_N_LAYERS > 1
    static int16_t neurocar_buffers[NEUROCAR_N_LAYERS > 2 ? 2 : 1][NEUROCAR_HIDDEN_WIDTH];
#endif
    const int16_t *p = neurocar_neurons;   /* the next weight or bias to read */
    const int16_t *x = inputs;
    for (uint8_t l = 0; l < NEUROCAR_N_LAYERS; l++) {
        int16_t *a = LAYER_OUTPUT;
        for (COUNT_T j = 0; j < NEUROCAR_LAYER(l, 1); j++) {
            int32_t acc = 0;
            for (COUNT_T i = 0; i < NEUROCAR_LAYER(l, 0); i++, p++) {
                acc += (int32_t)x[i] * (int16_t)NEUROCAR_READ_WORD(p);
            }
            if (NEUROCAR_HAS_BIAS(l)) {
                acc += (int32_t)(int16_t)NEUROCAR_READ_WORD(p) * NEUROCAR_ONE;
                p++;
            }
            a[j] = neurocar_activate(NEUROCAR_ACTIVATION(l),
                                     neurocar_saturate((acc + NEUROCAR_HALF) >> NEUROCAR_FRACTION_BITS));
        }
        x = a;
    }
}
"""
