"""Calibration: the sketch compiles for the Uno, and the fit recovers a known car.

The synthetic runs drive the measured car model itself in pymunk worlds: a car drawn from
the profile's ranges drives straight, ramps its PWM towards a wall and turns in place,
and its sonar (noise on: 1 cm standard deviation, then whole cm as the sketch reads) sweeps
past boards at the suggested distances. The tape readings are what the car really did,
off by up to 1 cm (lengths), 2 degrees (angles) and 0.05 V (the multimeter), seeded. The
fit must find the car's values within 5 %."""
import argparse
import dataclasses
import math
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.calibration import (RAMP_NEAREST_CM, RAMP_STOP_CM, SERVO_US_PER_COUNT, CalibrationError, plan_for,
                                   read_tape, us_to_deg)
from simulator.calibration_echo import X, Y, board_world
from simulator.calibration_profile import fit_car
from simulator.cli.calibrate import _new_profile, register
from simulator.episode import EpisodeSpec, Episodes
from simulator.measured import CarParams, draw_car
from simulator.profile import load_profile
from simulator.sensor import Geometry, Sonar
from simulator.world import Box, Pose, World

from firmware_export import toolchain
from firmware_export.calibration_log import parse_log
from firmware_export.calibration_sketch import MEASUREMENTS, generate, header_line
from firmware_export.telemetry_format import crc8

PROFILE = load_profile(asset("robots", "elegoo_v3.toml"))
PLAN = plan_for(PROFILE)
TICK_MS = round(PROFILE.control.tick_s * 1000)
FITTED = ("battery_v", "speed_mm_s_per_v", "start_v", "turn_travel_mm_per_deg", "beam_scale", "incidence_scale")
OPEN = World("open", 3000, 3000, Pose(200, 1500, 0))
WALL_CM = 120.0
has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None


def _sealed(body: str) -> str:
    return f"{body}*{crc8(body):02X}"


def _episode(car, world=OPEN):
    return Episodes([EpisodeSpec(world, 1, car=car)], PROFILE, straight_brain(), model="measured")


