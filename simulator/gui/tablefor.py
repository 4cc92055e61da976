"""The table the window edits for a brain: the one it was trained on when neurocar
ships it, else a shipped table with the same columns, else a table of the brain's own
decisions over a grid of inputs (so a brain whose table is missing still opens)."""
import itertools
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.table import Column, Table, load_table
from simulator.assets import assets_dir

GRID = {1: (-1.0, -0.5, 0.0, 0.5, 1.0), 2: (-1.0, -0.5, 0.0, 0.5, 1.0), 3: (-1.0, 0.0, 1.0)}
MAX_ROWS = 81


def table_for(brain) -> tuple[Table, bool]:
    """(table, shipped): a shipped table with the brain's columns, or one made from its decisions."""
    tables = assets_dir() / "tables"
    name = (brain.provenance or {}).get("table")
    candidates = ([tables / Path(name).name] if name else []) + sorted(tables.glob("*.csv"))
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
    values = GRID.get(n, (-1.0, 1.0))
    grid = list(itertools.islice(itertools.product(values, repeat=n), MAX_ROWS))
    inputs = np.array(grid, dtype=float).reshape(-1, n)
    targets = brain.decide(inputs).astype(float)
    labels = [brain.action_label(d) for d in targets]
    columns = ([Column(name, "in") for name in brain.input_names]
               + [Column(name, "out", d) for name, d in zip(brain.output_names, brain.decoders)]
               + [Column("action", "label")])
    stem = Path(str((brain.provenance or {}).get("table") or "brain")).stem
    return Table(columns, inputs, targets, labels, f"{stem}_decisions.csv",
                 ["the brain's own decisions; its training table was not found"])
