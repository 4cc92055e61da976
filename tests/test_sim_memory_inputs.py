"""Inputs from the sweep's memory (left_nearest, right_nearest, previous), in the Python
controller: their rules tick by tick against a plain re-reading of the rules, the layouts
accepted and refused, and the input grid of any layout."""
import dataclasses

import numpy as np
import pytest

from brain import Network, load_brain
from brain.brainfile import Brain
from brain.errors import NeurocarError
from simulator import grids
from simulator.assets import asset
from simulator.batch import random_specs
from simulator.controller import (MEMORY_INPUTS, Controller, ControllerError, FixedPointController, encode_inputs,
                                  input_grid, memory_inputs, replay)
from simulator.episode import Episodes
from simulator.profile import load_profile
from simulator.sweep_memory import ACCEPTED_INPUTS, starts_full
from tests.sim_helpers import assert_cars_match_replays

ELEGOO = load_profile(asset("robots", "elegoo_v3.toml"))
TWO_WHEEL = load_profile(asset("robots", "two_wheel.toml"))
# A sweep that lands on its centre (90) and starts at the end it leaves: a full first sweep.
CENTRED = dataclasses.replace(ELEGOO, servo=dataclasses.replace(ELEGOO.servo, step_deg=10, start_deg=30))
ALL_MEMORY = ["distance", "position", "left_nearest", "right_nearest", "previous"]


def memory_brain(names=ALL_MEMORY, seed=1) -> Brain:
    return Brain(Network.create([len(names), 4, 2], "tanh", seed=seed), list(names), ["turn", "direction"],
                 ["round", "sign"])


def cm(x, clamp=50):
    """The whole cm an encoded distance-like input stands for."""
    return int(round((1 - x) * clamp / 2))


def rules(records, profile):
    """The memory inputs (left, right, previous) at each decision, in cm, read straight
    from the rules over the replay's record: a sweep ends on each tick the servo is at an
    end, it is full if it began at the other end, the centre counts in both halves, every
    reading joins its sweep, and previous is the last decision's."""
    servo, clamp = profile.servo, profile.control.distance_clamp_cm
    ends = [r.tick for r in records if r.servo_deg in (servo.min_deg, servo.max_deg)]
    centre2 = servo.min_deg + servo.max_deg
    expected, previous = {}, clamp
    for r in records:
        if not r.decided:
            continue
        done = [e for e in ends if e <= r.tick]
        left = right = clamp
        if done and (len(done) > 1 or starts_full(servo)):
            first = done[-2] + 1 if len(done) > 1 else 0
            for s in records[first:done[-1] + 1]:
                side = (2 * s.servo_deg - centre2) * servo.left_sign
                if s.reading_cm >= 0 and side >= 0:
                    left = min(left, s.reading_cm)
                if s.reading_cm >= 0 and side <= 0:
                    right = min(right, s.reading_cm)
        expected[r.tick] = (left, right, previous)
        previous = r.reading_cm
    return expected


def mixed_readings(seed, ticks=1500):
    """Mostly far or a little inside the clamp (short holds, so most ticks read), a few
    anywhere (long holds), some with no echo."""
    rng = np.random.default_rng(seed)
    d = np.where(rng.random(ticks) < 0.5, rng.uniform(50, 90, ticks), rng.uniform(38, 50, ticks))
    anywhere = rng.random(ticks) < 0.01
    d[anywhere] = rng.uniform(-1, 50, int(anywhere.sum()))
    d[rng.random(ticks) < 0.05] = np.inf
    return d


def holding_reads(profile, every=1, on=True):
    control = dataclasses.replace(profile.control, read_while_holding=on, ping_every_ticks=every)
    return dataclasses.replace(profile, control=control)


@pytest.mark.parametrize("profile", [ELEGOO, TWO_WHEEL, CENTRED, holding_reads(ELEGOO, on=False),
                                     holding_reads(TWO_WHEEL, 3)],
                         ids=["elegoo (reading while holding)", "two_wheel", "centred", "elegoo reading only to decide",
                              "two_wheel reading while holding every 3 ticks"])