def _run(ep, pattern, pwm, ms):
    ep.manual = (np.array([PROFILE.motors.patterns[pattern]]), np.array([pwm]))
    for _ in range(ms // TICK_MS):
        ep.step_tick()
    ep.manual = (np.zeros((1, len(PROFILE.motors.pin_order)), dtype=int), np.array([0]))
    for _ in range(1000 // TICK_MS):
        ep.step_tick()


def _straight(car, pwm, ms) -> float:
    ep = _episode(car)
    start = ep.pos[0].copy()
    _run(ep, "forward", pwm, ms)
    return float(np.hypot(*(ep.pos[0] - start)))


def _turn(car, way, pwm, ms) -> float:
    ep = _episode(car)
    start = ep.heading[0]
    _run(ep, way, pwm, ms)
    return abs(math.degrees(ep.heading[0] - start))


def _ramp(car) -> list[str]:
    """The sketch's ramp: PWM up one step per ramp_step_ms, the wall read after each."""
    wall = World("wall", 3000, 600, Pose(200, 300, 0), [Box(200 + car["mount_forward_cm"] + WALL_CM + 5, 300, 10, 400)])
    ep = _episode(car, wall)

    def read():
        return math.floor(ep.sonar.read(ep.pos, ep.heading, np.array([90.0]))[0])
    first, lines = read(), []
    for pwm in range(256):
        ep.manual = (np.array([PROFILE.motors.patterns["forward"]]), np.array([pwm]))
        for _ in range(PLAN.ramp_step_ms // TICK_MS):
            ep.step_tick()
        cm = read()
        lines.append(_sealed(f"R,{pwm},{cm}"))
        if cm <= RAMP_NEAREST_CM or cm + RAMP_STOP_CM <= first:
            break
    return lines + [_sealed(f"E,{len(lines)}")]


def _sweep(car, k, distance, width, angle) -> list[str]:
    us = np.arange(PLAN.sweep_us[0], PLAN.sweep_us[1] + 1, SERVO_US_PER_COUNT)
    n = len(us)
    world = board_world(distance, width, angle, car["mount_forward_cm"])
    sonar = Sonar(PROFILE, Geometry([world] * n), [np.random.default_rng([k, i]) for i in range(n)],
                  car=CarParams.stack([car] * n))
    cm = sonar.read(np.tile([X, Y], (n, 1)), np.zeros(n), us_to_deg(us))
    text = ["n" if not np.isfinite(c) else str(math.floor(c)) for c in cm]
    return [_sealed(f"W,{k},{u},{c}") for u, c in zip(us.tolist(), text)] + [_sealed(f"F,{k},{n}")]


def synthetic_run(car: dict, seed: int):
    """(log text, measurements TOML text) of a car the sketch and a tape would give."""
    rng = np.random.default_rng(seed)
    log = ["# prompts are skipped", _sealed(header_line(PROFILE, PLAN))]
    tape = [f"battery_v = {car['battery_v'] + rng.uniform(-0.05, 0.05):.3f}"]
    for k, pwm in enumerate(PLAN.straight_pwm, 1):
        log.append(_sealed(f"S,{k},{pwm},{PLAN.run_ms}"))
        tape += ["[[straight]]", f"distance_cm = {_straight(car, pwm, PLAN.run_ms) + rng.uniform(-1, 1):.2f}"]
    log += _ramp(car)
    for k, way in enumerate(PLAN.turns, 1):
        log.append(_sealed(f"T,{k},{way[0].upper()},{PLAN.turn_pwm},{PLAN.turn_ms}"))
        angle = _turn(car, way, PLAN.turn_pwm, PLAN.turn_ms) + rng.uniform(-2, 2)
        tape += ["[[turn]]", f"angle_deg = {angle:.2f}"]
    for k, (d, w, a) in enumerate(PLAN.targets, 1):
        log += _sweep(car, k, d, w, a)
        tape += ["[[target]]", f"distance_cm = {d + rng.uniform(-1, 1):.2f}",
                 f"width_cm = {w + rng.uniform(-1, 1):.2f}", f"angle_deg = {a + rng.uniform(-2, 2):.2f}"]
    return "\r\n".join(log + [_sealed("Z"), "# done"]) + "\r\n", "\n".join(tape) + "\n"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three cars drawn from the profile's ranges, each with its log and tape file."""
    folder = tmp_path_factory.mktemp("calibration")
    out = []
    for seed in (3, 11, 42):
        car = draw_car(PROFILE.measured, PROFILE.sensor, seed)
        log, tape = synthetic_run(car, seed)
        (folder / f"run{seed}.log").write_text(log)
        (folder / f"m{seed}.toml").write_text(tape)
        out.append((car, folder / f"run{seed}.log", folder / f"m{seed}.toml"))
    return out


def test_the_fit_recovers_each_car_within_5_percent(runs):
    for car, log_path, tape_path in runs:
        log = parse_log(log_path.read_text(), PROFILE, PLAN, str(log_path))
        fitted = fit_car(PROFILE, log, read_tape(tape_path, PLAN), str(log_path))
        for name in FITTED:
            assert fitted[name] == pytest.approx(car[name], rel=0.05), name


def test_the_fit_is_not_the_profiles_own_values(runs):
    """The cars differ from the nominal one by more than the tolerance, so the fit measured them."""
    car = runs[0][0]
    nominal = {"speed_mm_s_per_v": PROFILE.measured.motors.speed_mm_s_per_v, "start_v": PROFILE.measured.motors.start_v}
    assert any(abs(car[k] / v - 1) > 0.05 for k, v in nominal.items())


def _cli(*argv) -> int:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["calibrate", *argv])
    return args.run(args)


def test_fit_writes_a_profile_marked_measured_that_loads(runs, tmp_path, capsys):
    car, log_path, tape_path = runs[1]
    out = tmp_path / "my_car.toml"
    assert _cli("fit", str(log_path), "--measurements", str(tape_path), "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "profile" in printed and "measured" in printed and "speed_mm_s_per_v" in printed
    mine = load_profile(out)
    assert mine.measured.motors.speed_mm_s_per_v == pytest.approx(car["speed_mm_s_per_v"], rel=0.05)
    assert mine.measured.motors.start_v == pytest.approx(car["start_v"], rel=0.05)
    beam = mine.measured.echo.beam_half_deg.y[0] / PROFILE.measured.echo.beam_half_deg.y[0]
    assert beam == pytest.approx(car["beam_scale"], rel=0.05)
    text = out.read_text()
    for key in ("battery_v", "start_v", "speed_mm_s_per_v", "turn_travel_mm_per_deg", "beam_half_deg",
                "flat_incidence_deg", "speed_cm_s", "turn_rate_deg_s"):
        line = next(l for l in text.splitlines() if l.startswith(f"{key} ="))
        assert "# measured 20" in line, key
    assert tomllib.loads(text)["measured"]["motors"]["driver_drop_v"] == PROFILE.measured.motors.driver_drop_v


def test_fit_never_writes_over_a_file_without_force_nor_over_a_shipped_profile(runs, tmp_path):
    _, log_path, tape_path = runs[0]
    out = tmp_path / "mine.toml"
    out.write_text("keep")
    args = ("fit", str(log_path), "--measurements", str(tape_path), "--out")
    with pytest.raises(Exception, match="already exists"):
        _cli(*args, str(out))
    assert out.read_text() == "keep"
    shipped = asset("robots", "two_wheel.toml")
    before = Path(shipped).read_bytes()
    with pytest.raises(Exception, match="shipped profiles"):
        _cli(*args, str(shipped), "--force")
    assert Path(shipped).read_bytes() == before
    assert _cli(*args, str(out), "--force") == 0 and load_profile(out).name.endswith(")")


def test_sketch_writes_the_sketch_and_blanks_and_never_over_a_file(tmp_path, capsys):
    assert _cli("sketch", "--out", str(tmp_path)) == 0
    assert "battery" in capsys.readouterr().out
    blanks = tomllib.loads((tmp_path / MEASUREMENTS).read_text())
    assert blanks["battery_v"] == "" and len(blanks["target"]) == len(PLAN.targets)
    with pytest.raises(CalibrationError, match="battery_v is blank"):
        read_tape(tmp_path / MEASUREMENTS, PLAN)
    ino = tmp_path / "neurocar_calibration" / "neurocar_calibration.ino"
    ino.write_text("mine")
    with pytest.raises(Exception, match="already exists"):
        _cli("sketch", "--out", str(tmp_path), "--name", "neurocar_calibration")
    assert ino.read_text() == "mine"
    other = tmp_path / "second"
    (other / MEASUREMENTS).parent.mkdir()
    (other / MEASUREMENTS).write_text("mine")
    with pytest.raises(Exception, match="already exists"):
        _cli("sketch", "--out", str(other))
    assert not (other / "neurocar_calibration").exists()


@pytest.mark.skipif(not has_avr, reason="AVR toolchain missing: apt-get install " + toolchain.PACKAGES)
def test_the_calibration_sketch_compiles_for_the_uno(tmp_path):
    folder = generate(PROFILE).write(tmp_path)
    build = toolchain.build_sketch(folder, tmp_path / "build")
    assert build.hex.is_file() and 0 < build.flash_bytes < 32_256 and build.ram_bytes < 2048


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("battery_v = ", 'battery_v = "" #', 1), "battery_v is blank"),
    (lambda t: t.replace("battery_v = ", "battery_v = 30 #", 1), "battery_v = 30 is out of range"),
    (lambda t: t.replace("angle_deg = ", "angle_deg = 'x' #", 1), r"turn\[1\].angle_deg = 'x' is not a number"),
    (lambda t: t.replace("[[turn]]", "[[spin]]", 1), r"1 \[\[turn\]\] entries, but the sketch ran 2"),
    (lambda t: t + "=", "not valid TOML"),
    (lambda t: t.replace("[[straight]]", "[[straight]]\npwm = 90", 1), r"straight\[1\].pwm = 90, but the sketch runs"),
])
def test_bad_measurements_are_one_line_each(runs, tmp_path, edit, message):
    bad = tmp_path / "m.toml"
    bad.write_text(edit(runs[0][2].read_text()))
    with pytest.raises(CalibrationError, match=message) as e:
        read_tape(bad, PLAN)
    assert "\n" not in str(e.value)


