"""Domain randomisation: each episode's car drawn from the profile's measured ranges,
seeded per episode, so a run is the same whatever the job count; and the report of the
worst tenth of the episodes with what their cars drew."""
import json

import pytest

from simulator.baselines import straight_brain
from simulator.batch import Job, evaluate, random_specs, with_cars
from simulator.cli import main
from simulator.measured import CarParams
from simulator.worst import WorstTenth, worst_lines


@pytest.fixture(scope="module")
def job():
    from simulator.profile import default_profile
    return Job(straight_brain().to_dict(), default_profile(), 2.0, model="measured", randomize=True)


def test_each_episode_draws_its_own_car_within_the_ranges(job):
    cars = [s.car for s in with_cars(job, random_specs(40, 0))]
    ranges = job.profile.measured.ranges
    for name, (low, high) in ranges.items():
        values = [c[name] for c in cars]
        assert all(low <= v <= high for v in values), name
        assert len(set(values)) == len(values), name              # every episode its own draw
    assert cars == [s.car for s in with_cars(job, random_specs(40, 0))]      # seeded
    assert cars != [s.car for s in with_cars(job, random_specs(40, 1))]


def test_a_draw_does_not_depend_on_the_batch_or_the_job_count(job):
    specs = random_specs(30, 3)
    alone = with_cars(job, specs[27:28])[0].car
    assert alone == with_cars(job, specs)[27].car
    one, two = evaluate(job, specs, jobs=1), evaluate(job, specs, jobs=2)
    assert one == two and all("car" in row for row in one)


def test_without_randomize_the_nominal_car_drives(job):
    from dataclasses import replace
    nominal = replace(job, randomize=False)
    assert all(s.car is None for s in with_cars(nominal, random_specs(5, 0)))
    params = CarParams.nominal(job.profile.measured, job.profile.sensor, 2)
    assert params.car(0)["battery_v"] == 7.4 and params.car(1)["beam_scale"] == 1.0


def test_the_worst_tenth_is_the_episodes_with_most_collisions_and_what_they_drew():
    ranges = {"battery_v": (7.0, 8.4), "start_v": (1.5, 2.0)}
    worst = WorstTenth(20, ranges)
    for i in range(20):
        bad = i in (4, 11)
        worst.add({"episode": i, "seconds": 60.0, "collisions": 6 if bad else 0, "contact_s": 3.0 if bad else 0.0,
                   "collisions_per_minute": 6.0 if bad else 0.0,
                   "car": {"battery_v": 7.0 if bad else 8.0, "start_v": 1.75}})
    s = worst.summary()
    assert s["episodes"] == 2 and s["collisions_per_minute"] == 6.0 and s["contact_fraction"] == 0.05
    assert s["drew"]["battery_v"] == {"worst_mean": 7.0, "all_mean": 7.9, "range": [7.0, 8.4]}
    lines = worst_lines(s)
    assert lines[0].startswith("worst 10 %") and "battery_v 7 (all 7.9)" in lines[1]
    assert lines[1].index("battery_v") < lines[1].index("start_v")     # the value that moved most first


def test_ideal_runs_say_so_in_the_json_and_refuse_randomize(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["eval", "--brain", "straight", "--worlds", "2", "--seconds", "1", "--ideal", "--quiet",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["car_model"] == "ideal" and data["randomized"] is False and "worst_tenth" not in data
    assert main(["eval", "--brain", "straight", "--worlds", "2", "--seconds", "1", "--ideal", "--randomize"]) == 2
    assert capsys.readouterr().err.endswith("--randomize draws cars from the measured model's ranges; "
                                            "leave out --ideal\n")
