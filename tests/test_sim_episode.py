"""Episodes: determinism, batching whatever the job count, the one-car Simulation, and the
episode's own sanity check."""
import re

import numpy as np
import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.batch import Job, batches, evaluate, random_specs
from simulator.episode import EpisodeSpec, Episodes, check_start, layout
from simulator.simulation import Simulation
from simulator.profile import load_profile
from simulator.sensor import SensorOptions
from simulator.world import Box, Cylinder, Pose, World, WorldError, load_world
from tests.sim_helpers import run_for

PROFILE = load_profile(asset("robots", "elegoo_v3.toml"))
BRAIN = load_brain(asset("brains", "default.json"))


def _run(specs, seconds=8.0, options=SensorOptions()):
    ep = Episodes(specs, PROFILE, BRAIN, sensor_options=options)
    ep.run(seconds)
    return [m.to_dict() for m in ep.results()]


def test_same_seed_same_metrics_bit_for_bit():
    specs = random_specs(4, seed=5)
    assert _run(specs) == _run(specs)
    noisy = SensorOptions(noise=True, missed_echoes=True)
    assert _run(specs, options=noisy) == _run(specs, options=noisy)


def test_episode_seeds_depend_on_seed_and_index_only():
    a, b = random_specs(3, seed=5), random_specs(6, seed=5)
    assert [s.seed for s in a] == [s.seed for s in b[:3]]
    assert [s.world.to_dict() for s in a] == [s.world.to_dict() for s in b[:3]]
    assert random_specs(1, seed=6)[0].seed != a[0].seed


def test_jobs_one_and_two_agree():
    specs = random_specs(30, seed=2)
    assert len(batches(specs)) == 2
    job = Job(BRAIN.to_dict(), PROFILE, 4.0)
    assert evaluate(job, specs, jobs=1) == evaluate(job, specs, jobs=2)


def test_measured_drawn_cars_are_deterministic_whatever_the_job_count():
    specs = random_specs(30, seed=2)
    job = Job(BRAIN.to_dict(), PROFILE, 4.0, model="measured", randomize=True)
    rows = evaluate(job, specs, jobs=1)
    assert rows == evaluate(job, specs, jobs=2) == evaluate(job, specs, jobs=1)
    assert len({row["car"]["battery_v"] for row in rows}) == 30


def test_the_measured_trajectory_records_where_the_sensor_pointed():
    world = load_world(asset("worlds", "empty.json"))
    ep = Episodes([EpisodeSpec(world)], PROFILE, BRAIN, model="measured", record=True)
    ep.run(1.0)
    traj = ep.trajectory(0)
    assert len(traj["servo_actual_deg"]) == 40 and traj["servo_actual_deg"][-1] == ep.servo_actual_deg[0]
    assert (traj["servo_actual_deg"] != traj["servo_deg"]).any()


def test_metrics_are_sensible_in_the_living_room():
    world = load_world(asset("worlds", "living_room.json"))
    m = _run([EpisodeSpec(world, 0)], seconds=20)[0]
    assert m["seconds"] == 20 and m["distance_cm"] > 50
    assert 0 < m["coverage"] < 1 and m["closest_cm"] >= 0
    assert m["collisions_per_minute"] == pytest.approx(m["collisions"] * 3)
    assert m["collision_free"] == (m["collisions"] == 0)


def test_stuck_time_counts_a_car_pinned_against_a_wall():
    from simulator.baselines import straight_brain
    world = load_world(asset("worlds", "empty.json"))
    sim = Simulation(world, PROFILE, straight_brain())
    run_for(sim, 20)
    m = sim.metrics()
    assert m.collisions == 1 and m.contact_s > 10 and m.stuck_s > 5


def test_simulation_api_for_the_window():
    world = load_world(asset("worlds", "empty.json"))
    sim = Simulation(world, PROFILE, BRAIN, seed=0, record=True, model="ideal")
    run_for(sim, 1.0)
    assert sim.time_s == pytest.approx(1.0)
    x, y, heading = sim.pose
    assert x > world.start.x_cm and sim.pins == PROFILE.motors.patterns["forward"]
    origin, axis, ray_deg, ray_cm = sim.beam()
    assert len(ray_cm) == PROFILE.sensor.rays
    traj = sim.trajectory()
    assert len(traj["x_cm"]) == 40 and traj["pins"].shape == (40, 4)
    sim.set_manual(PROFILE.motors.patterns["left"])
    run_for(sim, 0.5)
    assert sim.pose[2] > heading + 30 and sim.pwm == PROFILE.drive.turn_pwm
    sim.set_manual(None)
    sim.brain = load_brain(asset("brains", "improved.json"))
    run_for(sim, 0.5)
    sim.reset()
    assert sim.time_s == 0 and sim.pose[:2] == (world.start.x_cm, world.start.y_cm)


