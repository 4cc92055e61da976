"""World files, profiles and the random world generator."""
import json

import numpy as np
import pytest

from simulator.assets import asset
from simulator.profile import ProfileError, load_profile
from simulator.world import (MAX_WORLD_CM, Box, Cylinder, Pose, Wall, World, WorldError, load_world, save_world,
                            world_from_dict)
from simulator.worldgen import START_CLEARANCE_CM, random_world
from tests.sim_helpers import run_for

WORLDS = ["empty", "living_room", "corridor", "slalom", "small_maze"]


@pytest.mark.parametrize("name", WORLDS)
def test_shipped_worlds_load_with_a_free_start(name):
    world = load_world(asset("worlds", f"{name}.json"))
    start = np.array([[world.start.x_cm, world.start.y_cm]])
    assert world.clearance(start)[0] > 20


def test_a_world_survives_a_save_and_load(tmp_path):
    world = load_world(asset("worlds", "living_room.json"))
    save_world(tmp_path / "w.json", world)
    again = load_world(tmp_path / "w.json")
    assert again.to_dict() == world.to_dict()


@pytest.mark.parametrize("text, words", [
    ("{not json", ["line 1", "not valid JSON"]),
    ('{"format": "neurocar-world", "version": 1, "arena": {"width_cm": 100}, "start": {"x_cm": 1, "y_cm": 1}}',
     ["height_cm", "missing"]),
    ('{"format": "neurocar-world", "version": 1, "arena": {"width_cm": 100, "height_cm": 100},'
     ' "start": {"x_cm": 50, "y_cm": 50}, "obstacles": [{"type": "pyramid"}]}', ["obstacle 1", "pyramid", "box"]),
    ('{"format": "neurocar-world", "version": 1, "arena": {"width_cm": 100, "height_cm": 100},'
     ' "start": {"x_cm": 500, "y_cm": 50}}', ["outside"]),
])
def test_bad_world_files_name_the_file_and_the_problem(tmp_path, text, words):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(WorldError) as err:
        load_world(path)
    assert "bad.json" in str(err.value)
    for w in words:
        assert w in str(err.value)


def _world_text(arena='"width_cm": 300, "height_cm": 200', obstacle=None):
    obstacles = f'[{obstacle}]' if obstacle else '[]'
    return ('{"format": "neurocar-world", "version": 1, "arena": {' + arena + '}, '
            '"start": {"x_cm": 50, "y_cm": 50}, "obstacles": ' + obstacles + '}')


