"""Robot profiles: the physical robot, read from ``assets/robots/*.toml``.

A profile is the single source of truth for every constant of the robot (body, drive,
motor pins and their patterns, sensor, servo sweep, control tick, distance clamp and
action-hold rule). The simulator and the firmware exporter both read it, so no robot
constant is typed twice. Units are those of the file: cm, s, degrees, kg, N.

    profile = load_profile(asset("robots", "elegoo_v3.toml"))
    profile.servo.step_deg, profile.motors.patterns["right"]   # 9, (0, 1, 0, 1)
"""
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from brain.fileio import read_text

DEFAULT_PROFILE = "elegoo_v3.toml"
MAX_TICK_S = 1.0          # a control tick longer than a second is a typo, not a robot
PATTERN_NAMES = ("forward", "backward", "right", "left")
# Which way each wheel side runs (left, right) for each named pattern.
PATTERN_SIDES = {"forward": (1, 1), "backward": (-1, -1), "right": (1, -1), "left": (-1, 1)}


class ProfileError(ValueError):
    """A robot profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Body:
    length_cm: float
    width_cm: float
    mass_kg: float


@dataclass(frozen=True)
class Drive:
    wheels: int
    reference_pwm: int
    speed_cm_s: float
    turn_rate_deg_s: float
    turn_pwm: int
    max_force_n: float
    max_torque_n_m: float

    def wheel_speed_cm_s(self, pwm):
        """A side's ground speed at a PWM value, proportional to it."""
        return self.speed_cm_s * pwm / self.reference_pwm

    @property
    def effective_track_cm(self) -> float:
        """The track a skid-steer behaves as if it had, from its measured turn rate."""
        return 2.0 * self.wheel_speed_cm_s(self.turn_pwm) / math.radians(self.turn_rate_deg_s)


@dataclass(frozen=True)
class Side:
    enable: str
    forward: str
    backward: str


@dataclass(frozen=True)
class Motors:
    pin_order: tuple[str, ...]          # the pins a decision sets, e.g. IN1..IN4
    pins: dict                          # name -> Arduino pin number
    left: Side
    right: Side
    patterns: dict                      # "forward" ... -> tuple of 0/1 in pin_order

    def side_directions(self, pins):
        """(left, right) directions in {-1, 0, 1} for an array (..., len(pin_order)) of pins."""
        import numpy as np
        pins = np.asarray(pins)
        idx = {name: i for i, name in enumerate(self.pin_order)}

        def direction(side: Side):
            return pins[..., idx[side.forward]].astype(int) - pins[..., idx[side.backward]].astype(int)
        return direction(self.left), direction(self.right)


@dataclass(frozen=True)
class Sensor:
    trig_pin: str
    echo_pin: str
    min_range_cm: float
    max_range_cm: float
    beam_deg: float
    rays: int
    mount_forward_cm: float
    us_per_cm: int
    grazing_deg: float
    grazing_miss_probability: float
    noise_cm: float


@dataclass(frozen=True)
class Servo:
    pin: int
    min_deg: int
    max_deg: int
    step_deg: int
    start_deg: int
    start_direction: int
    left_end_deg: int

    @property
    def left_sign(self) -> int:
        """+1 when larger servo angles look further left (counter-clockwise), else -1."""
        return 1 if self.left_end_deg == self.max_deg else -1


@dataclass(frozen=True)
class Control:
    tick_s: float
    distance_clamp_cm: int
    hold_ticks_per_unit: int
    hold_min_ticks: int


@dataclass(frozen=True)
class Profile:
    name: str
    body: Body
    drive: Drive
    motors: Motors
    sensor: Sensor
    servo: Servo
    control: Control
    source: str = "<profile>"


