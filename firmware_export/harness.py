"""Open-loop runs of the generated C on the ATmega328P's own arithmetic, in simavr.

A bare avr-libc program (no Arduino core: nothing else to time) includes the generated
header and a data header with the inputs to replay, runs

1. every (distance, servo angle) point of a grid through ``neurocar_forward`` and
   ``neurocar_decide_outputs``, timing both with Timer1 (one count per CPU cycle);
2. the controller tick over a sequence of readings, one per tick,

and prints each result over UART0 (numbers in hex, floats bit for bit; no printf in the
per-tick lines, which keeps simavr's run short), which simavr copies to its console. ``run`` parses that back into arrays.
"""
import re
import shutil
import subprocess
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_text
from brain.fixedpoint import ONE
from firmware_export.errors import ExportError
from firmware_export.toolchain import F_CPU, MCU, WARNINGS, run as run_tool

NO_ECHO = 0xFFFF
NO_ECHO_BYTE = 255
MAX_TICKS_PER_RUN = 20_000   # one reading byte each, in 32 KB of flash
SIMAVR_TIMEOUT_S = 600

HARNESS = r"""
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdio.h>
#include "neurocar_brain.h"
#include "harness_data.h"

static int uart_putchar(char c, FILE *stream)
{
    (void)stream;
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = c;
    return 0;
}

static FILE uart = FDEV_SETUP_STREAM(uart_putchar, NULL, _FDEV_SETUP_WRITE);
static volatile uint16_t timer_overflows;

ISR(TIMER1_OVF_vect)
{
    timer_overflows++;
}

/* CPU cycles since the last restart_clock(): Timer1 at clock / 1, overflows counted. */
static void restart_clock(void)
{
    cli();
    TCNT1 = 0;
    TIFR1 = _BV(TOV1);
    timer_overflows = 0;
    sei();
}

static uint32_t cycles(void)
{
    cli();
    uint16_t low = TCNT1;
    uint32_t high = timer_overflows;
    if ((TIFR1 & _BV(TOV1)) && low < 0x8000) {
        high++;
    }
    sei();
    return (high << 16) | low;
}

/* Hex output without printf: vfprintf costs thousands of cycles per number, and the
   tick run prints a line per tick. */
static void put_hex(uint32_t v, uint8_t digits)
{
    while (digits--) {
        uint8_t d = (v >> (4 * digits)) & 0xF;
        uart_putchar(d < 10 ? '0' + d : 'a' + d - 10, 0);
    }
}

/* The network's values: Q13 integers (printed as 4 hex digits) in a fixed-point
   build, else floats. */
#ifdef NEUROCAR_FIXED_POINT
typedef int16_t harness_value;
static void print_value(int16_t v)
{
    uart_putchar(' ', 0);
    put_hex((uint16_t)v, 4);
}
#else
typedef float harness_value;
static void print_float(float v)
{
    union { float f; uint32_t u; } bits;
    bits.f = v;
    uart_putchar(' ', 0);
    put_hex(bits.u, 8);
}
#define print_value print_float
#endif

static void print_pins(char tag, const uint8_t *pins)
{
    uart_putchar(tag, 0);
    for (uint8_t k = 0; k < NEUROCAR_N_PINS; k++) {
        uart_putchar('0' + pins[k], 0);
    }
}

static void run_grid(void)
{
    harness_value inputs[NEUROCAR_N_INPUTS], outputs[NEUROCAR_N_OUTPUTS];
    int8_t decision[NEUROCAR_N_OUTPUTS];
    uint8_t pins[NEUROCAR_N_PINS];
    uint32_t forward_cycles = 0, decide_cycles = 0;
    for (int16_t d = 0; d <= NEUROCAR_DISTANCE_CLAMP_CM; d++) {
      for (uint8_t g = 0; g < GRID_ANGLES; g++) {
        int16_t angle = (int16_t)pgm_read_word(&grid_deg[g]);
        inputs[0] = neurocar_encode_distance(d);
        inputs[1] = neurocar_encode_angle(angle);
        restart_clock();
        neurocar_forward(inputs, outputs);
        forward_cycles += cycles();
        restart_clock();
        neurocar_decide_outputs(inputs, decision);
        neurocar_decode_pins(decision, pins);
        decide_cycles += cycles();
        print_pins('G', pins);
        for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {
            print_value(outputs[k]);
        }
        uart_putchar('\n', 0);
      }
    }
    printf("C %lu %lu %u\n", (unsigned long)forward_cycles, (unsigned long)decide_cycles,
           (unsigned)((NEUROCAR_DISTANCE_CLAMP_CM + 1) * GRID_ANGLES));
}

static void run_ticks(void)
{
    static neurocar_controller car;
    harness_value outputs[NEUROCAR_N_OUTPUTS];
    uint16_t next_start = 0;
    for (uint16_t t = 0; t < TICKS; t++) {
        if (next_start < STARTS && t == pgm_read_word(&starts[next_start])) {
            neurocar_reset(&car);      /* a new sequence begins */
            next_start++;
        }
        neurocar_sweep(&car);
        uint8_t byte = pgm_read_byte(&readings_cm[t]);
        uint8_t decided = neurocar_decide(&car, byte == NO_ECHO_BYTE ? NEUROCAR_NO_ECHO : byte);
        print_pins('T', car.pins);      /* then pwm, hold and servo angle in hex */
        uart_putchar(' ', 0);
        put_hex(car.pwm, 2);
        uart_putchar(' ', 0);
        put_hex(car.hold, 4);
        uart_putchar(' ', 0);
        put_hex((uint16_t)car.servo_deg, 4);
        if (decided) {
            neurocar_forward(car.inputs, outputs);
            for (uint8_t k = 0; k < NEUROCAR_N_OUTPUTS; k++) {
                print_value(outputs[k]);
            }
        }
        uart_putchar('\n', 0);
    }
}

int main(void)
{
    UCSR0A = _BV(U2X0);
    UBRR0 = 0;
    UCSR0B = _BV(TXEN0);
    stdout = &uart;
    TCCR1A = 0;
    TCCR1B = _BV(CS10);
    TIMSK1 = _BV(TOIE1);
    sei();
    run_grid();
    run_ticks();
    printf("END\n");
    cli();
    sleep_enable();
    sleep_cpu();
    return 0;
}
"""


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