@pytest.mark.parametrize("seed", [0, 1])
def test_memory_inputs_follow_the_rules_tick_by_tick(profile, seed):
    records = replay(profile, memory_brain(), mixed_readings(seed))
    expected = rules(records, profile)
    got = {r.tick: tuple(cm(x) for x in r.inputs[2:]) for r in records if r.decided}
    assert got == expected
    assert len(set(got.values())) > 20, "the readings should give many different memories"
    assert sum(r.decided for r in records) > 150
    pings = [r.tick for r in records if r.reading_cm >= 0]
    if not profile.control.read_while_holding:
        assert pings == [r.tick for r in records if r.decided]
    else:
        assert all(r.reading_cm >= 0 for r in records if r.decided)
        assert len(pings) > 2 * sum(r.decided for r in records)
        assert min(np.diff(pings)) == profile.control.ping_every_ticks


def test_reading_while_holding_paces_its_pings_and_leaves_the_action_alone():
    """Every third tick at most: a hold of 10 ticks (from 44 cm) pings on its 3rd and 6th
    ticks, not on its 9th (a tick before the next decision's own ping); a hold of 5
    (from 47 cm) has no room for a ping at all."""
    brain = memory_brain()
    readings = [44.0] * 60
    paced = replay(holding_reads(ELEGOO, 3), brain, readings)
    still = replay(holding_reads(ELEGOO, 3, on=False), brain, readings)
    assert [r.tick for r in paced if r.decided][:3] == [0, 10, 20]
    assert [r.tick for r in paced if r.reading_cm >= 0][:7] == [0, 3, 6, 10, 13, 16, 20]
    short = replay(holding_reads(ELEGOO, 3), brain, [47.0] * 30)
    assert [r.tick for r in short if r.reading_cm >= 0] == [0, 5, 10, 15, 20, 25]
    assert [(r.pins, r.hold) for r in paced] == [(r.pins, r.hold) for r in still]
    assert [r.inputs[4] for r in paced] == [r.inputs[4] for r in still]      # previous: decisions only


def test_reading_while_holding_leaves_two_input_brains_alone():
    brain = load_brain(asset("brains", "improved.json"))
    readings = mixed_readings(3, 400)
    on = replay(holding_reads(ELEGOO), brain, readings)
    assert [(r.reading_cm, r.pins, r.hold) for r in on] == \
        [(r.reading_cm, r.pins, r.hold) for r in replay(ELEGOO, brain, readings)]
    off = replay(holding_reads(ELEGOO, on=False), brain, readings)
    assert [(r.reading_cm, r.pins, r.hold) for r in on] == [(r.reading_cm, r.pins, r.hold) for r in off]
    assert ELEGOO.control.read_while_holding and not TWO_WHEEL.control.read_while_holding


def test_centre_counts_in_both_halves_and_a_full_first_sweep():
    assert starts_full(CENTRED.servo) and not starts_full(ELEGOO.servo)
    readings = [80.0] * 30
    readings[5] = 49.0                                  # tick 5: the servo at 90, the centre
    records = replay(CENTRED, memory_brain(), readings)
    assert records[5].servo_deg == 90 and records[11].servo_deg == 150
    assert [cm(x) for x in records[10].inputs[2:4]] == [50, 50]
    assert [cm(x) for x in records[11].inputs[2:4]] == [49, 49]      # the first sweep, 30 -> 150, is full


