"""Proof that the firmware behaves like the simulator's controller.

Open loop: the generated C runs in simavr on the ATmega328P's own float arithmetic
(avr-libc's tanh) over the whole discrete input grid (every whole-cm distance from 0
to the clamp times every angle the sweep reaches) and over tick sequences: random ones,
random ones of mostly far readings (short holds, so most of their ticks decide) and
ones recorded from simulator episodes; each is compared with
``simulator.controller.replay`` (float64): outputs within ``FLOAT32_TOLERANCE``, pins,
PWM, hold and servo angle identical on every tick. Decisions whose float64 output sits
within the tolerance of a decoder's edge are counted, since float32 may fall either side.
A brain with memory inputs (``simulator.sweep_memory``) has a grid too big for simavr
(236.7 million points with all three), so simavr runs a seeded sample of it
(``GRID_SAMPLE_POINTS``) and prints each decision's inputs, which must match the Python
tick's (so the memory is compared tick by tick, not only through the outputs); the
host checks the fixed-point decisions over the whole grid (``firmware_export.fixed``).

Closed loop: the same C compiled for the host drives ``Episodes`` in seeded worlds in
place of the Python controller; every episode's metrics must be equal.

Given a ``brain.fixedpoint.FixedPointBrain``, both loops run the fixed-point C against the
Python controller driven by that twin, and its outputs must then be equal, not close.
"""
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from brain.fixedpoint import FixedPointBrain
from brain.fixedpoint import quantise
from brain.i18n import _
from simulator import grids
from simulator.batch import random_specs
from simulator.controller import Controller, decode_pins, input_grid, memory_inputs, replay, sweep_angles, whole_cm
from simulator.episode import Episodes

from firmware_export import harness
from firmware_export.errors import ExportError
from firmware_export.host_controller import HostController
from firmware_export.limits import FLASH_LIMIT, RAM_LIMIT, decision_budget_us
from firmware_export.sketch import header_only
from firmware_export.toolchain import F_CPU

FLOAT32_TOLERANCE = 1e-5        # about 80 float32 steps at 1.0
RANDOM_TICKS = 6_000
FAR_TICKS = 6_000
EPISODE_SECONDS = 30.0
EPISODE_WORLDS = 4
CLOSED_LOOP_WORLDS = 8          # 8 episodes of 60 s: 19,200 ticks driven by the host C
CLOSED_LOOP_SECONDS = 60.0
EDGES = {"round": (0.5, -0.5), "sign": (0.0,), "bit": (0.5, -0.5)}
GRID_SAMPLE_POINTS = 2_000      # of a memory brain's grid, run in simavr
GRID_SAMPLE_SEED = 0


@dataclass
class OpenLoopReport:
    ticks_compared: int
    decisions_compared: int
    grid_points: int
    pin_mismatches: int
    grid_pin_mismatches: int
    state_mismatches: int
    max_output_error: float
    near_edge_decisions: int
    cycles_per_inference: float
    us_per_inference: float
    cycles_per_forward: float
    us_per_forward: float
    decision_budget_us: float = float("inf")
    first_mismatches: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.pin_mismatches == 0 and self.grid_pin_mismatches == 0 and self.state_mismatches == 0
                and self.max_output_error <= FLOAT32_TOLERANCE and self.us_per_inference <= self.decision_budget_us)

    def to_dict(self) -> dict:
        return asdict(self)


def random_sequence(rng: np.random.Generator, ticks: int, clamp: int) -> np.ndarray:
    """Readings in cm: mostly beyond the clamp (so the car decides often), some near,
    some below zero, some with no echo at all."""
    d = np.where(rng.random(ticks) < 0.6, rng.uniform(clamp, 2 * clamp, ticks), rng.uniform(-2, clamp + 1, ticks))
    d[rng.random(ticks) < 0.05] = np.inf
    return d


def far_sequence(rng: np.random.Generator, ticks: int, clamp: int) -> np.ndarray:
    """Readings that keep holds short, so that most ticks decide: a hold lasts longer the
    nearer the reading it was decided at, one tick at the clamp. Half are beyond the
    clamp, most others a few cm inside it (exponential, mean clamp / 20), 2 % anywhere
    (the long holds) and 5 % with no echo."""
    d = np.where(rng.random(ticks) < 0.5, rng.uniform(clamp, 2 * clamp, ticks),
                 clamp - rng.exponential(clamp / 20, ticks))
    anywhere = rng.random(ticks) < 0.02
    d[anywhere] = rng.uniform(-2, clamp + 1, int(anywhere.sum()))
    d[rng.random(ticks) < 0.05] = np.inf
    return d


def episode_sequences(profile, brain, seed: int, worlds: int = EPISODE_WORLDS,
                      seconds: float = EPISODE_SECONDS) -> list[np.ndarray]:
    """The echo readings of simulator episodes in seeded random worlds, one per tick."""
    ep = Episodes(random_specs(worlds, seed), profile, brain, record=True)
    ep.run(seconds)
    return [ep.trajectory(i)["echo_cm"] for i in range(worlds)]


