"""The telemetry of ``neurocar export --telemetry`` run in simavr, and what it must print.

``capture(brain, profile, readings)`` runs the sketch's controller tick and its log
(``neurocar_brain.h`` and ``neurocar_telemetry.h``, the very text the sketch gets) on the
ATmega328P in simavr, one reading per tick (whole cm; np.inf: no echo), and returns the
UART's text: the log as the car prints it, header and tick lines ending in CR LF. Any
number of ticks: runs of ``CHUNK_TICKS`` carry the controller's and the log's state
from one to the next.

``measure(...)`` runs the sketch's schedule instead (``templates/telemetry_harness.c``):
each tick on its 25 ms mark, the longest echo wait (the sensor timing out), then the
decision, the log line and the pump, at 115200 baud through a writer that behaves as the
Arduino core's HardwareSerial (a 64-byte ring, blocking when full), and the pump between
ticks. It reports the worst tick's time without the echo wait, log and UART interrupts
included (Timer1 cycles), against the decision budget (``limits.decision_budget_us``),
the lines dropped for want of queue room, and the ticks that began while the UART was
still sending. Its log text must equal ``capture``'s for the same readings.
What it does not run: the Arduino core's digitalWrite and analogWrite, the servo's
Timer2 interrupt and millis()' Timer0 interrupt (the budget's 20 % share is kept for them).

``expected_ticks(profile, brain, readings)`` gives the lines the Python controller
(``simulator.controller.replay``) says the car must print, as ``telemetry_format.Tick``.
"""
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from brain.fixedpoint import FixedPointBrain
from brain.i18n import _
from simulator.controller import memory_inputs, replay

from firmware_export import harness
from firmware_export.errors import ExportError
from firmware_export.limits import decision_budget_us, echo_timeout_us
from firmware_export.sketch import TELEMETRY_NAME, header_only, line_max, telemetry_header, telemetry_source
from firmware_export.telemetry_format import Tick, format_header, parse_line
from firmware_export.toolchain import F_CPU
from firmware_export.verify import readings_for_c

CHUNK_TICKS = 10_000              # ticks per simavr run of a capture (flash holds a byte a tick)
TIMING_TICKS = 450                # a timed run: 11 s of driving, three headers
TIMING_FIRST_TICK = 3_999_999_000  # its tick numbers: ten digits, the longest the log writes
TELEMETRY_HARNESS = "telemetry_harness.c"


@dataclass
class TelemetryTiming:
    ticks: int
    worst_cycles: int             # the slowest tick without the echo wait: decision, log, pump
    worst_us: float
    worst_tick: int
    mean_us: float
    budget_us: float              # limits.decision_budget_us
    lines_dropped: int
    log_mismatches: int           # tick lines that differ from expected_ticks (or are missing)
    uart_busy_at_ping: int        # ticks that began while the UART was still sending
    header_bytes: int
    line_max_bytes: int

    @property
    def ok(self) -> bool:
        return self.worst_us <= self.budget_us and self.lines_dropped == 0 and self.log_mismatches == 0

    def to_dict(self) -> dict:
        return asdict(self) | {"ok": self.ok}


def capture(brain, profile, readings, brain_sha256: str | None = None, chunk_ticks: int = CHUNK_TICKS,
            build_dir=None) -> str:
    """The log the sketch prints over these readings (one per tick, from reset), as
    text. ``brain``: a Brain, or a FixedPointBrain for the --fixed-point sketch;
    ``brain_sha256``: the header's brain hash (default ``brain.sha256()``; the exported
    sketch logs its brain file's)."""
    texts, state = [], None
    readings = np.asarray(readings, dtype=float)
    with tempfile.TemporaryDirectory(prefix="neurocar-telemetry-") as tmp:
        for k, start in enumerate(range(0, len(readings), chunk_ticks)):
            run = _run(brain, profile, readings[start:start + chunk_ticks], brain_sha256,
                       Path(build_dir or tmp) / f"run{k}", timed=False, carried=state)
            texts.append(run.text)
            state = run.state
    return "".join(texts)