def test_a_near_reading_reaches_its_half_when_its_full_sweep_ends():
    """Elegoo: start 90 upwards, 150 at tick 6 (a partial sweep), 30 at tick 20 (the first
    full sweep ends), 150 at tick 34. 49 cm at tick 7 (141 degrees, the right half) holds
    for two ticks."""
    readings = [80.0] * 40
    readings[7] = 49.5
    records = replay(ELEGOO, memory_brain(), readings)
    assert [records[t].servo_deg for t in (6, 7, 20, 34)] == [150, 141, 30, 150]
    assert [r.tick for r in records if not r.decided] == [8]
    memory = {r.tick: [cm(x) for x in r.inputs[2:]] for r in records if r.decided}
    assert all(memory[t][:2] == [50, 50] for t in range(20) if t in memory)    # before the first full sweep
    assert memory[20] == [50, 49, 50]
    assert all(memory[t][:2] == [50, 49] for t in range(20, 34))
    assert memory[34][:2] == [50, 50]                   # the sweep 39 -> 150 saw nothing near
    assert memory[9][2] == 49 and memory[7][2] == 50 and memory[10][2] == 50     # previous


def test_a_half_with_no_reading_holds_the_clamp():
    """0 cm at tick 7 holds 81 ticks: the sweep that saw it ends at tick 20 and shows it
    in the right half, with nothing in the left; by the next decision (tick 88) newer
    full sweeps without any reading have ended, so both halves hold the clamp again."""
    readings = [80.0] * 100
    readings[7] = 0.0
    records = replay(ELEGOO, memory_brain(), readings)
    decided = [r.tick for r in records if r.decided]
    assert decided[7:9] == [7, 88]
    assert [cm(x) for x in records[88].inputs[2:]] == [50, 50, 0]


def test_reset_forgets_the_memory_of_the_cars_asked():
    brain = memory_brain()
    ctl = Controller(ELEGOO, brain, 2)
    for _ in range(40):
        ctl.sweep()
        ctl.decide(np.array([47.0, 47.0]))
    assert (ctl.memory.nearest_last == 47).all() and (ctl.memory.previous == 47).all()
    assert ctl.memory_cm([1]).tolist() == [[47, 47, 47]]
    ctl.reset(np.array([True, False]))
    assert (ctl.memory.nearest_last[0] == 50).all() and ctl.memory.previous[0] == 50
    assert (ctl.memory.nearest_last[1] == 47).all() and ctl.memory.previous[1] == 47


def test_vectorised_memory_matches_single_car_replays():
    brain = memory_brain(["distance", "position", "previous", "right_nearest"], seed=3)
    readings = np.column_stack([mixed_readings(s, 400) for s in range(5)])
    assert_cars_match_replays(TWO_WHEEL, brain, readings, "inputs")


def test_inputs_in_any_order_each_read_where_named():
    names = ["distance", "position", "previous", "left_nearest"]
    records = replay(ELEGOO, memory_brain(names), mixed_readings(4, 300))
    reference = replay(ELEGOO, memory_brain(), mixed_readings(4, 300))
    for r, ref in zip(records, reference):
        assert (r.inputs[2], r.inputs[3]) == (ref.inputs[4], ref.inputs[2])


def test_two_input_brains_have_no_memory_and_encode_as_before():
    brain = load_brain(asset("brains", "default.json"))
    ctl = Controller(ELEGOO, brain, 3)
    assert memory_inputs(brain) == () and ctl.memory is None and ctl.inputs.shape == (3, 2)
    assert ctl.memory_cm([0]) is None
    assert encode_inputs([10, 50], [30, 150], ELEGOO).shape == (2, 2)
    assert encode_inputs([10], [30], ELEGOO, [[0, 50]]).tolist() == [[0.6, -1.0, 1.0, -1.0]]


def test_a_brain_set_at_run_time_gets_room_for_its_inputs():
    ctl = Controller(ELEGOO, load_brain(asset("brains", "default.json")), 2)
    for _ in range(5):
        ctl.sweep()
        ctl.decide(np.array([60.0, 60.0]))
    ctl.brain = memory_brain()
    assert ctl.inputs.shape == (2, 5) and not ctl.memory.full.any(), "the sweep in progress began unseen"
    for _ in range(50):
        ctl.sweep()
        ctl.decide(np.array([48.0, 60.0]))
    assert ctl.memory.nearest_last.tolist() == [[48, 48], [50, 50]]
    ctl.brain = load_brain(asset("brains", "improved.json"))
    assert ctl.inputs.shape == (2, 2) and ctl.memory is None


