"""The measured car's motion against the published figures (as the profile cites them:
L298N loss, TT start/stop voltages, mm/s per volt, skid-steer travel per degree,
acceleration before the wheels spin, SG90 speed), with real pymunk cars in an empty world."""
import math

import numpy as np
import pytest

from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.episode import EpisodeSpec, Episodes
from simulator.measured import nominal_car
from simulator.motors import MAX_STEP_CM, fastest_car, fastest_point_cm_s
from simulator.profile import ProfileError, load_profile
from simulator.servo import ServoHorn
from simulator.simulation import Simulation
from simulator.world import Box, Pose, World
from tests.sim_helpers import run_for

PROFILE = load_profile(asset("robots", "elegoo_v3.toml"))
TICK = PROFILE.control.tick_s
OPEN = World("open", 6000, 600, Pose(100, 300, 0))


def _car(**values) -> dict:
    return {**nominal_car(PROFILE.measured, PROFILE.sensor), **values}


def _episodes(cars, profile=PROFILE):
    return Episodes([EpisodeSpec(OPEN, i, car=c) for i, c in enumerate(cars)], profile, straight_brain(),
                    model="measured")


def _drive(ep, pattern, pwm):
    ep.manual = (np.tile(ep.profile.motors.patterns[pattern], (ep.n, 1)), np.full(ep.n, pwm))


def _ticks(ep, seconds):
    for _ in range(int(round(seconds / TICK))):
        ep.step_tick()


def _speeds(ep, pattern, pwm, settle_s=1.0, measure_s=1.0):
    """Each car's speed (cm/s) and turn rate (deg/s, anticlockwise) once settled."""
    _drive(ep, pattern, pwm)
    _ticks(ep, settle_s)
    pos, heading = ep.pos.copy(), ep.heading.copy()
    _ticks(ep, measure_s)
    return np.hypot(*(ep.pos - pos).T) / measure_s, np.degrees(ep.heading - heading) / measure_s


def _volts(pwm, battery_v):
    return pwm / 255 * (battery_v - PROFILE.measured.motors.driver_drop_v)


def test_the_nominal_car_drives_as_todays_estimates_at_7_4_v():
    ep = _episodes([None])
    speed, _ = _speeds(ep, "forward", PROFILE.drive.reference_pwm)
    assert speed[0] == pytest.approx(30.0, rel=0.01)
    ep = _episodes([None])
    _, rate = _speeds(ep, "left", PROFILE.drive.turn_pwm, 0.5, 0.5)
    assert rate[0] == pytest.approx(180.0, rel=0.01)
    assert np.hypot(*(ep.pos[0] - (100, 300))) < 1.0             # in place


# Derived from the published figures: at PWM 100 the motors see 1.96, 2.12 and 2.51 V, "about 22-31,
# 24-34 and 29-40 cm/s" over 115-160 mm/s per volt.
@pytest.mark.parametrize("battery_v, band", [(7.0, (22, 31)), (7.4, (24, 34)), (8.4, (29, 40))])
def test_straight_at_pwm_100_spans_the_published_band(battery_v, band):
    ep = _episodes([_car(battery_v=battery_v, speed_mm_s_per_v=k) for k in (115.0, 160.0)])
    speed, rate = _speeds(ep, "forward", 100)
    expected = _volts(100, battery_v) * np.array([115.0, 160.0]) / 10
    assert speed == pytest.approx(expected, rel=0.01)
    assert speed == pytest.approx(band, abs=0.6)                 # "about"
    assert np.abs(rate).max() < 0.1


# Turning in place at PWM 200: wheel speed / travel per degree, "about 145-290 degrees per
# second" (115 mm/s/V over 3.4 mm/deg to 160 over 2.3, at 7.4 V); the same arithmetic at 7.0 and 8.4 V.
@pytest.mark.parametrize("battery_v, band", [(7.0, None), (7.4, (145, 290)), (8.4, None)])
def test_turning_in_place_at_pwm_200_spans_the_published_band(battery_v, band):
    slow, fast = dict(speed_mm_s_per_v=115.0, turn_travel_mm_per_deg=3.4), \
        dict(speed_mm_s_per_v=160.0, turn_travel_mm_per_deg=2.3)
    ep = _episodes([_car(battery_v=battery_v, **slow), _car(battery_v=battery_v, **fast)])
    _, rate = _speeds(ep, "right", 200, 0.5, 0.5)
    volts = _volts(200, battery_v)
    expected = [volts * c["speed_mm_s_per_v"] / c["turn_travel_mm_per_deg"] for c in (slow, fast)]
    assert -rate == pytest.approx(expected, rel=0.01)            # right: clockwise
    if band is not None:
        assert -rate == pytest.approx(band, rel=0.03)            # "about"
    assert np.hypot(*(ep.pos - (100, 300)).T).max() < 1.0


