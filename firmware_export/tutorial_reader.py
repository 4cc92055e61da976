"""The tutorial's sketch: read the weights of a sketch in its layout.

The tutorial's sketch holds ``HiddenWeights[inputs+1][hidden+1]`` and
``OutputWeights[hidden+1][outputs]``, input 0 being the constant 1 (the bias unit),
and runs every hidden column, the "+1" one included, through the activation.
``brain.tutorial_layout.from_tutorial_layout`` turns those arrays into a network computing
exactly that (hidden + 1 neurons with a bias, no bias on the output layer).
"""
import ast
import re
from pathlib import Path

import numpy as np

from brain.tutorial_layout import from_tutorial_layout
from brain.i18n import _

from firmware_export.errors import ExportError

ARRAYS = ("HiddenWeights", "OutputWeights")
# float or double (both 32-bit on the AVR), const/static/PROGMEM anywhere before the '=',
# each size a number, a constant, a small expression, or left out.
_DECL = re.compile(r"\b(?:float|double)\s+(?:PROGMEM\s+)?(HiddenWeights|OutputWeights)\s*"
                   r"\[([^\]\[;{}]*)\]\s*\[([^\]\[;{}]*)\][^=;{}]*=\s*\{", re.ASCII)
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\n]+)$", re.M | re.ASCII)
_CONST = re.compile(r"\b(?:int|byte|short|long|unsigned|uint8_t|uint16_t|int16_t|size_t)\s+(\w+)\s*=\s*([^;{}]+);",
                    re.ASCII)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fFlL]?", re.ASCII)
_TOKENS = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/|//[^\n]*", re.S)
MAX_SIZE = 10_000
FLOAT_MAX = float(np.finfo(np.float32).max)


def read_sketch(path, activation: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(HiddenWeights, OutputWeights, activation) of a sketch, or a message naming the line;
    the activation is read from the sketch's code unless given.

    The values are rounded to float32, as the AVR stores them (its double is a float)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise ExportError(_("{path}: cannot be read ({strerror})").format(path=path, strerror=e.strerror)) from None
    text = _strip_comments(text)
    consts = _constants(text)
    arrays, lines = {}, {}
    for m in _DECL.finditer(text):
        name, line = m.group(1), _line(text, m.start())
        if name in arrays:
            raise ExportError(_("{path}, line {line}: {name} is declared again (first on line {lines}); "
                              "keep one").format(path=path, line=line, name=name, lines=lines[name]))
        rows, cols = (_size(s, consts, path, line, name) for s in m.group(2, 3))
        arrays[name], lines[name] = _body(text, m.end() - 1, rows, cols, _Where(path, name)), line
    for name in ARRAYS:
        if name not in arrays:
            raise ExportError(_("{path}: no {name}[..][..] = {{...}} array found; expected the tutorial's layout "
                              "HiddenWeights[inputs+1][hidden+1] and OutputWeights[hidden+1][outputs]").format(
                                  path=path, name=name))
    hidden, output = arrays["HiddenWeights"], arrays["OutputWeights"]
    if hidden.shape[0] < 2:
        raise ExportError(_("{path}, line {lines}: HiddenWeights has {shape} row; it "
                          "needs the bias row and a row per input (inputs+1)").format(
                              path=path, lines=lines['HiddenWeights'], shape=hidden.shape[0]))
    if hidden.shape[1] != output.shape[0]:
        raise ExportError(_("{path}, line {lines}: OutputWeights has {shape} rows but "
                          "HiddenWeights (line {lines2}) has {shape2} columns; they must "
                          "be equal (hidden+1)").format(
                path=path, lines=lines['OutputWeights'], shape=output.shape[0], lines2=lines['HiddenWeights'],
                shape2=hidden.shape[1]))
    return hidden, output, activation or _activation(text, path)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _strip_comments(text: str) -> str:
    """Comments become spaces (newlines kept), so line numbers stay right; string and
    character literals are skipped whole, so a "//" or "/*" inside one is no comment."""
    def blank(m):
        token = m.group(0)
        return token if token[0] in "\"'" else re.sub(r"[^\n]", " ", token)
    return _TOKENS.sub(blank, text)


def _constants(text: str) -> dict:
    """#define NAME value and [const] int NAME = value; later ones may use earlier ones."""
    found = sorted([(m.start(), m.group(1), m.group(2)) for m in _DEFINE.finditer(text)]
                   + [(m.start(), m.group(1), m.group(2)) for m in _CONST.finditer(text)])
    consts = {}
    for _, name, value in found:
        number = _evaluate(value, consts)
        if number is not None:
            consts[name] = number
    return consts


def _evaluate(expression: str, consts: dict) -> int | None:
    """A size expression of integers, known constants, + - * and brackets, or None."""
    if len(expression) > 80:
        return None
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    return _node(tree, consts)


_OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}


def _node(node, consts: dict) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        a, b = _node(node.left, consts), _node(node.right, consts)
        return None if a is None or b is None else _OPERATORS[type(node.op)](a, b)
    return None


