"""Reading telemetry logs: every tick kept in order, headers and where they were seen,
garbled lines (cut short, bad checksums, not ASCII, the wrong baud rate) counted and
skipped, gaps counted as lost ticks, and whole files that hold no telemetry refused."""
from collections import Counter

import numpy as np
import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.profile import PATTERN_NAMES, default_profile

from firmware_export.telemetry_format import HEADER_EVERY_TICKS, parse_line
from firmware_export.telemetry_log import LogSummary, TelemetryLogError, action_name, read_log
from firmware_export.verify import episode_sequences
from tests.telemetry_helpers import log_lines, memory_brain, random_readings, telemetry_ticks

PROFILE = default_profile()
DEFAULT = load_brain(asset("brains", "default.json"))


@pytest.fixture(scope="module")
def episode_readings():
    """The readings of two 60-second simulator episodes of the default brain, end to end."""
    return np.concatenate(episode_sequences(PROFILE, DEFAULT, seed=3, worlds=2, seconds=60))


def test_a_whole_log_is_read_in_order_with_its_headers(episode_readings):
    ticks = telemetry_ticks(PROFILE, DEFAULT, episode_readings)
    log = read_log(log_lines(PROFILE, DEFAULT, episode_readings))
    assert log.ticks == ticks and len(ticks) == 4800
    assert log.garbled == log.lost_ticks == log.summary.restarts == 0
    assert log.header_positions == list(range(0, 4800, HEADER_EVERY_TICKS))
    assert log.header.brain_sha256 == DEFAULT.sha256() and log.header.arithmetic == "float"
    assert len(log.headers) == 24 and log.source == "<lines>"


def test_the_summary_counts_what_the_controller_did(episode_readings):
    ticks = telemetry_ticks(PROFILE, DEFAULT, episode_readings)
    s = read_log(log_lines(PROFILE, DEFAULT, episode_readings)).summary
    decided = [t for t in ticks if t.decided]
    echoed = [t.reading_cm for t in decided if np.isfinite(t.reading_cm)]
    assert s.ticks == 4800 and s.decisions == len(decided) > 200
    assert s.readings.count == len(echoed) and s.readings.no_echo == len(decided) - len(echoed) > 0
    assert (s.readings.low, s.readings.high) == (min(echoed), max(echoed))
    assert s.readings.mean == pytest.approx(np.mean(echoed))
    assert sum(s.readings.bins.values()) == len(echoed) and set(s.readings.bins) <= set(s.readings.bin_names())
    patterns = {tuple(PROFILE.motors.patterns[n]): n for n in PATTERN_NAMES}
    assert s.actions == Counter(patterns[t.pins] for t in decided)
    assert sum(s.action_ticks.values()) == 4800 and len(s.actions) >= 2
    text = "\n".join(s.lines("run.log"))
    assert text.startswith(f"run.log: 4,800 ticks, {len(decided):,} decisions, 0 garbled lines, 0 ticks lost")
    assert "forward" in text and "no echo" in text and DEFAULT.sha256()[:16] in text


def test_actions_are_named_by_the_profile():
    patterns = {tuple(PROFILE.motors.patterns[n]): n for n in PATTERN_NAMES}
    assert [action_name(PROFILE.motors.patterns[n], patterns) for n in PATTERN_NAMES] == list(PATTERN_NAMES)
    assert action_name((0, 0, 0, 0), patterns) == "stop"
    assert action_name((1, 1, 1, 1), patterns) == "1111"


@pytest.mark.parametrize("brain, arithmetic", [
    (memory_brain(), "float"), (memory_brain(), "fixed"),
    (load_brain(asset("brains", "seed_motors.json")), "float")], ids=["memory", "memory fixed", "pins"])
def test_memory_inputs_and_fixed_point_logs_read_alike(brain, arithmetic):
    readings = random_readings(1, 2000)
    log = read_log(log_lines(PROFILE, brain, readings, arithmetic))
    assert log.ticks == telemetry_ticks(PROFILE, brain, readings, arithmetic)
    assert log.header.arithmetic == arithmetic and log.header.inputs == tuple(brain.input_names)
    assert len(log.ticks[0].memory_cm) == len(brain.input_names) - 2