# Derived from the published figures: the motors start only above about PWM 87, 80 and 68 (start at 1.7 V).
@pytest.mark.parametrize("battery_v, first_pwm", [(7.0, 87), (7.4, 81), (8.4, 68)])
def test_a_stopped_car_starts_only_above_the_start_voltage(battery_v, first_pwm):
    assert _volts(first_pwm - 1, battery_v) < 1.7 <= _volts(first_pwm, battery_v)
    ep = _episodes([_car(battery_v=battery_v)] * 2)
    ep.manual = (np.tile(PROFILE.motors.patterns["forward"], (2, 1)), np.array([first_pwm - 1, first_pwm]))
    _ticks(ep, 1.0)
    moved = np.hypot(*(ep.pos - (100, 300)).T)
    assert moved[0] < 0.01 and moved[1] > 10


def test_no_start_below_pwm_80_at_7_4_v_for_any_pwm():
    ep = _episodes([None] * 80)
    ep.manual = (np.tile(PROFILE.motors.patterns["forward"], (80, 1)), np.arange(80))
    _ticks(ep, 0.5)
    assert np.hypot(*(ep.pos - (100, 300)).T).max() < 0.01


def test_a_turning_side_keeps_turning_down_to_the_stop_voltage():
    """Started, a car keeps going at PWM 50 (1.06 V, over 0.75) where it could not start,
    and stops at PWM 30 (0.64 V); reversing at PWM 50 needs the start voltage again."""
    assert _volts(30, 7.4) < 0.75 < _volts(50, 7.4) < 1.7
    ep = _episodes([None])
    speed, _ = _speeds(ep, "forward", 100, 0.5, 0.5)
    speed, _ = _speeds(ep, "forward", 50, 0.5, 0.5)
    assert speed[0] == pytest.approx(_volts(50, 7.4) * 14.16, rel=0.01)
    speed, _ = _speeds(ep, "backward", 50, 0.5, 0.5)
    assert speed[0] < 0.01
    speed, _ = _speeds(ep, "forward", 50, 0.5, 0.5)
    assert speed[0] < 0.01                                       # stopped: 1.06 V cannot start it
    _speeds(ep, "forward", 100, 0.5, 0.5)
    speed, _ = _speeds(ep, "forward", 30, 0.5, 0.5)
    assert speed[0] < 0.01


@pytest.mark.parametrize("accel", [2.0, 2.25, 2.5])
def test_acceleration_is_limited_to_the_tyres_grip(accel):
    """2.0-2.5 m/s^2 before the wheels spin: from rest the car gains at most that, and
    reaches its 30 cm/s in about 0.3 m/s / accel."""
    ep = _episodes([_car(max_accel_m_s2=accel)])
    _drive(ep, "forward", 100)
    speeds = []
    for _ in range(12):
        ep.step_tick()
        speeds.append(math.hypot(*ep.cars.bodies[0].velocity))
    gains = np.diff([0.0] + speeds) / TICK / 100                 # m/s^2 per tick
    ramp = np.array(speeds) < 29.9
    assert gains.max() <= accel * 1.001
    assert gains[ramp][:-1] == pytest.approx(accel, rel=0.01)
    assert ramp.sum() == math.ceil(0.3 / accel / TICK - 1e-6) - 1 or ramp.sum() == math.ceil(0.3 / accel / TICK)
    assert speeds[-1] == pytest.approx(30.0, rel=0.01)


def test_the_ideal_car_keeps_its_drive_force():
    """The ideal car is pushed with the profile's whole max_force_n from the first tick."""
    ep = Episodes([EpisodeSpec(OPEN)], PROFILE, straight_brain(), model="ideal")
    _drive(ep, "forward", 100)
    ep.step_tick()
    gained = PROFILE.drive.max_force_n / PROFILE.body.mass_kg * 100 * TICK
    assert math.hypot(*ep.cars.bodies[0].velocity) == pytest.approx(gained, rel=0.01)


# SG90: 60-80 ms per 20 degree step measured with settling; 0.10-0.12 s per 60 degrees in
# the datasheets; 400 ms per 180 degrees (ArminJo/Arduino-RobotCar).
@pytest.mark.parametrize("deg_per_s, degrees, low_s, high_s", [
    (PROFILE.measured.servo.deg_per_s, 20, 0.060, 0.080),       # the nominal servo, measured steps
    (PROFILE.measured.ranges["servo_deg_per_s"][0], 20, 0.060, 0.080),
    (PROFILE.measured.ranges["servo_deg_per_s"][1], 180, 0.399, 0.401),  # the fastest: the measured sweep
    (600.0, 60, 0.100, 0.120),                                  # the datasheet's unloaded speed, unsettled
])
def test_servo_timing(deg_per_s, degrees, low_s, high_s):
    horn = ServoHorn(90, [deg_per_s])
    dt, t = 0.0001, 0.0
    while horn.deg[0] < 90 + degrees - 1e-9:
        horn.follow([90 + degrees], dt)
        t += dt
    assert low_s - 1e-6 <= t <= high_s + 1e-6


