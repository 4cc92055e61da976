"""Memory inputs (left_nearest, right_nearest, previous) in the generated C: the same
inputs and decisions as the Python controller tick by tick in simavr and on the host,
float and fixed point; the fixed-point decisions over the whole grid on the host; tables
over such layouts trained and exported; 2-input brains' C untouched."""
import dataclasses
import shutil

import numpy as np
import pytest

from brain import Network, TrainConfig, load_brain, load_table, save_brain, train
from brain.brainfile import Brain
from brain.fixedpoint import to_fixed_point
from simulator import grids, sweep_memory
from simulator.assets import asset
from simulator.cli import main
from simulator.controller import Controller, FixedPointController, replay
from simulator.profile import load_profile

from firmware_export import toolchain
from firmware_export.fixed import decision_differences
from firmware_export.host_controller import FixedPointHostController, HostController
from firmware_export.limits import FLASH_LIMIT
from firmware_export.sketch import generate, header_only
from firmware_export.verify import GRID_SAMPLE_POINTS, closed_loop, episode_sequences, far_sequence, open_loop

has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None
needs_simavr = pytest.mark.skipif(shutil.which("simavr") is None or not has_avr,
                                  reason="simavr or the AVR toolchain missing")
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc (host C compiler) is not installed")
ELEGOO = load_profile(asset("robots", "elegoo_v3.toml"))
TWO_WHEEL = load_profile(asset("robots", "two_wheel.toml"))
FOUR = ["distance", "position", "left_nearest", "right_nearest"]
FIVE = FOUR + ["previous"]


def random_brain(names, seed=0) -> Brain:
    """A small random brain whose memory inputs weigh as much as the others."""
    net = Network.create([len(names), 4, 2], "tanh", seed=seed, init="uniform")
    return Brain(net, list(names), ["turn", "direction"], ["round", "sign"])


def sequences(profile, brain, seed):
    """Readings that keep holds short (most ticks decide), and a recorded episode's."""
    rng = np.random.default_rng(seed)
    return [far_sequence(rng, 5000, 50), far_sequence(rng, 3000, 50)] + \
        episode_sequences(profile, brain, seed, worlds=1, seconds=30)


@needs_simavr
@pytest.mark.parametrize("names", [FOUR, FIVE], ids=["4 inputs", "5 inputs"])
@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
def test_simavr_gives_the_python_ticks_inputs_and_outputs(names, fixed):
    brain = random_brain(names, seed=len(names))
    brain = to_fixed_point(brain) if fixed else brain
    report = open_loop(brain, ELEGOO, sequences(ELEGOO, brain, 3))
    assert report.ticks_compared == 9200 and report.decisions_compared > 2000
    assert report.grid_points == GRID_SAMPLE_POINTS
    assert report.pin_mismatches == 0 and report.grid_pin_mismatches == 0 and report.state_mismatches == 0
    assert report.max_output_error == 0.0 if fixed else report.max_output_error < 1e-5


def holding_reads(profile, every=1):
    control = dataclasses.replace(profile.control, read_while_holding=True, ping_every_ticks=every)
    return dataclasses.replace(profile, control=control)


@needs_simavr
@pytest.mark.parametrize("every", [1, 3])
@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
def test_simavr_reads_while_holding_as_python_does(every, fixed):
    profile = holding_reads(TWO_WHEEL, every)
    brain = random_brain(FIVE, seed=9)
    brain = to_fixed_point(brain) if fixed else brain
    header = header_only(brain, profile)
    assert "neurocar_reading(c)" in header and "since_ping" in header
    rng = np.random.default_rng(every)
    report = open_loop(brain, profile, [np.where(rng.random(4000) < 0.5, rng.uniform(0, 50, 4000), np.inf)])
    assert report.decisions_compared > 100
    assert report.pin_mismatches == 0 and report.grid_pin_mismatches == 0 and report.state_mismatches == 0
    assert report.max_output_error == 0.0 if fixed else report.max_output_error < 1e-5


@needs_simavr
def test_simavr_catches_a_memory_that_differs(monkeypatch):
    """The Python side with its halves swapped: the inputs simavr prints differ."""
    brain = random_brain(FIVE)
    halves = sweep_memory.halves
    monkeypatch.setattr(sweep_memory, "halves", lambda angles, servo: halves(angles, servo)[::-1])
    report = open_loop(brain, ELEGOO, [far_sequence(np.random.default_rng(1), 3000, 50)])
    assert report.state_mismatches > 100


@needs_gcc
@pytest.mark.parametrize("profile", [ELEGOO, TWO_WHEEL, holding_reads(ELEGOO), holding_reads(TWO_WHEEL, 3)],
                         ids=["elegoo", "two_wheel", "elegoo reading while holding", "two_wheel every 3 ticks"])
@pytest.mark.parametrize("controllers", [(Controller, HostController),
                                         (FixedPointController, FixedPointHostController)],
                         ids=["float", "fixed"])