def require_simavr() -> None:
    """--verify runs the harness in simavr, built with avr-gcc: say which packages if not."""
    missing = [tool for tool in ("simavr", "avr-gcc") if shutil.which(tool) is None]
    if missing:
        raise ExportError(f"--verify needs simavr and the AVR compiler ({', '.join(missing)} not found); install "
                          "them with: sudo apt-get install simavr gcc-avr avr-libc")


def data_header(grid_deg, readings_cm, starts) -> str:
    """The replayed data, in flash: grid angles, one reading byte per tick (whole cm,
    255 for no echo) and the ticks where a sequence starts afresh (reset)."""
    readings = np.asarray(readings_cm, dtype=int)
    if readings.size and readings[readings != NO_ECHO].max(initial=0) >= NO_ECHO_BYTE:
        raise ValueError("readings must be whole cm below 255 (the clamp) or NO_ECHO")
    readings = np.where(readings == NO_ECHO, NO_ECHO_BYTE, readings)

    def array(kind, name, values):
        body = ", ".join(str(int(v)) for v in values) or "0"
        return f"static const {kind} {name}[] PROGMEM = {{{body}}};\n"
    return (f"#define GRID_ANGLES {len(grid_deg)}u\n#define TICKS {len(readings)}u\n"
            f"#define STARTS {len(starts)}u\n#define NO_ECHO_BYTE {NO_ECHO_BYTE}u\n"
            + array("uint16_t", "grid_deg", grid_deg) + array("uint8_t", "readings_cm", readings)
            + array("uint16_t", "starts", starts))


def build(header_c: str, data_h: str, build_dir: Path) -> Path:
    """Compile the harness around the generated header; returns the ELF."""
    build_dir = Path(build_dir)
    atomic_write_text(build_dir / "neurocar_brain.h", header_c)
    atomic_write_text(build_dir / "harness_data.h", data_h)
    atomic_write_text(build_dir / "harness.c", HARNESS)
    elf = build_dir / "harness.elf"
    run_tool(["avr-gcc", f"-mmcu={MCU}", f"-DF_CPU={F_CPU}L", "-std=gnu99", "-Os", "-flto", *WARNINGS,
              f"-I{build_dir}", build_dir / "harness.c", "-o", elf, "-lm"], "compiling the simavr harness")
    return elf


def run(elf: Path, n_pins: int, n_outputs: int, timeout_s: float = SIMAVR_TIMEOUT_S,
        fixed: bool = False) -> HarnessResult:
    """Run the harness; ``fixed``: a fixed-point build, whose outputs are Q13 integers
    (returned dequantised, exactly)."""
    try:
        proc = subprocess.run(["simavr", "-m", MCU, "-f", str(F_CPU), str(elf)], capture_output=True,
                              text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ExportError(f"simavr did not finish the harness within {timeout_s:.0f} s") from None
    lines = _uart_lines(proc.stdout + proc.stderr)
    if "END" not in lines:
        raise ExportError("the simavr harness stopped early:\n" + "\n".join(lines[-5:]))
    return _parse(lines, n_pins, n_outputs, fixed)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _uart_lines(text: str) -> list[str]:
    """simavr prints each UART line coloured and ending in '.'; strip both."""
    out = []
    for line in _ANSI.sub("", text).splitlines():
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
    values = _fixed if fixed else _floats
    grid_pins, grid_out, ticks, tick_out, timing = [], [], [], {}, None
    for line in lines:
        parts = line.split()
        if line.startswith("G"):
            grid_pins.append([int(c) for c in parts[0][1:]])
            grid_out.append(values(parts[1:]))
        elif line.startswith("T"):
            ticks.append([int(c) for c in parts[0][1:]] + [int(v, 16) for v in parts[1:4]])
            if len(parts) > 4:
                tick_out[len(ticks) - 1] = np.array(values(parts[4:]), dtype=np.float64 if fixed else np.float32)
        elif line.startswith("C "):
            timing = [int(v) for v in parts[1:]]
    if timing is None:
        raise ExportError("the simavr harness printed no timing line")
    t = np.array(ticks, dtype=int).reshape(-1, n_pins + 3)
    return HarnessResult(
        np.array(grid_pins, dtype=int).reshape(-1, n_pins),
        np.array(grid_out, dtype=np.float64 if fixed else np.float32).reshape(-1, n_outputs),
        t[:, :n_pins], t[:, n_pins], t[:, n_pins + 1], t[:, n_pins + 2], tick_out,
        timing[0] / max(timing[2], 1), timing[1] / max(timing[2], 1))
