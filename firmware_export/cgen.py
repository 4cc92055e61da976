"""C code for a brain's network: weights in flash, a forward pass for any layer sizes.

The generated header is plain C99 that also compiles as C++ (an Arduino sketch), on
the host with gcc and on the ATmega328P with avr-gcc. Names follow the Python side:
``neurocar_neurons`` holds every layer's weights and biases neuron by neuron (layer
N's neuron j: column j of its (inputs, outputs) matrix, then its bias),
``neurocar_layers`` each layer's shape, ``neurocar_forward`` is ``Network.forward`` and
``neurocar_activate`` applies a ``brain.activations`` function with the same formula.
Everything is static storage: no dynamic allocation. The code is in the templates
(``float_*``); this module fills in the network's data.
"""
import numpy as np

from firmware_export.cnetwork import (ACTIVATION_IDS, activation_flag, activation_ids, bias_flag, constants_block,
                                      count_type, layer_output, neuron_rows, shape_table)
from firmware_export.ctemplates import fill, source
from firmware_export.errors import ExportError
from brain.i18n import _

# Each activation the generator can write, as a C expression of a float z; sigmoid
# uses the same formula as brain.activations (0.5 * (1 + tanh(z / 2))).
C_ACTIVATIONS = {
    "linear": "z",
    "tanh": "tanhf(z)",
    "sigmoid": "0.5f * (1.0f + tanhf(0.5f * z))",
    "relu": "(z > 0.0f ? z : 0.0f)",
}
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_activations(network) -> None:
    for i, layer in enumerate(network.layers, start=1):
        if layer.activation.name not in C_ACTIVATIONS:
            raise ExportError(_("layer {i} uses the activation {name!r}, which the firmware "
                              "generator cannot write; supported: {value}").format(
                                  i=i, name=layer.activation.name, value=', '.join(sorted(C_ACTIVATIONS))))


def check_float32(network) -> None:
    """Refuse a weight or bias the AVR's float (IEEE single precision) cannot hold."""
    for i, layer in enumerate(network.layers, start=1):
        for what, values in (("weight", layer.weights), ("bias", layer.biases if layer.has_bias else np.zeros(0))):
            with np.errstate(over="ignore"):
                big = np.isinf(np.asarray(values, dtype=np.float32))
            if big.any():
                raise ExportError(_("layer {i} has a {what} of {flat:g}, beyond the "
                                  "Arduino's float range (+-{FLOAT32_MAX:.4g}); retrain the brain").format(
                                      i=i, what=what, flat=np.asarray(values)[big].flat[0], FLOAT32_MAX=FLOAT32_MAX))


def c_float(value: float) -> str:
    """A C float literal that reads back as exactly the float32 nearest to value."""
    text = f"{float(np.float32(value)):.9g}"
    if not any(c in text for c in ".en"):
        text += ".0"
    return text + "f"


def network_source(network) -> str:
    """The whole network header body: constants, weights and the forward pass."""
    check_activations(network)
    check_float32(network)
    count_t = count_type(network)
    rows, total = neuron_rows(network, lambda v: c_float(float(v)))
    hidden_test = "l < NEUROCAR_N_LAYERS - 1" if len(network.layers) > 1 else "0"
    parts = [source("float_prelude.h"), _activation_function(network), constants_block(network),
             shape_table(network, count_t), fill("float_neurons.h", total=total, rows=rows),
             fill("float_layer_flags.h", has_bias=bias_flag(network), activation=activation_flag(network.layers[:-1])),
             fill("float_pass.c", count_t=count_t, hidden_output=layer_output(network, "z"), hidden_test=hidden_test),
             fill("float_forward.h", output_activation=ACTIVATION_IDS[network.layers[-1].activation.name])]
    return "\n".join(parts)


def _activation_function(network) -> str:
    used = sorted({layer.activation.name for layer in network.layers})
    cases = "\n".join(f"    case {ACTIVATION_IDS[n]}: return {C_ACTIVATIONS[n]};" for n in used)
    return fill("float_activate.h", ids=activation_ids(), cases=cases)