@pytest.mark.parametrize("names, wrong", [
    (["distance", "position", "speed"], "speed"),
    (["distance", "position", "previous", "previous"], "previous"),
    (["position", "distance", "left_nearest"], "position, distance"),
    (["distance", "left_nearest"], "left_nearest"),
    (["left_nearest", "right_nearest", "previous"], "left_nearest, right_nearest"),
])
def test_inputs_the_car_cannot_give_are_refused_in_one_line(names, wrong):
    with pytest.raises(ControllerError) as e:
        Controller(ELEGOO, memory_brain(names))
    message = str(e.value)
    assert "\n" not in message and message.endswith(f"(not {wrong})")
    assert "the car gives it 2 (distance, position) and, after them, any of left_nearest, right_nearest, " \
           "previous, each at most once" in message


def test_the_accepted_names_are_constants():
    assert MEMORY_INPUTS == ("left_nearest", "right_nearest", "previous")
    assert ACCEPTED_INPUTS == ("distance", "position", *MEMORY_INPUTS)


def test_fixed_point_controller_reads_the_same_memory():
    brain = memory_brain()
    readings = mixed_readings(6, 500)
    fixed = replay(ELEGOO, brain, readings, FixedPointController)
    assert [r.inputs for r in fixed] == [r.inputs for r in replay(ELEGOO, brain, readings)]


def test_episodes_drive_a_memory_brain_the_same_each_time():
    brain = memory_brain(seed=2)
    runs = []
    for _ in range(2):
        ep = Episodes(random_specs(3, 7), ELEGOO, brain)
        ep.run(10)
        runs.append([m.to_dict() for m in ep.results()])
    assert runs[0] == runs[1]
    assert any(r["distance_cm"] > 10 for r in runs[0])


@pytest.mark.parametrize("n_memory", [0, 1, 2])
def test_grid_chunks_cover_every_point_once(n_memory):
    chunks = list(grids.chunks(ELEGOO, n_memory, rows=20_000))
    x = np.vstack(chunks)
    assert len(x) == grids.size(ELEGOO, n_memory) == 51 ** (1 + n_memory) * 35
    assert max(len(c) for c in chunks) <= max(20_000, 51 * 35)
    assert len(np.unique(x, axis=0)) == len(x)
    np.testing.assert_array_equal(x[:51 * 35, :2], input_grid(ELEGOO)[2])
    assert grids.size(ELEGOO, 3) == 236_782_035


def test_grid_sample_is_seeded_and_encodes_as_the_controller():
    cm_a, deg_a, x_a = grids.sample(ELEGOO, 3, 500, seed=4)
    cm_b, deg_b, x_b = grids.sample(ELEGOO, 3, 500, seed=4)
    assert (cm_a == cm_b).all() and (deg_a == deg_b).all() and (x_a == x_b).all()
    assert cm_a.shape == (500, 4) and cm_a.min() >= 0 and cm_a.max() <= 50 and len(np.unique(deg_a)) > 20
    np.testing.assert_array_equal(x_a, encode_inputs(cm_a[:, 0], deg_a, ELEGOO, cm_a[:, 1:]))


def test_read_while_holding_is_an_optional_profile_switch(tmp_path):
    text = asset("robots", "two_wheel.toml").read_text()
    assert "read_while_holding = false" in text
    (tmp_path / "on.toml").write_text(text.replace("read_while_holding = false", "read_while_holding = true"))
    (tmp_path / "absent.toml").write_text(text.replace("read_while_holding = false", ""))
    (tmp_path / "bad.toml").write_text(text.replace("read_while_holding = false", "read_while_holding = 1"))
    assert load_profile(tmp_path / "on.toml").control.read_while_holding is True
    assert load_profile(tmp_path / "absent.toml").control.read_while_holding is False
    with pytest.raises(NeurocarError) as e:
        load_profile(tmp_path / "bad.toml")
    assert str(e.value) == f"{tmp_path / 'bad.toml'}: control.read_while_holding = 1 must be true or false"
