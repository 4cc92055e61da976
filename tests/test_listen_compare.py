"""neurocar compare and neurocar listen over logs written from the controller's replays:
no mismatch for the brain that made the log (float, fixed point, memory inputs, reading
while holding), every tick where a changed weight decides otherwise, each kind of
difference, lost and garbled lines that do not derail it, and listening from a file,
standard input and a serial port."""
import dataclasses
import io
import json
import shutil
import sys
import threading
import time

import numpy as np
import pytest
import serial

from brain import load_brain, save_brain
from brain.fixedpoint import to_fixed_point
from simulator import cli
from simulator.assets import asset
from simulator.controller import replay
from simulator.profile import default_profile

from firmware_export import telemetry, toolchain
from firmware_export.compare import compare_log
from firmware_export.telemetry_format import format_header
from firmware_export.telemetry_log import LogSummary, read_log
from firmware_export.verify import episode_sequences
from simulator.cli.listen import LiveView, listen, port_lines
from tests.telemetry_helpers import header_for, log_lines, memory_brain, random_readings, retold

PROFILE = default_profile()
DEFAULT = load_brain(asset("brains", "default.json"))
HOLDING = dataclasses.replace(PROFILE, control=dataclasses.replace(PROFILE.control, read_while_holding=True,
                                                                   ping_every_ticks=2))
# A car that pings only when it decides, so that a reading on any other tick is out of place.
DECIDING_ONLY = dataclasses.replace(PROFILE, control=dataclasses.replace(PROFILE.control, read_while_holding=False))


def changed(brain):
    """The brain with one weight moved on purpose."""
    other = load_brain(asset("brains", "default.json")) if brain is DEFAULT else memory_brain(seed=1)
    other.network.layers[1 if brain is DEFAULT else 0].weights[0, 0] += 0.5
    return other


def claiming(lines, brain, profile=PROFILE, arithmetic="float"):
    """The log with its headers naming ``brain``: a sketch that says it runs one brain
    while computing another."""
    header = format_header(header_for(brain, profile, arithmetic)) + "\r\n"
    return [header if line.startswith("@") else line for line in lines]


@pytest.fixture(scope="module")
def episode_readings():
    return np.concatenate(episode_sequences(PROFILE, DEFAULT, seed=5, worlds=2, seconds=60))


@pytest.mark.parametrize("brain, profile, arithmetic", [
    (memory_brain(), PROFILE, "float"), (memory_brain(), PROFILE, "fixed"),
    (memory_brain(["distance", "position", "previous"]), HOLDING, "float"),
    (memory_brain(), HOLDING, "fixed"),
    (load_brain(asset("brains", "seed_motors.json")), PROFILE, "float")],
    ids=["memory", "memory fixed", "previous reading while holding", "memory fixed reading while holding", "pins"])
def test_a_log_of_the_brain_compares_with_no_mismatch(brain, profile, arithmetic):
    log = read_log(log_lines(profile, brain, random_readings(0, 6000), arithmetic))
    result = compare_log(log, brain, profile)
    assert result.ok and result.arithmetic == arithmetic, result.lines()
    assert result.compared == result.ticks == 6000 and result.decisions > 300
    assert result.memory_checked == (result.decisions if result.memory_inputs else 0) and result.runs == 1


@pytest.mark.parametrize("arithmetic", ["float", "fixed"])
def test_a_simulator_episodes_log_compares_with_no_mismatch(episode_readings, arithmetic):
    result = compare_log(read_log(log_lines(PROFILE, DEFAULT, episode_readings, arithmetic)),
                         DEFAULT, PROFILE)
    assert result.ok and result.compared == 4800 and result.decisions > 200


@pytest.mark.parametrize("brain", [DEFAULT, memory_brain()], ids=["default", "memory"])
def test_a_changed_weight_is_found_on_every_tick_it_decides_otherwise(brain):
    """The hold and the memory follow the readings alone, so both brains decide on the
    same ticks; the mismatches are exactly the deciding ticks whose pins differ."""
    other, readings = changed(brain), random_readings(1, 6000)
    want = {a.tick for a, b in zip(replay(PROFILE, brain, readings), replay(PROFILE, other, readings))
            if a.decided and a.pins != b.pins}
    result = compare_log(read_log(claiming(log_lines(PROFILE, other, readings), brain)), brain, PROFILE)
    assert {m.tick for m in result.mismatches} == want and len(want) >= 5
    assert all(set(m.car) <= {"pins", "pwm"} and "pins" in m.car for m in result.mismatches)
    lines = result.lines(shown=3)
    assert lines[1].startswith(f"{len(want)} ticks differ") and lines[1].endswith("; the first 3:")
    assert len(lines) == 5 and lines[2].startswith(f"  tick {min(want)}: pins ")


