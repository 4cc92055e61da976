"""C code for a brain's fixed-point twin (``brain.fixedpoint``): int16 Q13 weights in
flash, int32 sums, the tanh table in flash, no floating point at all.

Every operation is the one ``brain.fixedpoint`` documents, in the same order, so the C
gives the Python twin's integers bit for bit (tests compare them on the host and in
simavr). Two C details the rules rely on: a right shift of a negative int32 is
arithmetic (floor), as gcc and avr-gcc define it, and ``b * 8192`` is written as a
product (a left shift of a negative value would be undefined). The code is in the
templates (``fixed_*``); this module fills in the network's data.
"""
import numpy as np

from brain.fixedpoint import FRACTION_BITS, HALF, ONE, TABLE_SIZE, TABLE_STEP_BITS, TANH_TABLE

from firmware_export.cnetwork import (ACTIVATION_IDS, activation_flag, activation_ids, bias_flag, constants_block,
                                      count_type, layer_output, neuron_rows, shape_table)
from firmware_export.ctemplates import fill
from firmware_export.decisions import DECODER_RULES

# Each activation as a C expression of a Q13 z.
FIXED_ACTIVATIONS = {
    "linear": "z",
    "relu": "(z > 0 ? z : 0)",
    "sigmoid": "(int16_t)((NEUROCAR_ONE + neurocar_tanh((int16_t)(z >> 1)) + 1) >> 1)",
    "tanh": "neurocar_tanh(z)",
}
# Each decoder as a C expression of a Q13 output a.
DECODERS = {
    "round": "a > NEUROCAR_HALF ? 1 : (a < -NEUROCAR_HALF ? -1 : 0)",
    "sign": "a >= 0 ? 1 : -1",
    "bit": "(a > NEUROCAR_HALF || a < -NEUROCAR_HALF) ? 1 : 0",
}


def network_source(network) -> str:
    """The fixed-point network: constants, tables and the forward pass (``network`` is a
    ``brain.fixedpoint.FixedPointNetwork``)."""
    count_t = count_type(network)
    used = {layer.activation.name for layer in network.layers}
    parts = [fill("fixed_prelude.h", bits=FRACTION_BITS, one=ONE, half=HALF),
             fill("fixed_activation_ids.h", ids=activation_ids())]
    if used & {"tanh", "sigmoid"}:
        parts.append(_tanh_table())
    cases = "\n".join(f"    case {ACTIVATION_IDS[n]}: return {FIXED_ACTIVATIONS[n]};" for n in sorted(used))
    rows, total = neuron_rows(network, lambda v: str(int(v)))
    parts += [fill("fixed_activate.h", cases=cases), constants_block(network), shape_table(network, count_t),
              fill("fixed_neurons.h", total=total, rows=rows),
              fill("fixed_layer_flags.h", has_bias=bias_flag(network), activation=activation_flag(network.layers)),
              fill("fixed_forward.c", count_t=count_t, layer_output=layer_output(network, "outputs"))]
    return "\n".join(parts)


def decide_source(brain) -> str:
    """Brain.decide for the twin: the pass, then one decoder per output on the Q13 outputs."""
    functions = "".join(fill("fixed_decoder.h", decoder=d, rule=DECODER_RULES[d], expression=DECODERS[d])
                        for d in dict.fromkeys(brain.decoders))
    decodes = "\n".join(f"    decision[{k}] = neurocar_{d}(a[{k}]);  /* {name} */"
                        for k, (name, d) in enumerate(zip(brain.output_names, brain.decoders)))
    return functions + fill("fixed_decide.h", decodes=decodes)


def _tanh_table() -> str:
    diffs = np.diff(TANH_TABLE)
    assert diffs.min() >= 0 and diffs.max() * 255 + 128 < 1 << 16, "the interpolation must fit 16 bits"
    rows = ",\n".join("    " + ", ".join(str(int(v)) for v in TANH_TABLE[k:k + 16]) for k in range(0, TABLE_SIZE, 16))
    step = 1 << TABLE_STEP_BITS
    return fill("fixed_tanh.h", steps_per_one=ONE // step, bits=FRACTION_BITS, last=TABLE_SIZE - 1,
                top=(TABLE_SIZE - 1) * step // ONE, size=TABLE_SIZE, rows=rows, step=step,
                end=(TABLE_SIZE - 1) * step, step_bits=TABLE_STEP_BITS, step_mask=step - 1, half_step=step // 2)
