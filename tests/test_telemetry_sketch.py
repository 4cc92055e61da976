"""export --telemetry: the sketch compiles for the Uno with its log, float and fixed point,
2-input and memory brains; the log captured from simavr parses line by line, repeats its
header and equals the Python controller's ticks field by field; the tick with the log
fits its budget at 115200 baud; a brain with one weight changed is caught; the sketch
without --telemetry is the one it was."""
import dataclasses
import json
import shutil

import numpy as np
import pytest

from brain import Network, load_brain, save_brain
from brain.brainfile import Brain
from brain.fixedpoint import to_fixed_point
from simulator.assets import asset
from simulator.cli import main
from simulator.profile import load_profile

from firmware_export import telemetry, toolchain
from firmware_export.sketch import TELEMETRY_NAME, generate, telemetry_header
from firmware_export.telemetry_format import HEADER_EVERY_TICKS, Header, Tick, format_header, parse_line
from firmware_export.verify import far_sequence, random_sequence

has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None
needs_simavr = pytest.mark.skipif(shutil.which("simavr") is None or not has_avr,
                                  reason="simavr or the AVR toolchain missing")
ELEGOO = load_profile(asset("robots", "elegoo_v3.toml"))
# The car pinging only when it decides, so some ticks log no reading.
DECIDING_ONLY = dataclasses.replace(ELEGOO, control=dataclasses.replace(ELEGOO.control, read_while_holding=False))
DEFAULT = asset("brains", "default.json")
MEMORY = ["distance", "position", "left_nearest", "right_nearest", "previous"]


def memory_brain(seed=5, inputs=MEMORY) -> Brain:
    net = Network.create([len(inputs), 4, 2], "tanh", seed=seed, init="uniform")
    return Brain(net, list(inputs), ["turn", "direction"], ["round", "sign"])


def holding(profile, every=2):
    """The profile with read_while_holding: pings on holding ticks too."""
    return dataclasses.replace(profile, control=dataclasses.replace(profile.control, read_while_holding=True,
                                                                      ping_every_ticks=every))