def measure(brain, profile, readings, brain_sha256: str | None = None,
            build_dir=None) -> tuple[TelemetryTiming, str]:
    """The sketch's worst tick with the log, on its 25 ms schedule at the longest echo
    wait, with its log compared with the Python controller's, and the log text that run
    printed (its tick numbers from TIMING_FIRST_TICK)."""
    with tempfile.TemporaryDirectory(prefix="neurocar-telemetry-") as tmp:
        run = _run(brain, profile, readings, brain_sha256, Path(build_dir or tmp), timed=True)
    worst, worst_tick, total, busy = run.figures["C"]
    us = 1e6 / F_CPU
    header = format_header(telemetry_header(brain, profile, brain_sha256 or brain.sha256()))
    return TelemetryTiming(len(readings), worst, round(worst * us, 1), worst_tick, round(total * us / len(readings), 1),
                           round(decision_budget_us(profile), 1), run.figures["D"][0],
                           mismatches(run.text, expected_ticks(profile, brain, readings, TIMING_FIRST_TICK)), busy,
                           len(header) + 2,
                           line_max(brain, profile)), run.text


def expected_ticks(profile, brain, readings, first_tick: int = 0) -> list[Tick]:
    """The tick lines the Python controller says the car prints over these readings:
    ``replay`` of the same brain (a FixedPointBrain for a fixed-point sketch). The memory
    fields are the whole cm the last decision read (on a holding tick, the decision
    before it), decoded from its inputs."""
    clamp = profile.control.distance_clamp_cm
    n_memory = len(memory_inputs(brain))
    ticks = []
    for i, (rec, d) in enumerate(zip(replay(profile, brain, readings), readings)):
        reading = None if rec.reading_cm < 0 else float(rec.reading_cm) if np.isfinite(d) else np.inf
        memory = tuple(int(round((1 - x) * clamp / 2)) for x in rec.inputs[2:2 + n_memory])
        ticks.append(Tick(first_tick + i, rec.servo_deg, rec.decided, reading, memory, rec.hold, rec.pins, rec.pwm))
    return ticks


def mismatches(text: str, ticks) -> int:
    """Tick lines of a log that differ from ``ticks`` (each missing or extra one counts)."""
    got = [t for t in map(parse_line, text.splitlines()) if isinstance(t, Tick)]
    return sum(a != b for a, b in zip(got, ticks)) + abs(len(got) - len(ticks))


@dataclass
class _Run:
    text: str                 # the log
    figures: dict             # '#' tag -> numbers
    state: tuple              # (controller bytes, log bytes) to carry on from


def _run(brain, profile, readings, brain_sha256, build_dir: Path, timed: bool, carried=None) -> _Run:
    header = telemetry_header(brain, profile, brain_sha256 or brain.sha256())
    data = _data_header(readings, profile, timed, carried)
    elf = harness.build(header_only(brain, profile), data, build_dir, TELEMETRY_HARNESS,
                        {TELEMETRY_NAME: telemetry_source(header, brain, profile)})
    run = _parse(harness.simavr_output(elf))
    if run.figures.get("END") is None:
        raise ExportError(_("the simavr telemetry harness stopped early:\n{tail}").format(tail=run.text[-300:]))
    return run


def _data_header(readings, profile, timed: bool, carried) -> str:
    clamp = profile.control.distance_clamp_cm
    if clamp >= 255:
        raise ExportError(_("the simavr harness replays readings below 255 cm, and the profile's "
                          "control.distance_clamp_cm is {clamp}; capture with a smaller clamp").format(clamp=clamp))
    values = np.where(readings_for_c(readings, clamp) == harness.NO_ECHO, 255, readings_for_c(readings, clamp))

    def array(name, data):
        return f"static const uint8_t {name}[] PROGMEM = {{{', '.join(str(int(v)) for v in data) or '0'}}};\n"
    text = (f"#define TICKS {len(values)}u\n#define TIMED {int(timed)}\n#define CARRIED {int(carried is not None)}\n"
            f"#define FIRST_TICK {TIMING_FIRST_TICK if timed else 0}UL\n"
            f"#define ECHO_TIMEOUT_US {echo_timeout_us(profile)}UL\n" + array("readings_cm", values))
    if carried is not None:
        text += array("carried_car", carried[0]) + array("carried_log", carried[1])
    return text


def _parse(output: str) -> _Run:
    """The log lines (which simavr prints ending in '..', for CR LF) and the harness's
    '#' lines (ending in '.')."""
    lines, figures, state = [], {}, {"S": b"", "L": b""}
    for line in harness.ANSI.sub("", output).splitlines():
        if line.startswith("#"):
            tag, *words = line.rstrip(".")[1:].split()
            if tag in state:
                state[tag] += bytes.fromhex(words[0])
            else:
                figures[tag] = [int(w) for w in words]
        elif line.endswith(".."):
            lines.append(line[:-2] + "\r\n")
    return _Run("".join(lines), figures, (state["S"], state["L"]))
