"""Reading the calibration sketch's serial log (its lines: ``firmware_export.calibration_sketch``).

Prompts (``#``) and blank lines are skipped. A line whose checksum does not match is
garbled: counted and skipped while few, but a log of mostly such lines (the wrong baud
rate) is refused. The last header starts the calibration afresh (the Uno was reset), and
a log that stops before its end line is refused, naming the step it stopped in.
"""
import math

from simulator.calibration import CalibrationError, Log, Plan

from firmware_export.calibration_sketch import FORMAT, HEADER_TAG
from firmware_export.telemetry_format import crc8, profile_hash
from brain.i18n import _

MOST_GARBLED = 0.1              # of the lines: more and the log is refused
STEPS = {"S": "the straight runs", "R": "the start ramp", "E": "the start ramp", "T": "the turns",
         "W": "the sweeps", "F": "the sweeps"}
FIELDS = {"S": 3, "R": 2, "E": 1, "T": 4, "W": 3, "F": 2, "Z": 0}


def parse_log(text: str, profile, plan: Plan, source: str) -> Log:
    """The calibration the log holds, or CalibrationError in one line naming the file."""
    lines, garbled, total = [], 0, 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        total += 1
        fields = _sealed(line)
        if fields is None or (fields[0] != HEADER_TAG and len(fields) - 1 != FIELDS.get(fields[0], -1)):
            garbled += 1
        elif fields[0] == HEADER_TAG:
            _check_header(fields, profile, plan, source)
            lines = [fields]
        elif lines:
            lines.append(fields)
    if total and garbled > MOST_GARBLED * total:
        raise CalibrationError(_("{source}: {garbled} of {total} lines are garbled (the wrong baud rate? the "
                               "calibration sketch logs at 115200)").format(
                                   source=source, garbled=garbled, total=total))
    if not lines:
        raise CalibrationError(_("{source}: no calibration header ({HEADER_TAG}); "
                                 "not a log of the calibration sketch").format(
            source=source, HEADER_TAG=HEADER_TAG))
    if lines[-1][0] != "Z":
        step = STEPS.get(lines[-1][0], "the straight runs")
        raise CalibrationError(_("{source}: the log is cut short: it ends during {step}, before the calibration's "
                               "end line").format(source=source, step=step))
    try:
        return _steps(lines[1:], plan, source)
    except ValueError:
        raise CalibrationError(_("{source}: a log line with a field that is not a number").format(
            source=source)) from None


def _sealed(line: str) -> list | None:
    body, star, check = line.rpartition("*")
    if not star or len(check) != 2 or not body.isascii():
        return None
    try:
        if int(check, 16) != crc8(body):
            return None
    except ValueError:
        return None
    return body.split(",")


def _check_header(fields, profile, plan: Plan, source: str) -> None:
    if len(fields) != 6 or fields[1] != str(FORMAT):
        raise CalibrationError(_("{source}: a calibration log of another format "
                                 "(neurocar reads format {FORMAT})").format(
            source=source, FORMAT=FORMAT))
    if fields[2] != profile_hash(profile):
        raise CalibrationError(_("{source}: the log is of a sketch written for another profile (hash {fields}; "
                               "--robot {source2} gives {profile_hash})").format(
                                   source=source, fields=fields[2], source2=profile.source,
                                   profile_hash=profile_hash(profile)))
    counts = (len(plan.straight_pwm), len(plan.turns), len(plan.targets))
    if tuple(fields[3:6]) != tuple(map(str, counts)):
        raise CalibrationError(_("{source}: the log's sketch ran {value} runs/turns/sweeps, this "
                               "neurocar's {value2}; write the sketch again and rerun it").format(
                                   source=source, value='/'.join(fields[3:6]), value2='/'.join(map(str, counts))))


def _reading(text: str) -> float:
    return math.inf if text == "n" else float(_natural(text))


def _natural(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


def _steps(lines, plan: Plan, source: str) -> Log:
    by_tag = {tag: [f[1:] for f in lines if f[0] == tag] for tag in FIELDS}
    straight = tuple((_natural(p), _natural(ms)) for _, p, ms in by_tag["S"])
    turns = tuple(("left" if way == "L" else "right", _natural(p), _natural(ms)) for _, way, p, ms in by_tag["T"])
    ramp = tuple((_natural(p), _reading(r)) for p, r in by_tag["R"])
    sweeps = tuple(tuple((_natural(us), _reading(r)) for k, us, r in by_tag["W"] if k == str(board))
                   for board in range(1, len(plan.targets) + 1))
    expected = {"straight runs": (len(straight), len(plan.straight_pwm)), "turns": (len(turns), len(plan.turns)),
                "ramp ends": (len(by_tag["E"]), 1), "sweep ends": (len(by_tag["F"]), len(plan.targets))}
    for what, (got, wanted) in expected.items():
        if got != wanted:
            raise CalibrationError(_("{source}: {got} {what} logged, {wanted} expected (lines lost?)").format(
                source=source, got=got, what=what, wanted=wanted))
    if any(len(s) < 10 for s in sweeps):
        raise CalibrationError(_("{source}: a sweep with fewer than 10 readings (lines lost?)").format(source=source))
    return Log(straight, turns, ramp, sweeps, plan.ramp_step_ms)