def simavr_grid(profile, brain):
    """The grid simavr runs: (angles, None, inputs) for the whole 2-input grid (the
    harness walks every reading at each angle), or (each point's angle, its whole-cm
    values, inputs) for a seeded sample of a memory brain's grid."""
    memory = memory_inputs(brain)
    if not memory:
        return sweep_angles(profile.servo), None, input_grid(profile)[2]
    cm, angles, x = grids.sample(profile, len(memory), GRID_SAMPLE_POINTS, GRID_SAMPLE_SEED)
    return angles, cm, x


def reference_grid(profile, brain):
    """The Python controller's outputs and pins on the grid simavr runs."""
    x = simavr_grid(profile, brain)[2]
    outputs = np.atleast_2d(brain.forward(x))
    pins, _ = decode_pins(outputs, brain, profile)
    return outputs, pins


def readings_for_c(distances, clamp: int) -> np.ndarray:
    d = np.asarray(distances, dtype=float)
    return np.where(np.isfinite(d), whole_cm(d, clamp), harness.NO_ECHO)


def open_loop(brain, profile, sequences, build_dir=None) -> OpenLoopReport:
    """Run the grid and the sequences in simavr and compare with the Python tick."""
    harness.require_simavr()
    angles, cm, _ = simavr_grid(profile, brain)
    clamp = profile.control.distance_clamp_cm
    # A sample's points take flash beside the readings: it runs once, in the first run.
    sampled = cm is not None
    chunks = _chunks(sequences, harness.MAX_TICKS_PER_RUN, harness.MAX_TICKS_PER_RUN - cm.size - len(angles)
                     if sampled else None)
    counts = _Counts()
    grid_out, grid_pins = reference_grid(profile, brain)
    with tempfile.TemporaryDirectory(prefix="neurocar-verify-") as tmp:
        for k, chunk in enumerate(chunks):
            readings = np.concatenate([readings_for_c(s, clamp) for s in chunk])
            starts = np.cumsum([0] + [len(s) for s in chunk[:-1]])
            grid = (angles, cm) if k == 0 or not sampled else (angles[:0], cm[:0])
            elf = harness.build(header_only(brain, profile), harness.data_header(grid[0], readings, starts, grid[1]),
                                Path(build_dir or tmp) / f"run{k}")
            result = harness.run(elf, len(profile.motors.pin_order), brain.network.n_outputs,
                                 fixed=isinstance(brain, FixedPointBrain))
            _check_complete(result, len(readings), len(grid_pins) if k == 0 or not sampled else 0)
            if k == 0:
                counts.add_grid(result, grid_out, grid_pins, brain)
            counts.add_ticks(result, [replay(profile, brain, s) for s in chunk], brain)
    return counts.report(len(grid_pins), decision_budget_us(profile))


def _check_complete(result, ticks: int, grid_points: int) -> None:
    """Every tick and grid point printed once: a lost or extra line would shift every
    comparison after it."""
    got = (len(result.tick_pins), len(result.grid_pins))
    if got != (ticks, grid_points):
        raise ExportError(_("the simavr harness printed {got} ticks and {got2} grid points, "
                          "expected {ticks} and {grid_points}").format(
                              got=got[0], got2=got[1], ticks=ticks, grid_points=grid_points))


def _chunks(sequences, limit: int, first: int | None = None) -> list[list]:
    """The sequences in runs of at most ``limit`` ticks (``first`` for the first run);
    a sequence cut in two goes on from a reset, as a sequence of its own."""
    if first is not None:
        head, tail, room = [], [], first
        for seq in sequences:
            if room > 0:
                head.append(seq[:room])
            tail += [seq[room:]] if len(seq) > room else []
            room -= min(room, len(seq))
        return [head] + _chunks(tail, limit)
    chunks, current, size = [], [], 0
    for seq in sequences:
        for start in range(0, len(seq), limit):
            part = seq[start:start + limit]
            if size + len(part) > limit and current:
                chunks.append(current)
                current, size = [], 0
            current.append(part)
            size += len(part)
    return chunks + ([current] if current else [])


