"""The firmware's control tick, once, in Python: the reference the C code must match.

Every tick (``profile.control.tick_s``, 25 ms) each car

1. moves its servo one ``step_deg`` between ``min_deg`` and ``max_deg``, reversing at
   the ends (an overshoot is clamped to the end, then the sweep turns back);
2. if it is holding an action, counts the hold down and keeps its motor pins;
3. otherwise reads the echo distance at the new servo angle, as whole centimetres
   clamped to [0, distance_clamp_cm] (no echo reads as the clamp), encodes

       input1 = 1 - 2 * d / clamp                          (1 touching, -1 far)
       input2 = servo angle mapped to [-1, 1], -1 at servo.left_end_deg

   and, for a brain that reads them, the sweep's memory (``simulator.sweep_memory``:
   ``left_nearest``, ``right_nearest``, ``previous``, each a whole-cm reading encoded
   as input1), runs the brain once for all deciding cars, decodes its outputs into the motor pins
   and holds the action for ``hold_min_ticks + floor(hold_ticks_per_unit * (input1 + 1))``
   ticks in all (1 at the clamp, 81 touching). The hold is computed in integers,
   ``min + (2 * per_unit * (clamp - d)) // clamp``, so float rounding cannot change it,
   and lasts at least ``control.ping_every_ticks`` (default 1): the car then pings at
   most that often while the sweep goes on every tick (the HC-SR04's 60 ms cycle).

A brain's inputs are ``distance`` and ``position`` (a 2-input brain is read so whatever
its names), then any of ``MEMORY_INPUTS`` in any order, each at most once
(``memory_inputs``; anything else is a ControllerError naming it):

- ``left_nearest`` / ``right_nearest``: the nearest reading in the left / right half of
  the last full sweep. Left is the ``servo.left_end_deg`` side of the centre angle
  ``(min_deg + max_deg) / 2``; a reading at the centre counts in both halves. A sweep
  ends on the tick the servo reaches an end of its travel (that end's reading is its
  last), and is full if it began at the other end: the first one, from ``start_deg``,
  is not (unless the servo starts at the end it leaves). A half without a reading in
  the last full sweep, and both before the first full sweep ends, hold the clamp.
- ``previous``: the reading of the previous decision; the clamp before the first.

Readings are taken on deciding ticks only (with ``control.read_while_holding``, paced
pings while holding too; see ``simulator.sweep_memory``); every tick, deciding or not, the memory
(``simulator.sweep_memory``) sees the servo's angle, since a sweep ends when the servo
reaches an end whether or not it reads. A decision on the tick a full sweep ends sees
that sweep, its own reading included.

Two kinds of brain outputs are decoded (the brain file says which it has):
- ``turn`` and ``direction``: turn != 0 gives the profile's turn-in-place pattern
  (turn 1 right, -1 left), otherwise direction >= 0 forward, < 0 backward;
- one output per motor pin, named as ``profile.motors.pin_order`` (IN1..IN4): each pin
  is its decoder's value (the ``bit`` decoder: round(|output|)).
The PWM is ``drive.reference_pwm``, or ``drive.turn_pwm`` while the sides run opposite.

Every controller has the interface ``ControllerProtocol`` below (this module's
``Controller``; the fixed-point twin's; the exporter's host-compiled C), and every loop
drives it through ``tick``: episodes, the window and teach mode (through
``simulator.episode``), and ``replay``.

``replay(profile, brain, distances)`` drives one car from a plain sequence of
readings (one per tick, used only on deciding ticks) and returns a per-tick record,
so the generated C code can be compared pin for pin. The firmware computes in
float32; this reference stays in float64, and the record shows the raw inputs and
outputs so a near-tie (an output close to a rounding edge) is easy to spot.
"""
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

from brain.decoders import decode_all
from brain.errors import NeurocarError
from brain.fixedpoint import to_fixed_point
from brain.i18n import _
from simulator.profile import PATTERN_NAMES
from simulator.sweep_memory import ACCEPTED_INPUTS, BASE_INPUTS, MEMORY_INPUTS, SweepMemory

__all__ = ["ACCEPTED_INPUTS", "BASE_INPUTS", "MEMORY_INPUTS"]   # re-exported: what a brain may read

TURN_DIRECTION = ("turn", "direction")


class ControllerError(NeurocarError):
    """A brain whose outputs this robot cannot turn into motor pins."""


