"""The measured car: the HC-SR04's beam and echoes, the SG90's speed, and the L298N with
TT motors, from published measurements. The numbers, each with its source, live in the
robot profile's ``[measured.echo]``, ``[measured.servo]`` and ``[measured.motors]``
tables; this module reads and checks them, and draws cars from their ranges.

An uncertain value is written ``name = nominal`` with ``name_range = [low, high]`` beside
it: ``--randomize`` draws each such value uniformly from its range, one car per episode,
from the episode's own seed (so a draw never depends on ``--jobs``).

``--ideal`` runs without any of this: the profile's ``[drive]`` and ``[sensor]`` estimates
alone, as the tutorial's idealised car.
"""
from dataclasses import dataclass, fields

import numpy as np

from simulator.checked_table import CheckedTable

MODELS = ("measured", "ideal")
DEFAULT_MODEL = "measured"      # what the window, eval and the tests run unless told ("ideal": --ideal)


@dataclass(frozen=True)
class Curve:
    """A function of distance (cm), linear between its points and flat beyond them."""
    x_cm: tuple
    y: tuple

    def __call__(self, d_cm):
        return np.interp(d_cm, self.x_cm, self.y)


@dataclass(frozen=True)
class EchoModel:
    beam_half_deg: Curve            # a target facing the sensor: seen this far off the axis
    flat_incidence_deg: Curve       # a flat surface: echoes only when met within this of its normal
    curved_half_deg: float          # a curved surface scatters: seen this far off the axis ...
    curved_within_cm: float         # ... this near
    small_range_cm_per_cm: float    # a small target echoes only within this x its size
    soft_range_cm: float            # a soft one ("surface": "soft") only this near
    cone_rays: int                  # rays cast across +-curved_half_deg


@dataclass(frozen=True)
class ServoMotion:
    deg_per_s: float                # how fast the horn turns, settling included


@dataclass(frozen=True)
class MotorModel:
    battery_v: float
    driver_drop_v: float            # the L298N's loss: a side's motors see pwm/255 x (battery - drop)
    start_v: float                  # a stopped TT motor starts above this ...
    stop_v: float                   # ... and a turning one stops below this
    speed_mm_s_per_v: float         # ground speed per volt once turning
    turn_travel_mm_per_deg: float   # wheel travel per degree of turning in place (skid)
    max_accel_m_s2: float           # before the wheels spin


@dataclass(frozen=True)
class Measured:
    echo: EchoModel
    servo: ServoMotion
    motors: MotorModel
    ranges: dict                    # name of a CarParams field -> (low, high) that --randomize draws from


@dataclass(frozen=True)
class CarParams:
    """The uncertain values of n cars, arrays (n,): the nominal car for all, or one drawn
    per car. Scales multiply the echo model's beam and incidence curves."""
    battery_v: np.ndarray
    speed_mm_s_per_v: np.ndarray
    start_v: np.ndarray
    turn_travel_mm_per_deg: np.ndarray
    max_accel_m_s2: np.ndarray
    servo_deg_per_s: np.ndarray
    beam_scale: np.ndarray
    incidence_scale: np.ndarray
    mount_forward_cm: np.ndarray

    @classmethod
    def nominal(cls, measured: Measured, sensor, n: int) -> "CarParams":
        return cls.stack([nominal_car(measured, sensor)] * n)

    @classmethod
    def stack(cls, cars: list) -> "CarParams":
        """Cars given as dicts (``nominal_car``, ``draw_car``), one per row."""
        return cls(**{f.name: np.array([c[f.name] for c in cars], dtype=float) for f in fields(cls)})

    def car(self, i: int) -> dict:
        return {f.name: float(getattr(self, f.name)[i]) for f in fields(self)}


def nominal_car(measured: Measured, sensor) -> dict:
    m = measured.motors
    return {"battery_v": m.battery_v, "speed_mm_s_per_v": m.speed_mm_s_per_v, "start_v": m.start_v,
            "turn_travel_mm_per_deg": m.turn_travel_mm_per_deg, "max_accel_m_s2": m.max_accel_m_s2,
            "servo_deg_per_s": measured.servo.deg_per_s, "beam_scale": 1.0, "incidence_scale": 1.0,
            "mount_forward_cm": sensor.mount_forward_cm}


def draw_car(measured: Measured, sensor, seed) -> dict:
    """One car with every uncertain value drawn from its range (the rest nominal), from a
    seed (an int or a numpy SeedSequence)."""
    rng = np.random.default_rng(seed)
    car = nominal_car(measured, sensor)
    for name in sorted(measured.ranges):
        low, high = measured.ranges[name]
        car[name] = float(rng.uniform(low, high))
    return car


# Uncertain values: the CarParams field, the table and key holding its nominal value
# (None: a scale, nominally 1), and the widest range accepted.
UNCERTAIN = {
    "battery_v": ("motors", "battery_v", (5.0, 12.6)),
    "speed_mm_s_per_v": ("motors", "speed_mm_s_per_v", (10.0, 1000.0)),
    "start_v": ("motors", "start_v", (0.1, 5.0)),
    "turn_travel_mm_per_deg": ("motors", "turn_travel_mm_per_deg", (0.5, 20.0)),
    "max_accel_m_s2": ("motors", "max_accel_m_s2", (0.1, 15.0)),
    "servo_deg_per_s": ("servo", "deg_per_s", (30.0, 3000.0)),
    "beam_scale": ("echo", None, (0.25, 4.0)),
    "incidence_scale": ("echo", None, (0.25, 4.0)),
}