def test_world_editing_is_seen_by_physics_and_sensor():
    world = load_world(asset("worlds", "empty.json")).copy()
    sim = Simulation(world, PROFILE, BRAIN)
    sim.place(100, 100, 0)
    before = sim.beam()[3]
    world.add_obstacle(Box(150, 100, 10, 60))
    sim.world_changed()
    after = sim.beam()[3]
    assert after.min() == pytest.approx(145 - 100 - PROFILE.sensor.mount_forward_cm) and before.min() > 150
    from simulator.baselines import straight_brain
    sim.brain = straight_brain()
    run_for(sim, 3)
    assert sim.collisions == 1
    world.remove_obstacle(0)
    world.add_obstacle(Cylinder(10, 10, 3))
    sim.world_changed()
    assert sim.beam()[3].min() > 100             # the box has gone


def _sensed_run(world, options, look: bool, ticks: int = 400):
    sim = Simulation(world, PROFILE, BRAIN, seed=3, sensor_options=options, record=True)
    looks = []
    for _ in range(ticks):
        if look:
            looks.append(sim.sensed_inputs())
        sim.step_tick()
        if look:
            looks.append(sim.sensed_inputs())
    return sim, looks


@pytest.mark.parametrize("options", [SensorOptions(), SensorOptions(noise=True, missed_echoes=True)])
def test_sensed_inputs_leave_the_run_unchanged(options):
    world = load_world(asset("worlds", "living_room.json"))
    plain, _ = _sensed_run(world, options, look=False)
    looked, looks = _sensed_run(world, options, look=True)
    a, b = plain.trajectory(), looked.trajectory()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert plain.metrics() == looked.metrics()
    assert len({tuple(x) for x in looks}) > 10          # it really reads what changes


def test_sensed_inputs_are_the_controllers_encoding_of_a_fresh_reading():
    from simulator.controller import encode_angle, encode_distance
    world = load_world(asset("worlds", "empty.json"))
    sim = Simulation(world, PROFILE, BRAIN)
    clamp = PROFILE.control.distance_clamp_cm
    sim.place(world.width_cm - 11 - 30.6, world.height_cm / 2, 0.0)    # servo axis 30.6 cm from the wall
    assert sim.servo_deg == 90
    np.testing.assert_array_equal(sim.sensed_inputs(), [encode_distance(30, clamp), 0.0])
    sim.place(world.width_cm / 2, world.height_cm / 2, 0.0)            # nothing within the clamp
    sim.step_tick()
    assert sim.sensed_inputs().tolist() == [-1.0, float(encode_angle(sim.servo_deg, PROFILE.servo))]
    sim.place(world.width_cm - 11 - 1.0, world.height_cm / 2, 0.0)     # nearer than the sensor's minimum
    sim._ep.controller.servo_deg[:] = 90
    assert sim.sensed_inputs()[0] == encode_distance(int(PROFILE.sensor.min_range_cm), clamp)


def test_a_start_overlapping_a_solid_is_refused_and_a_free_one_accepted():
    world = load_world(asset("worlds", "empty.json"))
    half_length = PROFILE.body.length_cm / 2
    check_start(EpisodeSpec(world, 0), PROFILE)
    check_start(EpisodeSpec(world, 0, start=(half_length + 0.1, 100, 0)), PROFILE)
    with pytest.raises(WorldError, match="empty.json: the .* car at the start .* overlaps"):
        check_start(EpisodeSpec(world, 0, start=(half_length - 0.1, 100, 0)), PROFILE)   # nose in the wall
    crowded = World("crowded", 300, 200, Pose(100, 100), [Cylinder(100 + half_length + 3, 100, 4)])
    with pytest.raises(WorldError, match="overlaps"):
        check_start(EpisodeSpec(crowded, 0), PROFILE)
    for spec in random_specs(100, seed=0):
        check_start(spec, PROFILE)


def test_worlds_sharing_a_space_stay_apart_even_with_obstacles_past_their_walls():
    inside = World("inside", 300, 200, Pose(50, 50))
    sticking_out = World("out", 300, 200, Pose(50, 50), [Box(900, 100, 40, 40)])   # 580 cm past the wall
    offsets = layout([sticking_out, inside, inside])
    for (a, b), (oa, ob) in zip(zip([sticking_out, inside], [inside, inside]), zip(offsets, offsets[1:])):
        assert oa[0] + a.bounds()[2] < ob[0] + b.bounds()[0]
    assert offsets[2, 0] - offsets[1, 0] == 300 + 2 * 5 + 500       # walls only: the usual spacing


def test_run_refuses_negative_or_undefined_lengths():
    sim = Simulation(load_world(asset("worlds", "empty.json")), PROFILE, BRAIN)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            sim._ep.run(bad)
    assert sim.time_s == 0


