"""Teach mode's recording: each control tick's inputs and the action the user chose
become candidate rows; on leaving, they join the table merged (all of them) or
de-duplicated (one row per distinct situation, the most frequent action winning)."""
from collections import Counter

import numpy as np

from brain.table import Table

GRID = 0.1        # inputs closer than this count as the same situation when de-duplicating


class TeachRecorder:
    def __init__(self):
        self.rows: list[tuple[tuple[float, ...], tuple[float, ...], str]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def record(self, inputs, targets, label: str) -> None:
        self.rows.append((tuple(float(v) for v in inputs), tuple(float(v) for v in targets), label))

    def merged(self, table: Table) -> Table:
        """The table with every recorded row appended."""
        return _append(table, self.rows)

    def deduplicated(self, table: Table) -> Table:
        """The table plus one row per situation not already in it (inputs on a 0.1 grid)."""
        def key(inputs):
            return tuple(round(v / GRID) for v in inputs)

        known = {key(table.inputs[i]) for i in range(len(table))}
        votes: dict[tuple, Counter] = {}
        for inputs, targets, label in self.rows:
            votes.setdefault(key(inputs), Counter())[(targets, label)] += 1
        new = []
        for k, counter in votes.items():
            if k in known:
                continue
            (targets, label), _ = counter.most_common(1)[0]
            new.append((tuple(round(v * GRID, 4) for v in k), targets, label))
        return _append(table, new)


def _append(table: Table, rows) -> Table:
    if not rows:
        return table
    inputs = np.vstack([table.inputs, np.array([r[0] for r in rows])])
    targets = np.vstack([table.targets, np.array([r[1] for r in rows])])
    labels = list(table.labels) + [r[2] for r in rows]
    return table.with_rows(inputs, targets, labels)
