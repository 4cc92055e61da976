"""The measured HC-SR04 echo, against the published measurements it was built from
(GaryDyr/HC-SR04-beam-tests; see [measured.echo] in the robot profile): real worlds
with a plate or a cylinder at the cited distances and angles, read by the measured
sonar, with the detection limit found to a quarter degree."""
import math

import numpy as np
import pytest

from simulator.assets import asset
from simulator.measured import CarParams
from simulator.profile import load_profile
from simulator.sensor import Geometry, SensorOptions, Sonar
from simulator.world import Box, Cylinder, Pose, Wall, World

PROFILE = load_profile(asset("robots", "elegoo_v3.toml"))
CAR = CarParams.nominal(PROFILE.measured, PROFILE.sensor, 1)
X, Y = 100.0, 500.0                              # the car, facing +x with the servo centred
OX, OY = X + CAR.mount_forward_cm[0], Y          # the sensor
STEP = 0.25


def _sonar(obstacles, car=CAR):
    world = World("echo test", 1000, 1000, Pose(X, Y), list(obstacles))
    return Sonar(PROFILE, Geometry([world]), [np.random.default_rng(0)], car=car)


def _read(obstacles, car=CAR) -> float:
    return _sonar(obstacles, car).read(np.array([[X, Y]]), np.array([0.0]), np.array([90]))[0]


def _heard(obstacles) -> bool:
    return bool(np.isfinite(_read(obstacles)))


def _limit(place, d) -> float:
    """The largest off-axis angle (degrees) at which the target is still heard."""
    heard = [phi for phi in np.arange(0.0, 70.0, STEP) if _heard([place(d, phi)])]
    return max(heard) if heard else 0.0


def _normal_plate(d, phi, width=12.0):
    """A plate kept normal to the sensor's axis, moved sideways: its inner edge d cm
    away, phi degrees off the axis (its nearest part meets the rays at incidence phi)."""
    a = math.radians(phi)
    return Box(OX + d * math.cos(a) + 0.5, OY + d * math.sin(a) + width / 2, 1.0, width)


def _facing_plate(d, phi, width=12.0):
    """A plate turned to face the sensor, its centre d cm away phi degrees off the axis."""
    a = math.radians(phi)
    return Box(OX + (d + 0.5) * math.cos(a), OY + (d + 0.5) * math.sin(a), 1.0, width, phi)


def _inner_edge_deg(d, phi, width=12.0) -> float:
    return phi - math.degrees(math.atan2(width / 2, d))


def _cylinder(d, phi, r=5.0):
    a = math.radians(phi)
    return Cylinder(OX + (d + r) * math.cos(a), OY + (d + r) * math.sin(a), r)


@pytest.mark.parametrize("d, limit", [(15, 20.0), (45, 9.5), (95, 9.5), (145, 9.5)])
def test_a_flat_target_normal_to_the_axis_is_heard_to_the_measured_incidence(d, limit):
    # GaryDyr: about 20 degrees at 15 cm, 9-10 degrees from 45 to 145 cm
    assert _limit(_normal_plate, d) == pytest.approx(limit, abs=1.0)


def test_beyond_145_cm_a_flat_target_narrows():
    assert _limit(_normal_plate, 200) < _limit(_normal_plate, 145) - 2


@pytest.mark.parametrize("d", [130, 150, 200, 250])
def test_a_target_facing_the_sensor_is_heard_to_23_5_degrees_beyond_1_25_m(d):
    edge = _inner_edge_deg(d, _limit(_facing_plate, d))
    assert edge == pytest.approx(23.5, abs=1.0)


def test_the_beam_grows_from_60_to_125_cm():
    at = {d: _inner_edge_deg(d, _limit(_facing_plate, d)) for d in (60, 90, 120)}
    assert at[60] < at[90] < at[120]
    assert (at[120] - at[60]) / 60 == pytest.approx(0.15, abs=0.03)


@pytest.mark.parametrize("d", [30, 60, 90])
def test_curved_objects_within_1_m_are_heard_45_degrees_off(d):
    phi = _limit(_cylinder, d)
    nearest_part = phi - math.degrees(math.asin(5.0 / (d + 5.0)))
    assert nearest_part == pytest.approx(45.0, abs=1.0)


def test_curved_objects_beyond_1_m_only_within_the_beam():
    phi = _limit(_cylinder, 150)
    assert phi - math.degrees(math.asin(5.0 / 155.0)) == pytest.approx(23.5, abs=1.0)


def test_a_tilted_wall_is_heard_only_when_met_nearly_square():
    def wall(tilt_deg):       # a long wall 100 cm ahead, turned tilt_deg from square
        a = math.radians(90 + tilt_deg)
        cx, cy = OX + 100, OY
        return Wall(cx - 150 * math.cos(a), cy - 150 * math.sin(a), cx + 150 * math.cos(a), cy + 150 * math.sin(a), 2)
    assert _heard([wall(5)])
    assert not _heard([wall(30)])        # the beam reaches it only at incidences far over 10 degrees