def load_profile(path) -> Profile:
    """Read and check a profile; a bad file raises ProfileError naming file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(read_text(path, "robot profile", ProfileError))
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"{path}: not valid TOML ({e})") from None
    return profile_from_dict(data, str(path))


def default_profile() -> Profile:
    from simulator.assets import asset
    return load_profile(asset("robots", DEFAULT_PROFILE))


def profile_from_dict(data: dict, source: str = "<profile>") -> Profile:
    reader = _Reader(data, source)
    profile = Profile(
        name=reader.get("name", str),
        body=Body(**reader.numbers("body", ("length_cm", "width_cm", "mass_kg"))),
        drive=_drive(reader),
        motors=_motors(reader),
        sensor=_sensor(reader),
        servo=_servo(reader),
        control=_control(reader),
        source=source,
    )
    _check_patterns(profile.motors, reader)
    return profile


class _Reader:
    """Typed access to the TOML tables, with one clear message per bad key."""

    def __init__(self, data: dict, source: str):
        self.data, self.source = data, source

    def fail(self, key: str, what: str) -> ProfileError:
        return ProfileError(f"{self.source}: {key} {what}")

    def get(self, key: str, kind, section: str | None = None):
        table = self.data if section is None else self.section(section)
        full = key if section is None else f"{section}.{key}"
        if key not in table:
            raise self.fail(full, f"is missing; expected {_KIND_NAMES.get(kind, kind.__name__)}")
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise self.fail(full, f"= {value!r} is not {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def section(self, name: str) -> dict:
        table = self.data.get(name)
        if not isinstance(table, dict):
            raise self.fail(f"[{name}]", "section is missing")
        return table

    def numbers(self, section: str, keys, kind=float, positive=True) -> dict:
        out = {}
        for key in keys:
            value = self.get(key, kind, section)
            if not math.isfinite(value):
                raise self.fail(f"{section}.{key}", f"= {value!r} must be a finite number")
            if positive and not value > 0:
                raise self.fail(f"{section}.{key}", f"= {value!r} must be greater than 0")
            out[key] = value
        return out


_KIND_NAMES = {float: "a number", int: "a whole number", str: "text", dict: "a table", list: "a list"}


def _drive(r: _Reader) -> Drive:
    values = r.numbers("drive", ("speed_cm_s", "turn_rate_deg_s", "max_force_n", "max_torque_n_m"))
    values |= r.numbers("drive", ("wheels", "reference_pwm", "turn_pwm"), kind=int)
    for key in ("reference_pwm", "turn_pwm"):
        if values[key] > 255:
            raise r.fail(f"drive.{key}", f"= {values[key]} must be a PWM value from 1 to 255")
    return Drive(**values)


def _motors(r: _Reader) -> Motors:
    order = r.get("pin_order", list, "motors")
    pins = r.get("pins", dict, "motors")
    for name, number in pins.items():
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise r.fail(f"motors.pins.{name}", f"= {number!r} must be an Arduino pin number (a whole number, 0 or more)")
    if not order or not all(isinstance(p, str) and p in pins for p in order):
        raise r.fail("motors.pin_order", f"= {order!r} must list pin names defined in motors.pins")
    sides = {}
    for name in ("left", "right"):
        side = r.get(name, dict, "motors")
        for role in ("enable", "forward", "backward"):
            if side.get(role) not in pins:
                raise r.fail(f"motors.{name}.{role}", f"= {side.get(role)!r} must name a pin of motors.pins")
        if side["forward"] not in order or side["backward"] not in order:
            raise r.fail(f"motors.{name}", "forward and backward pins must be in motors.pin_order")
        sides[name] = Side(side["enable"], side["forward"], side["backward"])
    patterns_table = r.get("patterns", dict, "motors")
    patterns = {}
    for name in PATTERN_NAMES:
        text = patterns_table.get(name)
        if not (isinstance(text, str) and len(text) == len(order) and set(text) <= {"0", "1"}):
            raise r.fail(f"motors.patterns.{name}",
                         f"= {text!r} must be {len(order)} characters of 0 and 1, one per pin of {order}")
        patterns[name] = tuple(int(c) for c in text)
    return Motors(tuple(order), dict(pins), sides["left"], sides["right"], patterns)


def _check_patterns(motors: Motors, r: _Reader) -> None:
    """Each named pattern must really drive the wheel sides that way."""
    for name, expected in PATTERN_SIDES.items():
        got = tuple(int(v) for v in motors.side_directions(motors.patterns[name]))
        if got != expected:
            raise r.fail(f"motors.patterns.{name}",
                         f"drives the (left, right) sides {got}, but {name} needs {expected}; "
                         f"check motors.left / motors.right")


def _sensor(r: _Reader) -> Sensor:
    values = r.numbers("sensor", ("min_range_cm", "max_range_cm", "beam_deg", "mount_forward_cm",
                                  "grazing_deg", "grazing_miss_probability", "noise_cm"))
    values |= r.numbers("sensor", ("rays", "us_per_cm"), kind=int)
    values |= {k: r.get(k, str, "sensor") for k in ("trig_pin", "echo_pin")}
    if values["min_range_cm"] >= values["max_range_cm"]:
        raise r.fail("sensor.min_range_cm", "must be below sensor.max_range_cm")
    if values["grazing_miss_probability"] > 1:
        raise r.fail("sensor.grazing_miss_probability", "must be from 0 to 1")
    if values["beam_deg"] >= 180:
        raise r.fail("sensor.beam_deg", f"= {values['beam_deg']} must be below 180 degrees")
    if values["grazing_deg"] > 90:
        raise r.fail("sensor.grazing_deg", f"= {values['grazing_deg']} must be from 0 to 90 degrees")
    return Sensor(**values)


def _servo(r: _Reader) -> Servo:
    keys = ("pin", "min_deg", "max_deg", "step_deg", "start_deg", "start_direction", "left_end_deg")
    values = {k: r.get(k, int, "servo") for k in keys}
    if not 0 <= values["min_deg"] < values["max_deg"] <= 180:
        raise r.fail("servo.min_deg/max_deg", "must satisfy 0 <= min_deg < max_deg <= 180")
    if not 0 < values["step_deg"] <= values["max_deg"] - values["min_deg"]:
        raise r.fail("servo.step_deg", f"= {values['step_deg']} must be from 1 to max_deg - min_deg")
    if not values["min_deg"] <= values["start_deg"] <= values["max_deg"]:
        raise r.fail("servo.start_deg", f"= {values['start_deg']} must be within min_deg..max_deg")
    if values["start_direction"] not in (-1, 1):
        raise r.fail("servo.start_direction", f"= {values['start_direction']} must be 1 or -1")
    if values["left_end_deg"] not in (values["min_deg"], values["max_deg"]):
        raise r.fail("servo.left_end_deg", f"= {values['left_end_deg']} must be min_deg or max_deg")
    return Servo(**values)


def _control(r: _Reader) -> Control:
    values = r.numbers("control", ("tick_s",))
    values |= r.numbers("control", ("distance_clamp_cm", "hold_ticks_per_unit", "hold_min_ticks"), kind=int)
    if values["tick_s"] > MAX_TICK_S:
        raise r.fail("control.tick_s", f"= {values['tick_s']} must be at most {MAX_TICK_S:g} s")
    return Control(**values)
