"""Sketches in the tutorial's layout: read their weights, and write the reference one.

The tutorial's sketch holds ``HiddenWeights[inputs+1][hidden+1]`` and
``OutputWeights[hidden+1][outputs]``, input 0 being the constant 1 (the bias unit),
and runs every hidden column, the "+1" one included, through the activation.
``brain.seedlayout.from_seed_layout`` turns those arrays into a network computing
exactly that (hidden + 1 neurons with a bias, no bias on the output layer).
"""
import re
from pathlib import Path

import numpy as np

from brain.seedlayout import from_seed_layout

from firmware_export.errors import ExportError

ARRAYS = ("HiddenWeights", "OutputWeights")
_DECL = re.compile(r"\b(?:float|double)\s+(HiddenWeights|OutputWeights)\s*\[\s*(\w+)\s*\]\s*\[\s*(\w+)\s*\]"
                   r"[^=;]*=\s*\{", re.S)
_DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)\s+(\d+)\s*$", re.M)
_CONST = re.compile(r"\bconst\s+int\s+(\w+)\s*=\s*(\d+)\s*;")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fFlL]?")


def read_sketch(path) -> tuple[np.ndarray, np.ndarray, str]:
    """(HiddenWeights, OutputWeights, activation) of a sketch, or a message naming the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise ExportError(f"{path}: cannot be read ({e.strerror})") from None
    text = _strip_comments(text)
    consts = {m.group(1): int(m.group(2)) for m in _DEFINE.finditer(text)}
    consts |= {m.group(1): int(m.group(2)) for m in _CONST.finditer(text)}
    arrays = {}
    for m in _DECL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        rows, cols = (_size(s, consts, path, line) for s in m.group(2, 3))
        arrays[m.group(1)] = _body(text, m.end() - 1, rows, cols, path, line, m.group(1))
    for name in ARRAYS:
        if name not in arrays:
            raise ExportError(f"{path}: no {name}[..][..] = {{...}} array found; expected the tutorial's layout "
                              f"HiddenWeights[inputs+1][hidden+1] and OutputWeights[hidden+1][outputs]")
    hidden, output = arrays["HiddenWeights"], arrays["OutputWeights"]
    if hidden.shape[1] != output.shape[0]:
        line = text.count("\n", 0, text.index("OutputWeights")) + 1
        raise ExportError(f"{path}, line {line}: OutputWeights has {output.shape[0]} rows but HiddenWeights has "
                          f"{hidden.shape[1]} columns; they must be equal (hidden+1)")
    return hidden, output, _activation(text, path)


def _strip_comments(text: str) -> str:
    """Comments become spaces (newlines kept), so line numbers stay right."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def _size(token: str, consts: dict, path, line: int) -> int:
    if token.isdigit():
        return int(token)
    if token in consts:
        return consts[token]
    raise ExportError(f"{path}, line {line}: the array size {token!r} is neither a number nor a #define/const int")


def _body(text: str, brace: int, rows: int, cols: int, path, line: int, name: str) -> np.ndarray:
    end = text.find(";", brace)
    body = text[brace:end if end >= 0 else len(text)]
    inner = re.findall(r"\{([^{}]*)\}", body)
    values = []
    for k, row in enumerate(inner):
        row_line = line + body[:body.find(row)].count("\n")
        cells = [c.strip() for c in row.split(",") if c.strip()]
        bad = [c for c in cells if not _NUMBER.fullmatch(c)]
        if bad:
            raise ExportError(f"{path}, line {row_line}: {name} row {k} holds {bad[0]!r}, which is not a number")
        if len(cells) != cols:
            raise ExportError(f"{path}, line {row_line}: {name} row {k} has {len(cells)} values; "
                              f"the declaration says {cols}")
        values.append([float(c.rstrip("fFlL")) for c in cells])
    if len(values) != rows:
        raise ExportError(f"{path}, line {line}: {name} has {len(values)} rows; the declaration says {rows}")
    return np.array(values, dtype=float)


def _activation(text: str, path) -> str:
    has_tanh = re.search(r"\btanh\s*\(", text) is not None
    has_sigmoid = re.search(r"1(?:\.0*)?f?\s*/\s*\(\s*1(?:\.0*)?f?\s*\+\s*exp\s*\(\s*-", text) is not None
    if has_tanh == has_sigmoid:
        found = "both tanh(...) and 1/(1+exp(-x))" if has_tanh else "neither tanh(...) nor 1/(1+exp(-x))"
        raise ExportError(f"{path}: cannot tell the activation (found {found}); pass --activation tanh or sigmoid")
    return "tanh" if has_tanh else "sigmoid"


def network_from_sketch(path, activation: str | None = None):
    hidden, output, found = read_sketch(path)
    return from_seed_layout(hidden, output, activation or found)


# The tutorial's firmware network, written from its description (SEEDS.md): float
# arrays in RAM, the bias unit as input 0, avr-libc tanh on every hidden and output
# neuron, the "+1" hidden column included. Used as the speed and size reference.
REFERENCE_NETWORK = """\
#include <math.h>

#define InputNodes {n_in}      /* inputs + the bias unit */
#define HiddenNodes {n_hidden}     /* hidden + 1, computed like the others */
#define OutputNodes {n_out}

float HiddenWeights[InputNodes][HiddenNodes] = {{
{hidden}
}};
float OutputWeights[HiddenNodes][OutputNodes] = {{
{output}
}};
float Hidden[HiddenNodes];
float Output[OutputNodes];

void InputToOutput(float In1, float In2)
{{
    float TestInput[InputNodes];
    float Accum;
    int i, j;
    TestInput[0] = 1.0;   /* bias unit */
    TestInput[1] = In1;
    TestInput[2] = In2;
    for (i = 0; i < HiddenNodes; i++) {{
        Accum = 0;
        for (j = 0; j < InputNodes; j++) {{
            Accum += TestInput[j] * HiddenWeights[j][i];
        }}
        Hidden[i] = tanh(Accum);
    }}
    for (i = 0; i < OutputNodes; i++) {{
        Accum = 0;
        for (j = 0; j < HiddenNodes; j++) {{
            Accum += Hidden[j] * OutputWeights[j][i];
        }}
        Output[i] = tanh(Accum);
    }}
}}
"""


def reference_source(hidden_weights, output_weights) -> str:
    """The tutorial's network code holding these arrays (2 inputs, as its sketch)."""
    hw, ow = np.asarray(hidden_weights), np.asarray(output_weights)

    def rows(a):
        return ",\n".join("    {" + ", ".join(f"{v:.9g}" for v in row) + "}" for row in a)
    return REFERENCE_NETWORK.format(n_in=hw.shape[0], n_hidden=hw.shape[1], n_out=ow.shape[1],
                                    hidden=rows(hw), output=rows(ow))