def _garbage(_):
    rng = np.random.default_rng(0)
    return "".join(chr(c) for c in rng.integers(0x20, 0x7f, 4000))


@pytest.mark.parametrize("edit, message", [
    (lambda t: t[: len(t) // 2], "cut short: it ends during the sweeps"),
    (lambda t: t[: len(t) // 20], "cut short"),
    (_garbage, "no calibration header|garbled"),
    (lambda t: "\n".join(l[:-1] + "0" if l.startswith("W") else l for l in t.splitlines()), "garbled"),
    (lambda t: t.replace(_sealed(header_line(PROFILE, PLAN)), _sealed(header_line(PROFILE, PLAN).replace(
        "@CAL,1,", "@CAL,2,"))), "another format"),
    (lambda t: "", "no calibration header"),
])
def test_bad_logs_are_one_line_each(runs, edit, message):
    with pytest.raises(CalibrationError, match=message) as e:
        parse_log(edit(runs[0][1].read_text()), PROFILE, PLAN, "run.log")
    assert "\n" not in str(e.value)


def test_a_log_of_another_profiles_sketch_is_refused(runs):
    other = load_profile(asset("robots", "two_wheel.toml"))
    with pytest.raises(CalibrationError, match="another profile"):
        parse_log(runs[0][1].read_text(), other, plan_for(other), "run.log")


def test_a_few_garbled_lines_are_skipped(runs):
    lines = runs[0][1].read_text().splitlines()
    lines.insert(len(lines) // 2, "W,3,1200,4*00")
    lines.insert(3, "\x00\xff junk")
    log = parse_log("\n".join(lines), PROFILE, PLAN, "run.log")
    assert len(log.sweeps) == len(PLAN.targets)


def test_tape_readings_far_from_the_log_are_refused(runs, tmp_path):
    car, log_path, tape_path = runs[0]
    bad = tmp_path / "m.toml"
    text = tape_path.read_text().splitlines()
    text = [("distance_cm = 900" if line.startswith("distance_cm") and i < 6 else line) for i, line in enumerate(text)]
    bad.write_text("\n".join(text))
    log = parse_log(log_path.read_text(), PROFILE, PLAN, "run.log")
    with pytest.raises(CalibrationError, match="outside what the profile accepts") as e:
        fit_car(PROFILE, log, read_tape(bad, PLAN), "run.log")
    assert "\n" not in str(e.value)


@pytest.mark.skipif(not has_avr or shutil.which("simavr") is None or shutil.which("stdbuf") is None,
                    reason="simavr or the AVR toolchain missing")
def test_the_sketch_in_simavr_logs_what_the_reader_parses(tmp_path):
    """A short plan (1 ms pauses, one board, a narrow sweep) run in simavr with no echo
    wired: its UART log parses, every step is there, and the readings say no echo."""
    plan = dataclasses.replace(PLAN, straight_pwm=(100, 150), run_ms=200, turn_ms=100, targets=((50, 12, 0),),
                               sweep_us=(1400, 1480), ramp_step_ms=25)
    build = toolchain.build_sketch(generate(PROFILE, plan=plan, pause_ms=1).write(tmp_path), tmp_path / "build")
    text = _simavr_uart(build.elf, "Z*")
    log = parse_log(text, PROFILE, plan, "simavr")
    assert log.straight == ((100, 200), (150, 200))
    assert log.turns == (("left", PROFILE.drive.turn_pwm, 100), ("right", PROFILE.drive.turn_pwm, 100))
    assert [p for p, _ in log.ramp] == list(range(256)) and all(math.isinf(r) for _, r in log.ramp)
    assert [us for us, _ in log.sweeps[0]] == list(range(1400, 1481, SERVO_US_PER_COUNT))
    sealed = [l for l in text.splitlines() if l and not l.startswith(("#", "Loaded"))]     # simavr says Loaded
    assert all(l.rpartition("*")[2] == f"{crc8(l.rpartition('*')[0]):02X}" for l in sealed)


def _simavr_uart(elf, last: str, timeout_s: float = 300) -> str:
    """The sketch's UART lines (simavr prints CR and LF as '.') up to the one starting ``last``;
    the sketch never stops, so simavr is ended then."""
    proc = subprocess.Popen(["stdbuf", "-oL", "simavr", "-m", "atmega328p", "-f", "16000000", str(elf)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    lines, deadline = [], time.monotonic() + timeout_s
    try:
        for raw in proc.stdout:
            line = re.sub(r"\x1b\[[0-9;]*m", "", raw).rstrip().rstrip(".")
            lines.append(line)
            if line.startswith(last) or time.monotonic() > deadline:
                break
    finally:
        proc.kill()
        proc.wait()
    return "\n".join(lines)


def test_drive_estimates_the_ideal_model_cannot_step_stay_as_they_were(tmp_path, capsys):
    """The fastest car the ranges allow turns faster than [drive]'s bounds: the measured
    values are written, the [drive] estimates kept, and the profile loads."""
    fast = {"battery_v": 8.4, "speed_mm_s_per_v": 160.0, "start_v": 1.7, "turn_travel_mm_per_deg": 2.3,
            "beam_scale": 1.0, "incidence_scale": 1.0}
    source = Path(asset("robots", "elegoo_v3.toml"))
    text = _new_profile(source.read_text(), PROFILE, fast, "2030-01-02", "run.log", tmp_path / "fast.toml")
    assert "[drive] estimates stay" in capsys.readouterr().out
    (tmp_path / "fast.toml").write_text(text)
    mine = load_profile(tmp_path / "fast.toml")
    assert mine.drive == PROFILE.drive and mine.measured.motors.speed_mm_s_per_v == 160.0
    assert "measured 2030-01-02" in text