# -- the episode's own sanity: no result from a car that left its arena or sank into a solid --

def _broken(profile, **drive):
    """A profile past its bounds, built around the checks a file goes through."""
    import dataclasses
    return dataclasses.replace(profile, drive=dataclasses.replace(profile.drive, **drive))


def test_a_car_put_outside_its_arena_stops_the_run_naming_the_episode():
    from simulator.episode import EpisodeError
    from brain.errors import NeurocarError
    specs = random_specs(3, seed=1)
    ep = Episodes(specs, PROFILE, BRAIN, numbers=[40, 41, 42])
    ep.run(1.0)
    arena = specs[1].world
    ep.cars.place(1, ep.offsets[1, 0] + arena.width_cm + 30, ep.offsets[1, 1] + 50, 0.0)
    with pytest.raises(EpisodeError, match=rf"^episode 41 \(world 'random 1/1', seed {specs[1].seed}\): at 1.025 s "
                                           rf"the car left the {arena.width_cm:g} x {arena.height_cm:g} cm arena"):
        ep.step_tick()
    assert issubclass(EpisodeError, NeurocarError)


def test_a_solid_dropped_onto_a_car_stops_the_run():
    from simulator.episode import EpisodeError
    world = load_world(asset("worlds", "empty.json"))
    ep = Episodes([EpisodeSpec(world, 0)], PROFILE, BRAIN)
    ep.run(0.5)
    x, y = ep.pos[0]
    covered = world.copy()
    covered.add_obstacle(Box(float(x), float(y), 60, 60))
    ep.replace_world(0, covered)
    with pytest.raises(EpisodeError, match=r"^episode 0 \(world 'empty arena', seed 0\): at 0.525 s the car sank "
                                           r"[0-9.]+ cm into a solid \(at most 2 cm is physical\); the physics failed"):
        ep.step_tick()


def test_the_window_can_drop_a_solid_onto_the_car():
    world = load_world(asset("worlds", "empty.json")).copy()
    sim = Simulation(world, PROFILE, BRAIN)
    x, y, _ = sim.pose
    world.add_obstacle(Box(x, y, 60, 60))
    sim.world_changed()
    run_for(sim, 1.0)                               # pushed out by pymunk, no error
    assert sim.touching or sim.collisions


@pytest.mark.parametrize("drive, words", [
    (dict(speed_cm_s=1e9, max_force_n=1e9, max_torque_n_m=1e9), "left the"),          # through the walls
    (dict(speed_cm_s=100.0, max_force_n=1e5, max_torque_n_m=1e5), "sank"),            # 2,950 cm in a 600 cm arena
])
def test_profiles_past_their_bounds_are_never_reported(drive, words):
    from simulator.baselines import straight_brain
    from simulator.episode import EpisodeError
    job = Job(straight_brain().to_dict(), _broken(PROFILE, **drive), 20.0,             # [drive] drives the ideal car
              model="ideal")
    specs = random_specs(30, seed=0)
    messages = []
    for jobs in (1, 2):
        with pytest.raises(EpisodeError) as err:
            evaluate(job, specs, jobs=jobs)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert re.match(r"episode \d+ \(world 'random 0/\d+', seed \d+\): at [0-9.]+ s the car " + words, messages[0])


@pytest.mark.parametrize("profile_name", ["elegoo_v3.toml", "two_wheel.toml"])
def test_shipped_and_random_worlds_never_trip_the_check(profile_name):
    from simulator.baselines import baseline
    from simulator.batch import file_specs
    profile = load_profile(asset("robots", profile_name))
    worlds = [load_world(p) for p in sorted(asset("worlds").glob("*.json"))]
    specs = file_specs(worlds, 0) + list(random_specs(20, seed=3))
    for brain in (BRAIN, baseline("straight", 0), baseline("random", 0)):
        ep = Episodes(specs, profile, brain)
        ep.run(30.0)
        assert sum(m.collisions for m in ep.results()) > 0           # the cars did meet the walls


@pytest.mark.parametrize("profile_name", ["elegoo_v3.toml", "two_wheel.toml"])
def test_measured_drawn_cars_never_trip_the_check(profile_name):
    from dataclasses import replace

    from simulator.baselines import baseline
    from simulator.measured import draw_car
    profile = load_profile(asset("robots", profile_name))
    specs = [replace(s, car=draw_car(profile.measured, profile.sensor, i))
             for i, s in enumerate(random_specs(20, seed=3))]
    for brain in (BRAIN, baseline("random", 0)):
        ep = Episodes(specs, profile, brain, model="measured")
        ep.run(30.0)
        assert sum(m.collisions for m in ep.results()) > 0