def test_lost_and_garbled_lines_do_not_derail_it():
    brain, readings = memory_brain(), random_readings(2, 8000)
    lines = log_lines(PROFILE, brain, readings)
    rng = np.random.default_rng(0)
    for start in sorted(rng.choice(len(lines) - 50, 40, replace=False))[::-1]:
        del lines[start:start + rng.integers(1, 40)]
    for k in rng.choice(len(lines), 60, replace=False):
        lines[k] = lines[k][:rng.integers(0, 20)] + "\xe9#\r\n"
    result = compare_log(read_log(lines), brain, PROFILE)
    assert result.ok, result.lines()
    assert result.garbled == 60 and result.lost_ticks > 300 and result.runs > 60
    assert 0.8 * result.ticks < result.compared < result.ticks
    assert 0.5 * result.decisions < result.memory_checked < result.decisions

    other = changed(brain)
    everything = log_lines(PROFILE, other, readings)
    kept = {t.tick for t in read_log(lines).ticks}
    damaged = claiming([line for line in everything if line.startswith("@") or int(line.split(",")[0]) in kept],
                       brain)
    want = {a.tick for a, b in zip(replay(PROFILE, brain, readings), replay(PROFILE, other, readings))
            if a.decided and a.pins != b.pins and a.tick in kept}
    assert {m.tick for m in compare_log(read_log(damaged), brain, PROFILE).mismatches} == want and want


def tampered(lines, field, pick, **change):
    """The log with the first tick that ``pick`` accepts retold with ``change``; its tick."""
    k = next(i for i, line in enumerate(lines) if not line.startswith("@") and pick(read_log([line]).ticks[0]))
    lines = list(lines)
    lines[k] = retold(lines[k], **{field: change["to"](read_log([lines[k]]).ticks[0])})
    return lines, read_log([lines[k]]).ticks[0].tick


@pytest.mark.parametrize("field, pick, to", [
    ("hold", lambda t: t.decided and t.tick > 50, lambda t: t.hold + 1),
    ("pwm", lambda t: t.decided and t.tick > 50, lambda t: t.pwm + 1),
    ("pins", lambda t: not t.decided and t.tick > 50, lambda t: (1, 1, 1, 1)),
    ("pins", lambda t: t.decided and t.tick > 50, lambda t: (0, 0, 0, 0)),
    ("hold", lambda t: not t.decided and t.tick > 50, lambda t: t.hold + 3),
    ("servo_deg", lambda t: t.tick > 50, lambda t: t.servo_deg + 1),
    ("memory_cm", lambda t: t.decided and t.tick > 500, lambda t: (t.memory_cm[0] ^ 1, *t.memory_cm[1:])),
    ("memory_cm", lambda t: t.decided and t.tick > 500, lambda t: t.memory_cm[:2]),
    ("reading_cm", lambda t: not t.decided and t.tick > 50, lambda t: 12.0),
    ("reading_cm", lambda t: t.decided and t.tick > 50, lambda t: None),
    ("decided", lambda t: not t.decided and t.tick > 50, lambda t: True)])
def test_each_kind_of_difference_is_found_on_its_tick(field, pick, to):
    brain = memory_brain()
    lines, tick = tampered(log_lines(DECIDING_ONLY, brain, random_readings(3, 2000)), field, pick, to=to)
    result = compare_log(read_log(lines), brain, DECIDING_ONLY)
    first = result.mismatches[0]
    name = {"reading_cm": "reading"}.get(field, field)
    assert first.tick == tick and name in first.car, result.lines()
    if field == "decided":         # the car said it decided: its reading and memory are followed on
        assert len(result.mismatches) <= 3
    else:
        assert all(m.tick in (tick, tick + 1) for m in result.mismatches)


def write(path, lines):
    path.write_bytes("".join(lines).encode())
    return str(path)


