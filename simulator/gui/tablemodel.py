"""The training table as the editor sees it: a selected cell, edits that are checked
before they land, and undo/redo. Pure Python over ``brain.Table``; no drawing."""
import math

import numpy as np

from brain.decoders import decode_all
from brain.table import Table
from brain.i18n import _

MAX_LABEL = 24
UNDO_LIMIT = 200


class TableEditor:
    def __init__(self, table: Table):
        self.table = table
        self.row = 0
        self.col = 0
        self.flag: tuple[int, int, str] | None = None    # (row, col, message) of a refused edit
        self.version = 0                                 # bumps on every change (autosave, redraw)
        self._undo: list[tuple[Table, int, int]] = []
        self._redo: list[tuple[Table, int, int]] = []

    # -- shape -------------------------------------------------------------------------
    @property
    def columns(self):
        return self.table.columns

    @property
    def n_rows(self) -> int:
        return len(self.table)

    def cell_value(self, r: int, c: int):
        """The number (or label text) in row r, column c (in file column order)."""
        col = self.columns[c]
        if col.role == "label":
            return self.table.labels[r] if self.table.labels else ""
        if col.role == "in":
            return float(self.table.inputs[r, self._index(c)])
        return float(self.table.targets[r, self._index(c)])

    def cell_text(self, r: int, c: int) -> str:
        v = self.cell_value(r, c)
        if isinstance(v, str):
            return v
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    def _index(self, c: int) -> int:
        role = self.columns[c].role
        return sum(1 for col in self.columns[:c] if col.role == role)

    # -- selection ---------------------------------------------------------------------
    def move(self, drow: int = 0, dcol: int = 0) -> None:
        self.row = min(max(self.row + drow, 0), self.n_rows - 1)
        self.col = min(max(self.col + dcol, 0), len(self.columns) - 1)

    def select(self, r: int, c: int | None = None) -> None:
        self.row = min(max(r, 0), self.n_rows - 1)
        if c is not None:
            self.col = min(max(c, 0), len(self.columns) - 1)

    # -- edits -------------------------------------------------------------------------
    def allowed(self, c: int) -> tuple[float, float]:
        col = self.columns[c]
        if col.role == "out" and col.decoder == "bit":
            return 0.0, 1.0
        return -1.0, 1.0

    def check(self, c: int, text: str):
        """(value, None) for an acceptable cell text, or (None, message) naming the problem."""
        col = self.columns[c]
        text = text.strip()
        if col.role == "label":
            if len(text) > MAX_LABEL:
                return None, _("{column}: at most {count} characters").format(column=col.name, count=MAX_LABEL)
            if any(ch in text for ch in ",\"\n"):
                return None, _("{column}: commas and quotes are not allowed in a label").format(column=col.name)
            return text, None
        try:
            value = float(text)
        except ValueError:
            return None, _("{column}: {text!r} is not a number; type a number such as -1, 0.5 or 1").format(
                column=col.name, text=text)
        if not math.isfinite(value):
            return None, _("{column}: {text!r} is not a finite number").format(column=col.name, text=text)
        lo, hi = self.allowed(c)
        if not lo <= value <= hi:
            what = _("a motor pin is 0 (off) or 1 (on)") if col.decoder == "bit" else \
                _("inputs and outputs are scaled to -1 .. 1")
            return None, _("{column}: {value:g} is out of range {low:g} .. {high:g}; {what}").format(
                column=col.name, value=value, low=lo, high=hi, what=what)
        return value, None

    def set_cell(self, text: str, r: int | None = None, c: int | None = None) -> str | None:
        """Write ``text`` into a cell (the selected one by default). Returns an error
        message and flags the cell when the text is refused; the table is unchanged then."""
        r = self.row if r is None else r
        c = self.col if c is None else c
        value, error = self.check(c, text)
        if error:
            self.flag = (r, c, error)
            return error
        inputs, targets, labels = self._rows()
        col = self.columns[c]
        if col.role == "label":
            if labels[r] == value:
                self.flag = None
                return None
            labels[r] = value
        elif col.role == "in":
            inputs[r][self._index(c)] = value
        else:
            targets[r][self._index(c)] = value
            labels[r] = self._label_for(targets[r], labels[r], r)
        self._commit(inputs, targets, labels)
        return None

    def add_row(self) -> None:
        inputs, targets, labels = self._rows()
        new_t = [0.0] * self.table.targets.shape[1]
        inputs.insert(self.row + 1, [0.0] * self.table.inputs.shape[1])
        targets.insert(self.row + 1, new_t)
        labels.insert(self.row + 1, self._label_for(new_t, "", None))
        self._commit(inputs, targets, labels, row=self.row + 1)

    def duplicate_row(self) -> None:
        inputs, targets, labels = self._rows()
        r = self.row
        inputs.insert(r + 1, list(inputs[r]))
        targets.insert(r + 1, list(targets[r]))
        labels.insert(r + 1, labels[r])
        self._commit(inputs, targets, labels, row=r + 1)

    def delete_row(self) -> str | None:
        if self.n_rows <= 1:
            self.flag = (self.row, self.col, _("a table keeps at least one row"))
            return self.flag[2]
        inputs, targets, labels = self._rows()
        for lst in (inputs, targets, labels):
            del lst[self.row]
        self._commit(inputs, targets, labels, row=min(self.row, self.n_rows - 2))
        return None

    def replace(self, table: Table) -> None:
        """A whole new table (loaded, or rows added from teach mode), undoable."""
        self._push()
        self.table = table
        self.select(self.row, self.col)
        self.flag = None
        self.version += 1

    def undo(self) -> bool:
        return self._swap(self._undo, self._redo)

    def redo(self) -> bool:
        return self._swap(self._redo, self._undo)

    # -- helpers -----------------------------------------------------------------------
    def _rows(self):
        t = self.table
        labels = list(t.labels) if t.labels else [""] * len(t)
        return t.inputs.tolist(), t.targets.tolist(), labels

    def _label_for(self, targets, current: str, skip_row) -> str:
        """The action name another row with the same decoded outputs carries, if any."""
        if not any(c.role == "label" for c in self.columns):
            return current
        want = decode_all(self.table.decoders, np.array([targets]))[0]
        decoded = self.table.decoded_targets()
        for i, label in enumerate(self.table.labels):
            if i != skip_row and label and (decoded[i] == want).all():
                return label
        return current if skip_row is None or (decoded[skip_row] == want).all() else ""

    def _push(self) -> None:
        self._undo.append((self.table, self.row, self.col))
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    def _commit(self, inputs, targets, labels, row: int | None = None) -> None:
        self._push()
        self.table = self.table.with_rows(inputs, targets, labels)
        self.flag = None
        self.version += 1
        if row is not None:
            self.select(row)

    def _swap(self, source, dest) -> bool:
        if not source:
            return False
        dest.append((self.table, self.row, self.col))
        self.table, self.row, self.col = source.pop()
        self.flag = None
        self.version += 1
        return True
