"""Calibration: what the calibration sketch does, what the user measures with a tape, and
the fit of the measured car model (``simulator.measured``) to both.

The sketch (``firmware_export.calibration_sketch``) runs four kinds of step, each after a
pause and a serial prompt, and logs each over serial (``firmware_export.calibration_sketch``
documents the log's lines):

- straight runs, forward for ``run_ms`` at two PWM levels: the user tapes how far the car
  went. Once turning, a side's ground speed is ``speed_mm_s_per_v`` x its volts, with no
  offset, so the runs give the speed per volt (and check that the speed is proportional);
- a start ramp, facing a wall: the PWM rises one step every ``ramp_step_ms`` from 0, the
  sonar reads the wall after each step, and the PWM at which the wall starts to come nearer
  gives the start threshold ``start_v`` (the runs above cannot: they only say how fast);
- turns in place at the profile's turn PWM for ``turn_ms``, left then right: the user
  measures the angles turned, which give the wheel travel per degree;
- sweeps of the servo, one pulse count at a time, past a flat board the user places
  straight ahead at known distances, widths and angles: how wide the span is over which
  the board answers gives the beam (a narrow board: the beam plus the board's own width)
  and the incidence limit (a wide board: the beam plus the incidence limit), fitted as the
  per-car scales of the profile's curves (``simulator.calibration_echo``).

The battery's voltage comes from a multimeter: speed per volt and the start threshold are
figures per motor volt, ``pwm / 255 x (battery_v - driver_drop_v)``.
"""
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.fileio import read_text
from brain.i18n import _
from simulator.measured import UNCERTAIN

SERVO_MIN_PULSE_US, SERVO_MAX_PULSE_US = 544, 2400     # 0 and 180 degrees, as the sketches' servo driver
SERVO_US_PER_COUNT = 4                                 # the driver's resolution: one step of the sweep
RUN_MS = 2000
TURN_DEG = 180.0                # the turns last what the profile's estimate needs for half a turn
RAMP_STEP_MS = 100
RAMP_STOP_CM = 30               # the ramp stops once the wall is this much nearer ...
RAMP_NEAREST_CM = 20            # ... or this near
PAUSE_MS = 30000                # after each prompt: time to place the car or the board
# Suggested boards: (distance cm, width cm, angle deg). Narrow boards (12 cm) show the
# beam plus their own width, wide ones (40 cm) the beam plus the incidence limit.
TARGETS = ((50, 12, 0), (70, 12, 0), (90, 12, 0), (110, 12, 0), (50, 40, 0), (70, 40, 0), (90, 40, 0),
           (110, 60, 0))
HEARD_FACTOR, HEARD_MARGIN_CM = 1.3, 10.0     # a sweep's reading is the board's when this near


class CalibrationError(NeurocarError):
    """A calibration log or measurements file that cannot be used; names the file and key."""


@dataclass(frozen=True)
class Plan:
    """What the calibration sketch does, from a profile."""
    straight_pwm: tuple
    run_ms: int
    turn_pwm: int
    turn_ms: int
    turns: tuple                    # "left", "right"
    targets: tuple                  # suggested (distance cm, width cm, angle deg)
    sweep_us: tuple                 # (first, last) pulse widths, microseconds
    ramp_step_ms: int = RAMP_STEP_MS


def plan_for(profile) -> Plan:
    drive, servo = profile.drive, profile.servo
    levels = (drive.reference_pwm, min(255, round(drive.reference_pwm * 1.5)))
    tick_ms = round(profile.control.tick_s * 1000)
    turn_ms = max(tick_ms, round(TURN_DEG / drive.turn_rate_deg_s * 1000 / tick_ms) * tick_ms)
    return Plan(levels, RUN_MS, drive.turn_pwm, turn_ms, ("left", "right"), TARGETS,
                (deg_to_us(servo.min_deg), deg_to_us(servo.max_deg)))