def _size(token: str, consts: dict, path, line: int, name: str) -> int | None:
    """A declared size, or None when left out ([] takes the initializer's count)."""
    if not token.strip():
        return None
    value = _evaluate(token, consts)
    if value is None:
        raise ExportError(_("{path}, line {line}: the size [{strip}] of {name} is neither a number nor "
                          "a #define/const int the sketch sets").format(
                              path=path, line=line, strip=token.strip(), name=name))
    if not 0 < value <= MAX_SIZE:
        raise ExportError(_("{path}, line {line}: the size [{strip}] of {name} is {value}; "
                          "expected 1 to {MAX_SIZE}").format(
                              path=path, line=line, strip=token.strip(), name=name, value=value, MAX_SIZE=MAX_SIZE))
    return value


class _Where:
    """The array being read, for messages naming its file and line."""

    def __init__(self, path, name: str):
        self.path, self.name = path, name

    def fail(self, text: str, offset: int, what: str) -> ExportError:
        return ExportError(f"{self.path}, line {_line(text, offset)}: {self.name} {what}")


def _body(text: str, brace: int, rows: int | None, cols: int | None, where: _Where) -> np.ndarray:
    """The initializer from its opening brace: rows in inner braces, or one flat list."""
    end, inner = _closing_brace(text, brace, where)
    if inner:
        values = [_cells(text, a, b, where, f"row {k}") for k, (a, b) in enumerate(inner)]
        gap = re.sub(r"\{[^{}]*\}", "", text[brace + 1:end])
        if gap.replace(",", "").strip():
            raise where.fail(text, brace, "mixes rows in braces with values outside them")
    else:
        if cols is None:
            raise where.fail(text, brace, "is a flat list with no column count; declare [rows][columns]")
        flat = _cells(text, brace + 1, end, where, "initializer")
        if len(flat) % cols:
            raise where.fail(text, brace, f"holds {len(flat)} values, not a whole number of rows of {cols}")
        values = [flat[k:k + cols] for k in range(0, len(flat), cols)]
    for k, row in enumerate(values):
        if cols is not None and len(row) != cols:
            offset = inner[k][0] if inner else brace
            raise where.fail(text, offset, f"row {k} has {len(row)} values; the declaration says {cols}")
    if not values or (rows is not None and len(values) != rows):
        raise where.fail(text, brace, f"has {len(values)} rows; the declaration says {rows or 'at least 1'}")
    if len({len(row) for row in values}) != 1 or not values[0]:
        raise where.fail(text, brace, "has rows of different lengths")
    return np.array(values, dtype=float)


def _closing_brace(text: str, brace: int, where: _Where) -> tuple[int, list]:
    """The matching '}' and the (start, end) of each inner {...}; deeper nesting refused."""
    depth, inner, start = 0, [], None
    for k in range(brace, len(text)):
        c = text[k]
        if c == ";" and depth:
            break
        if c == "{":
            depth += 1
            if depth == 2:
                start = k + 1
            elif depth > 2:
                raise where.fail(text, k, "has braces nested deeper than rows")
        elif c == "}":
            depth -= 1
            if depth == 1:
                inner.append((start, k))
            elif depth == 0:
                return k, inner
    raise where.fail(text, brace, "is not closed: a '}' is missing before the ';'")


def _cells(text: str, start: int, end: int, where: _Where, what: str) -> list[float]:
    """The numbers between two offsets, comma separated (a trailing comma is fine)."""
    cells, offset = [], start
    for cell in text[start:end].split(","):
        compact = re.sub(r"\s+", "", cell)
        if compact:
            if not _NUMBER.fullmatch(compact):
                raise where.fail(text, offset + len(cell) - len(cell.lstrip()),
                                 f"{what} holds {cell.strip()!r}, which is not a number")
            value = float(compact.rstrip("fFlL"))
            if not abs(value) <= FLOAT_MAX:
                raise where.fail(text, offset, f"{what} holds {compact}, beyond a float's range")
            cells.append(float(np.float32(value)))
        offset += len(cell) + 1
    return cells


def _activation(text: str, path) -> str:
    has_tanh = re.search(r"\btanhf?\s*\(", text) is not None
    has_sigmoid = re.search(r"1(?:\.0*)?f?\s*/\s*\(\s*1(?:\.0*)?f?\s*\+\s*expf?\s*\(\s*-", text) is not None
    if has_tanh == has_sigmoid:
        found = "both tanh(...) and 1/(1+exp(-x))" if has_tanh else "neither tanh(...) nor 1/(1+exp(-x))"
        raise ExportError(_("{path}: cannot tell the activation (found {found}); "
                            "pass --activation tanh or sigmoid").format(
            path=path, found=found))
    return "tanh" if has_tanh else "sigmoid"


def network_from_sketch(path, activation: str | None = None):
    """The network the tutorial's sketch computes (``read_sketch`` has checked that its
    arrays chain, so the conversion cannot refuse them)."""
    return from_tutorial_layout(*read_sketch(path, activation))
