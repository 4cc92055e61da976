"""The measured drive: an L298N feeding TT motors, per car and per side.

A side's motors see ``pwm / 255 x (battery_v - driver_drop_v)`` volts. A stopped side
starts only at ``start_v`` or more; a turning side keeps turning, the same way, down to
``stop_v`` (hysteresis), so each car remembers which way each side turns. Once turning,
a side's wheels move over the ground at ``speed_mm_s_per_v`` per volt. The car's speed is
the mean of its sides'; its yaw rate is half their difference over the wheel travel per
degree a skid-steer turn in place needs (``turn_travel_mm_per_deg``): turning in place,
wheel speed / travel per degree.

The wheels spin beyond ``max_accel_m_s2``: that is the tyres' traction, so it limits the
force and torque with which each car's joints pull it towards the wheels' velocity
(``traction``), spread over every physics step as a real car's grip is.

Every value that differs from car to car comes from ``simulator.measured.CarParams``.
"""
import math

import numpy as np

from simulator.measured import CarParams, nominal_car
from simulator.profile import MAX_POINT_SPEED_CM_S, ProfileError
from simulator.physics import PHYSICS_HZ, steps_per_tick
from brain.i18n import _

MAX_STEP_CM = MAX_POINT_SPEED_CM_S / PHYSICS_HZ   # no point of a car moves further in one physics step
MAX_STEPS_FACTOR = 4        # a profile may need at most this many times the ideal model's physics steps
# The corner of the range each value that makes a car faster is taken from (high or low end).
FASTEST_END = {"battery_v": 1, "speed_mm_s_per_v": 1, "turn_travel_mm_per_deg": 0}


def side_volts(pwm, car: CarParams, drop_v: float) -> np.ndarray:
    """What each car's motors see (n,) at PWM values (n,)."""
    return np.asarray(pwm, dtype=float) / 255.0 * (car.battery_v - drop_v)


def yaw_rad_per_cm(car: CarParams) -> np.ndarray:
    """Radians the car turns in place per cm of wheel travel (n,)."""
    return 1.0 / (car.turn_travel_mm_per_deg / 10.0 * math.degrees(1.0))


class MotorDrive:
    """The measured drive of n cars; ``velocities`` remembers which way each side turns."""

    def __init__(self, profile, car: CarParams):
        self.profile, self.car = profile, car
        self.drop_v, self.stop_v = profile.measured.motors.driver_drop_v, profile.measured.motors.stop_v
        self.cm_s_per_v = car.speed_mm_s_per_v[:, None] / 10.0
        self.rad_per_cm = yaw_rad_per_cm(car)
        self.turning = np.zeros((len(car.battery_v), 2), dtype=int)   # (left, right): -1, 0 or 1

    def velocities(self, pins, pwm):
        """Forward speed (cm/s), yaw rate (rad/s) and whether any motor is powered, each
        (n,), for pins (n, len(pin_order)) and PWM (n,); updates which sides turn."""
        ways = np.column_stack(self.profile.motors.side_directions(pins))           # (n, 2)
        volts = side_volts(pwm, self.car, self.drop_v)[:, None]
        keeps = (ways == self.turning) & (volts >= self.stop_v)
        starts = volts >= self.car.start_v[:, None]
        self.turning = np.where((ways != 0) & (keeps | starts), ways, 0)
        ground = self.turning * volts * self.cm_s_per_v
        left, right = ground[:, 0], ground[:, 1]
        powered = (ways != 0).any(axis=1) & (volts[:, 0] > 0)
        return (left + right) / 2.0, (right - left) / 2.0 * self.rad_per_cm, powered


def traction(profile, car: CarParams):
    """The most force (N) and yaw torque (N m) each car's tyres pass to the floor (n,):
    what gives ``max_accel_m_s2`` to its body, and the matching yaw acceleration to its
    moment of inertia (a box's)."""
    body = profile.body
    force_n = body.mass_kg * car.max_accel_m_s2
    moment = body.mass_kg * (body.length_cm ** 2 + body.width_cm ** 2) / 12 / 100 ** 2     # kg m^2
    torque_n_m = moment * car.max_accel_m_s2 * 100.0 * yaw_rad_per_cm(car)
    return force_n, torque_n_m


def fastest_point_cm_s(profile, car: CarParams) -> np.ndarray:
    """The fastest any point of each car's body moves (n,), over every way the two sides
    can run at the PWM the firmware gives them, as if every motor turned."""
    radius = profile.body.half_diagonal_cm
    volts = {pwm: side_volts(np.full(len(car.battery_v), pwm), car, profile.measured.motors.driver_drop_v)
             for pwm in (profile.drive.reference_pwm, profile.drive.turn_pwm)}
    fastest = np.zeros(len(car.battery_v))
    for left in (-1, 0, 1):
        for right in (-1, 0, 1):
            v = volts[profile.drive.turn_pwm if left * right < 0 else profile.drive.reference_pwm]
            ground = v * car.speed_mm_s_per_v / 10.0
            linear, yaw = abs(left + right) * ground / 2, abs(right - left) * ground / 2 * yaw_rad_per_cm(car)
            fastest = np.maximum(fastest, linear + yaw * radius)
    return fastest


def fastest_car(profile) -> CarParams:
    """The fastest car the profile's ranges let ``--randomize`` draw."""
    measured = profile.measured
    car = nominal_car(measured, profile.sensor)
    for name, end in FASTEST_END.items():
        if name in measured.ranges:
            car[name] = measured.ranges[name][end]
    return CarParams.stack([car])


def physics_steps(profile, car: CarParams, drawn: bool) -> int:
    """Physics steps per control tick for these cars: enough that no point of any car
    moves more than ``MAX_STEP_CM`` in one (the ideal model's count at least). Drawn
    cars count as the fastest the profile's ranges allow, so the step never depends on
    which cars share a batch. Raises ProfileError when that takes more than
    ``MAX_STEPS_FACTOR`` times the ideal model's steps."""
    tick_s = profile.control.tick_s
    fastest = float(fastest_point_cm_s(profile, car).max(initial=0.0))
    if drawn:
        fastest = max(fastest, float(fastest_point_cm_s(profile, fastest_car(profile))[0]))
    base = steps_per_tick(tick_s)
    steps = max(base, int(math.ceil(tick_s * fastest / MAX_STEP_CM - 1e-9)))
    if steps > MAX_STEPS_FACTOR * base:
        raise ProfileError(
            _("{source}: the [measured.motors] values and ranges let a corner of the body move at "
            "{fastest:.0f} cm/s; at most {value:g} cm/s can be simulated "
            "({MAX_STEPS_FACTOR} x {MAX_POINT_SPEED_CM_S:g} cm/s, with {MAX_STEPS_FACTOR} x the physics steps): "
            "lower battery_v, speed_mm_s_per_v or turn_pwm, or raise turn_travel_mm_per_deg").format(
                    source=profile.source, fastest=fastest, value=MAX_STEPS_FACTOR * MAX_POINT_SPEED_CM_S,
                    MAX_STEPS_FACTOR=MAX_STEPS_FACTOR, MAX_POINT_SPEED_CM_S=MAX_POINT_SPEED_CM_S))
    return steps
