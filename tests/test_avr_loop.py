"""The whole exported sketch (Arduino core and all) on emulated Unos in simavr, driven by
the pymunk world: decisions equal to the Python controller's given the Uno's readings,
readings within 1 cm of the simulator's, the same ticks up to the first that differed,
eval --controller avr, and a missing libsimavr in one line. About 2 minutes here."""
import json

import numpy as np
import pytest

from brain import load_brain
from brain.fixedpoint import to_fixed_point
from simulator.assets import asset
from simulator.batch import random_specs
from simulator.cli import main
from simulator.controller import Controller, tick
from simulator.episode import Episodes

from firmware_export import avr_build, toolchain
from firmware_export.avr_build import SIMAVR_INCLUDE, require_libsimavr, uno_pin
from firmware_export.avr_loop import SERVO_WIDTHS, AvrController, servo_angle
from firmware_export.avr_verify import GivenReadings, tick_mismatches, whole_sketch_loop
from firmware_export.errors import ExportError
from firmware_export.sketch import telemetry_header
from firmware_export.telemetry_format import parse_line

has_uno = (SIMAVR_INCLUDE / "sim_avr.h").is_file() and not toolchain.missing_tools() and toolchain.find_core()
needs_uno = pytest.mark.skipif(not has_uno, reason="libsimavr or the AVR toolchain missing: apt-get install "
                                                   f"libsimavr-dev {toolchain.PACKAGES}")


@pytest.fixture(scope="module")
def default_brain():
    return load_brain(asset("brains", "default.json"))


def test_a_missing_libsimavr_is_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(avr_build, "SIMAVR_INCLUDE", tmp_path)
    with pytest.raises(ExportError) as err:
        require_libsimavr()
    assert "libsimavr-dev" in str(err.value) and "\n" not in str(err.value)


def test_uno_pins_and_servo_pulses_decode():
    assert [uno_pin(p) for p in (0, 7, 8, 13, 14, "A4", "A5", 19)] == \
        [("D", 0), ("D", 7), ("B", 0), ("B", 5), ("C", 0), ("C", 4), ("C", 5), ("C", 5)]
    # Every angle's pulse reads back, and so does one an interrupt shortened or lengthened
    # by 3 us (the sketch's pulses are 8 us apart or more: 4 us steps, 10.3 us a degree).
    assert np.diff(SERVO_WIDTHS).min() == 8 * 16
    for jitter in (0, -48, 48):
        assert [servo_angle(w) for w in SERVO_WIDTHS + jitter] == list(range(181))
    assert servo_angle(0) == -1


@needs_uno
@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed-point"])
def test_the_sketch_decides_as_python_given_its_readings(default_brain, profile, fixed):
    brain = to_fixed_point(default_brain) if fixed else default_brain
    report = whole_sketch_loop(brain, profile, seed=3, worlds=2, seconds=10.0)
    assert report.ticks == 2 * 400 and report.pings > 100
    assert report.decision_mismatches == 0 and report.servo_pulse_mismatches == 0
    assert report.readings_beyond_1cm == 0 and report.max_reading_difference_cm <= 1
    assert report.ticks_before_first_difference > 0 and report.tick_mismatches == 0
    assert report.episodes_compared == 2 and report.given_readings_tick_mismatches == 0
    assert report.metrics_mismatches == 0 and report.late_ticks == 0
    assert 0 < report.max_work_us < report.tick_us
    assert report.ok, report.line()


@needs_uno
def test_the_check_finds_a_brain_the_sketch_does_not_run(default_brain, profile):
    """The same run checked against another brain: the check is not blind."""
    other = to_fixed_point(load_brain(asset("brains", "improved.json")))
    ctl = AvrController(profile, default_brain, 1)
    ctl.shadow = Controller(profile, other, 1)
    ep = Episodes(random_specs(1, 0), profile, default_brain, controller=lambda p, b, n: ctl)
    ep.run(5.0)
    ctl.close()
    assert ctl.figures(0)["decision_mismatches"] > 0