@pytest.mark.parametrize("text, words", [
    (_world_text(arena='"width_cm": 1e9, "height_cm": 200'), ["width_cm", "1000000000.0", "10000"]),
    (_world_text(arena='"width_cm": NaN, "height_cm": 200'), ["width_cm", "finite"]),
    (_world_text(arena='"width_cm": 300, "height_cm": -5'), ["height_cm", "greater than 0"]),
    (_world_text(obstacle='{"type": "box", "x_cm": 100, "y_cm": 100, "width_cm": 0, "height_cm": 10}'),
     ["obstacle 1", "width_cm = 0.0", "at least 1.0"]),
    (_world_text(obstacle='{"type": "box", "x_cm": 100, "y_cm": 100, "width_cm": -20, "height_cm": 10}'),
     ["obstacle 1", "width_cm = -20.0"]),
    (_world_text(obstacle='{"type": "cylinder", "x_cm": 100, "y_cm": 100, "radius_cm": Infinity}'),
     ["obstacle 1", "radius_cm", "finite"]),
    (_world_text(obstacle='{"type": "cylinder", "x_cm": 100, "y_cm": 100, "radius_cm": 0.2}'),
     ["obstacle 1", "radius_cm = 0.2", "at least 0.5"]),
    (_world_text(obstacle='{"type": "cylinder", "x_cm": 1e200, "y_cm": 100, "radius_cm": 5}'),
     ["obstacle 1", "x_cm", "10000"]),
    (_world_text(obstacle='{"type": "wall", "x1_cm": 10, "y1_cm": 10, "x2_cm": 10, "y2_cm": 10}'),
     ["obstacle 1", "same point"]),
])
def test_bad_sizes_and_numbers_in_world_files_are_refused(tmp_path, text, words):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(WorldError) as err:
        load_world(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    for w in words:
        assert w in message


def test_the_biggest_world_allowed_still_loads_and_runs():
    from simulator.baselines import straight_brain
    from simulator.simulation import Simulation
    path_text = _world_text(arena=f'"width_cm": {MAX_WORLD_CM}, "height_cm": {MAX_WORLD_CM}')
    world = world_from_dict(json.loads(path_text), "big.json")
    sim = Simulation(world, load_profile(asset("robots", "elegoo_v3.toml")), straight_brain())
    run_for(sim, 1.0)
    assert 0 < sim.metrics().coverage < 1e-3


def test_world_editing_adds_moves_and_removes_obstacles():
    from simulator.world import Cylinder
    world = load_world(asset("worlds", "empty.json"))
    i = world.add_obstacle(Cylinder(100, 100, 10))
    world.move_obstacle(i, 150, 80)
    assert world.circles().tolist() == [[150, 80, 10]]
    world.remove_obstacle(i)
    assert len(world.circles()) == 0


def test_random_worlds_are_seeded_and_start_free():
    for seed in range(30):
        a, b = random_world(seed), random_world(seed)
        assert a.to_dict() == b.to_dict()
        start = np.array([[a.start.x_cm, a.start.y_cm]])
        assert a.clearance(start)[0] >= START_CLEARANCE_CM - 1e-9
    assert random_world(1).to_dict() != random_world(2).to_dict()


def test_random_obstacles_lie_inside_the_arena_walls():
    shapes = set()
    for seed in range(300):
        world = random_world(seed)
        w, h = world.width_cm, world.height_cm
        edges = [o.edges() for o in world.boxes()[4:]]    # every obstacle outline after the four arena walls
        points = np.vstack(edges + [np.zeros((0, 4))]).reshape(-1, 2)
        assert (points >= -1e-9).all() and (points[:, 0] <= w + 1e-9).all() and (points[:, 1] <= h + 1e-9).all()
        c = world.circles()
        assert (c[:, 0] - c[:, 2] >= -1e-9).all() and (c[:, 0] + c[:, 2] <= w + 1e-9).all()
        assert (c[:, 1] - c[:, 2] >= -1e-9).all() and (c[:, 1] + c[:, 2] <= h + 1e-9).all()
        shapes |= {o.type for o in world.obstacles}
    assert shapes == {"box", "cylinder", "wall"}


def test_both_profiles_load_and_differ():
    a = load_profile(asset("robots", "elegoo_v3.toml"))
    b = load_profile(asset("robots", "two_wheel.toml"))
    assert a.motors.pins["IN4"] == 11 and a.servo.step_deg == 9 and a.control.tick_s == 0.025
    assert a.drive.wheels == 4 and b.drive.wheels == 2
    assert a.servo.left_end_deg != b.servo.left_end_deg


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace("speed_cm_s = 30.0", ""), ["drive.speed_cm_s", "missing", "a number"]),
    (lambda t: t.replace('forward = "1001"', 'forward = "1002"'), ["motors.patterns.forward", "0 and 1"]),
    (lambda t: t.replace('right = "0101"', 'right = "1010"'), ["motors.patterns.right", "(left, right)"]),
    (lambda t: t.replace("step_deg = 9", 'step_deg = "nine"'), ["servo.step_deg", "whole number"]),
    (lambda t: t.replace("speed_cm_s = 30.0", "speed_cm_s = inf"), ["drive.speed_cm_s", "finite"]),
    (lambda t: t.replace("mass_kg = 1.3", "mass_kg = nan"), ["body.mass_kg", "finite"]),
    (lambda t: t.replace("tick_s = 0.025", "tick_s = 1e300"), ["control.tick_s", "at most 1 s"]),
    (lambda t: t.replace("beam_deg = 15.0", "beam_deg = 200.0"), ["sensor.beam_deg", "below 180"]),
    (lambda t: t.replace("ENA = 5", 'ENA = "five"'), ["motors.pins.ENA", "pin number"]),
])
def test_bad_profiles_name_the_file_and_the_key(tmp_path, edit, words):
    text = asset("robots", "elegoo_v3.toml").read_text()
    path = tmp_path / "bad.toml"
    path.write_text(edit(text))
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert "bad.toml" in str(err.value) and "\n" not in str(err.value)
    for w in words:
        assert w in str(err.value)


