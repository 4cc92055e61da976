"""Open-loop runs of the generated C on the ATmega328P's own arithmetic, in simavr.

A bare avr-libc program (no Arduino core: nothing else to time) includes the generated
header and a data header with the inputs to replay, runs

1. every (distance, servo angle) point of a grid through ``neurocar_forward`` and
   ``neurocar_decide_outputs``, timing both with Timer1 (one count per CPU cycle); for
   a brain with memory inputs, the points of a sample of its grid instead (``grid_cm``);
2. the controller tick over a sequence of readings, one per tick (with memory inputs,
   each decision's inputs printed too),

and prints each result over UART0 (numbers in hex, floats bit for bit; no printf in the
per-tick lines, which keeps simavr's run short), which simavr copies to its console. ``run``
parses that back into arrays.
"""
import re
import shutil
import subprocess
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_text
from brain.fixedpoint import ONE
from brain.i18n import _
from firmware_export.ctemplates import source
from firmware_export.errors import ExportError
from firmware_export.toolchain import F_CPU, MCU, WARNINGS, run as run_tool

NO_ECHO = 0xFFFF
NO_ECHO_BYTE = 255
MAX_TICKS_PER_RUN = 20_000   # one reading byte each, in 32 KB of flash
SIMAVR_TIMEOUT_S = 600

HARNESS = "harness.c"      # the template, with no fields: plain C


@dataclass
class HarnessResult:
    grid_pins: np.ndarray        # (points, n_pins)
    grid_outputs: np.ndarray     # (points, n_outputs) float32
    tick_pins: np.ndarray        # (ticks, n_pins)
    tick_pwm: np.ndarray
    tick_hold: np.ndarray
    tick_servo: np.ndarray
    tick_outputs: dict           # tick index -> outputs (float32) on deciding ticks
    forward_cycles: float        # mean per forward pass (all outputs, activations included)
    decide_cycles: float         # mean per decision (what the car runs: decide + pins)
    tick_inputs: dict = field(default_factory=dict)   # tick index -> inputs, memory brains only


def require_simavr() -> None:
    """--verify runs the harness in simavr, built with avr-gcc: say which packages if not."""
    missing = [tool for tool in ("simavr", "avr-gcc") if shutil.which(tool) is None]
    if missing:
        raise ExportError(_("--verify needs simavr and the AVR compiler ({value} not found); install "
                          "them with: sudo apt-get install simavr gcc-avr avr-libc").format(value=', '.join(missing)))


def data_header(grid_deg, readings_cm, starts, grid_cm=None) -> str:
    """The replayed data, in flash: grid angles, one reading byte per tick (whole cm,
    255 for no echo) and the ticks where a sequence starts afresh (reset). ``grid_cm``
    (points, n_inputs - 1): a brain with memory inputs runs these grid points instead,
    each its angle (``grid_deg``, one per point) and its distance-like inputs' whole cm."""
    readings = np.asarray(readings_cm, dtype=int)
    echoed = readings[readings != NO_ECHO].max(initial=0)
    if echoed >= NO_ECHO_BYTE:
        raise ExportError(_("the simavr harness replays readings below {NO_ECHO_BYTE} cm, and the profile's "
                          "control.distance_clamp_cm gives {echoed}; verify with a smaller clamp").format(
                              NO_ECHO_BYTE=NO_ECHO_BYTE, echoed=echoed))
    readings = np.where(readings == NO_ECHO, NO_ECHO_BYTE, readings)

    def array(kind, name, values):
        body = ", ".join(str(int(v)) for v in values) or "0"
        return f"static const {kind} {name}[] PROGMEM = {{{body}}};\n"
    if grid_cm is None:
        head, grid = f"#define GRID_ANGLES {len(grid_deg)}u\n", array("uint16_t", "grid_deg", grid_deg)
    else:
        head = f"#define GRID_POINTS {len(grid_deg)}u\n"
        grid = array("uint8_t", "grid_deg", grid_deg) + array("uint8_t", "grid_cm", np.asarray(grid_cm).reshape(-1))
    return (head + f"#define TICKS {len(readings)}u\n#define STARTS {len(starts)}u\n"
            f"#define NO_ECHO_BYTE {NO_ECHO_BYTE}u\n"
            + grid + array("uint8_t", "readings_cm", readings) + array("uint16_t", "starts", starts))