def test_garbled_lines_are_counted_and_skipped_and_gaps_counted_as_lost():
    lines = log_lines(PROFILE, DEFAULT, random_readings(2, 1000))
    bad = list(lines)
    bad[10] = bad[10][:7] + "\r\n"                     # cut short: tick 9 lost
    bad[20] = bad[20].replace(",", ";", 1)             # a byte changed: bad checksum, tick 18
    bad[30] = bad[30][:-4] + "ZZ\r\n"                  # checksum not hex, tick 28
    bad[40] = bad[40].encode("ascii")[:5] + b"\xe9\xff" + bad[40].encode("ascii")[5:]   # not ASCII, tick 38
    bad.insert(50, b"\xf8\x80\x00\xfc\xe0\x1c\x80\xf0\r\n")                             # the wrong baud rate
    del bad[100:105]                                   # five ticks never arrived
    bad.insert(200, "\r\n")                            # a blank line is no line at all
    log = read_log(bad)
    assert log.garbled == 5 and log.lost_ticks == 4 + 5 and log.summary.not_ascii == 2
    original = read_log(lines).ticks
    kept = {t.tick for t in log.ticks}
    assert [t for t in original if t.tick in kept] == log.ticks and len(kept) == 1000 - 9


def test_random_damage_is_never_fatal():
    """Up to two random bytes changed per line: CRC-8 catches every single changed byte
    (a burst under 8 bits); nothing raises, and each line is a tick, a header or garbled."""
    lines = [line.encode() for line in log_lines(PROFILE, memory_brain(), random_readings(3, 1500))]
    rng = np.random.default_rng(0)
    damaged = []
    for line in lines:
        b = bytearray(line)
        for _ in range(rng.integers(0, 3)):
            b[rng.integers(0, len(b) - 2)] = rng.integers(0, 256)
        damaged.append(bytes(b))
    log = read_log(damaged)
    changed = [sum(x != y for x, y in zip(d, o)) for d, o in zip(damaged, lines)]
    assert log.garbled + len(log.ticks) + len(log.headers) == len(lines)
    assert sum(c == 1 for c in changed) <= log.garbled <= sum(c > 0 for c in changed)
    assert sum(c == 1 for c in changed) > 300
    intact = {parse_line(o.decode()) for o, c in zip(lines, changed) if c == 0}
    assert intact <= set(log.ticks) | set(log.headers)


def test_a_reset_car_starts_a_new_run_not_a_gap():
    lines = log_lines(PROFILE, DEFAULT, random_readings(4, 300))
    log = read_log(lines + lines[:100])
    assert log.summary.restarts == 1 and log.lost_ticks == 0 and len(log.ticks) == 300 + 99


def test_a_file_and_its_lines_read_the_same(tmp_path):
    lines = log_lines(PROFILE, memory_brain(), random_readings(5, 700))
    path = tmp_path / "run.log"
    path.write_bytes("".join(lines).encode())
    from_file = read_log(path)
    assert from_file.ticks == read_log(lines).ticks == read_log(line.encode() for line in lines).ticks
    assert from_file.source == str(path) and read_log(lines, name="car").source == "car"


@pytest.mark.parametrize("content, says", [
    (b"", "empty, no telemetry lines in it"),
    (b"\r\n\r\n", "empty, no telemetry lines in it"),
    (bytes(range(256)) * 40, "a binary file, not a telemetry log"),
    (b"\xf8\x80\xfc\xe0\x1c\r\n\x80\xf0\xfe\r\n" * 50, "no telemetry line in 100 lines (100 not text: read at a "
                                                       "baud rate other than 115200?)"),
    (b"distance,position\r\n12,90\r\n", "no telemetry line in 2 lines (0 not text")])
def test_a_file_without_telemetry_is_refused_in_one_line(tmp_path, content, says):
    path = tmp_path / "bad.log"
    path.write_bytes(content)
    with pytest.raises(TelemetryLogError) as e:
        read_log(path)
    assert str(e.value).startswith(f"{path}: {says}") and "\n" not in str(e.value)


def test_a_truncated_file_keeps_every_whole_line(tmp_path):
    text = "".join(log_lines(PROFILE, DEFAULT, random_readings(6, 500))).encode()
    path = tmp_path / "cut.log"
    path.write_bytes(text[:len(text) // 2 + 7])
    log = read_log(path)
    assert log.garbled == 1 and len(log.ticks) == log.ticks[-1].tick + 1 > 200


def test_the_summary_counts_live_as_lines_arrive():
    summary = LogSummary(PROFILE)
    lines = log_lines(PROFILE, DEFAULT, random_readings(7, 400))
    seen = [summary.feed(line) for line in lines[:150]]
    assert summary.ticks == sum(1 for item in seen if item is not None) - summary.headers
    assert summary.feed("garbage\r\n") is None and summary.garbled == 1
    for line in lines[150:]:
        summary.feed(line)
    assert summary.ticks == 400 and summary.brain_sha256 == DEFAULT.sha256()
    assert summary.lines_read == 400 + summary.headers + 1
