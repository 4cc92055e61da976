"""Any policy's decisions over the controller's input grid, as a training table.

Whatever decided (an evolved brain, a policy learned elsewhere), its decisions at every
input the car can encode make a table that ``neurocar train`` learns and the window's
table panel shows and edits, so it reaches the car like any hand-written table.

The grid: every whole-cm reading from 0 to the clamp at every angle the sweep reaches
(``simulator.controller.input_grid``) for a 2-input brain. With memory inputs the whole
grid grows by (clamp + 1) per input, too big for a table to edit, so each distance-like
value (the reading and every memory input) is taken every ``step_cm`` cm instead
(0, step, 2 step, ..., and the clamp), at every sweep angle.
"""
import itertools

import numpy as np

from brain.table import Column, Table
from simulator.controller import decode_pins, encode_inputs, memory_inputs, sweep_angles

MEMORY_STEP_CM = 5
# The shipped tables' words for what each of the profile's motor patterns does.
MOTION_LABELS = {"forward": "forward", "backward": "backward", "right": "turn right", "left": "turn left"}


def grid(profile, n_memory: int, step_cm: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(whole-cm values (rows, 1 + n_memory), servo angles (rows,), encoded inputs):
    the distance-like values every ``step_cm`` (and the clamp), memory outermost."""
    clamp = profile.control.distance_clamp_cm
    values = sorted(set(range(0, clamp + 1, step_cm)) | {clamp})
    angles = sweep_angles(profile.servo)
    points = [(*memory, d, a) for memory in itertools.product(values, repeat=n_memory)
              for d in values for a in angles]
    table = np.array(points, dtype=int).reshape(-1, n_memory + 2)
    cm = np.column_stack([table[:, n_memory], table[:, :n_memory]])
    deg = table[:, -1]
    return cm, deg, encode_inputs(cm[:, 0], deg, profile, cm[:, 1:] if n_memory else None)


def decisions_table(decide, input_names, output_names, decoders, label, profile,
                    comments=(), name: str = "table") -> Table:
    """The table of ``decide(inputs (rows, n)) -> decoded decisions (rows, n_out)`` over
    the grid of this input layout; label(decision tuple) -> action name, or ""."""
    n_memory = len(input_names) - 2
    _, _, x = grid(profile, n_memory, 1 if n_memory == 0 else MEMORY_STEP_CM)
    decided = np.asarray(decide(x), dtype=float).reshape(len(x), -1)
    columns = [Column(n, "in") for n in input_names] + [Column(n, "out", d) for n, d in zip(output_names, decoders)]
    names = {key: label(key) for key in {tuple(int(v) for v in row) for row in decided}}
    row_labels = [names[tuple(int(v) for v in row)] for row in decided]
    if any(row_labels):
        columns.append(Column("action", "label"))
    else:
        row_labels = [""] * len(x)
    return Table(columns, x, decided, row_labels, name, list(comments))


def brain_table(brain, profile, comments=(), name: str = "table") -> Table:
    """The brain's own decisions as a table (its inputs, outputs, decoders and labels; a
    decision its training table never named is labelled by the motor pattern it drives)."""
    memory_inputs(brain)
    patterns = {tuple(p): MOTION_LABELS.get(n, "") for n, p in profile.motors.patterns.items()}

    def label(decision) -> str:
        pins, _ = decode_pins(np.array([decision], dtype=float), brain, profile)
        return brain.action_label(decision) or patterns.get(tuple(int(v) for v in pins[0]), "")

    return decisions_table(brain.decide, brain.input_names, brain.output_names, brain.decoders, label,
                           profile, comments, name)