def build(header_c: str, data_h: str, build_dir: Path, program: str = HARNESS, headers: dict | None = None) -> Path:
    """Compile a harness (``program``, a template with no fields) around the generated
    header and any other ``headers`` (file name -> text); returns the ELF."""
    build_dir = Path(build_dir)
    atomic_write_text(build_dir / "neurocar_brain.h", header_c)
    atomic_write_text(build_dir / "harness_data.h", data_h)
    for name, text in (headers or {}).items():
        atomic_write_text(build_dir / name, text)
    atomic_write_text(build_dir / "harness.c", source(program))
    elf = build_dir / "harness.elf"
    run_tool(["avr-gcc", f"-mmcu={MCU}", f"-DF_CPU={F_CPU}L", "-std=gnu99", "-Os", "-flto", *WARNINGS,
              f"-I{build_dir}", build_dir / "harness.c", "-o", elf, "-lm"], "compiling the simavr harness")
    return elf


def run(elf: Path, n_pins: int, n_outputs: int, timeout_s: float = SIMAVR_TIMEOUT_S,
        fixed: bool = False) -> HarnessResult:
    """Run the harness; ``fixed``: a fixed-point build, whose outputs are Q13 integers
    (returned dequantised, exactly)."""
    lines = _uart_lines(simavr_output(elf, timeout_s))
    if "END" not in lines:
        raise ExportError(_("the simavr harness stopped early:\n{lines}").format(lines="\n".join(lines[-5:])))
    return _parse(lines, n_pins, n_outputs, fixed)


def simavr_output(elf: Path, timeout_s: float = SIMAVR_TIMEOUT_S) -> str:
    """What simavr prints running a harness: each UART line in colour, its control
    characters as '.'."""
    try:
        proc = subprocess.run(["simavr", "-m", MCU, "-f", str(F_CPU), str(elf)], capture_output=True,
                              text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ExportError(_("simavr did not finish the harness within {timeout_s:.0f} s").format(
            timeout_s=timeout_s)) from None
    return proc.stdout + proc.stderr


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _uart_lines(text: str) -> list[str]:
    """simavr prints each UART line coloured and ending in '.'; strip both."""
    out = []
    for line in ANSI.sub("", text).splitlines():
        line = line.rstrip()
        if line.endswith("."):
            line = line[:-1]
        if line[:1] in ("G", "T", "C", "E"):
            out.append(line)
    return out


def _floats(words) -> list[float]:
    return [struct.unpack("<f", struct.pack("<I", int(w, 16)))[0] for w in words]


def _fixed(words) -> list[float]:
    return [(int(w, 16) - (1 << 16) * (int(w, 16) >> 15)) / ONE for w in words]


def _parse(lines, n_pins: int, n_outputs: int, fixed: bool = False) -> HarnessResult:
    values, kind = (_fixed, np.float64) if fixed else (_floats, np.float32)
    grid_pins, grid_out, ticks, tick_out, tick_in, timing = [], [], [], {}, {}, None
    for line in lines:
        parts = line.split()
        if line.startswith("G"):
            grid_pins.append([int(c) for c in parts[0][1:]])
            grid_out.append(values(parts[1:]))
        elif line.startswith("T"):
            ticks.append([int(c) for c in parts[0][1:]] + [int(v, 16) for v in parts[1:4]])
            if len(parts) > 4:
                tick_out[len(ticks) - 1] = np.array(values(parts[4:4 + n_outputs]), dtype=kind)
            if len(parts) > 4 + n_outputs:
                tick_in[len(ticks) - 1] = np.array(values(parts[4 + n_outputs:]), dtype=kind)
        elif line.startswith("C "):
            timing = [int(v) for v in parts[1:]]
    if timing is None:
        raise ExportError(_("the simavr harness printed no timing line"))
    t = np.array(ticks, dtype=int).reshape(-1, n_pins + 3)
    return HarnessResult(
        np.array(grid_pins, dtype=int).reshape(-1, n_pins),
        np.array(grid_out, dtype=np.float64 if fixed else np.float32).reshape(-1, n_outputs),
        t[:, :n_pins], t[:, n_pins], t[:, n_pins + 1], t[:, n_pins + 2], tick_out,
        timing[0] / max(timing[2], 1), timing[1] / max(timing[2], 1), tick_in)
