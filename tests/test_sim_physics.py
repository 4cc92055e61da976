"""The car's physics: speed, turning, walls, no tunnelling (real pymunk, headless)."""
import math

import numpy as np
import pytest

from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.episode import Simulation
from simulator.profile import load_profile
from simulator.world import Box, Pose, World

PROFILES = [load_profile(asset("robots", name)) for name in ("elegoo_v3.toml", "two_wheel.toml")]


def _sim(profile, world, pins, pwm=None):
    sim = Simulation(world, profile, straight_brain())
    sim.set_manual(pins, pwm)
    return sim


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_drives_straight_at_the_profiles_speed(profile):
    world = World("long", 2000, 200, Pose(50, 100, 0))
    sim = _sim(profile, world, profile.motors.patterns["forward"])
    sim.advance(1.0)
    x0, y0, _ = sim.pose
    sim.advance(4.0)
    x1, y1, heading = sim.pose
    speed = math.hypot(x1 - x0, y1 - y0) / 4.0
    assert speed == pytest.approx(profile.drive.speed_cm_s, rel=0.05)
    assert abs(y1 - 100) < 0.5 and abs(heading) < 0.5


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_turns_in_place_at_the_profiles_rate(profile):
    world = World("open", 400, 400, Pose(200, 200, 0))
    sim = _sim(profile, world, profile.motors.patterns["right"])
    assert sim.pwm == profile.drive.turn_pwm
    sim.advance(0.5)
    h0 = sim.pose[2]
    sim.advance(0.5)
    x, y, h1 = sim.pose
    rate = (h0 - h1) / 0.5                 # right = clockwise = heading falls
    assert rate == pytest.approx(profile.drive.turn_rate_deg_s, rel=0.05)
    assert math.hypot(x - 200, y - 200) < 1.0


def test_pushing_into_a_wall_neither_passes_through_nor_explodes():
    profile = PROFILES[0]
    world = World("wall", 300, 200, Pose(100, 100, 0), [Box(200, 100, 4, 150)])
    sim = _sim(profile, world, profile.motors.patterns["forward"])
    sim.advance(10.0)
    x, y, heading = sim.pose
    front = x + profile.body.length_cm / 2
    assert 197.0 < front < 198.5                       # at the wall's face (x = 198), not through it
    assert abs(y - 100) < 1 and abs(heading) < 1
    assert sim.collisions == 1 and sim.touching
    vx, vy = sim._ep.cars.bodies[0].velocity
    assert math.hypot(vx, vy) < 1.0


@pytest.mark.parametrize("thickness", [1.0, 2.0])
def test_no_tunnelling_at_twice_top_speed(thickness):
    profile = PROFILES[0]
    world = World("thin", 600, 200, Pose(50, 100, 0), [Box(300, 100, thickness, 150)])
    sim = _sim(profile, world, profile.motors.patterns["forward"], pwm=2 * profile.drive.reference_pwm)
    sim.advance(1.0)
    assert sim.pose[0] - 50 == pytest.approx(2 * profile.drive.speed_cm_s, rel=0.1)
    sim.advance(15.0)
    assert sim.pose[0] + profile.body.length_cm / 2 < 300 - thickness / 2 + 0.5
    assert np.isfinite(sim.pose).all()