def read_measured(r: CheckedTable, sensor) -> Measured | None:
    """The [measured.*] tables of a profile, checked; None when the profile has none."""
    if not r.has("measured"):
        return None
    echo = _echo(r, sensor)
    servo = ServoMotion(r.bounded("measured.servo", "deg_per_s", float, 30.0, 3000.0,
                                  "hobby servos turn 60 degrees in 0.05 to 2 s", " degrees/s"))
    motors = _motors(r)
    ranges = {name: _range(r, f"measured.{table}", key or name, bounds)
              for name, (table, key, bounds) in UNCERTAIN.items()
              if f"{key or name}_range" in r.section(f"measured.{table}")}
    mount = "mount_forward_cm_range"
    if mount in r.section("measured.echo"):
        ranges["mount_forward_cm"] = _range(r, "measured.echo", "mount_forward_cm", (-50.0, 50.0))
    measured = Measured(echo, servo, motors, ranges)
    nominal = nominal_car(measured, sensor)
    for name, (low, high) in ranges.items():
        if not low <= nominal[name] <= high:
            raise r.fail(f"{name}_range", f"= [{low:g}, {high:g}] must hold the nominal value {nominal[name]:g}")
    if motors.stop_v >= motors.start_v:
        raise r.fail("measured.motors.stop_v", f"= {motors.stop_v:g} must be below start_v ({motors.start_v:g}): "
                                                "a turning motor keeps turning below the voltage it starts at")
    return measured


def _echo(r: CheckedTable, sensor) -> EchoModel:
    s = "measured.echo"
    return EchoModel(
        beam_half_deg=_curve(r, s, "beam_half_deg", sensor, 90.0),
        flat_incidence_deg=_curve(r, s, "flat_incidence_deg", sensor, 90.0),
        curved_half_deg=r.bounded(s, "curved_half_deg", float, 0.0, 90.0, "a half-angle", " degrees", above=True),
        curved_within_cm=r.bounded(s, "curved_within_cm", float, 0.0, sensor.max_range_cm, "within the sensor's range",
                                   " cm"),
        small_range_cm_per_cm=r.bounded(s, "small_range_cm_per_cm", float, 1.0, 1000.0,
                                        "cm of range per cm of target size", above=False),
        soft_range_cm=r.bounded(s, "soft_range_cm", float, 0.0, sensor.max_range_cm,
                                "within the sensor's range", " cm"),
        cone_rays=r.bounded(s, "cone_rays", int, 3, 181,
                            "rays cast across the widest cone; each costs time at every reading"),
    )


def _motors(r: CheckedTable) -> MotorModel:
    s = "measured.motors"
    return MotorModel(
        battery_v=r.bounded(s, "battery_v", float, 5.0, 12.6, "the Uno and L298N run on 5 to 12.6 V", " V"),
        driver_drop_v=r.bounded(s, "driver_drop_v", float, 0.0, 4.0, "an L298N loses 1.8 to 3.2 V", " V"),
        start_v=r.bounded(s, "start_v", float, 0.1, 5.0, "a TT motor starts at 1 to 2 V", " V"),
        stop_v=r.bounded(s, "stop_v", float, 0.0, 5.0, "a TT motor stops below 0.5 to 1 V", " V"),
        speed_mm_s_per_v=r.bounded(s, "speed_mm_s_per_v", float, 10.0, 1000.0, "ground speed per motor volt",
                                   " mm/s per V"),
        turn_travel_mm_per_deg=r.bounded(s, "turn_travel_mm_per_deg", float, 0.5, 20.0,
                                         "wheel travel per degree turned in place", " mm"),
        max_accel_m_s2=r.bounded(s, "max_accel_m_s2", float, 0.1, 15.0, "wheels spin beyond about 1.5 g", " m/s^2"),
    )


def _curve(r: CheckedTable, section: str, key: str, sensor, most: float) -> Curve:
    points = r.get(key, list, section)
    full = f"{section}.{key}"
    ok = len(points) >= 1 and all(isinstance(p, list) and len(p) == 2 and
                                  all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p)
                                  for p in points)
    if not ok:
        raise r.fail(full, "must be a list of [distance_cm, degrees] pairs, such as [[15, 20], [45, 9.5]]")
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    for x, y in zip(xs, ys):
        r.check(full, x, 0.0, sensor.max_range_cm, "distances within the sensor's range", " cm")
        r.check(full, y, 0.0, most, "an angle", " degrees")
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise r.fail(full, "must list its distances in increasing order")
    return Curve(tuple(xs), tuple(ys))


def _range(r: CheckedTable, section: str, key: str, bounds) -> tuple:
    full, value = f"{section}.{key}_range", r.get(f"{key}_range", list, section)
    if not (len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise r.fail(full, "must be [low, high], two numbers")
    low, high = float(value[0]), float(value[1])
    for v in (low, high):
        r.check(full, v, *bounds, "what --randomize may draw")
    if high < low:
        raise r.fail(full, f"= [{low:g}, {high:g}]: the low end must not be above the high end")
    return low, high