def test_compare_cli_exit_status_listing_and_json(tmp_path, capsys):
    brain_file = tmp_path / "memory.json"
    save_brain(brain_file, memory_brain())
    good = write(tmp_path / "good.log", log_lines(PROFILE, memory_brain(), random_readings(4, 3000)))
    bad = write(tmp_path / "bad.log", claiming(log_lines(PROFILE, changed(memory_brain()), random_readings(4, 3000)),
                                               memory_brain()))
    assert cli.main(["compare", good, "--brain", str(brain_file)]) == 0
    assert "0 ticks differ" in capsys.readouterr().out
    report = tmp_path / "report.json"
    assert cli.main(["compare", bad, "--brain", str(brain_file), "--json", str(report), "--show", "2"]) == 1
    out = capsys.readouterr().out.splitlines()
    data = json.loads(report.read_text())
    assert not data["ok"] and data["ticks"] == 3000 and len(data["mismatches"]) >= 2
    assert out[1].startswith(f"{len(data['mismatches'])} ticks differ") and out[2].startswith("  tick ")
    assert out[-1] == f"wrote {report}" and len(out) == 5
    assert data["memory_inputs"] == ["left_nearest", "right_nearest", "previous"]


def refusal(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    return err


def test_another_brains_or_profiles_log_is_refused_in_one_line(tmp_path, capsys):
    log = write(tmp_path / "run.log", log_lines(PROFILE, DEFAULT, random_readings(5, 500)))
    improved = asset("brains", "improved.json")
    err = refusal(capsys, ["compare", log, "--brain", str(improved)])
    assert DEFAULT.sha256() in err and load_brain(improved).sha256() in err and str(improved) in err
    two_wheel = asset("robots", "two_wheel.toml")
    err = refusal(capsys, ["compare", log, "--brain", str(asset("brains", "default.json")), "--robot", str(two_wheel)])
    assert str(two_wheel) in err and "profile" in err
    headless = write(tmp_path / "headless.log", [line for line in log_lines(PROFILE, DEFAULT, random_readings(5, 500))
                                                 if not line.startswith("@")])
    assert "no header line" in refusal(capsys, ["compare", headless, "--brain", str(asset("brains", "default.json"))])
    (tmp_path / "empty.log").write_bytes(b"")
    assert "empty" in refusal(capsys, ["compare", str(tmp_path / "empty.log"), "--brain", str(improved)])


def test_listen_reads_a_file_and_standard_input_and_writes_out(tmp_path, capsys, monkeypatch):
    lines = log_lines(PROFILE, memory_brain(), random_readings(6, 1500)) + ["\xff garbage at another baud\r\n"]
    log = write(tmp_path / "run.log", lines)
    out = tmp_path / "copy.log"
    assert cli.main(["listen", log, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"{log}: 1,500 ticks, ") and ", 1 garbled lines, 0 ticks lost" in printed
    assert out.read_bytes() == (tmp_path / "run.log").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(out.read_bytes())))
    assert cli.main(["listen", "-"]) == 0
    assert capsys.readouterr().out == printed.replace(log, "standard input").replace(f"wrote {out}\n", "")


def test_listen_never_writes_over_its_input_or_an_existing_file(tmp_path, capsys):
    log = write(tmp_path / "run.log", log_lines(PROFILE, DEFAULT, random_readings(7, 300)))
    before = (tmp_path / "run.log").read_bytes()
    assert "which is read" in refusal(capsys, ["listen", log, "--out", log, "--force"])
    existing = tmp_path / "old.log"
    existing.write_text("kept\n")
    assert "exists" in refusal(capsys, ["listen", log, "--out", str(existing)])
    assert existing.read_text() == "kept\n" and (tmp_path / "run.log").read_bytes() == before
    assert cli.main(["listen", log, "--out", str(existing), "--force"]) == 0
    assert existing.read_bytes() == before


def test_listen_refuses_bad_sources_in_one_line(tmp_path, capsys, monkeypatch):
    assert "give one source" in refusal(capsys, ["listen"])
    assert "no such log file" in refusal(capsys, ["listen", str(tmp_path / "none.log")])
    assert "cannot open it" in refusal(capsys, ["listen", "--port", str(tmp_path / "ttyACM9")])
    (tmp_path / "noise.log").write_bytes(b"\xf8\x80\xfc\r\n" * 20)
    assert "baud rate other than 115200" in refusal(capsys, ["listen", str(tmp_path / "noise.log")])
    monkeypatch.setitem(sys.modules, "serial", None)            # pyserial not installed
    err = refusal(capsys, ["listen", "--port", "/dev/ttyACM0"])
    assert err == "neurocar listen: --port needs pyserial: pip install 'neurocar[serial]'\n"