def test_small_targets_echo_only_nearer_their_reach_growing_with_size():
    leg = PROFILE.measured.echo.small_range_cm_per_cm * 2.0           # a 2 cm chair leg: 80 cm
    assert _heard([_cylinder(leg - 10, 0.0, r=1.0)])
    assert not _heard([_cylinder(leg + 10, 0.0, r=1.0)])
    plate = Box(OX + 140, OY, 3.5, 3.5)                               # 12.5 cm^2 of metal: about 1.5 m
    assert _heard([plate])
    assert not _heard([Box(OX + 160, OY, 3.5, 3.5)])
    assert _heard([Box(OX + 300, OY, 20, 60)])                        # a big one to the sensor's range


def test_soft_obstacles_echo_only_within_20_cm_and_hide_what_is_behind():
    near = Box(OX + 15 + 10, OY, 20, 60, surface="soft")
    far = Box(OX + 30 + 10, OY, 20, 60, surface="soft")
    assert _read([near]) == pytest.approx(15, abs=4)
    assert not _heard([far])
    assert _heard([Box(OX + 30 + 10, OY, 20, 60)])
    wall_behind = Box(OX + 160, OY, 4, 200)
    assert _read([wall_behind]) == pytest.approx(158, abs=4)
    sofa = Cylinder(OX + 50 + 40, OY, 40, surface="soft")
    assert not _heard([sofa, wall_behind])


def test_a_thin_leg_does_not_hide_a_wall_behind_it():
    wall = Box(OX + 152, OY, 4, 200)
    leg = Cylinder(OX + 101, OY, 1.0)         # silent beyond 80 cm, right on the axis
    assert _read([leg, wall]) == pytest.approx(150, abs=4)


def test_per_car_scales_widen_and_narrow_the_limits():
    wide = CarParams.stack([{**CAR.car(0), "incidence_scale": 1.2}])
    plate = _normal_plate(100, 10.5)
    assert not _heard([plate])
    assert np.isfinite(_read([plate], car=wide))


def test_measured_noise_is_always_on_and_seeded():
    box = [Box(OX + 100, OY, 4, 100)]

    def series(seed):
        world = World("w", 1000, 1000, Pose(X, Y), box)
        sonar = Sonar(PROFILE, Geometry([world]), [np.random.default_rng(seed)], car=CAR)
        return [sonar.read(np.array([[X, Y]]), np.array([0.0]), np.array([90]))[0] for _ in range(20)]
    assert series(1) == series(1)
    assert series(1) != series(2)
    assert np.std(series(1)) == pytest.approx(PROFILE.sensor.noise_cm, rel=0.6)


def test_the_ideal_sensor_ignores_every_measured_effect():
    ideal = Sonar(PROFILE, Geometry([World("w", 1000, 1000, Pose(X, Y), [Box(OX + 60, OY, 20, 60, surface="soft")])]),
                  None, SensorOptions())
    assert ideal.read(np.array([[X, Y]]), np.array([0.0]), np.array([90]))[0] == pytest.approx(50, abs=1)
    leg = Sonar(PROFILE, Geometry([World("w", 1000, 1000, Pose(X, Y), [_cylinder(200, 0.0, r=1.0)])]), None)
    assert leg.read(np.array([[X, Y]]), np.array([0.0]), np.array([90]))[0] == pytest.approx(200, abs=1)


def test_many_cars_read_as_each_would_alone():
    rng = np.random.default_rng(3)
    worlds = [World("w", 600, 600, Pose(300, 300), [_cylinder(float(rng.uniform(20, 200)), float(rng.uniform(-50, 50)),
                                                              float(rng.uniform(0.5, 10))),
                                                    Box(float(rng.uniform(350, 550)), 300, 10,
                                                        float(rng.uniform(5, 200)),
                                                        float(rng.uniform(0, 90)))]) for _ in range(12)]
    pos, heading = np.tile([[X, Y]], (12, 1)) * 0 + [[250.0, 300.0]], rng.uniform(-0.5, 0.5, 12)
    servo = rng.integers(30, 150, 12)
    cars = CarParams.nominal(PROFILE.measured, PROFILE.sensor, 12)
    together = Sonar(PROFILE, Geometry(worlds), [np.random.default_rng(i) for i in range(12)], car=cars)
    all_at_once = together.read(pos, heading, servo)
    for i, w in enumerate(worlds):
        alone = Sonar(PROFILE, Geometry([w]), [np.random.default_rng(i)], car=CAR)
        assert alone.read(pos[i:i + 1], heading[i:i + 1], servo[i:i + 1])[0] == all_at_once[i]
