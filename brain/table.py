"""Training tables: CSV files that say which columns are inputs and which are outputs.

The header names each column and its role, ``name:in``, ``name:out:DECODER`` or
``name:label``; lines starting with ``#`` before the header are comments. Example::

    # the tutorial's car table
    distance:in,position:in,turn:out:round,direction:out:sign,action:label
    0,0,0,1,forward
"""
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from brain.decoders import DECODERS, decode_all
from brain.errors import TableError
from brain.fileio import read_text
from brain.i18n import _

NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
_PLAIN = r"[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*"   # one way to read each
PLAIN_COLUMN = re.compile(f"(?:{_PLAIN}\n)*{_PLAIN}")      # NUMBER cells, one a line

ROLES = ("in", "out", "label")


@dataclass(frozen=True)
class Column:
    name: str
    role: str
    decoder: str | None = None

    def header(self) -> str:
        return f"{self.name}:{self.role}" + (f":{self.decoder}" if self.decoder else "")


@dataclass
class Table:
    columns: list[Column]
    inputs: np.ndarray                  # (rows, n_inputs)
    targets: np.ndarray                 # (rows, n_outputs)
    labels: list[str] = field(default_factory=list)   # one per row; "" when the table has none
    name: str = "table"
    comments: list[str] = field(default_factory=list)

    @property
    def input_names(self) -> list[str]:
        return [c.name for c in self.columns if c.role == "in"]

    @property
    def output_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "out"]

    @property
    def output_names(self) -> list[str]:
        return [c.name for c in self.output_columns]

    @property
    def decoders(self) -> list[str]:
        return [c.decoder for c in self.output_columns]

    def __len__(self) -> int:
        return len(self.inputs)

    def decoded_targets(self) -> np.ndarray:
        return decode_all(self.decoders, self.targets)

    def rows_right(self, outputs) -> np.ndarray:
        """Which rows the given network outputs get right, after decoding."""
        return (decode_all(self.decoders, outputs) == self.decoded_targets()).all(axis=1)

    def to_csv(self) -> str:
        return "".join(self.csv_parts())

    def csv_parts(self, rows: int = 500):
        """``to_csv``'s text in parts of at most ``rows`` rows each, after the comments
        and header (so a big table can be written or hashed a little at a time)."""
        out = io.StringIO()
        for line in self.comments:
            out.write(f"# {line}\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.header() for c in self.columns])
        is_label = [c.role == "label" for c in self.columns]
        for start in range(0, len(self), rows):
            numbers = np.hstack([self.inputs[start:start + rows], self.targets[start:start + rows]]).tolist()
            for i, row in enumerate(numbers, start):
                values = iter(row)
                writer.writerow([self.labels[i] if label else _fmt(next(values)) for label in is_label])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()

    def sha256(self) -> str:
        return hashlib.sha256(self.to_csv().encode()).hexdigest()

    def with_rows(self, inputs, targets, labels) -> "Table":
        """A copy holding other rows (for editors and demonstration recording)."""
        return Table(self.columns, np.array(inputs, dtype=float).reshape(-1, self.inputs.shape[1]),
                     np.array(targets, dtype=float).reshape(-1, self.targets.shape[1]),
                     list(labels), self.name, list(self.comments))


def _fmt(v: float) -> str:
    return str(int(v)) if v.is_integer() else repr(v)


def load_table(path) -> Table:
    path = Path(path)
    return parse_table(read_text(path, _("table file"), TableError), str(path), name=path.name)


def parse_table(text: str, source: str = "<table>", name: str = "table") -> Table:
    lines = text.removeprefix("\ufeff").splitlines()     # spreadsheets start their CSV with a BOM
    comments, start = [], 0
    while start < len(lines) and (lines[start].lstrip().startswith("#") or not lines[start].strip()):
        if lines[start].strip():
            comments.append(lines[start].lstrip()[1:].strip())
        start += 1
    if start == len(lines):
        raise TableError(_("{source}: the table is empty; expected a header row such as "
                         "'distance:in,position:in,turn:out:round' and at least one data row").format(source=source))
    columns = _parse_header(lines[start], source, start + 1)
    numbered = list(_data_rows(lines, start + 1))
    if not numbered:
        raise TableError(_("{source}: the table has a header but no data rows").format(source=source))
    for lineno, row in numbered:
        if len(row) != len(columns):
            raise TableError(_("{source}, line {lineno}: {count} values, but the header has "
                             "{count2} columns ({value})").format(
                    source=source, lineno=lineno, count=len(row), count2=len(columns),
                    value=', '.join((c.name for c in columns))))
    cells = list(zip(*(row for _, row in numbered)))          # column by column
    values = {j: _column(cells[j], numbered, source, col) for j, col in enumerate(columns) if col.role != "label"}
    label_at = next((j for j, c in enumerate(columns) if c.role == "label"), None)
    labels = [cell.strip() for cell in cells[label_at]] if label_at is not None else [""] * len(numbered)
    inputs = [values[j] for j, c in enumerate(columns) if c.role == "in"]
    targets = [values[j] for j, c in enumerate(columns) if c.role == "out"]
    return Table(columns, np.column_stack(inputs).astype(float), np.column_stack(targets).astype(float),
                 labels, name, comments)


def _column(cells, numbered, source: str, col: "Column") -> np.ndarray:
    """A column's numbers; a big table is checked with one match over the whole column."""
    if PLAIN_COLUMN.fullmatch("\n".join(cells)):
        column = np.array([float(c) for c in cells])
        if np.isfinite(column).all():
            return column
    return np.array([_number(cell, source, lineno, col) for cell, (lineno, _) in zip(cells, numbered)])


def _data_rows(lines, first):
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield i + 1, next(csv.reader([line]))


def _parse_header(line: str, source: str, lineno: int) -> list[Column]:
    where = f"{source}, line {lineno}"
    accepted = ("each header cell must be name:in, name:out:DECODER (decoders: "
                + ", ".join(DECODERS) + ") or name:label")
    columns = []
    for cell in next(csv.reader([line])):
        parts = [p.strip() for p in cell.split(":")]
        name, role = parts[0], (parts[1] if len(parts) > 1 else "")
        if not name or role not in ROLES:
            raise TableError(_("{where}: header cell {strip!r} has no known role; {accepted}").format(
                where=where, strip=cell.strip(), accepted=accepted))
        if role == "out":
            if len(parts) != 3 or parts[2] not in DECODERS:
                raise TableError(_("{where}: output column {strip!r} needs a decoder; {accepted}").format(
                    where=where, strip=cell.strip(), accepted=accepted))
            columns.append(Column(name, role, parts[2]))
        elif len(parts) != 2:
            raise TableError(_("{where}: header cell {strip!r} has extra parts; {accepted}").format(
                where=where, strip=cell.strip(), accepted=accepted))
        else:
            columns.append(Column(name, role))
    names = [c.name for c in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise TableError(_("{where}: column names must be unique; repeated: {value}").format(
            where=where, value=', '.join(duplicated)))
    if not any(c.role == "in" for c in columns) or not any(c.role == "out" for c in columns):
        raise TableError(_("{where}: a table needs at least one input column and one output column; {accepted}").format(
            where=where, accepted=accepted))
    if sum(c.role == "label" for c in columns) > 1:
        raise TableError(_("{where}: at most one label column is allowed").format(where=where))
    return columns


def _number(cell: str, source: str, lineno: int, col: Column) -> float:
    # A plain decimal number: float() alone would also take 0_5 (as 5), "inf" and other scripts' digits.
    value = float(cell) if NUMBER.fullmatch(cell) else None
    if value is None or not np.isfinite(value):
        raise TableError(_("{source}, line {lineno}, column {name!r}: {strip!r} is not a "
                         "finite number; input and output cells must be numbers such as -1, 0.5 or 1").format(
                             source=source, lineno=lineno, name=col.name, strip=cell.strip()))
    return value