class _Counts:
    """Running totals of one open-loop verification."""

    def __init__(self):
        self.ticks = self.decisions = self.pin_mismatches = self.grid_mismatches = 0
        self.state_mismatches = self.near_edges = 0
        self.max_error = 0.0
        self.cycles = (0.0, 0.0)
        self.examples = []

    def add_grid(self, result, outputs, pins, brain):
        self.grid_mismatches = int((result.grid_pins != pins).any(axis=1).sum())
        self.max_error = max(self.max_error, float(np.abs(result.grid_outputs - outputs).max()))
        self.near_edges += int(_near_edges(outputs, brain.decoders).sum())
        self.cycles = (result.forward_cycles, result.decide_cycles)

    def add_ticks(self, result, records_per_sequence, brain):
        records = [r for seq in records_per_sequence for r in seq]
        self.state_mismatches += _input_mismatches(result.tick_inputs, records, isinstance(brain, FixedPointBrain))
        for i, rec in enumerate(records):
            if tuple(result.tick_pins[i]) != rec.pins:
                self.pin_mismatches += 1
                if len(self.examples) < 5:
                    self.examples.append({"tick": self.ticks + i, "python": rec.pins,
                                          "firmware": tuple(int(v) for v in result.tick_pins[i])})
            if (result.tick_pwm[i], result.tick_hold[i], result.tick_servo[i]) != (rec.pwm, rec.hold, rec.servo_deg):
                self.state_mismatches += 1
            if rec.decided:
                out = result.tick_outputs.get(i)
                if out is None:
                    self.state_mismatches += 1
                    continue
                self.decisions += 1
                ref = np.array(rec.outputs)
                self.max_error = max(self.max_error, float(np.abs(out - ref).max()))
                self.near_edges += int(_near_edges(ref[None, :], brain.decoders).sum())
        self.ticks += len(records)

    def report(self, grid_points: int, budget_us: float) -> OpenLoopReport:
        fwd, dec = self.cycles
        us = 1e6 / F_CPU
        return OpenLoopReport(self.ticks, self.decisions, grid_points, self.pin_mismatches, self.grid_mismatches,
                              self.state_mismatches, self.max_error, self.near_edges, round(dec, 1),
                              round(dec * us, 1), round(fwd, 1), round(fwd * us, 1), round(budget_us, 1),
                              self.examples)


def _input_mismatches(tick_inputs: dict, records, fixed: bool) -> int:
    """Decisions whose inputs (printed by a memory brain's harness) differ from the Python
    tick's: Q13 integers equal in fixed point, float32 within the tolerance."""
    wrong = 0
    for i, got in tick_inputs.items():
        want = np.array(records[i].inputs)
        wrong += bool((quantise(got) != quantise(want)).any() if fixed else
                      (np.abs(got - want) > FLOAT32_TOLERANCE).any())
    return wrong


def _near_edges(outputs, decoders) -> np.ndarray:
    """Rows where some output lies within the tolerance of its decoder's edge."""
    near = np.zeros(len(outputs), dtype=bool)
    for k, dec in enumerate(decoders):
        for edge in EDGES[dec]:
            near |= np.abs(np.abs(outputs[:, k]) - abs(edge)) <= FLOAT32_TOLERANCE if dec == "bit" else \
                np.abs(outputs[:, k] - edge) <= FLOAT32_TOLERANCE
    return near


@dataclass
class ClosedLoopReport:
    episodes: int
    seconds: float
    ticks_compared: int
    tick_mismatches: int     # ticks where the pose, servo, reading, pins or PWM differ
    metrics_equal: bool
    python: list
    firmware: list

    @property
    def ok(self) -> bool:
        return self.metrics_equal and self.tick_mismatches == 0


TRAJECTORY_KEYS = ("x_cm", "y_cm", "heading_deg", "servo_deg", "reading_cm", "pins", "pwm")


def closed_loop(brain, profile, seed: int = 0, worlds: int = CLOSED_LOOP_WORLDS,
                seconds: float = CLOSED_LOOP_SECONDS) -> ClosedLoopReport:
    """The same seeded episodes driven by the Python tick and by the host-compiled C:
    every tick's pose, servo angle, reading, pins and PWM, and every episode's metrics,
    must be equal."""
    rows, runs = [], []
    for controller in (Controller, HostController):
        ep = Episodes(random_specs(worlds, seed), profile, brain, controller=controller, record=True)
        ep.run(seconds)
        rows.append([m.to_dict() for m in ep.results()])
        runs.append([ep.trajectory(i) for i in range(worlds)])
    ticks = sum(len(t["pins"]) for t in runs[0])
    return ClosedLoopReport(worlds, seconds, ticks, sum(map(_tick_mismatches, *runs)), rows[0] == rows[1],
                            rows[0], rows[1])


def _tick_mismatches(python: dict, firmware: dict) -> int:
    differ = np.zeros(len(python["pins"]), dtype=bool)
    for key in TRAJECTORY_KEYS:
        a, b = python[key], firmware[key]
        differ |= (a != b).reshape(len(differ), -1).any(axis=1)
    return int(differ.sum())


def json_report(build, open_report: OpenLoopReport | None, closed: ClosedLoopReport | None) -> dict:
    """The --json report: sizes against the Uno's limits, then the verification figures."""
    out = {"flash_bytes": build.flash_bytes if build else None, "ram_bytes": build.ram_bytes if build else None,
           "flash_limit": FLASH_LIMIT, "ram_limit": RAM_LIMIT}
    keys = ("ticks_compared", "pin_mismatches", "max_output_error", "cycles_per_inference", "us_per_inference")
    src = open_report.to_dict() if open_report else {}
    out |= {k: src.get(k) for k in keys}
    if open_report:
        out |= {k: v for k, v in src.items() if k not in keys}
    if closed:
        out["closed_loop"] = asdict(closed)
    return out