def deg_to_us(deg: float) -> int:
    """The pulse width for an angle, in whole driver counts (as the sketch sends it)."""
    us = SERVO_MIN_PULSE_US + deg * (SERVO_MAX_PULSE_US - SERVO_MIN_PULSE_US) / 180
    return int(us // SERVO_US_PER_COUNT) * SERVO_US_PER_COUNT


def us_to_deg(us) -> np.ndarray:
    return (np.asarray(us, dtype=float) - SERVO_MIN_PULSE_US) * 180 / (SERVO_MAX_PULSE_US - SERVO_MIN_PULSE_US)


@dataclass(frozen=True)
class Log:
    """What the sketch logged: each straight run (pwm, ms), each turn (direction, pwm,
    ms), the ramp's (pwm, reading cm) after each step (inf: no echo), and each sweep's
    (pulse us, reading cm)."""
    straight: tuple
    turns: tuple
    ramp: tuple
    sweeps: tuple
    ramp_step_ms: int = RAMP_STEP_MS


@dataclass(frozen=True)
class Tape:
    """What the user measured: battery volts, each straight run's distance (cm), each
    turn's angle (degrees), and each board's (distance cm, width cm, angle deg)."""
    battery_v: float
    distances_cm: tuple
    angles_deg: tuple
    targets: tuple


# What each blank accepts: (low, high, unit, why).
BOUNDS = {
    "battery_v": (5.0, 12.6, "V", "the Uno and L298N run on 5 to 12.6 V"),
    "distance_cm": (1.0, 1000.0, "cm", "how far a run went"),
    "angle_deg": (1.0, 1080.0, "degrees", "how far a turn went, up to three turns"),
    "target.distance_cm": (10.0, 300.0, "cm", "from the servo's axis to the board"),
    "target.width_cm": (1.0, 300.0, "cm", "the board's width"),
    "target.angle_deg": (-60.0, 60.0, "degrees", "how far the board is turned from facing the car"),
}


def read_tape(path, plan: Plan) -> Tape:
    """The measurements file, every blank filled and in range, as many runs as the plan."""
    try:
        data = tomllib.loads(read_text(Path(path), _("measurements file"), CalibrationError))
    except ValueError as e:
        raise CalibrationError(_("{path}: not valid TOML ({e})").format(path=path, e=e)) from None
    battery = _number(path, data, "battery_v", "battery_v")
    runs = _entries(path, data, "straight", len(plan.straight_pwm))
    turns = _entries(path, data, "turn", len(plan.turns))
    targets = _entries(path, data, "target", len(plan.targets))
    for i, (run, pwm) in enumerate(zip(runs, plan.straight_pwm)):
        _as_written(path, run, f"straight[{i + 1}]", {"pwm": pwm, "ms": plan.run_ms})
    for i, turn in enumerate(turns):
        _as_written(path, turn, f"turn[{i + 1}]", {"pwm": plan.turn_pwm, "ms": plan.turn_ms})
    return Tape(battery, tuple(_number(path, e, "distance_cm", f"straight[{i + 1}].distance_cm")
                               for i, e in enumerate(runs)),
                tuple(_number(path, e, "angle_deg", f"turn[{i + 1}].angle_deg") for i, e in enumerate(turns)),
                tuple(tuple(_number(path, e, key, f"target[{i + 1}].{key}", f"target.{key}")
                            for key in ("distance_cm", "width_cm", "angle_deg")) for i, e in enumerate(targets)))


def _entries(path, data, name: str, count: int) -> list:
    entries = data.get(name)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CalibrationError(_("{path}: [[{name}]] is missing; the calibration sketch writes {count} of them").format(
            path=path, name=name, count=count))
    if len(entries) != count:
        raise CalibrationError(_("{path}: {count} [[{name}]] entries, but the sketch ran {count2}").format(
            path=path, count=len(entries), name=name, count2=count))
    return entries


def _as_written(path, entry: dict, where: str, expected: dict) -> None:
    """What the file says the sketch did must be what it does (a file of another sketch)."""
    for key, value in expected.items():
        if key in entry and entry[key] != value:
            raise CalibrationError(_("{path}: {where}.{key} = {entry!r}, but the sketch runs {key} = {value}; "
                                   "fill in the measurements file written with the sketch").format(
                                       path=path, where=where, key=key, entry=entry[key], value=value))


def _number(path, table: dict, key: str, where: str, kind: str | None = None) -> float:
    low, high, unit, why = BOUNDS[kind or key]
    value = table.get(key)
    if value == "" or value is None:
        raise CalibrationError(_("{path}: {where} is blank; fill in {why} ({unit})").format(
            path=path, where=where, why=why, unit=unit))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalibrationError(_("{path}: {where} = {value!r} is not a number ({why}, {unit})").format(
            path=path, where=where, value=value, why=why, unit=unit))
    if not low <= value <= high:
        raise CalibrationError(_("{path}: {where} = {value:g} is out of range; accepted: {low:g} to {high:g} "
                               "{unit} ({why})").format(
                                   path=path, where=where, value=value, low=low, high=high, unit=unit, why=why))
    return float(value)


def motor_volts(pwm, battery_v: float, profile) -> np.ndarray:
    return np.asarray(pwm, dtype=float) / 255.0 * (battery_v - profile.measured.motors.driver_drop_v)


def fit_speed(log: Log, tape: Tape, profile) -> float:
    """Speed per motor volt (mm/s per V): the least-squares line through the origin of the
    straight runs' speeds over their motor volts."""
    volts = motor_volts([p for p, _ in log.straight], tape.battery_v, profile)
    speed_mm_s = np.array(tape.distances_cm) * 10 / (np.array([ms for _, ms in log.straight]) / 1000)
    return float(volts @ speed_mm_s / (volts @ volts))


def fit_travel(log: Log, tape: Tape, profile, speed_mm_s_per_v: float) -> float:
    """Wheel travel per degree turned in place (mm): wheel speed over the turn rate."""
    travel = [motor_volts(pwm, tape.battery_v, profile) * speed_mm_s_per_v * ms / 1000 / angle
              for (_, pwm, ms), angle in zip(log.turns, tape.angles_deg)]
    return float(np.mean(travel))


def fit_start(log: Log, tape: Tape, profile, speed_mm_s_per_v: float, source: str = "the log") -> float:
    """The start threshold (motor volts): the ramp step at which the wall started to come
    nearer, found as the start whose travel from then on (each step's speed, less the
    distance lost reaching it at ``max_accel_m_s2``) best matches the readings."""
    pwm = np.array([p for p, _ in log.ramp], dtype=float)
    reading = np.array([r for _, r in log.ramp], dtype=float)
    seen = np.isfinite(reading)
    if seen.sum() < 8:
        raise CalibrationError(_("{source}: the start ramp has {int} readings of the wall; it needs 8 "
                               "or more (face a wall 80 to 150 cm ahead)").format(source=source, int=int(seen.sum())))
    baseline = float(np.median(reading[seen][:5]))
    moved = baseline - reading
    step_cm = motor_volts(pwm, tape.battery_v, profile) * speed_mm_s_per_v / 10 * log.ramp_step_ms / 1000
    accel_cm_s2 = float(np.mean(profile.measured.motors.max_accel_m_s2)) * 100
    errors = []
    for s in range(1, len(pwm)):
        travel = np.where(np.arange(len(pwm)) >= s, np.cumsum(np.where(np.arange(len(pwm)) >= s, step_cm, 0)), 0)
        lag = (step_cm[s] * 1000 / log.ramp_step_ms) ** 2 / (2 * accel_cm_s2)
        travel = np.maximum(travel - np.where(travel > 0, lag, 0), 0)
        errors.append(float(((moved - travel)[seen] ** 2).sum()))
    start = 1 + int(np.argmin(errors))
    if moved[seen][-1] < RAMP_STOP_CM / 2 or start < 3:
        raise CalibrationError(_("{source}: the wall did not come nearer steadily during the start ramp "
                               "(the car did not move, or moved at once); face a wall 80 to 150 cm ahead").format(
                                   source=source))
    return float(motor_volts((pwm[start - 1] + pwm[start]) / 2, tape.battery_v, profile))


def check_fitted(values: dict, source: str) -> None:
    """Each fitted value must be one a car can have (the profile's own bounds)."""
    for name, value in values.items():
        low, high = UNCERTAIN[name][2]
        if not low <= value <= high:
            raise CalibrationError(_("{source}: the fitted {name} = {value:.4g} is outside what the profile accepts "
                                   "({low:g} to {high:g}); check the tape readings and the battery voltage").format(
                                       source=source, name=name, value=value, low=low, high=high))
