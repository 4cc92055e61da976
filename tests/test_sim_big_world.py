"""Worlds of thousands of obstacles: the same results as the brute force, bounded memory,
and a documented limit. (Start-up time and speed are figures: tests/bench/bench_big_world.py.)"""
import json
import math
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest

import simulator.sensor as sensor
from brain import load_brain
from simulator.assets import asset
from simulator.batch import Job, evaluate, file_specs
from simulator.episode import Episodes, EpisodeSpec
from simulator.simulation import Simulation
from simulator.metrics import CELL_CM, free_cells
from simulator.profile import default_profile
from simulator.sensor import SensorOptions
from simulator.world import (MAX_OBSTACLES, Box, Cylinder, Pose, Wall, World, WorldError, load_world,
                             world_from_dict)
from simulator.worldgen import WorldGenConfig, random_world

SHIPPED = ["empty", "living_room", "corridor", "slalom", "small_maze"]


def crowded_world(n: int, side_cm: float, seed: int = 1, shapes=(0.45, 0.35, 0.20)) -> World:
    config = replace(WorldGenConfig(), obstacles=(n, n), width_cm=(side_cm, side_cm), height_cm=(side_cm, side_cm),
                     shape_weights=shapes)
    return random_world(seed, config, name=f"{n} obstacles")


def odd_world() -> World:
    """Solids poking out of the arena, a long diagonal wall, a huge and a tiny cylinder,
    and edges at exactly half a car's width from cell centres (ties)."""
    return World("odd", 1000, 800, Pose(500, 400), [
        Wall(-300, -200, 1300, 1000, 20), Cylinder(-50, 400, 300), Box(990, 5, 300, 40, 33),
        Cylinder(500, 400, 2.5), Wall(0, 0, 1000, 800, 1), Box(222, 305, 16, 20), Box(400, 600, 46, 46, 90)])


def brute_force_free_cells(world, half_width):
    cols, rows = math.ceil(world.width_cm / CELL_CM), math.ceil(world.height_cm / CELL_CM)
    xs, ys = (np.arange(cols) + 0.5) * CELL_CM, (np.arange(rows) + 0.5) * CELL_CM
    centres = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return (world.clearance(centres) >= half_width).reshape(rows, cols)


def test_all_corners_at_once_are_each_boxs_corners_bit_for_bit():
    worlds = [load_world(asset("worlds", f"{n}.json")) for n in SHIPPED] + [random_world(s) for s in range(50)]
    worlds.append(crowded_world(500, 3000))
    for world in worlds:
        expected = np.array([b.corners() for b in world.boxes()])
        assert np.array_equal(world.corners(), expected)
        assert np.array_equal(world.edges(), np.vstack([b.edges() for b in world.boxes()]))


@pytest.mark.parametrize("half_width", [7.0, 6.5, 5.0, 0.3, 25.0])
def test_free_cells_measure_only_near_cells_and_agree_with_the_brute_force(half_width):
    worlds = [load_world(asset("worlds", f"{n}.json")) for n in SHIPPED] + [random_world(s) for s in range(60)]
    worlds += [odd_world(), crowded_world(300, 1500)]
    for world in worlds:
        assert np.array_equal(free_cells(world, half_width), brute_force_free_cells(world, half_width)), world.name