def test_host_c_keeps_the_same_memory_tick_by_tick(profile, controllers, tmp_path):
    brain = random_brain(["distance", "position", "previous", "right_nearest", "left_nearest"], seed=5)
    readings = np.concatenate([far_sequence(np.random.default_rng(2), 3000, 50), [np.inf] * 50, [0.0] * 200])
    python, host = (replay(profile, brain, readings, c) for c in controllers)
    assert [(r.pins, r.pwm, r.hold, r.servo_deg, r.reading_cm) for r in python] == \
        [(r.pins, r.pwm, r.hold, r.servo_deg, r.reading_cm) for r in host]
    pings = sum(r.reading_cm >= 0 for r in python)
    assert pings > sum(r.decided for r in python) if profile.control.read_while_holding else True
    decided = [(p, h) for p, h in zip(python, host) if p.decided]
    worst = max(np.abs(np.subtract(p.inputs, h.inputs)).max() for p, h in decided)
    assert worst < (0.5 / 8192 if controllers[0] is FixedPointController else 1e-6)
    assert len({p.inputs[2:] for p, _ in decided}) > 30


@needs_gcc
@pytest.mark.parametrize("profile", [ELEGOO, holding_reads(ELEGOO, 3)], ids=["elegoo", "reading while holding"])
def test_closed_loop_with_memory_inputs_is_identical(profile):
    report = closed_loop(random_brain(FIVE, seed=2), profile, seed=4, worlds=2, seconds=20)
    assert report.ticks_compared == 2 * 800 and report.tick_mismatches == 0 and report.ok


@pytest.mark.skipif(not has_avr, reason="the AVR toolchain is missing")
def test_a_sketch_reading_while_holding_pings_when_the_tick_says(tmp_path):
    profile = holding_reads(ELEGOO, 3)
    sketch = generate(random_brain(FOUR), profile, "holding")
    assert "neurocar_reading(&car) ? read_distance_cm()" in sketch.ino
    assert "neurocar_deciding(&car) ? read_distance_cm()" in generate(load_brain(asset("brains", "default.json")),
                                                                      profile).ino
    build = toolchain.build_sketch(sketch.write(tmp_path), tmp_path / "build", tmp_path / "cache")
    assert 0 < build.flash_bytes < 0.9 * FLASH_LIMIT


def test_whole_grid_decision_check_counts_every_point():
    brain = random_brain(["distance", "position", "previous"], seed=7)
    twin = to_fixed_point(brain)
    x = np.vstack(list(grids.chunks(ELEGOO, 1)))
    brute = int((twin.decide(x) != brain.decide(x)).any(axis=1).sum())
    assert decision_differences(brain, ELEGOO) == (brute, 51 * 51 * 35)
    assert decision_differences(random_brain(FOUR), ELEGOO)[1] == 51 ** 3 * 35


def test_fixed_point_export_refuses_a_memory_brain_that_differs_on_its_grid(tmp_path, capsys):
    """A turn a hair above the round decoder's edge (0.5) through left_nearest alone: Q13
    rounds it onto the edge where left_nearest reads 0 or 50 cm, so the decisions differ
    at those 2 of its 51 values, whatever the reading and the angle."""
    net = Network.create([3, 1, 2], "linear", seed=0)
    net.layers[0].weights[:] = [[0.0], [0.0], [1.0]]
    net.layers[0].biases[:] = [0.0]
    net.layers[1].weights[:] = [[0.5 + 1e-6, 1.0]]
    net.layers[1].biases[:] = [0.0, 1.0]
    brain = Brain(net, ["distance", "position", "left_nearest"], ["turn", "direction"], ["round", "sign"])
    assert decision_differences(brain, ELEGOO) == (2 * 51 * 35, 51 * 51 * 35)
    save_brain(tmp_path / "b.json", brain)
    assert main(["export", "--brain", str(tmp_path / "b.json"), "--out", str(tmp_path / "out"), "--fixed-point"]) == 2
    assert "decides differently from the float brain at 3570 of 91035 points" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_table_over_memory_inputs_trains_and_exports(tmp_path):
    """Turn away from the nearer half, forward when both are far."""
    cm, _, x = grids.sample(ELEGOO, 2, 300, seed=1)
    left, right = cm[:, 1], cm[:, 2]
    turn = np.where(np.minimum(left, right) >= 40, 0, np.where(left < right, 1, -1))
    rows = "".join(f"{a:.4f},{b:.4f},{c:.4f},{d:.4f},{t},1\n" for (a, b, c, d), t in zip(x, turn))
    (tmp_path / "t.csv").write_text("# turn away from the nearer half\n"
                                    "distance:in,position:in,left_nearest:in,right_nearest:in,"
                                    "turn:out:round,direction:out:sign\n" + rows)
    table = load_table(tmp_path / "t.csv")
    assert table.input_names == FOUR
    brain = train(table, TrainConfig(hidden=[6], epochs=300, seed=0))[0]
    assert brain.input_names == FOUR
    assert table.rows_right(brain.forward(table.inputs)).mean() > 0.8
    sketch = generate(brain, ELEGOO, "memory")
    assert "c->inputs[3] = neurocar_encode_distance(c->nearest_last[1]);  /* right_nearest */" in sketch.header
    if has_avr:
        build = toolchain.build_sketch(sketch.write(tmp_path), tmp_path / "build", tmp_path / "cache")
        assert 0 < build.flash_bytes < 0.9 * FLASH_LIMIT


@pytest.mark.parametrize("name", ["default", "improved", "seed_motors"])
def test_two_input_brains_get_no_memory_code(name):
    brain = load_brain(asset("brains", f"{name}.json"))
    for b in (brain, to_fixed_point(brain)):
        header = header_only(b, ELEGOO)
        assert "nearest_" not in header and "c->previous" not in header and "sweep_end" not in header
    assert "nearest_last" in header_only(random_brain(FOUR), ELEGOO)