def test_listen_reads_a_serial_port_as_lines_arrive(tmp_path):
    lines = log_lines(PROFILE, DEFAULT, random_readings(8, 800))
    port = serial.serial_for_url("loop://", timeout=0.05)
    data = "".join(lines).encode()
    sent = data[:5000] + b"\x80\xfe\xff" + data[5000:]          # a burst of noise cuts one line
    car = threading.Thread(target=port.write, args=(sent,))    # the loop holds 4 kB: the car waits for us
    car.start()
    with open(tmp_path / "out.log", "wb") as out:
        summary = listen(port_lines(port), LogSummary(PROFILE), LiveView("loop", io.StringIO()), out, seconds=1.5)
    car.join()
    port.close()
    assert summary.ticks == 799 and summary.garbled == 1 and summary.lost_ticks == 1
    assert (tmp_path / "out.log").read_bytes() == sent


def test_listen_on_a_port_stops_after_its_seconds(tmp_path, capsys):
    out = tmp_path / "run.log"
    start = time.monotonic()
    assert cli.main(["listen", "--port", "loop://", "--seconds", "0.3", "--out", str(out)]) == 0
    assert 0.3 <= time.monotonic() - start < 5
    assert capsys.readouterr().out.startswith("loop://: 0 ticks") and out.read_bytes() == b""


def test_ctrl_c_ends_listening_with_the_summary():
    lines = log_lines(PROFILE, DEFAULT, random_readings(9, 500))

    def until_ctrl_c():
        yield from lines[:300]
        raise KeyboardInterrupt
    stream = io.StringIO()
    summary = listen(until_ctrl_c(), LogSummary(PROFILE), LiveView("car", stream))
    assert summary.ticks == 298 and stream.getvalue().startswith("car: 298 ticks")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_live_view_redraws_in_place_a_few_times_a_second():
    lines = log_lines(PROFILE, DEFAULT, random_readings(10, 3000))

    def slowly():
        for line in lines:
            time.sleep(0.0002)
            yield line
    stream, start = Terminal(), time.monotonic()
    listen(slowly(), LogSummary(PROFILE), LiveView("car", stream))
    elapsed, text = time.monotonic() - start, stream.getvalue()
    draws = text.count("car: ")
    assert 2 <= draws <= 2 + elapsed / 0.25 and text.count("\x1b[J") == draws - 1
    assert text.rsplit("\x1b[J", 1)[1].startswith("car: 3,000 ticks")
    plain = io.StringIO()
    listen(lines, LogSummary(PROFILE), LiveView("car", plain))
    assert plain.getvalue().count("car: ") == 1 and "\x1b" not in plain.getvalue()


needs_simavr = pytest.mark.skipif(shutil.which("simavr") is None or bool(toolchain.missing_tools())
                                  or toolchain.find_core() is None, reason="simavr or the AVR toolchain missing")


@needs_simavr
def test_the_exported_sketchs_simavr_log_compares_with_no_mismatch(tmp_path, capsys):
    """The sketch's own tick and log on the emulated Uno, over five 60-second simulator
    episodes' readings (12,000 ticks): listen reads it all, compare finds nothing; the same
    sketch with one weight changed (its header still naming the default brain) is caught."""
    readings = np.concatenate(episode_sequences(PROFILE, DEFAULT, seed=7, worlds=5, seconds=60))
    log = tmp_path / "run.log"
    log.write_text(telemetry.capture(DEFAULT, PROFILE, readings), newline="")
    assert cli.main(["listen", str(log)]) == 0
    assert capsys.readouterr().out.startswith(f"{log}: 12,000 ticks, ")
    assert cli.main(["compare", str(log), "--brain", str(asset("brains", "default.json"))]) == 0
    out = capsys.readouterr().out
    assert "12,000 ticks compared" in out and "0 ticks differ" in out

    other = changed(DEFAULT)
    log.write_text(telemetry.capture(other, PROFILE, readings, brain_sha256=DEFAULT.sha256()), newline="")
    want = {a.tick for a, b in zip(replay(PROFILE, DEFAULT, readings), replay(PROFILE, other, readings))
            if a.decided and a.pins != b.pins}
    report = tmp_path / "report.json"
    assert cli.main(["compare", str(log), "--brain", str(asset("brains", "default.json")), "--json", str(report)]) == 1
    assert {m["tick"] for m in json.loads(report.read_text())["mismatches"]} == want and want


@needs_simavr
def test_a_fixed_point_memory_sketchs_simavr_log_compares_with_no_mismatch(tmp_path):
    brain = memory_brain()
    readings = random_readings(11, 3000)
    text = telemetry.capture(to_fixed_point(brain), HOLDING, readings, brain_sha256=brain.sha256())
    result = compare_log(read_log(text.splitlines(keepends=True)), brain, HOLDING)
    assert result.ok and result.arithmetic == "fixed" and result.ticks == 3000, result.lines()
    assert result.memory_checked == result.decisions > 200
