"""The firmware benchmark's timing harness, shared by it and the tests that check its comparisons.

Every network is built into the same bare avr-libc program (``MAIN``: no Arduino core, so
only the network is measured) with the same command (``FLAGS``: avr-gcc -Os -flto for the
ATmega328P, with libm) and timed in simavr at 16 MHz with Timer1 counting cycles in eights
(so that a decision up to 32 ms long, twice the tick's budget, is timed right), averaged
over the whole input grid (51 distances x every servo angle). Only the line the program
runs per grid point differs, and every result it gives is stored (floats as floats,
decisions as int8) so that none is optimised away.
"""
import subprocess
from pathlib import Path

from firmware_export import harness, toolchain
from simulator.controller import sweep_angles

SEED = 2024
US_PER_CYCLE = 1e6 / toolchain.F_CPU

MAIN = r"""
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdio.h>
#include <avr/pgmspace.h>
NETWORK_INCLUDE
static const uint16_t grid_deg[] PROGMEM = {ANGLES};
static int put(char c, FILE *s) { (void)s; while (!(UCSR0A & _BV(UDRE0))) {} UDR0 = c; return 0; }
static FILE uart = FDEV_SETUP_STREAM(put, NULL, _FDEV_SETUP_WRITE);
/* Every result is stored, each as the type it has, so no row's work is optimised away. */
volatile float sink_float[8];
volatile int8_t sink_int8[8];
#define TIMER_PRESCALER 8u
#define SINK(sink, v) for (uint8_t k = 0; k < sizeof v / sizeof v[0]; k++) sink[k] = v[k]
int main(void)
{
    UCSR0A = _BV(U2X0); UBRR0 = 0; UCSR0B = _BV(TXEN0); stdout = &uart;
    TCCR1A = 0; TCCR1B = _BV(CS11);   /* Timer1 at clock / 8: up to 524,280 cycles (32 ms) a run */
    uint32_t total = 0; uint16_t n = 0;
    for (int16_t d = 0; d <= CLAMP; d++) {
        for (uint8_t g = 0; g < sizeof grid_deg / sizeof grid_deg[0]; g++) {
            float in1 = 1.0f - 2.0f * d / (float)CLAMP;
            float in2 = ANGLE_EXPR;
            PREPARE
            TCNT1 = 0;
            RUN;
            total += (uint32_t)TCNT1 * TIMER_PRESCALER;
            n++;
        }
    }
    printf("C %lu %u\n", (unsigned long)total, n);
    cli(); sleep_enable(); sleep_cpu();
    return 0;
}
"""

OURS = {
    "decision": ("int8_t decision[NEUROCAR_N_OUTPUTS]; float x[2] = {in1, in2}; "
                 "neurocar_decide_outputs(x, decision); SINK(sink_int8, decision)"),
    "forward": ("float y[NEUROCAR_N_OUTPUTS]; float x[2] = {in1, in2}; neurocar_forward(x, y); "
                "SINK(sink_float, y)"),
}
# The fixed-point rows: inputs encoded by the sketch's integer code before the clock starts.
FIXED_PREPARE = ("int16_t q[2] = {neurocar_encode_distance(d), "
                 "neurocar_encode_angle((int16_t)pgm_read_word(&grid_deg[g]))};")
FIXED = {
    "decision": "int8_t decision[NEUROCAR_N_OUTPUTS]; neurocar_decide_outputs(q, decision); SINK(sink_int8, decision)",
    "forward": "int16_t y[NEUROCAR_N_OUTPUTS]; neurocar_forward(q, y); SINK(sink_int16, y)",
}
FIXED_SINK = "\nvolatile int16_t sink_int16[8];\n"
# The fixed-point rows' own baseline: the Q13 inputs computed and stored, no network runs.
FIXED_EMPTY_RUN = "SINK(sink_int16, q)"
TUTORIAL_RUN = "InputToOutput(in1, in2); SINK(sink_float, Output)"
# The harness alone: the inputs are computed and stored, no network runs.
EMPTY_RUN = "float x[2] = {in1, in2}; SINK(sink_float, x)"


FLAGS = [f"-mmcu={toolchain.MCU}", f"-DF_CPU={toolchain.F_CPU}L", "-std=gnu99", "-Os", "-flto"]


def build_and_time(network_c: str, run: str, profile, tmp: Path, name: str, prepare: str = "") -> dict:
    servo = profile.servo
    angle = (f"(2.0f * (float)((int16_t)pgm_read_word(&grid_deg[g]) - {servo.min_deg}) / "
             f"{servo.max_deg - servo.min_deg}.0f - 1.0f) * {-servo.left_sign}")
    folder = tmp / name
    folder.mkdir()
    (folder / "network.h").write_text(network_c)
    main = (MAIN.replace("NETWORK_INCLUDE", '#include "network.h"')
            .replace("ANGLES", ", ".join(map(str, sweep_angles(servo))))
            .replace("CLAMP", str(profile.control.distance_clamp_cm)).replace("ANGLE_EXPR", angle)
            .replace("RUN", run).replace("PREPARE", prepare))
    (folder / "main.c").write_text(main)
    elf = folder / "bench.elf"
    toolchain.run(["avr-gcc", *FLAGS, f"-I{folder}", folder / "main.c", "-o", elf, "-lm"], f"building {name}")
    flash, ram = toolchain.sizes(elf)
    out = subprocess.run(["simavr", "-m", toolchain.MCU, "-f", str(toolchain.F_CPU), str(elf)],
                         capture_output=True, text=True, timeout=300)
    line = next(l for l in harness._uart_lines(out.stdout + out.stderr) if l.startswith("C "))
    total, n = (int(v) for v in line.split()[1:])
    return {"flash": flash, "ram": ram, "cycles": total / n, "us": total / n * US_PER_CYCLE}