def test_a_world_holding_deep_or_huge_values_is_refused_in_one_short_line(tmp_path):
    data = json.loads(asset("worlds", "empty.json").read_text())
    nested = []
    for _ in range(900):
        nested = [nested]
    for bad in (nested, "x" * 100_000):
        data["obstacles"] = [{"type": bad}]
        path = tmp_path / "w.json"
        path.write_text(json.dumps(data))
        with pytest.raises(WorldError) as e:
            load_world(path)
        assert len(str(e.value)) < 200 and "is not one of box, cylinder, wall" in str(e.value)
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(WorldError, match="nested too deeply"):
        load_world(path)


def test_a_soft_surface_round_trips_and_only_soft_is_written(tmp_path):
    text = _world_text(obstacle='{"type": "cylinder", "x_cm": 150, "y_cm": 100, "radius_cm": 20, "surface": "soft"}')
    path = tmp_path / "soft.json"
    path.write_text(text)
    world = load_world(path)
    assert world.obstacles[0].surface == "soft"
    assert world.circle_traits().tolist() == [[40.0, 1.0]]
    world.add_obstacle(Box(200, 150, 10, 20))
    written = world.to_dict()["obstacles"]
    assert written[0]["surface"] == "soft" and "surface" not in written[1]
    save_world(tmp_path / "again.json", world)
    assert load_world(tmp_path / "again.json").to_dict() == world.to_dict()


@pytest.mark.parametrize("value", ['"squishy"', "1", "null"])
def test_an_unknown_surface_is_refused_in_one_line(tmp_path, value):
    path = tmp_path / "bad.json"
    path.write_text(_world_text(obstacle='{"type": "box", "x_cm": 100, "y_cm": 100, "width_cm": 10, '
                                         f'"height_cm": 10, "surface": {value}}}'))
    with pytest.raises(WorldError) as err:
        load_world(path)
    message = str(err.value)
    assert "\n" not in message and "obstacle 1" in message and "surface" in message and "'soft'" in message
    with pytest.raises(WorldError):
        World("w", 300, 200, Pose(50, 50)).add_obstacle(Box(100, 100, 10, 10, surface="glass"))


def test_edge_traits_follow_the_solids_arena_walls_first():
    world = World("w", 300, 200, Pose(50, 50), [Box(100, 100, 10, 30, surface="soft"), Cylinder(200, 50, 3),
                                                Wall(0, 150, 80, 150, 2)])
    traits = world.edge_traits()
    assert len(traits) == len(world.edges())
    assert np.isinf(traits[:16, 0]).all()
    assert traits[16:20].tolist() == [[30.0, 1.0]] * 4
    assert traits[20:24].tolist() == [[80.0, 0.0]] * 4


def test_random_worlds_hold_some_soft_obstacles_and_thin_chair_legs():
    worlds = [random_world(k) for k in range(20)]
    obstacles = [o for w in worlds for o in w.obstacles]
    soft = sum(o.surface == "soft" for o in obstacles)
    legs = [o for o in obstacles if isinstance(o, Cylinder) and o.radius_cm <= 1.5]
    assert 0.1 < soft / len(obstacles) < 0.35
    assert len(legs) >= 8 and len(legs) % 4 == 0
    for w in worlds:
        assert w.clearance([[w.start.x_cm, w.start.y_cm]])[0] >= START_CLEARANCE_CM - 1e-9
        assert random_world(worlds.index(w)).to_dict() == w.to_dict()