@needs_uno
def test_the_hc_sr04_answers_with_the_simulators_reading(default_brain, profile):
    """Far, near, touching and no echo: whole cm within 1 of the distance's, the clamp for none."""
    ctl = AvrController(profile, default_brain, 1)
    read = []
    for d in (200.0, 37.5, 12.02, 0.0, np.inf, 49.9):
        while not tick(ctl, lambda angles, need, d=d: np.array([d]))[0]:
            pass
        read.append(int(ctl.reading_cm[0]))
    ctl.close()
    assert read[0] == 50 and read[4] == 50 and read[3] == 0
    assert 36 <= read[1] <= 37 and 11 <= read[2] <= 12 and 48 <= read[5] <= 49


@needs_uno
def test_runs_repeat_bit_for_bit(default_brain, profile):
    runs = []
    for _ in range(2):
        ep = Episodes(random_specs(1, 5), profile, default_brain, controller=AvrController, record=True)
        ep.run(4.0)
        ep.controller.close()
        runs.append((ep.trajectory(0), ep.controller.figures(0)))
    (a, fa), (b, fb) = runs
    assert fa == fb
    assert all(np.array_equal(a[k], b[k]) for k in a)


@needs_uno
def test_the_telemetry_sketchs_log_is_captured(default_brain, profile):
    ctl = AvrController(profile, default_brain, 1, telemetry=telemetry_header(default_brain, profile,
                                                                              default_brain.sha256()))
    readings = []
    for k in range(80):
        tick(ctl, lambda angles, need, k=k: np.array([(60.0, 47.3, np.inf)[k % 3]]))
        readings.append(int(ctl.reading_cm[0]))
    ctl.close()
    lines = [parse_line(line) for line in ctl.uart[0].decode().splitlines()]
    ticks = [t for t in lines if hasattr(t, "tick")]
    assert len(ticks) >= 75 and ctl.figures(0)["decision_mismatches"] == 0
    decided = [t for t in ticks if t.decided]
    assert len(decided) >= 10
    # The log's reading of each decision is the one the Uno decided on (no echo: the clamp).
    clamp = profile.control.distance_clamp_cm
    assert [min(t.reading_cm, clamp) for t in decided] == [readings[t.tick] for t in decided]


@needs_uno
@pytest.mark.parametrize("fixed", [[], ["--fixed-point"]], ids=["float", "fixed-point"])
def test_eval_controller_avr(tmp_path, capsys, fixed):
    out = tmp_path / "e.json"
    assert main(["eval", "--brain", str(asset("brains", "default.json")), "--worlds", "2", "--seconds", "5",
                 "--controller", "avr", *fixed, "--quiet", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    whole = report["whole_sketch"]
    assert report["controller"] == ("avr-fixed-point" if fixed else "avr")
    assert whole["ok"] and whole["ticks"] == 400 and whole["decision_mismatches"] == 0
    assert whole["readings_beyond_1cm"] == 0 and whole["emulated_s_per_wall_s"] > 0
    assert [r["uno"]["ticks"] for r in report["rows"]] == [200, 200]
    assert "emulated Unos" in capsys.readouterr().out


def test_given_the_readings_of_a_run_python_drives_it_again_exactly(default_brain, profile):
    """What the whole-sketch check replays: the readings of a run, given to the Python
    controller, give that run back tick for tick; other readings do not (it is not blind)."""
    specs = random_specs(2, 5)
    first = Episodes(specs, profile, default_brain, controller=Controller, record=True)
    first.run(8.0)
    readings = np.stack([first.trajectory(i)["reading_cm"] for i in range(2)])

    def again(given):
        run = Episodes(specs, profile, default_brain, record=True,
                       controller=lambda p, b, n: GivenReadings(p, b, n, given))
        run.run(8.0)
        return sum(tick_mismatches(first.trajectory(i), run.trajectory(i), readings.shape[1]) for i in range(2)), run
    same, run = again(readings)
    assert same == 0 and [m.to_dict() for m in run.results()] == [m.to_dict() for m in first.results()]
    shifted = np.where(readings >= 0, np.maximum(readings - 15, 0), readings)
    assert again(shifted)[0] > 0
