"""The fixed-point sketch's decisions: how the brain's ``brain.fixedpoint`` twin decides
compared with the float brain on the controller's whole input grid.

The fixed-point sketch encodes its inputs from the whole-cm reading and the servo angle
by exact integer division (``q13_ratio``, the C's ``neurocar_q13_ratio``), while the Python controller encodes
floats that the twin then quantises; ``check_inputs`` proves the two agree on every
point of the grid before a fixed-point sketch is written. Memory inputs
(``simulator.sweep_memory``) are whole-cm readings encoded as the distance is, so the
2-input grid's check (every whole cm from 0 to the clamp) covers them too.

``decision_differences`` compares the decisions over the whole grid of the brain's
layout, memory inputs included (``simulator.grids``: 91,035 points with one, 4.6 million
with two, 236.7 million with three), a chunk at a time so memory stays bounded.
"""
from brain.errors import FixedPointError
from brain.fixedpoint import FORMAT, ONE, quantise, to_fixed_point
from brain.i18n import _
from simulator import grids
from simulator.controller import input_grid, memory_inputs

from firmware_export.errors import ExportError

ALLOW_FLAG = "--allow-different-decisions"


def q13_ratio(num: int, den: int) -> int:
    """``neurocar_q13_ratio`` in Python integers: the Q13 value of num / den (den > 0),
    the nearest, halves away from zero (C division truncates towards zero)."""
    twice = 2 * num * ONE
    top = twice + (-den if twice < 0 else den)
    q = abs(top) // (2 * den)
    return q if top >= 0 else -q


def fixed_inputs(d_cm: int, angle: int, profile) -> tuple[int, int]:
    """The fixed-point firmware's Q13 inputs for a whole-cm reading and a servo angle."""
    servo, clamp = profile.servo, profile.control.distance_clamp_cm
    num = 2 * (angle - servo.min_deg) - (servo.max_deg - servo.min_deg)
    return q13_ratio(clamp - 2 * d_cm, clamp), q13_ratio(num if servo.left_sign < 0 else -num,
                                                         servo.max_deg - servo.min_deg)


def fixed_point_twin(brain):
    """The brain's ``brain.fixedpoint`` twin, or a refusal naming what Q13 cannot hold."""
    try:
        return to_fixed_point(brain)
    except FixedPointError as e:     # brain.fixedpoint says why; this says what it stops
        raise ExportError(_("no fixed-point sketch: {e}").format(e=e)) from None


def decision_differences(brain, profile) -> tuple[int, int]:
    """(grid points where the fixed-point twin's decoded decisions differ from the float
    brain's, grid points), over the whole grid of the brain's inputs. Remembered for the
    last few brains (by their hash) and sweeps, since with memory inputs it takes minutes
    and an export asks twice (its check, then its report)."""
    twin = fixed_point_twin(brain)
    key = (twin.sha256(), profile.servo, profile.control.distance_clamp_cm)
    if key not in _COUNTED:
        differ = points = 0
        for x in grids.chunks(profile, len(memory_inputs(brain))):
            differ += int((twin.decide(x) != twin.float_brain.decide(x)).any(axis=1).sum())
            points += len(x)
        if len(_COUNTED) >= 8:
            _COUNTED.clear()
        _COUNTED[key] = (differ, points)
    return _COUNTED[key]


_COUNTED: dict = {}


def check_inputs(brain, profile):
    """The brain's twin, once the sketch's integer encoding is known to give the twin's
    quantised inputs on the whole grid."""
    twin = fixed_point_twin(brain)
    d, a, x = input_grid(profile)
    ours = quantise(x)
    for k in range(len(x)):
        if tuple(ours[k]) != fixed_inputs(int(d[k]), int(a[k]), profile):
            raise ExportError(_("{source}: at {d} cm and {a} degrees the fixed-point sketch would encode "
                              "its inputs differently from the simulator (a rounding tie); "
                              "export the float sketch").format(
                source=profile.source, d=d[k], a=a[k]))
    return twin


def decision_line(brain, profile) -> str:
    """One line on how the fixed-point twin's decisions compare with the float brain's."""
    differ, points = decision_differences(brain, profile)
    if differ:
        return _("fixed point ({format}): {differ} of {points} grid decisions differ from the float brain's").format(
            format=FORMAT, differ=differ, points=points)
    return _("fixed point ({format}): the same decisions as the float brain at all {points} points of the input "
             "grid").format(format=FORMAT, points=points)


def check_decisions(brain, profile, allow: bool) -> str:
    """The line to print about the fixed-point decisions, or a refusal when they differ
    from the float brain's somewhere on the grid and ``allow`` is not set."""
    differ, points = decision_differences(brain, profile)
    if differ and not allow:
        raise ExportError(_("the fixed-point network decides differently from the float brain at {differ} of "
                          "{points} points of the controller's input grid; export the float sketch, or pass "
                          "{ALLOW_FLAG} to export it anyway").format(
                              differ=differ, points=points, ALLOW_FLAG=ALLOW_FLAG))
    return decision_line(brain, profile) + (f" ({ALLOW_FLAG})" if differ else "")
