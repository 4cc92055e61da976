"""The fixed-point sketch's decisions: how the brain's ``brain.fixedpoint`` twin decides
compared with the float brain on the controller's whole input grid.

The fixed-point sketch encodes its inputs from the whole-cm reading and the servo angle
by exact integer division (``ctick.q12_ratio``), while the Python controller encodes
floats that the twin then quantises; ``check_inputs`` proves the two agree on every
point of the grid before a fixed-point sketch is written.
"""
import numpy as np

from brain.fixedpoint import FORMAT, quantise, to_fixed_point
from simulator.controller import input_grid

from firmware_export.ctick import fixed_inputs
from firmware_export.errors import ExportError

ALLOW_FLAG = "--allow-different-decisions"


def decision_differences(brain, profile) -> tuple[int, int]:
    """(grid points where the fixed-point twin's decoded decisions differ from the float
    brain's, grid points)."""
    twin = to_fixed_point(brain)
    _, _, x = input_grid(profile)
    differ = (twin.decide(x) != twin.float_brain.decide(x)).any(axis=1)
    return int(differ.sum()), len(x)


def check_inputs(brain, profile):
    """The sketch's integer encoding gives the twin's quantised inputs on the whole grid."""
    twin = to_fixed_point(brain)
    d, a, x = input_grid(profile)
    ours = quantise(x)
    for k in range(len(x)):
        if tuple(ours[k]) != fixed_inputs(int(d[k]), int(a[k]), profile):
            raise ExportError(f"{profile.source}: at {d[k]} cm and {a[k]} degrees the fixed-point sketch would encode "
                              f"its inputs differently from the simulator (a rounding tie); export the float sketch")
    return twin


def decision_line(brain, profile) -> str:
    """One line on how the fixed-point twin's decisions compare with the float brain's."""
    differ, points = decision_differences(brain, profile)
    if differ:
        return f"fixed point ({FORMAT}): {differ} of {points} grid decisions differ from the float brain's"
    return f"fixed point ({FORMAT}): the same decisions as the float brain at all {points} points of the input grid"


def check_decisions(brain, profile, allow: bool) -> str:
    """The line to print about the fixed-point decisions, or a refusal when they differ
    from the float brain's somewhere on the grid and ``allow`` is not set."""
    differ, points = decision_differences(brain, profile)
    if differ and not allow:
        raise ExportError(f"the fixed-point network decides differently from the float brain at {differ} of "
                          f"{points} points of the controller's input grid; export the float sketch, or pass "
                          f"{ALLOW_FLAG} to export it anyway")
    return decision_line(brain, profile) + (f" ({ALLOW_FLAG})" if differ else "")
