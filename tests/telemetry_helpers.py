"""Telemetry logs written in Python from the controller's replays (a plain module, not a
test module, so tests need not import each other): what a sketch exported with
``--telemetry`` logs for the same readings."""
import dataclasses

import numpy as np

from brain import Network
from brain.brainfile import Brain
from brain.fixedpoint import to_fixed_point

from firmware_export.telemetry import expected_ticks
from firmware_export.telemetry_format import Header, Tick, format_header, format_tick, parse_line, profile_hash

MEMORY_NAMES = ["distance", "position", "left_nearest", "right_nearest", "previous"]


def memory_brain(names=MEMORY_NAMES, seed=1) -> Brain:
    return Brain(Network.create([len(names), 4, 2], "tanh", seed=seed), list(names), ["turn", "direction"],
                 ["round", "sign"])


def header_for(brain, profile, arithmetic="float") -> Header:
    return Header(brain.sha256(), profile_hash(profile), "test", arithmetic, tuple(brain.input_names),
                  tuple(profile.motors.pin_order))


def telemetry_ticks(profile, brain, readings, arithmetic="float") -> list[Tick]:
    """The ticks a telemetry sketch logs while reading ``readings`` (cm, np.inf: no echo),
    float or fixed point: the Python controller's ``replay`` as ``firmware_export.telemetry``
    says the car must print it."""
    return expected_ticks(profile, to_fixed_point(brain) if arithmetic == "fixed" else brain, readings)


def log_lines(profile, brain, readings, arithmetic="float", header_every=200) -> list[str]:
    """The log's lines (CR LF endings): a header every ``header_every`` ticks, then ticks."""
    header = format_header(header_for(brain, profile, arithmetic))
    lines = []
    for t in telemetry_ticks(profile, brain, readings, arithmetic):
        if t.tick % header_every == 0:
            lines.append(header + "\r\n")
        lines.append(format_tick(t) + "\r\n")
    return lines


def random_readings(seed, ticks=3000, clamp=50) -> np.ndarray:
    """Seeded readings: mostly far or a little inside the clamp (short holds, so many
    decisions), a few anywhere (long holds), some with no echo."""
    rng = np.random.default_rng(seed)
    d = np.where(rng.random(ticks) < 0.5, rng.uniform(clamp, 90, ticks), rng.uniform(0.7 * clamp, clamp, ticks))
    anywhere = rng.random(ticks) < 0.05
    d[anywhere] = rng.uniform(-1, clamp, int(anywhere.sum()))
    d[rng.random(ticks) < 0.05] = np.inf
    return d


def retold(line: str, **change) -> str:
    """A tick line with fields changed and sealed again, as a sketch that decided otherwise
    would have logged it."""
    return format_tick(dataclasses.replace(parse_line(line), **change)) + "\r\n"