def test_free_cells_of_a_crowded_world_need_little_memory():
    """The brute force held 4096 cell centres x every edge at once (about 2 GB here)."""
    world = crowded_world(4000, 3000)
    tracemalloc.start()
    try:
        free_cells(world, 7.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 150e6


def _rows(world, brain, seconds, local_above, monkeypatch, options=SensorOptions(True, True)):
    monkeypatch.setattr(sensor, "LOCAL_ABOVE", local_above)
    job = Job(load_brain(asset("brains", brain)).to_dict(), default_profile(), seconds, sensor_options=options)
    return evaluate(job, file_specs([world, world], 3), jobs=1)


@pytest.mark.parametrize("brain", ["default.json", "improved.json"])
def test_cars_that_see_only_the_solids_near_them_drive_exactly_as_with_all(monkeypatch, brain):
    world = crowded_world(400, 2500)
    assert len(world.edges()) + len(world.circles()) > sensor.LOCAL_ABOVE
    near = _rows(world, brain, 40.0, sensor.LOCAL_ABOVE, monkeypatch)
    everything = _rows(world, brain, 40.0, 10 ** 9, monkeypatch)
    assert near == everything
    assert sum(r["distance_cm"] for r in near) > 500          # they drove through the crowd


def test_a_car_far_from_every_solid_still_measures_its_closest_approach_exactly(monkeypatch):
    """Nothing within the sensor's reach: the gap falls back to all of the world."""
    obstacles = [Cylinder(2800 + 10 * (k % 15), 2800 + 10 * (k // 15), 3.0) for k in range(225)]
    world = World("far", 3000, 3000, Pose(300, 300, 45), obstacles)
    near = _rows(world, "improved.json", 5.0, 1, monkeypatch)
    everything = _rows(world, "improved.json", 5.0, 10 ** 9, monkeypatch)
    assert near == everything
    assert 200 < near[0]["closest_cm"] < math.inf


def test_the_window_beam_follows_a_car_put_down_far_away(monkeypatch):
    monkeypatch.setattr(sensor, "LOCAL_ABOVE", 10)
    world = crowded_world(400, 2500)
    brain = load_brain(asset("brains", "default.json"))
    sims = [Simulation(world, default_profile(), brain), None]
    monkeypatch.setattr(sensor, "LOCAL_ABOVE", 10 ** 9)
    sims[1] = Simulation(world, default_profile(), brain)
    assert sims[0]._ep.geometry.local and not sims[1]._ep.geometry.local
    grid = np.array([(x, y) for x in range(100, 2500, 50) for y in range(100, 2500, 50)], dtype=float)
    free = grid[world.clearance(grid) >= 30]
    for x, y in free[[0, len(free) // 2, -1]].tolist():          # far apart: each farther than the margin
        beams = []
        for sim in sims:
            sim.place(x, y, 30.0)
            beams.append(sim.beam())
        assert np.array_equal(beams[0][3], beams[1][3]) and beams[0][0] == beams[1][0]


def test_a_world_of_the_most_obstacles_runs_in_bounded_memory():
    """Start-up and a few seconds of one 10,000-obstacle world, all numpy and Python
    allocations counted (the brute force passed 11 GB)."""
    world = crowded_world(MAX_OBSTACLES, 10_000, shapes=(1.0, 0.0, 0.0))
    assert len(world.obstacles) == MAX_OBSTACLES
    brain = load_brain(asset("brains", "improved.json"))
    tracemalloc.start()
    try:
        episodes = Episodes([EpisodeSpec(world, 0)], default_profile(), brain)
        episodes.run(2.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 400e6
    assert episodes.results()[0].distance_cm > 0


def _world_dict(n):
    return {"format": "neurocar-world", "version": 1, "arena": {"width_cm": 10000, "height_cm": 10000},
            "start": {"x_cm": 50, "y_cm": 50},
            "obstacles": [{"type": "cylinder", "x_cm": 500 + 90 * (k % 100), "y_cm": 500 + 90 * (k // 100),
                           "radius_cm": 5} for k in range(n)]}


def test_worlds_beyond_the_limit_are_refused_in_one_line(tmp_path):
    assert len(world_from_dict(_world_dict(MAX_OBSTACLES), "full.json").obstacles) == MAX_OBSTACLES
    path = tmp_path / "crowded.json"
    path.write_text(json.dumps(_world_dict(MAX_OBSTACLES + 1)))
    with pytest.raises(WorldError) as err:
        load_world(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    assert "10,001 obstacles" in message and "at most 10,000" in message


def test_editing_cannot_go_beyond_the_limit():
    world = world_from_dict(_world_dict(MAX_OBSTACLES), "full.json")
    with pytest.raises(WorldError, match="at most 10,000 obstacles"):
        world.add_obstacle(Cylinder(50, 9000, 5))
    assert len(world.obstacles) == MAX_OBSTACLES


def test_the_start_check_looks_only_near_the_start_with_the_same_verdicts():
    from simulator.car import Cars
    from simulator.episode import check_start
    from simulator.physics import add_world, new_space
    profile = default_profile()
    world = crowded_world(300, 1500)
    rng = np.random.default_rng(0)
    verdicts = set()
    for x, y, heading in zip(rng.uniform(1, 1499, 400), rng.uniform(1, 1499, 400), rng.uniform(-180, 180, 400)):
        space = new_space()
        add_world(space, world, (0.0, 0.0))
        cars = Cars(space, profile, 1)
        cars.place(0, x, y, math.radians(heading))
        overlaps = bool(space.shape_query(cars.shapes[0]))
        try:
            check_start(EpisodeSpec(world, 0, (x, y, heading)), profile)
            refused = False
        except WorldError:
            refused = True
        assert refused == overlaps
        verdicts.add(refused)
    assert verdicts == {True, False}
    assert len(world.near(750, 750, 20).obstacles) < len(world.obstacles) / 20
