"""Robot profiles: the physical robot, read from ``assets/robots/*.toml``.

A profile is the single source of truth for every constant of the robot (body, drive,
motor pins and their patterns, sensor, servo sweep, control tick, distance clamp and
action-hold rule). The simulator and the firmware exporter both read it, so no robot
constant is typed twice. Units are those of the file: cm, s, degrees, kg, N.

    profile = load_profile(asset("robots", "elegoo_v3.toml"))
    profile.servo.step_deg, profile.motors.patterns["right"]   # 9, (0, 1, 0, 1)

Every value is held to a range (the bounds below, each with where it comes from); a
value outside it raises ProfileError naming the file, the key, the value and the range.
"""
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.fileio import read_text
from brain.i18n import N_, _
from simulator.assets import asset
from simulator.checked_table import CheckedTable, show_value
from simulator.measured import Measured, read_measured
from simulator.physics import PHYSICS_HZ
from simulator.world import MIN_THICKNESS_CM

DEFAULT_PROFILE = "elegoo_v3.toml"
PATTERN_NAMES = ("forward", "backward", "right", "left")
PATTERN_WORDS = {"forward": N_("forward"), "backward": N_("backward"), "left": N_("turn left"),
                 "right": N_("turn right")}      # the motions as people read them, shown through _()
# Which way each wheel side runs (left, right) for each named pattern.
PATTERN_SIDES = {"forward": (1, 1), "backward": (-1, -1), "right": (1, -1), "left": (-1, 1)}

# -- Bounds ------------------------------------------------------------------------------
# Motion. pymunk finds contacts only at the end of a physics step, so no point of the car
# may move half the thinnest obstacle a world allows (world.MIN_THICKNESS_CM) in one step:
# further, a corner could end a step past a thin wall's middle and be pushed out through
# its far side. A step lasts 1 / PHYSICS_HZ s at most (physics.steps_per_tick).
MAX_POINT_SPEED_CM_S = MIN_THICKNESS_CM / 2 * PHYSICS_HZ     # 60 cm/s: 0.5 cm per 1/120 s
MIN_SPEED_CM_S = 1.0           # slower is a stalled car, not a driving one
MIN_TURN_RATE_DEG_S = 1.0      # likewise for turning on the spot
# Traction. No tyre grips a floor better than MAX_GRIP_MU (soft rubber on a dry floor), so
# the drive force is at most mu m g, and the yaw torque mu m g times the farthest a tyre
# can sit from the centre (the body's half-diagonal). Both must be enough to bring the car
# to its speed and turn rate within SPIN_UP_S (a DC motor car does so in a fraction of it).
MAX_GRIP_MU = 1.5
GRAVITY_M_S2 = 9.81
SPIN_UP_S = 1.0
BODY_CM = (5.0, 100.0)         # it carries an Arduino Uno (6.9 x 5.3 cm); a metre is a big rover
MASS_KG = (0.1, 20.0)          # an Uno, two motors and a battery weigh more than 100 g
WHEELS = (2, 8)                # two and a caster, up to a six- or eight-wheel rover
MAX_RANGE_CM = 1000.0          # ultrasonic rangers reach 4 m (HC-SR04) to about 10 m
MAX_RAYS = 64                  # each ray is cast against every edge at every reading; 64 across
                               # even a 180-degree beam are under 3 degrees apart
MAX_NOISE_CM = 10.0            # an HC-SR04 is good to a few millimetres; 10 cm is a broken one
US_PER_CM = (50, 70)           # sound's round trip: 2 / 343 m/s = 58.3 us/cm at 20 C, 55-65
                               # from -40 to 60 C
MAX_NAME_CHARS = 100
# The AVR. The firmware (avr-gcc: int 16 bits, long 32) holds profile numbers in these
# widths; they are checked here, at load, because the simulator runs whatever the firmware
# is later given (and the exporter, above this layer, must not be the first to notice):
# - pin numbers are uint8_t (pinMode, the sketch's pin table), and so is the loop counter
#   over motors.pin_order;
# - the hold is a uint16_t: hold_min_ticks + (2L * hold_ticks_per_unit * (clamp - d)) / clamp,
#   the product in a long, so hold_min_ticks + 2 x hold_ticks_per_unit <= UINT16_MAX and
#   2 x hold_ticks_per_unit x clamp <= INT32_MAX;
# - readings and the clamp are int16_t (whole_cm, reading_cm), but --verify replays them to
#   the simulated Uno as one uint8_t per tick, 255 meaning no echo: so clamp <= 254, which
#   also keeps the fixed-point encoder's long 2 x clamp x 8192 and the grid count
#   (clamp + 1) x angles in an unsigned int well inside; with US_PER_CM the echo wait
#   (clamp + 1) x us_per_cm + 1000 us stays far below pulseIn's 2^32 / 16;
# - the tick is whole milliseconds of millis(): at least one (MIN_TICK_S).
UINT8_MAX, UINT16_MAX, INT32_MAX = 255, 65_535, 2_147_483_647
MIN_TICK_S = 0.001
MAX_TICK_S = 1.0               # a control tick longer than a second is a typo, not a robot
_PIN_NAME = re.compile(r"(A[0-9]{1,2}|[0-9]{1,3})\Z")


