"""The table the window edits for a brain: the one it was trained on (for an evolved
brain, the table of its decisions evolve wrote) when neurocar ships it, else a shipped
table with the same columns, else a table of the brain's own decisions over a grid of
inputs (so a brain whose table is missing still opens)."""
import itertools
import math
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.table import Column, Table, load_table
from simulator.assets import assets_dir
from simulator.controller import MEMORY_INPUTS

LEVELS = {5: (-1.0, -0.5, 0.0, 0.5, 1.0), 3: (-1.0, 0.0, 1.0), 2: (-1.0, 1.0)}
FEWER = {5: 3, 3: 2}
# A memory input is a reading encoded as distance is (-1 at the clamp: nothing seen, 1
# touching); at two levels it is nothing seen or something at half the clamp.
MEMORY_PAIR = (-1.0, 0.0)
MAX_ROWS = 81


def table_for(brain) -> tuple[Table, bool]:
    """(table, shipped): a shipped table with the brain's columns, or one made from its decisions."""
    tables = assets_dir() / "tables"
    provenance = brain.provenance or {}
    evolution = provenance.get("evolution") if isinstance(provenance.get("evolution"), dict) else {}
    names = [n for n in (provenance.get("table"), evolution.get("table_out")) if isinstance(n, str) and n]
    candidates = [tables / Path(n).name for n in names] + sorted(tables.glob("*.csv"))
    for path in candidates:
        try:
            t = load_table(path)
        except (NeurocarError, OSError):
            continue
        if brain.same_columns(t):
            return t, True
    return decisions_table(brain), False


def decisions_table(brain) -> Table:
    """What the brain decides over a grid of inputs in -1 .. 1, as a table to edit and retrain."""
    n = len(brain.input_names)
    grid = list(itertools.islice(itertools.product(*grid_levels(brain.input_names)), MAX_ROWS))
    inputs = np.array(grid, dtype=float).reshape(-1, n)
    targets = brain.decide(inputs).astype(float)
    labels = [brain.action_label(d) for d in targets]
    columns = ([Column(name, "in") for name in brain.input_names]
               + [Column(name, "out", d) for name, d in zip(brain.output_names, brain.decoders)]
               + [Column("action", "label")])
    stem = Path(str((brain.provenance or {}).get("table") or "brain")).stem
    return Table(columns, inputs, targets, labels, f"{stem}_decisions.csv",
                 ["the brain's own decisions; its training table was not found"])


def grid_levels(names) -> list[tuple]:
    """The values each input takes on the decisions grid: five levels for distance and
    position, three for each memory input, then fewer (the widest and last first) until
    the grid has at most MAX_ROWS rows: 25 rows for 2 inputs, 81 for 4, 72 for 5."""
    counts = [5 if k < 2 else 3 for k in range(len(names))]
    while math.prod(counts) > MAX_ROWS and max(counts) > 2:
        k = max(range(len(counts)), key=lambda i: (counts[i], i))
        counts[k] = FEWER[counts[k]]
    return [MEMORY_PAIR if c == 2 and name in MEMORY_INPUTS else LEVELS[c] for name, c in zip(names, counts)]
