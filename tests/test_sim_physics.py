"""The car's physics: speed, turning, walls, no tunnelling (real pymunk, headless)."""
import math

import numpy as np
import pytest

from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.simulation import Simulation
from simulator.profile import load_profile
from simulator.world import Box, Pose, World
from tests.sim_helpers import run_for

PROFILES = [load_profile(asset("robots", name)) for name in ("elegoo_v3.toml", "two_wheel.toml")]


def _sim(profile, world, pins, pwm=None):
    sim = Simulation(world, profile, straight_brain(), model="ideal")          # the [drive] estimates
    sim.set_manual(pins, pwm)
    return sim


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_drives_straight_at_the_profiles_speed(profile):
    world = World("long", 2000, 200, Pose(50, 100, 0))
    sim = _sim(profile, world, profile.motors.patterns["forward"])
    run_for(sim, 1.0)
    x0, y0, _ = sim.pose
    run_for(sim, 4.0)
    x1, y1, heading = sim.pose
    speed = math.hypot(x1 - x0, y1 - y0) / 4.0
    assert speed == pytest.approx(profile.drive.speed_cm_s, rel=0.05)
    assert abs(y1 - 100) < 0.5 and abs(heading) < 0.5


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_turns_in_place_at_the_profiles_rate(profile):
    world = World("open", 400, 400, Pose(200, 200, 0))
    sim = _sim(profile, world, profile.motors.patterns["right"])
    assert sim.pwm == profile.drive.turn_pwm
    run_for(sim, 0.5)
    h0 = sim.pose[2]
    run_for(sim, 0.5)
    x, y, h1 = sim.pose
    rate = (h0 - h1) / 0.5                 # right = clockwise = heading falls
    assert rate == pytest.approx(profile.drive.turn_rate_deg_s, rel=0.05)
    assert math.hypot(x - 200, y - 200) < 1.0


def test_pushing_into_a_wall_neither_passes_through_nor_explodes():
    profile = PROFILES[0]
    world = World("wall", 300, 200, Pose(100, 100, 0), [Box(200, 100, 4, 150)])
    sim = _sim(profile, world, profile.motors.patterns["forward"])
    run_for(sim, 10.0)
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
    run_for(sim, 1.0)
    assert sim.pose[0] - 50 == pytest.approx(2 * profile.drive.speed_cm_s, rel=0.1)
    run_for(sim, 15.0)
    assert sim.pose[0] + profile.body.length_cm / 2 < 300 - thickness / 2 + 0.5
    assert np.isfinite(sim.pose).all()


def _fastest(profile, tmp_path):
    """The profile's file with every motion value at the edge of its accepted range:
    straight and turning just under the corner-speed limit, force and torque at the grip."""
    import re

    from simulator.profile import GRAVITY_M_S2, MAX_GRIP_MU, MAX_POINT_SPEED_CM_S
    body = profile.body
    grip = MAX_GRIP_MU * body.mass_kg * GRAVITY_M_S2
    radius = body.half_diagonal_cm
    values = {"speed_cm_s": MAX_POINT_SPEED_CM_S * 0.999,
              "turn_rate_deg_s": math.degrees(MAX_POINT_SPEED_CM_S / radius) * 0.999,
              "max_force_n": grip * 0.9999, "max_torque_n_m": grip * radius / 100 * 0.9999}
    text = asset("robots", "elegoo_v3.toml" if profile is PROFILES[0] else "two_wheel.toml").read_text()
    for key, value in values.items():
        text = re.sub(rf"^{key} = [^#\n]*", f"{key} = {value!r}", text, flags=re.M)
    (tmp_path / "fastest.toml").write_text(text)
    return load_profile(tmp_path / "fastest.toml")


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_the_fastest_accepted_car_neither_tunnels_nor_sinks(profile, tmp_path):
    """The derived bounds are enough: at their edge a car stops at a 1 cm wall, head on or
    sweeping its corners into it, and never trips the episode's sanity check."""
    fast = _fastest(profile, tmp_path)
    half_length, half_width = fast.body.length_cm / 2, fast.body.width_cm / 2
    head_on = World("thin", 600, 200, Pose(50, 100, 0), [Box(300, 100, 1.0, 150)])
    sim = Simulation(head_on, fast, straight_brain(), check=True, model="ideal")
    sim.set_manual(fast.motors.patterns["forward"])
    run_for(sim, 10.0)
    assert sim.pose[0] + half_length < 300 and sim.touching
    wall_y = 100 + half_width + 1.0
    beside = World("beside", 600, 200, Pose(300, 100, 0), [Box(300, wall_y, 200, 1.0)])
    sim = Simulation(beside, fast, straight_brain(), check=True, model="ideal")
    sim.set_manual(fast.motors.patterns["right"])
    run_for(sim, 5.0)                       # the corners sweep into the wall at just under 60 cm/s
    assert sim.collisions > 0 and sim.pose[1] < wall_y


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_the_fastest_accepted_car_passes_the_sanity_check_in_random_worlds(profile, tmp_path):
    from brain import load_brain
    from simulator.baselines import baseline
    from simulator.batch import random_specs
    from simulator.episode import Episodes
    fast = _fastest(profile, tmp_path)
    for brain in (load_brain(asset("brains", "default.json")), baseline("random", 0)):
        ep = Episodes(list(random_specs(25, seed=4)), fast, brain, model="ideal")
        ep.run(30.0)
        assert sum(m.collisions for m in ep.results()) > 0
