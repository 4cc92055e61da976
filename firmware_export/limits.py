"""The Arduino Uno's memory and time, and the room a sketch must leave in them.

The estimate runs before anything is written; ``--check`` then measures the real
sizes with avr-size and ``--verify`` the real time per decision in simavr, and both
are held to the same limits.
"""
from firmware_export.errors import ExportError
from firmware_export.toolchain import F_CPU
from brain.i18n import _

FLASH_LIMIT = 32_256     # bytes of flash usable beside the Uno's bootloader
RAM_LIMIT = 2_048        # bytes of SRAM
FLASH_SHARE = 0.90       # keep 10 % of flash free for changes to the sketch
RAM_SHARE = 0.75         # keep a quarter of RAM for the stack (loop, ISR, libm)
TICK_SHARE = 0.80        # of the tick left after the echo wait: the rest for the ISRs, pins, servo
# Measured for the generated sketch with no weights (core, tick, servo, libm tanh), with
# headroom; the per-weight and per-buffer costs are exact (4-byte floats).
SKETCH_FLASH_BASE = 5_200
SKETCH_RAM_BASE = 120
# Cycles per decision on the ATmega328P, measured in simavr (tests/bench/bench_firmware.py)
# and rounded up: a weight's multiply-add read from flash costs 240 at most, avr-libc's
# tanh 1,800-2,800 depending on its argument, sigmoid's (a tanh inside) about the same.
CYCLES_BASE = 2_000
CYCLES_PER_WEIGHT = 300
CYCLES_PER_ACTIVATION = {"tanh": 3_000, "sigmoid": 3_000, "relu": 100, "linear": 0}
ECHO_START_US = 1_000    # the HC-SR04 raises its echo about 0.5 ms after the trigger


def echo_timeout_us(profile) -> int:
    """Long enough for an echo from just past the clamp distance plus the sensor's
    start-up; anything farther reads as the clamp anyway, so waiting longer (pulseIn's
    default is a second) would only stall the tick."""
    return (profile.control.distance_clamp_cm + 1) * profile.sensor.us_per_cm + ECHO_START_US


def decision_budget_us(profile) -> float:
    """Time a decision may take: a share of the tick left after the longest echo wait."""
    return TICK_SHARE * (profile.control.tick_s * 1e6 - echo_timeout_us(profile))


def estimate(network) -> tuple[int, int, float]:
    """(flash bytes, RAM bytes, microseconds per decision) the sketch will need: weights
    in flash; one buffer per hidden layer in use (two at most, used in turn) in RAM;
    every weight's multiply-add and every hidden neuron's activation in time (the
    output layer's activation is never computed for a decision)."""
    weights = sum(layer.weights.size + (layer.n_out if layer.has_bias else 0) for layer in network.layers)
    hidden = [layer.n_out for layer in network.layers[:-1]]
    buffers = min(len(hidden), 2) * max(hidden, default=0)
    cycles = (CYCLES_BASE + CYCLES_PER_WEIGHT * weights
              + sum(CYCLES_PER_ACTIVATION[layer.activation.name] * layer.n_out for layer in network.layers[:-1]))
    return SKETCH_FLASH_BASE + 4 * weights, SKETCH_RAM_BASE + 4 * buffers, cycles * 1e6 / F_CPU


def check_fits(network, profile) -> None:
    """Refuse, before anything is written, a brain the Uno cannot hold or run in a tick."""
    tick_ms = profile.control.tick_s * 1000
    if abs(tick_ms - round(tick_ms)) > 1e-9:
        raise ExportError(_("{source}: control.tick_s = {tick_s} is not a whole number of "
                          "milliseconds, and the sketch's tick counts millis(); use for example 0.025").format(
                              source=profile.source, tick_s=profile.control.tick_s))
    flash, ram, us = estimate(network)
    check_sizes(flash, ram, "needs about")
    check_time(us, profile, "needs about")


def check_sizes(flash: int, ram: int, verb: str = "uses") -> None:
    """Refuse a sketch that leaves the Uno too little room, naming the figures."""
    if flash > FLASH_SHARE * FLASH_LIMIT:
        raise ExportError(_("the sketch {verb} {flash:,} bytes of flash; the Uno has {FLASH_LIMIT:,} and the "
                          "export keeps {share} free: use fewer or smaller hidden layers").format(
                verb=verb, flash=flash, FLASH_LIMIT=FLASH_LIMIT, share=f"{100 - round(100 * FLASH_SHARE)} %"))
    if ram > RAM_SHARE * RAM_LIMIT:
        raise ExportError(_("the sketch {verb} {ram:,} bytes of RAM; the Uno has {RAM_LIMIT:,} and the export "
                          "keeps {share} for the stack: use narrower layers").format(
                verb=verb, ram=ram, RAM_LIMIT=RAM_LIMIT, share=f"{100 - round(100 * RAM_SHARE)} %"))


def check_time(us: float, profile, verb: str = "takes") -> None:
    """Refuse a decision too slow for the control tick, naming the figures."""
    budget = decision_budget_us(profile)
    if us > budget:
        raise ExportError(_("a decision {verb} {value:,.1f} ms on the 16 MHz Uno; the tick is "
                          "{value2:g} ms and the echo wait up to "
                          "{value3:.1f} ms, which leaves {value4:.1f} ms: "
                          "use fewer or narrower hidden layers, or relu").format(
                verb=verb, value=us / 1000, value2=profile.control.tick_s * 1000,
                value3=echo_timeout_us(profile) / 1000, value4=budget / 1000))