def test_the_sensor_pings_where_the_horn_is_behind_the_command():
    """The firmware commands a 9 degree step every 25 ms (360 degrees/s) and pings at
    once: the ping points at the previous tick's end, at least a step behind, and the
    horn never turns faster than the servo's speed."""
    ep = _episodes([None])
    pings = []
    read = ep.sonar.read
    ep.sonar.read = lambda pos, heading, angles, which: (pings.append(float(angles[0])), read(pos, heading, angles,
                                                                                               which))[1]
    commanded, actual = [], []
    for _ in range(40):
        before = float(ep.servo_actual_deg[0])
        ep.step_tick()
        assert pings[-1] == before
        commanded.append(int(ep.controller.servo_deg[0]))
        actual.append(float(ep.servo_actual_deg[0]))
    rate = PROFILE.measured.servo.deg_per_s
    assert np.abs(np.diff([90.0] + actual)).max() == pytest.approx(rate * TICK)
    lag = np.abs(np.array(commanded) - np.array(pings))
    ways = np.sign(np.diff([PROFILE.servo.start_deg] + commanded))
    onward = np.r_[True, ways[1:] == ways[:-1]]                  # not the tick the sweep turns back
    assert lag[onward].min() >= PROFILE.servo.step_deg - 1e-9
    assert lag[~onward].max() < PROFILE.servo.step_deg


def test_the_ideal_sensor_points_where_commanded():
    ep = Episodes([EpisodeSpec(OPEN)], PROFILE, straight_brain(), model="ideal")
    for _ in range(5):
        ep.step_tick()
        assert ep.servo_actual_deg.tolist() == ep.controller.servo_deg.tolist()


def test_teach_mode_drives_through_the_measured_motors():
    sim = Simulation(OPEN, PROFILE, straight_brain(), model="measured")
    sim.set_manual(PROFILE.motors.patterns["forward"], 80)
    run_for(sim, 0.5)
    assert sim.pose[0] == pytest.approx(100, abs=0.01)
    sim.set_manual(PROFILE.motors.patterns["forward"], 100)
    run_for(sim, 1.0)
    x = sim.pose[0]
    run_for(sim, 1.0)
    assert sim.pose[0] - x == pytest.approx(30.0, rel=0.01)


def test_the_physics_step_suits_the_fastest_car_a_run_may_hold():
    """Nominal cars need the ideal model's steps; drawn cars as many as the fastest car the
    ranges allow (8.4 V, 160 mm/s per V, 2.3 mm per degree: corners at about 87 cm/s)."""
    assert _episodes([None]).steps == 3
    fast = fastest_car(PROFILE)
    corner = fastest_point_cm_s(PROFILE, fast)[0]
    assert corner == pytest.approx(87.4, abs=0.1)
    ep = _episodes([_car()])
    assert ep.steps == 5 and corner * ep.dt < MAX_STEP_CM


def test_the_fastest_drawn_car_sweeps_its_corners_into_a_thin_wall_without_passing_it():
    fast = fastest_car(PROFILE).car(0)
    wall_y = 300 + PROFILE.body.width_cm / 2 + 1.0
    beside = World("beside", 600, 600, Pose(300, 300, 0), [Box(300, wall_y, 200, 1.0)])
    ep = Episodes([EpisodeSpec(beside, car=fast)], PROFILE, straight_brain(), model="measured")
    _drive(ep, "right", PROFILE.drive.turn_pwm)
    _ticks(ep, 5.0)                                 # the sanity check runs every tick
    assert ep.contacts.collisions[0] > 0 and ep.pos[0, 1] < wall_y


def test_ranges_too_fast_to_simulate_are_refused(tmp_path):
    text = asset("robots", "elegoo_v3.toml").read_text()
    text = text.replace("speed_mm_s_per_v_range = [115.0, 160.0]", "speed_mm_s_per_v_range = [115.0, 1000.0]")
    (tmp_path / "fast.toml").write_text(text)
    fast = load_profile(tmp_path / "fast.toml")
    _episodes([None], fast)                         # the nominal car is fine
    with pytest.raises(ProfileError, match=r"fast\.toml.*\[measured\.motors\].*cm/s"):
        _episodes([_car()], fast)
