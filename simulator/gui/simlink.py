"""What the window reads from ``simulator.simulation.Simulation`` each frame, gathered in one
place: the car's pose, the live sensor beam, the inputs the brain would get now, and
the action names teach mode drives with."""
import math
from dataclasses import dataclass

import numpy as np

from brain.decoders import decode_all
from brain.i18n import _
from simulator.controller import output_kind
from simulator.profile import PATTERN_WORDS

# teach-mode action -> (profile pattern name, label in tables, turn/direction targets)
ACTIONS = {
    "forward": ("forward", "forward", (0.0, 1.0)),
    "backward": ("backward", "backward", (0.0, -1.0)),
    "left": ("left", "turn left", (-1.0, 1.0)),
    "right": ("right", "turn right", (1.0, 1.0)),
}


@dataclass
class CarState:
    x: float
    y: float
    heading: float               # radians, counter-clockwise from +x
    servo_deg: int
    beam_origin: tuple
    beam_axis: float             # radians
    echo_cm: float               # nearest echo along the beam now (inf: none)


def car_state(sim) -> CarState:
    x, y, heading_deg = sim.pose
    origin, axis_deg, _, dists = sim.beam()
    echo = float(np.min(dists)) if len(dists) else math.inf
    if echo > sim.profile.sensor.max_range_cm:
        echo = math.inf
    return CarState(x, y, math.radians(heading_deg), sim.servo_deg, tuple(origin), math.radians(axis_deg), echo)


def action_pins(profile, action: str):
    return profile.motors.patterns[ACTIONS[action][0]]


def action_targets(brain, profile, action: str) -> tuple:
    """The table row outputs that mean ``action`` for this brain's kind of outputs."""
    if output_kind(brain, profile) == "pins":
        return tuple(float(p) for p in action_pins(profile, action))
    return ACTIONS[action][2]


def action_label(table, targets, action: str) -> str:
    """The name the table already uses for these outputs, else the usual one."""
    decoded = table.decoded_targets()
    want = decode_all(table.decoders, np.array([targets]))[0]
    for label, row in zip(table.labels, decoded):
        if label and (row == want).all():
            return label
    return ACTIONS[action][1]


def doing(profile, pins) -> str:
    """The name of the motion the pins make (forward, turn left, ...) or 'stopped'."""
    for name, pattern in profile.motors.patterns.items():
        if tuple(pattern) == tuple(pins):
            return _(PATTERN_WORDS[name]) if name in PATTERN_WORDS else name
    left, right = profile.motors.side_directions(np.array(pins))
    return _("stopped") if left == 0 and right == 0 else _("left side {left:+d}, right side {right:+d}").format(
        left=int(left), right=int(right))