def output_kind(brain, profile) -> str:
    """'turn_direction' or 'pins': how a brain's outputs drive this robot's motors."""
    names = tuple(brain.output_names)
    if names == TURN_DIRECTION:
        return "turn_direction"
    if names == tuple(profile.motors.pin_order):
        return "pins"
    raise ControllerError(
        _("the brain's outputs {value} cannot drive the motors; accepted: "
        "{value2} or one per motor pin ({value3}); "
        "retrain on a table with those outputs").format(value=', '.join(names), value2=', '.join(TURN_DIRECTION),
                value3=', '.join(profile.motors.pin_order)))


def memory_inputs(brain) -> tuple[str, ...]:
    """The memory inputs the brain reads after distance and position, in its order (none
    for a 2-input brain), or a ControllerError naming the inputs the car cannot give."""
    names = list(brain.input_names)
    if len(names) == brain.network.n_inputs == 2 and not set(names) & set(MEMORY_INPUTS):
        return ()
    memory = names[len(BASE_INPUTS):]
    wrong = [n for n, want in zip(names, BASE_INPUTS) if n != want]
    wrong += [n for k, n in enumerate(memory) if n not in MEMORY_INPUTS or n in memory[:k]]
    if wrong or len(names) <= len(BASE_INPUTS) or brain.network.n_inputs != len(names):
        raise ControllerError(
            _("the brain takes {count} inputs ({names}); the car gives it 2 ({base}) and, after them, any of "
              "{memory}, each at most once").format(count=brain.network.n_inputs, names=", ".join(names),
                                                    base=", ".join(BASE_INPUTS), memory=", ".join(MEMORY_INPUTS))
            + (_(" (not {wrong})").format(wrong=", ".join(dict.fromkeys(wrong))) if wrong else ""))
    return tuple(memory)


def check_brain(brain, profile) -> str:
    """The brain's output kind, or a ControllerError when this car cannot feed its inputs
    or turn its outputs into motor pins."""
    kind = output_kind(brain, profile)
    memory_inputs(brain)
    return kind


def encode_distance(d_cm, clamp_cm):
    """input1 from whole centimetres: 1 touching, -1 at the clamp or beyond."""
    return 1.0 - 2.0 * np.asarray(d_cm, dtype=float) / clamp_cm


def encode_angle(angle_deg, servo):
    """input2: the servo angle mapped linearly onto [-1, 1], -1 at the left end."""
    span = servo.max_deg - servo.min_deg
    x = 2.0 * (np.asarray(angle_deg, dtype=float) - servo.min_deg) / span - 1.0
    return x if servo.left_end_deg == servo.min_deg else -x


def encode_inputs(d_cm, servo_deg, profile, memory_cm=None) -> np.ndarray:
    """The brain's inputs (rows, 2 + k): (distance, position) for whole-cm readings at
    servo angles, then the memory inputs' whole-cm values ``memory_cm`` (rows, k) encoded
    as the distance, as the firmware encodes them."""
    clamp = profile.control.distance_clamp_cm
    columns = [encode_distance(d_cm, clamp), encode_angle(servo_deg, profile.servo)]
    if memory_cm is not None:
        columns.append(encode_distance(memory_cm, clamp))
    return np.column_stack(columns)


def whole_cm(distances_cm, clamp_cm):
    """The firmware's reading: whole cm (pulse / 58 truncates), clamped; no echo -> clamp."""
    d = np.asarray(distances_cm, dtype=float)
    d = np.where(np.isfinite(d), d, clamp_cm)
    return np.clip(np.floor(d), 0, clamp_cm).astype(int)


def hold_ticks(d_cm, control):
    """Ticks an action decided at whole-cm distance d lasts, in exact integer arithmetic."""
    clamp = control.distance_clamp_cm
    d = np.asarray(d_cm, dtype=int)
    return control.hold_min_ticks + (2 * control.hold_ticks_per_unit * (clamp - d)) // clamp


def paced_hold_ticks(d_cm, control):
    """The hold, at least ``control.ping_every_ticks``: the car pings at most that often."""
    return np.maximum(hold_ticks(d_cm, control), control.ping_every_ticks)


def sweep_step(angle, direction, servo):
    """One servo step for arrays of angles and directions (+1/-1); returns new ones."""
    angle = angle + direction * servo.step_deg
    high, low = angle >= servo.max_deg, angle <= servo.min_deg
    angle = np.minimum(np.maximum(angle, servo.min_deg), servo.max_deg)
    direction = np.where(high, -1, np.where(low, 1, direction))
    return angle, direction


def sweep_angles(servo) -> list[int]:
    """Every angle the servo sweep reaches from its start."""
    angle, direction, seen = np.array([servo.start_deg]), np.array([servo.start_direction]), set()
    while (int(angle[0]), int(direction[0])) not in seen:
        seen.add((int(angle[0]), int(direction[0])))
        angle, direction = sweep_step(angle, direction, servo)
    return sorted({a for a, _ in seen})


