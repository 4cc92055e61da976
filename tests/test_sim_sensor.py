"""The sonar: known distances, the beam's width, range limits, and pymunk agreement."""
import math

import numpy as np
import pymunk
import pytest

from simulator.assets import asset
from simulator.physics import add_world, new_space
from simulator.profile import load_profile
from simulator.sensor import Geometry, SensorOptions, Sonar, cast
from simulator.world import Box, Cylinder, Pose, Wall, World
from simulator.worldgen import random_world

PROFILE = load_profile(asset("robots", "elegoo_v3.toml"))
MOUNT = PROFILE.sensor.mount_forward_cm


def _read(world, x, y, heading_deg, servo_deg=90, options=SensorOptions(), rngs=None):
    sonar = Sonar(PROFILE, Geometry([world]), rngs, options)
    return sonar.read(np.array([[x, y]], float), np.radians([heading_deg]), np.array([servo_deg]))[0]


@pytest.mark.parametrize("gap", [5.0, 23.4, 49.0, 120.0, 333.3])
def test_known_distances_to_a_wall_within_one_cm(gap):
    world = World("w", 1000, 400, Pose(50, 200), [Box(500, 200, 10, 300)])
    x = 495 - gap - MOUNT
    assert abs(_read(world, x, 200, 0) - gap) < 1.0


@pytest.mark.parametrize("servo_deg, side", [(30, 1), (150, -1)])
def test_known_distance_to_a_cylinder_with_the_servo_at_either_end(servo_deg, side):
    # On this profile 30 degrees is the left end: the beam turns 60 degrees counter-clockwise.
    a = math.radians(60 * side)
    world = World("w", 600, 600, Pose(300, 300),
                  [Cylinder(300 + MOUNT + 150 * math.cos(a), 300 + 150 * math.sin(a), 20)])
    assert abs(_read(world, 300, 300, 0, servo_deg=servo_deg) - 130) < 1.0
    assert np.isinf(_read(world, 300, 300, 0, servo_deg=180 - servo_deg)) or \
        _read(world, 300, 300, 0, servo_deg=180 - servo_deg) > 200


def test_an_obstacle_off_axis_but_inside_the_beam_is_seen():
    off = math.radians(6.0)                     # inside the 15-degree beam, off its axis
    world = World("w", 600, 600, Pose(100, 300),
                  [Cylinder(100 + MOUNT + 60 * math.cos(off), 300 + 60 * math.sin(off), 4)])
    origin = np.array([[100 + MOUNT, 300.0]])
    axis_only, _ = cast(origin, np.zeros((1, 1)), Geometry([world]).edges, Geometry([world]).circles, 400)
    assert np.isinf(axis_only[0, 0])           # a single ray on the axis would miss it
    assert abs(_read(world, 100, 300, 0) - 56) < 1.5


def test_range_limits_no_echo_beyond_max_and_min_range_up_close():
    far = World("far", 1200, 200, Pose(50, 100))
    assert np.isinf(_read(far, 50, 100, 0))
    near = World("near", 300, 200, Pose(50, 100), [Box(50 + MOUNT + 1.0 + 2, 100, 4, 100)])
    assert _read(near, 50, 100, 0) == PROFILE.sensor.min_range_cm


def test_analytic_rays_agree_with_pymunk_segment_queries():
    rng = np.random.default_rng(7)
    for k in range(6):
        world = random_world(k)
        world.add_obstacle(Wall(10, 10, 120, 90, 3))
        space = new_space()
        add_world(space, world, (0, 0))
        geo = Geometry([world])
        points = rng.uniform((5, 5), (world.width_cm - 5, world.height_cm - 5), (200, 2))
        points = points[world.clearance(points) > 0.5]
        angles = rng.uniform(-np.pi, np.pi, len(points))
        for p, a in zip(points, angles):
            ours, _ = cast(p[None], np.array([[a]]), geo.edges, geo.circles, 400.0)
            end = (p[0] + 400 * math.cos(a), p[1] + 400 * math.sin(a))
            hit = space.segment_query_first(tuple(p), end, 0, pymunk.ShapeFilter())
            theirs = hit.alpha * 400 if hit is not None else np.inf
            if np.isinf(theirs):
                assert np.isinf(ours[0, 0])
            else:
                assert ours[0, 0] == pytest.approx(theirs, abs=1e-6)


def test_noise_and_missed_echoes_are_off_by_default_and_seeded_when_on():
    world = World("w", 400, 400, Pose(100, 200), [Box(300, 200, 10, 300, 50)])
    clean = {_read(world, 100, 200, 0) for _ in range(3)}
    assert len(clean) == 1
    on = SensorOptions(noise=True, missed_echoes=True)

    def series(seed):
        rngs = [np.random.default_rng(seed)]
        sonar = Sonar(PROFILE, Geometry([world]), rngs, on)
        return [sonar.read(np.array([[100.0, 200.0]]), np.radians([0.0]), np.array([90]))[0] for _ in range(50)]
    assert series(1) == series(1)
    assert series(1) != series(2)
    assert any(abs(v - next(iter(clean))) > 0.01 for v in series(1) if np.isfinite(v))