class ProfileError(NeurocarError):
    """A robot profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Body:
    length_cm: float
    width_cm: float
    mass_kg: float

    @property
    def half_diagonal_cm(self) -> float:
        """How far the body's corners are from its centre."""
        return math.hypot(self.length_cm, self.width_cm) / 2


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

    def fastest_point_cm_s(self, radius_cm: float) -> float:
        """The fastest any point within radius_cm of the centre moves, over every way the
        two sides can run (each forward, backward or off, at the PWM the firmware gives)."""
        fastest = 0.0
        for left in (-1, 0, 1):
            for right in (-1, 0, 1):
                v = self.wheel_speed_cm_s(self.turn_pwm if left * right < 0 else self.reference_pwm)
                linear, yaw = abs(left + right) * v / 2, abs(right - left) * v / self.effective_track_cm
                fastest = max(fastest, linear + yaw * radius_cm)
        return fastest


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
    ping_every_ticks: int = 1           # the car pings (and decides) at most every N ticks
    read_while_holding: bool = False    # memory brains: ping during holds too (simulator.sweep_memory)


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
    measured: Measured | None = None    # the measured car model's tables (simulator.measured)


def load_profile(path) -> Profile:
    """Read and check a profile; a bad file raises ProfileError naming file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(read_text(path, _("robot profile"), ProfileError))
    except ValueError as e:            # TOMLDecodeError, or an integer too long to read
        raise ProfileError(_("{path}: not valid TOML ({e})").format(path=path, e=e)) from None
    except RecursionError:
        raise ProfileError(_("{path}: nested too deeply to be a robot profile").format(path=path)) from None
    return profile_from_dict(data, str(path))


def default_profile() -> Profile:
    return load_profile(asset("robots", DEFAULT_PROFILE))


def profile_from_dict(data: dict, source: str = "<profile>") -> Profile:
    reader = CheckedTable(data, source, ProfileError)
    name = reader.get("name", str)
    if not (0 < len(name) <= MAX_NAME_CHARS and name.isprintable()):
        raise reader.fail("name", f"= {show_value(name)} must be one line of 1 to {MAX_NAME_CHARS} characters")
    body = _body(reader)
    sensor = _sensor(reader, body)
    profile = Profile(
        name=name,
        body=body,
        drive=_drive(reader, body),
        motors=_motors(reader),
        sensor=sensor,
        servo=_servo(reader),
        control=_control(reader, sensor),
        source=source,
        measured=read_measured(reader, sensor),
    )
    _check_patterns(profile.motors, reader)
    return profile


def _body(r: CheckedTable) -> Body:
    size = {key: r.bounded("body", key, float, *BODY_CM, "a robot car carrying an Arduino Uno", " cm")
            for key in ("length_cm", "width_cm")}
    mass = r.bounded("body", "mass_kg", float, *MASS_KG, "a robot car with its motors and battery", " kg")
    return Body(**size, mass_kg=mass)


def _drive(r: CheckedTable, body: Body) -> Drive:
    values = {"wheels": r.bounded("drive", "wheels", int, *WHEELS, "two and a caster up to an eight-wheel rover")}
    for key in ("reference_pwm", "turn_pwm"):
        values[key] = r.bounded("drive", key, int, 1, UINT8_MAX, "a PWM duty of the AVR's 8-bit timers")
    step = f"{1000 / PHYSICS_HZ:.1f} ms physics step"
    values["speed_cm_s"] = r.bounded(
        "drive", "speed_cm_s", float, MIN_SPEED_CM_S, MAX_POINT_SPEED_CM_S,
        f"the car must move less than half the thinnest obstacle, {MIN_THICKNESS_CM:g} cm, in one {step}",
        " cm/s", below=True)
    radius = body.half_diagonal_cm
    values["turn_rate_deg_s"] = r.bounded(
        "drive", "turn_rate_deg_s", float, MIN_TURN_RATE_DEG_S, math.degrees(MAX_POINT_SPEED_CM_S / radius),
        f"the corners of the {body.length_cm:g} x {body.width_cm:g} cm body, {radius:.1f} cm from its centre, "
        f"must move less than half the thinnest obstacle, {MIN_THICKNESS_CM:g} cm, in one {step}",
        " deg/s", below=True)
    weight_n = body.mass_kg * GRAVITY_M_S2
    grip = f"{MAX_GRIP_MU:g} x {body.mass_kg:g} kg x {GRAVITY_M_S2:g} m/s^2"
    values["max_force_n"] = r.bounded(
        "drive", "max_force_n", float, body.mass_kg * values["speed_cm_s"] / 100 / SPIN_UP_S,
        MAX_GRIP_MU * weight_n,
        f"enough to reach speed_cm_s within {SPIN_UP_S:g} s, at most what the tyres grip: {grip}", " N")
    moment = body.mass_kg * (body.length_cm ** 2 + body.width_cm ** 2) / 12 / 100 ** 2     # kg m^2, a box
    values["max_torque_n_m"] = r.bounded(
        "drive", "max_torque_n_m", float, moment * math.radians(values["turn_rate_deg_s"]) / SPIN_UP_S,
        MAX_GRIP_MU * weight_n * radius / 100,
        f"enough to reach turn_rate_deg_s within {SPIN_UP_S:g} s, at most what the tyres grip: "
        f"{grip} x the {radius / 100:.3f} m half-diagonal", " N m")
    drive = Drive(**values)
    fastest = drive.fastest_point_cm_s(radius)
    if not fastest < MAX_POINT_SPEED_CM_S:
        raise r.fail("drive", f"speed_cm_s, turn_rate_deg_s, reference_pwm and turn_pwm let a corner of the body "
                              f"move at {fastest:.1f} cm/s with one side driving alone; it must be less than "
                              f"{MAX_POINT_SPEED_CM_S:g} cm/s (half the thinnest obstacle, {MIN_THICKNESS_CM:g} cm, "
                              f"per {step}): lower the speed or turn rate, or bring turn_pwm nearer reference_pwm")
    return drive


def _pin_number(r: CheckedTable, key: str, number) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise r.fail(key, f"= {show_value(number)} must be an Arduino pin number (a whole number)")
    r.check(key, number, 0, UINT8_MAX, "an Arduino pin number is a uint8_t")
    return number


def _motors(r: CheckedTable) -> Motors:
    order = r.get("pin_order", list, "motors")
    pins = r.get("pins", dict, "motors")
    for name, number in pins.items():
        _pin_number(r, f"motors.pins.{name}", number)
    if not order or not all(isinstance(p, str) and p in pins for p in order):
        raise r.fail("motors.pin_order", f"= {show_value(order)} must list pin names defined in motors.pins")
    if len(set(order)) != len(order) or len(order) > UINT8_MAX:
        raise r.fail("motors.pin_order", f"= {show_value(order)} must name each pin once, at most {UINT8_MAX} pins")
    sides = {}
    for name in ("left", "right"):
        side = r.get(name, dict, "motors")
        for role in ("enable", "forward", "backward"):
            if side.get(role) not in pins:
                raise r.fail(f"motors.{name}.{role}", f"= {show_value(side.get(role))} must name a pin of motors.pins")
        if side["forward"] not in order or side["backward"] not in order:
            raise r.fail(f"motors.{name}", "forward and backward pins must be in motors.pin_order")
        sides[name] = Side(side["enable"], side["forward"], side["backward"])
    patterns_table = r.get("patterns", dict, "motors")
    patterns = {}
    for name in PATTERN_NAMES:
        text = patterns_table.get(name)
        if not (isinstance(text, str) and len(text) == len(order) and set(text) <= {"0", "1"}):
            raise r.fail(f"motors.patterns.{name}",
                         f"= {show_value(text)} must be {len(order)} characters of 0 and 1, one per pin of {order}")
        patterns[name] = tuple(int(c) for c in text)
    return Motors(tuple(order), dict(pins), sides["left"], sides["right"], patterns)


def _check_patterns(motors: Motors, r: CheckedTable) -> None:
    """Each named pattern must really drive the wheel sides that way."""
    for name, expected in PATTERN_SIDES.items():
        got = tuple(int(v) for v in motors.side_directions(motors.patterns[name]))
        if got != expected:
            raise r.fail(f"motors.patterns.{name}",
                         f"drives the (left, right) sides {got}, but {name} needs {expected}; "
                         f"check motors.left / motors.right")


def _sensor(r: CheckedTable, body: Body) -> Sensor:
    values = {}
    for key in ("trig_pin", "echo_pin"):
        values[key] = r.get(key, str, "sensor")
        if not _PIN_NAME.match(values[key]):
            raise r.fail(f"sensor.{key}", f"= {show_value(values[key])} must be an Arduino pin name, such as 7 or A4")
    values["max_range_cm"] = r.bounded("sensor", "max_range_cm", float, 0, MAX_RANGE_CM,
                                       "ultrasonic rangers reach 4 to 10 m", " cm", above=True)
    values["min_range_cm"] = r.bounded("sensor", "min_range_cm", float, 0, values["max_range_cm"],
                                       "below sensor.max_range_cm", " cm", above=True, below=True)
    values["beam_deg"] = r.bounded("sensor", "beam_deg", float, 0, 180, "a cone ahead of the sensor", " degrees",
                                   above=True, below=True)
    values["rays"] = r.bounded("sensor", "rays", int, 1, MAX_RAYS,
                               "each ray is cast against every edge of the world at every reading")
    values["mount_forward_cm"] = r.bounded("sensor", "mount_forward_cm", float, 0, body.length_cm / 2,
                                           "the servo sits on the chassis, ahead of its centre", " cm", above=True)
    values["us_per_cm"] = r.bounded("sensor", "us_per_cm", int, *US_PER_CM,
                                    "the echo's round trip in air, 58 us/cm at 20 C")
    values["grazing_deg"] = r.bounded("sensor", "grazing_deg", float, 0, 90, "an angle from a surface's normal",
                                      " degrees", above=True)
    values["grazing_miss_probability"] = r.bounded("sensor", "grazing_miss_probability", float, 0, 1,
                                                   "a probability", above=True)
    values["noise_cm"] = r.bounded("sensor", "noise_cm", float, 0, MAX_NOISE_CM,
                                   "a standard deviation; an HC-SR04 is good to a few millimetres", " cm", above=True)
    return Sensor(**values)


def _servo(r: CheckedTable) -> Servo:
    why = "degrees of a hobby servo's 0-180 sweep"
    v = {"pin": _pin_number(r, "servo.pin", r.get("pin", int, "servo"))}
    v["min_deg"] = r.bounded("servo", "min_deg", int, 0, 179, why)
    v["max_deg"] = r.bounded("servo", "max_deg", int, v["min_deg"] + 1, 180, why + ", above min_deg")
    v["step_deg"] = r.bounded("servo", "step_deg", int, 1, v["max_deg"] - v["min_deg"], "within max_deg - min_deg")
    v["start_deg"] = r.bounded("servo", "start_deg", int, v["min_deg"], v["max_deg"], "within min_deg..max_deg")
    v["start_direction"] = r.get("start_direction", int, "servo")
    if v["start_direction"] not in (-1, 1):
        raise r.fail("servo.start_direction", f"= {show_value(v['start_direction'])} must be 1 or -1")
    v["left_end_deg"] = r.get("left_end_deg", int, "servo")
    if v["left_end_deg"] not in (v["min_deg"], v["max_deg"]):
        raise r.fail("servo.left_end_deg", f"= {show_value(v['left_end_deg'])} must be min_deg or max_deg")
    return Servo(**v)


def _control(r: CheckedTable, sensor: Sensor) -> Control:
    tick = r.bounded("control", "tick_s", float, MIN_TICK_S, MAX_TICK_S,
                     "the firmware counts whole milliseconds; a longer tick is a typo", " s")
    clamp = r.bounded("control", "distance_clamp_cm", int, 1, min(sensor.max_range_cm, UINT8_MAX - 1),
                      "no reading lies beyond sensor.max_range_cm, and the firmware's check replays "
                      "readings as single bytes, 255 meaning no echo", " cm")
    hold_min = r.bounded("control", "hold_min_ticks", int, 1, UINT16_MAX - 2,
                         "the firmware's hold is a 16-bit unsigned count")
    per_unit = r.bounded("control", "hold_ticks_per_unit", int, 1,
                         min((UINT16_MAX - hold_min) // 2, INT32_MAX // (2 * clamp)),
                         "the firmware's hold, hold_min_ticks + 2 x hold_ticks_per_unit, is a 16-bit unsigned "
                         "count and 2 x hold_ticks_per_unit x distance_clamp_cm a 32-bit signed product")
    ping_every = r.bounded("control", "ping_every_ticks", int, 1, UINT8_MAX,
                           "an action's hold, at least this many ticks, must fit the firmware's counts") \
        if "ping_every_ticks" in r.section("control") else 1        # absent: every tick, as before the option
    holding = r.section("control").get("read_while_holding", False)
    if not isinstance(holding, bool):
        raise r.fail("control.read_while_holding", f"= {show_value(holding)} must be true or false")
    return Control(tick, clamp, per_unit, hold_min, ping_every, holding)