def input_grid(profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (whole-cm reading, servo angle) the controller can decide on, and the inputs
    it encodes for them: (d, angles, x)."""
    clamp = profile.control.distance_clamp_cm
    angles = sweep_angles(profile.servo)
    d = np.repeat(np.arange(clamp + 1), len(angles))
    a = np.tile(np.asarray(angles), clamp + 1)
    return d, a, encode_inputs(d, a, profile)


def decode_pins(outputs, brain, profile):
    """Motor pins (rows, len(pin_order)) and PWM (rows,) from raw brain outputs."""
    decided = decode_all(brain.decoders, outputs)
    motors = profile.motors
    if output_kind(brain, profile) == "pins":
        pins = decided.astype(int)
    else:
        turn, direction = decided[:, 0], decided[:, 1]
        choice = np.where(turn > 0, 2, np.where(turn < 0, 3, np.where(direction >= 0, 0, 1)))
        table = np.array([motors.patterns[n] for n in PATTERN_NAMES])
        pins = table[choice]
    return pins, pwm_for(pins, profile)


def pwm_for(pins, profile):
    """The firmware's PWM for motor pins (rows, len(pin_order)): ``drive.turn_pwm`` while
    the two sides run opposite ways (turning on the spot), else ``drive.reference_pwm``."""
    left, right = profile.motors.side_directions(pins)
    return np.where(left * right < 0, profile.drive.turn_pwm, profile.drive.reference_pwm)


class ControllerProtocol(Protocol):
    """What every controller of n cars has; all its state is arrays over the cars."""
    n: int
    brain: object                # settable at run time (after retraining)
    servo_deg: np.ndarray        # (n,) int: where each servo points
    pins: np.ndarray             # (n, len(pin_order)) int: the motor pins last set
    pwm: np.ndarray              # (n,) int
    hold: np.ndarray             # (n,) int: ticks left before the next decision
    inputs: np.ndarray           # (n, n_inputs): the last decision's inputs
    outputs: np.ndarray          # (n, n_out): the last decision's raw outputs
    reading_cm: np.ndarray       # (n,) int: this tick's whole-cm reading, -1 where none

    def reset(self, mask=None) -> None:
        """Servo to its start, no action held, motors off (all cars, or where mask)."""

    def sweep(self) -> np.ndarray:
        """Move every servo one step; the angles the sensors now face."""

    def deciding(self) -> np.ndarray:
        """(n,) bool: the cars with no action in progress, which read and decide now."""

    def reading(self) -> np.ndarray:
        """(n,) bool: the cars that ping the sensor now: the deciding ones, and those whose
        memory ``control.read_while_holding`` fills."""

    def decide(self, distances_cm) -> np.ndarray:
        """Count holds down, or decide from the readings (np.inf: no echo; read only where
        reading); the mask of cars that decided."""


# Where the deciding cars' readings come from: read(angles, deciding) -> (n,) cm.
Reader = Callable[[np.ndarray, np.ndarray], np.ndarray]


def tick(controller: ControllerProtocol, read: Reader) -> np.ndarray:
    """One control tick, the firmware's loop: every servo steps, the cars with no action
    held (and those that read while holding) read the sensor at the new angle, and the
    former decide (encode, brain, decode, hold). Returns the mask of cars that decided."""
    angles = controller.sweep()
    need = controller.reading()
    distances = read(angles, need) if need.any() else np.full(controller.n, np.inf)
    return controller.decide(distances)


class Controller:
    """The firmware tick for n cars at once (n = 1 for the window), in float64."""

    def __init__(self, profile, brain, n: int = 1):
        self.profile = profile
        self.n = int(n)
        self.brain = brain
        self.reset()

    @property
    def brain(self):
        return self._brain

    @brain.setter
    def brain(self, brain):
        check_brain(brain, self.profile)
        self._brain, self.memory_inputs = brain, memory_inputs(brain)
        if hasattr(self, "pins"):                  # a new brain at run time: the car drives on
            self._new_layout()

    def _new_layout(self) -> None:
        """Room for the new brain's inputs; a memory begun now has seen no sweep begin."""
        if self.inputs.shape[1] != self._brain.network.n_inputs:
            self.inputs = np.zeros((self.n, self._brain.network.n_inputs))
        if not self.memory_inputs:
            self.memory = None
        elif self.memory is None:
            self.memory = SweepMemory(self.profile, self.n)
            self.memory.full[:] = False

    def reset(self, mask=None) -> None:
        """Servo to its start, no action held, motors off, the sweep's memory empty (for all
        cars, or where mask)."""
        n, servo = self.n, self.profile.servo
        if mask is None or not hasattr(self, "pins"):
            self.memory = SweepMemory(self.profile, n) if self.memory_inputs else None
            self.servo_deg = np.full(n, servo.start_deg, dtype=int)
            self.servo_dir = np.full(n, servo.start_direction, dtype=int)
            self.hold = np.zeros(n, dtype=int)
            self.pins = np.zeros((n, len(self.profile.motors.pin_order)), dtype=int)
            self.pwm = np.zeros(n, dtype=int)
            self.inputs = np.zeros((n, self._brain.network.n_inputs))
            self.outputs = np.zeros((n, len(self._brain.output_names)))
            self.reading_cm = np.full(n, -1, dtype=int)
            return
        self.servo_deg[mask] = servo.start_deg
        self.servo_dir[mask] = servo.start_direction
        self.hold[mask] = 0
        self.pins[mask] = 0
        self.pwm[mask] = 0
        if self.memory is not None:
            self.memory.reset(mask)

    def memory_cm(self, rows):
        """The whole-cm values (len(rows), k) of the brain's memory inputs for the cars
        ``rows``, as the next decision would read them; None for a 2-input brain."""
        return None if self.memory is None else self.memory.columns(self.memory_inputs, rows)

    def sweep(self) -> np.ndarray:
        """Step 1 of a tick: move every servo; returns the angles the sensors now face."""
        self.servo_deg, self.servo_dir = sweep_step(self.servo_deg, self.servo_dir, self.profile.servo)
        return self.servo_deg

    def deciding(self) -> np.ndarray:
        """Cars with no action in progress: they read the sensor and decide this tick."""
        return self.hold == 0

    def reading(self) -> np.ndarray:
        """Cars that ping the sensor this tick: the deciding ones, and with
        ``control.read_while_holding`` the holding ones of a memory brain, paced."""
        control = self.profile.control
        if self.memory is None or not control.read_while_holding:
            return self.deciding()
        return self.deciding() | self.memory.may_ping(self.hold, control.ping_every_ticks)

    def decide(self, distances_cm) -> np.ndarray:
        """Steps 2-3 of a tick. distances_cm (n,) are read only for reading cars.
        Returns the mask of cars that decided."""
        need, pinged = self.deciding(), self.reading()
        self.hold[~need] -= 1
        self.reading_cm[:] = -1
        self.reading_cm[pinged] = whole_cm(np.asarray(distances_cm, dtype=float)[pinged],
                                           self.profile.control.distance_clamp_cm)
        d = self.reading_cm[need]
        if self.memory is not None:
            self.memory.observe(self.servo_deg, self.reading_cm, pinged)
        if not need.any():
            return need
        x = encode_inputs(d, self.servo_deg[need], self.profile, self.memory_cm(need))
        y = np.atleast_2d(self._brain.forward(x))
        pins, pwm = decode_pins(y, self._brain, self.profile)
        self.inputs[need], self.outputs[need] = x, y
        self.pins[need], self.pwm[need] = pins, pwm
        self.hold[need] = paced_hold_ticks(d, self.profile.control) - 1
        if self.memory is not None:
            self.memory.decided(d, need)
        return need


class FixedPointController(Controller):
    """``Controller`` with the brain replaced by its ``brain.fixedpoint`` twin: what the
    fixed-point sketch computes, bit for bit."""

    @Controller.brain.setter
    def brain(self, brain):
        Controller.brain.fset(self, to_fixed_point(brain))


@dataclass
class TickRecord:
    """What one car's firmware did in one tick (for parity tests and debugging)."""
    tick: int
    servo_deg: int
    decided: bool
    reading_cm: int          # -1 when the car did not read the sensor this tick
    inputs: tuple            # the last decision's inputs (float64)
    outputs: tuple           # the last decision's raw outputs (float64)
    pins: tuple
    pwm: int
    hold: int                # ticks left before the next decision


def replay(profile, brain, distances_cm, controller=None) -> list[TickRecord]:
    """Drive one car from a sequence of readings, one per tick (used only on deciding
    ticks; np.inf means no echo), and record each tick. controller: the class to drive
    (default ``Controller``)."""
    ctl = (controller or Controller)(profile, brain, 1)
    records = []
    for i, d in enumerate(distances_cm):
        decided = bool(tick(ctl, lambda angles, need, d=d: np.array([d], dtype=float))[0])
        records.append(TickRecord(i, int(ctl.servo_deg[0]), decided, int(ctl.reading_cm[0]),
                                  tuple(float(v) for v in ctl.inputs[0]),
                                  tuple(float(v) for v in ctl.outputs[0]), tuple(int(p) for p in ctl.pins[0]),
                                  int(ctl.pwm[0]), int(ctl.hold[0])))
    return records
