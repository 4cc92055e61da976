"""What the float and the fixed-point network C share: the activation ids, the layer
sizes, each layer's shape, the neuron table's layout and where each layer writes.

Both arithmetics number the activations alike, so a shape table reads the same in both.
"""
import numpy as np

from firmware_export.ctemplates import fill

# Activation name -> its id macro; ids are the names' sorted positions.
ACTIVATION_IDS = {"linear": "NEUROCAR_LINEAR", "relu": "NEUROCAR_RELU", "sigmoid": "NEUROCAR_SIGMOID",
                  "tanh": "NEUROCAR_TANH"}


def activation_ids() -> str:
    """The #define of every activation id, one a line."""
    return "\n".join(f"#define {ACTIVATION_IDS[n]} {k}" for k, n in enumerate(sorted(ACTIVATION_IDS)))


def count_type(network) -> str:
    """The narrowest loop counter: uint8_t loops are cheaper on an 8-bit CPU."""
    return "uint8_t" if max(network.sizes) <= 255 else "uint16_t"


def constants_block(network) -> str:
    """The layer-size constants."""
    return fill("network_sizes.h", sizes=", ".join(str(s) for s in network.sizes), n_inputs=network.n_inputs,
                n_outputs=network.n_outputs, n_layers=len(network.layers), max_width=max(network.sizes),
                hidden_width=max(network.sizes[1:-1], default=0))


def shape_table(network, count_t: str) -> str:
    """Each layer's shape in flash."""
    rows = "\n".join(f"    {{{layer.n_in}, {layer.n_out}, {int(layer.has_bias)}, "
                     f"{ACTIVATION_IDS[layer.activation.name]}}},  /* layer {i} */"
                     for i, layer in enumerate(network.layers, start=1))
    return fill("layer_shapes.h", count_t=count_t, rows=rows, read="BYTE" if count_t == "uint8_t" else "WORD")


def neuron_rows(network, literal) -> tuple[str, int]:
    """(the neuron table's lines, its length): layer by layer, one line per output
    neuron, its weight from each input (column j of the layer's (inputs, outputs)
    matrix), then its bias if the layer has biases; ``literal`` writes one value."""
    lines, total = [], 0
    for i, layer in enumerate(network.layers, start=1):
        what = "weights from each input, then bias" if layer.has_bias else "weights from each input (no bias)"
        lines.append(f"    /* layer {i}: {layer.n_in} inputs -> {layer.n_out} outputs, {layer.activation.name} */")
        weights = np.asarray(layer.weights)
        biases = np.asarray(layer.biases).reshape(-1) if layer.has_bias else None
        for j in range(layer.n_out):
            row = list(weights[:, j]) + ([biases[j]] if layer.has_bias else [])
            lines.append(f"    {', '.join(literal(v) for v in row)},  /* neuron {j}: {what} */")
            total += len(row)
    return "\n".join(lines), total


def bias_flag(network) -> str:
    """Whether layer l has biases: a constant when every layer agrees (so the compiler
    drops the test), else read from the shape table."""
    biased = {layer.has_bias for layer in network.layers}
    return str(int(biased.pop())) if len(biased) == 1 else "NEUROCAR_LAYER(l, 2)"


def activation_flag(layers) -> str:
    """The activation of layer l among ``layers``: one id when they all agree, else read."""
    names = {layer.activation.name for layer in layers}
    return ACTIVATION_IDS[names.pop()] if len(names) == 1 else "NEUROCAR_LAYER(l, 3)"


def layer_output(network, last: str) -> str:
    """Where layer l writes: ``last`` for the output layer; a hidden layer writes one
    buffer with a single hidden layer, two in turn with more."""
    n = len(network.layers)
    if n == 1:
        return last
    return f"(l == NEUROCAR_N_LAYERS - 1) ? {last} : neurocar_buffers[" + ("0" if n == 2 else "l & 1") + "]"