def readings(seed, ticks=900):
    """Far readings (a decision nearly every tick), then any, with no-echo ticks."""
    rng = np.random.default_rng(seed)
    return np.concatenate([far_sequence(rng, ticks // 2, 50), random_sequence(rng, ticks - ticks // 2, 50)])


def test_sketch_without_telemetry_is_unchanged():
    brain = load_brain(DEFAULT)
    plain, logged = generate(brain, ELEGOO), generate(brain, ELEGOO,
                                                      telemetry=telemetry_header(brain, ELEGOO, "0" * 64))
    assert plain.telemetry == "" and "Serial" not in plain.ino and TELEMETRY_NAME not in plain.ino
    added = [line for line in logged.ino.splitlines() if "neurocar_log" in line or "neurocar_telemetry" in line
             or "Serial" in line]
    assert len(added) == 6
    assert [line for line in logged.ino.splitlines() if line not in added] == plain.ino.splitlines()
    assert logged.header == plain.header


@pytest.mark.skipif(not has_avr, reason="AVR toolchain missing")
@pytest.mark.parametrize("fixed", [False, True], ids=["float", "fixed"])
@pytest.mark.parametrize("kind", ["default", "memory"])
def test_export_telemetry_compiles_for_the_uno(kind, fixed, tmp_path, capsys):
    path = DEFAULT if kind == "default" else tmp_path / "memory.json"
    if kind == "memory":      # one memory input: --fixed-point checks its whole grid quickly
        save_brain(path, memory_brain(inputs=["distance", "position", "previous"]))
    args = ["export", "--brain", str(path), "--out", str(tmp_path), "--telemetry", "--check"]
    assert main(args + (["--fixed-point", "--allow-different-decisions"] if fixed else [])) == 0
    brain = load_brain(path)
    want = format_header(telemetry_header(to_fixed_point(brain) if fixed else brain, ELEGOO, brain.sha256()))
    text = (tmp_path / "neurocar" / TELEMETRY_NAME).read_text()
    assert f'"{want}\\r\\n"' in text and ("fixed" if fixed else "float") in want
    assert (tmp_path / "neurocar" / "build" / "neurocar.hex").is_file()
    assert "RAM" in capsys.readouterr().out


CASES = {"2 inputs float": (False, False, False), "2 inputs fixed": (False, True, False),
         "memory float": (True, False, False), "memory fixed": (True, True, False),
         "memory read while holding": (True, False, True)}


@needs_simavr
@pytest.mark.parametrize("case", CASES)
def test_simavr_log_parses_and_equals_the_python_ticks(case):
    memory, fixed, reads_holding = CASES[case]
    brain = memory_brain() if memory else load_brain(DEFAULT)
    profile = holding(ELEGOO) if reads_holding else DECIDING_ONLY
    exported = to_fixed_point(brain) if fixed else brain
    d = readings(seed=len(case))
    lines = telemetry.capture(exported, profile, d, brain.sha256()).split("\r\n")
    assert lines.pop() == ""
    parsed = [parse_line(line) for line in lines]
    headers = [k for k, p in enumerate(parsed) if isinstance(p, Header)]
    assert headers == [k * (HEADER_EVERY_TICKS + 1) for k in range(len(d) // HEADER_EVERY_TICKS + 1)]
    assert {parsed[k] for k in headers} == {telemetry_header(exported, profile, brain.sha256())}
    assert parsed[0].brain_sha256 == brain.sha256() and parsed[0].arithmetic == ("fixed" if fixed else "float")
    ticks = [p for p in parsed if isinstance(p, Tick)]
    want = telemetry.expected_ticks(profile, exported, d)
    assert len(ticks) == len(want) == len(d)
    for got, expected in zip(ticks, want):
        assert got == expected, (got, expected)
    assert sum(t.decided for t in ticks) > len(d) // 9
    assert any(t.reading_cm == np.inf for t in ticks) and any(t.reading_cm is None for t in ticks)
    assert len({t.memory_cm for t in ticks}) > 10 if memory else all(t.memory_cm == () for t in ticks)
    if reads_holding:
        assert any(t.reading_cm is not None and not t.decided for t in ticks)


@needs_simavr
def test_a_capture_in_several_runs_equals_one_run():
    brain, d = memory_brain(), readings(seed=3, ticks=700)
    assert telemetry.capture(brain, ELEGOO, d, chunk_ticks=250) == telemetry.capture(brain, ELEGOO, d)


@needs_simavr
def test_ten_thousand_ticks_match_and_a_changed_weight_is_caught():
    brain = load_brain(DEFAULT)
    d = random_sequence(np.random.default_rng(11), 10_000, 50)
    text = telemetry.capture(brain, ELEGOO, d)
    assert len(text.splitlines()) == 10_000 + 10_000 // HEADER_EVERY_TICKS
    assert telemetry.mismatches(text, telemetry.expected_ticks(ELEGOO, brain, d)) == 0
    changed = load_brain(DEFAULT)
    changed.network.layers[0].weights[0, 0] += 0.5
    assert telemetry.mismatches(text, telemetry.expected_ticks(ELEGOO, changed, d)) > 0


@needs_simavr
@pytest.mark.parametrize("memory", [False, True], ids=["2 inputs", "memory"])
def test_the_tick_with_its_log_fits_the_budget_at_115200_baud(memory):
    brain = memory_brain() if memory else load_brain(DEFAULT)
    d = far_sequence(np.random.default_rng(2), telemetry.TIMING_TICKS, 50)
    timing, text = telemetry.measure(brain, ELEGOO, d)
    assert timing.ok and timing.lines_dropped == 0 and timing.log_mismatches == 0
    assert 0 < timing.mean_us < timing.worst_us <= timing.budget_us
    assert timing.uart_busy_at_ping == 0          # the UART is quiet while the echo is timed
    first = text.splitlines()[1]
    assert parse_line(first).tick == telemetry.TIMING_FIRST_TICK and len(first) + 2 <= timing.line_max_bytes
    # The schedule changes when bytes leave, never which: the same lines as the quick run.
    quick = telemetry.capture(brain, ELEGOO, d).splitlines()
    assert [line.split(",", 1)[1].split("*")[0] for line in text.splitlines() if line[0] != "@"] == \
        [line.split(",", 1)[1].split("*")[0] for line in quick if line[0] != "@"]


@needs_simavr
def test_export_telemetry_verify_reports_the_tick_and_fails_over_budget(tmp_path, capsys, monkeypatch):
    args = ["export", "--brain", str(DEFAULT), "--out", str(tmp_path), "--telemetry", "--verify",
            "--json", str(tmp_path / "r.json")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "tick with telemetry (simavr, 115200 baud" in out and "lines dropped 0" in out
    report = json.loads((tmp_path / "r.json").read_text())["telemetry"]
    assert report["ok"] and report["worst_us"] <= report["budget_us"] and report["log_mismatches"] == 0
    monkeypatch.setattr(telemetry, "decision_budget_us", lambda profile: 100.0)
    assert main(args) == 1
    assert "does not fit its tick" in capsys.readouterr().err
