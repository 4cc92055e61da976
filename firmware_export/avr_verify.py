"""The whole-sketch loop of ``neurocar export --verify``: the exported sketch itself, in
simavr, drives seeded episodes (``firmware_export.avr_loop``), and the same episodes run
with the Python controller.

- Given the reading each emulated Uno measured, every tick's servo angle, ping, pins,
  PWM and hold must equal the Python controller's (``decision_mismatches``), and each
  servo pulse must decode to the commanded angle.
- Its readings may differ from the simulator's (the whole cm of the distance the echo
  was made from) by at most 1 cm: ``pulseIn`` counts loop turns, and the timer
  interrupts that land during the echo lengthen them unseen, so a distance just past a
  whole cm can read one less. How often and by how much is reported.
- Up to an episode's first reading that differed, every tick's pose, servo angle,
  reading, pins and PWM must equal the Python run's.
- The same episodes run again in Python, the controller given the Uno's reading on each
  tick it read (``GivenReadings``): every tick of every episode, and every episode's
  metrics, must equal the Uno-driven run's.
- No tick may run late, and the longest tick's work (from its start to ``drive()``'s
  return, the echo wait included) is reported against the tick.
"""
from dataclasses import asdict, dataclass

import numpy as np

from brain.i18n import _
from simulator.batch import random_specs
from simulator.controller import Controller, whole_cm
from simulator.episode import Episodes

from firmware_export.avr_loop import AvrController
from firmware_export.verify import TRAJECTORY_KEYS, ClosedLoopReport

WORLDS = 2
SECONDS = 15.0      # 1,200 ticks of the real sketch: about a minute at this machine's emulation speed


@dataclass
class WholeSketchReport:
    episodes: int
    seconds: float
    ticks: int
    pings: int
    readings_differing: int
    readings_beyond_1cm: int
    max_reading_difference_cm: int
    decision_mismatches: int
    servo_pulse_mismatches: int
    max_servo_pulse_error_us: float
    late_ticks: int
    max_work_us: float
    tick_us: float
    ticks_before_first_difference: int    # in all episodes: these ticks must be equal
    tick_mismatches: int
    episodes_compared: int      # all of them, with the Python run given the Uno's readings
    given_readings_tick_mismatches: int   # its ticks that differ: none may
    metrics_mismatches: int     # its episodes whose metrics differ: none may
    emulated_s_per_wall_s: float

    @property
    def ok(self) -> bool:
        return not (self.decision_mismatches or self.readings_beyond_1cm or self.servo_pulse_mismatches
                    or self.late_ticks or self.tick_mismatches or self.given_readings_tick_mismatches
                    or self.metrics_mismatches)

    def line(self) -> str:
        share = 100 * self.readings_differing / max(self.pings, 1)
        metrics = _("identical") if not self.metrics_mismatches else _("DIFFERENT")
        return _("whole sketch (simavr, Arduino core and all): {episodes} episodes of {seconds:g} s, {ticks:,} ticks, "
                 "{pings:,} readings; decisions differing given the Uno's readings {decisions}, servo pulses off "
                 "{pulses} (at most {pulse_error:g} us from the angle's); readings differing from the simulator's "
                 "{differing} ({share:.1f} %, at most {most} cm, {beyond} beyond 1 cm); before each episode's first: "
                 "{before:,} ticks, {tick_mismatches} differ from the Python run's; given the Uno's readings, the "
                 "Python run's ticks differing {given} and its metrics of the {compared} episodes {metrics}; "
                 "longest tick {longest:,.0f} us of {tick_us:,.0f}, late ticks "
                 "{late}; emulated at {speed:.1f} s per wall second (all Unos together)").format(
            episodes=self.episodes, seconds=self.seconds, ticks=self.ticks, pings=self.pings,
            decisions=self.decision_mismatches, pulses=self.servo_pulse_mismatches,
            pulse_error=self.max_servo_pulse_error_us, differing=self.readings_differing, share=share,
            most=self.max_reading_difference_cm, beyond=self.readings_beyond_1cm,
            before=self.ticks_before_first_difference, tick_mismatches=self.tick_mismatches,
            given=self.given_readings_tick_mismatches, compared=self.episodes_compared, metrics=metrics,
            longest=self.max_work_us, tick_us=self.tick_us,
            late=self.late_ticks, speed=self.emulated_s_per_wall_s)


@dataclass
class ClosedLoopsReport(ClosedLoopReport):
    """The host-C closed loop with the whole sketch's beside it."""
    whole_sketch: WholeSketchReport = None

    @property
    def ok(self) -> bool:
        return ClosedLoopReport.ok.fget(self) and self.whole_sketch.ok


def with_whole_sketch(closed: ClosedLoopReport, whole: WholeSketchReport) -> ClosedLoopsReport:
    return ClosedLoopsReport(**{k: v for k, v in asdict(closed).items()}, whole_sketch=whole)


def whole_sketch_loop(brain, profile, seed: int = 0, worlds: int = WORLDS, seconds: float = SECONDS,
                      cache_dir=None, telemetry=None) -> WholeSketchReport:
    """Seeded episodes driven by the emulated Unos and by the Python controller
    (``telemetry``: the log's header, to run the sketch of ``export --telemetry``)."""
    specs = random_specs(worlds, seed)
    uno = Episodes(specs, profile, brain, record=True,
                   controller=lambda p, b, n: AvrController(p, b, n, cache_dir, telemetry))
    try:
        uno.run(seconds)
    finally:
        uno.controller.close()
    python = Episodes(specs, profile, brain, controller=Controller, record=True)
    python.run(seconds)
    readings = np.stack([uno.trajectory(i)["reading_cm"] for i in range(worlds)])
    given = Episodes(specs, profile, brain, record=True,
                     controller=lambda p, b, n: GivenReadings(p, b, n, readings))
    given.run(seconds)
    ticks, differ, given_differ = 0, 0, 0
    for i in range(worlds):
        first = first_difference(uno.trajectory(i), profile)
        ticks += first
        differ += tick_mismatches(uno.trajectory(i), python.trajectory(i), first)
        given_differ += tick_mismatches(uno.trajectory(i), given.trajectory(i), len(readings[i]))
    return summarise(uno.controller, (ticks, differ, given_differ), [m.to_dict() for m in uno.results()],
                     [m.to_dict() for m in given.results()], seconds, profile)


class GivenReadings(Controller):
    """The Python controller, but on each tick a car reads it takes the reading its
    emulated Uno measured (``readings``: cars x ticks, -1 where it did not read)."""

    def __init__(self, profile, brain, n: int, readings):
        super().__init__(profile, brain, n)
        self.readings, self.ticks = readings, 0

    def decide(self, distances_cm) -> np.ndarray:
        uno = self.readings[:, self.ticks].astype(float)
        self.ticks += 1
        return super().decide(np.where(uno >= 0, uno, np.asarray(distances_cm, dtype=float)))


def first_difference(run: dict, profile) -> int:
    """The first tick whose reading differs from the simulator's (the run's length if none)."""
    read = run["reading_cm"] >= 0
    sim = whole_cm(run["echo_cm"], profile.control.distance_clamp_cm)
    wrong = np.flatnonzero(read & (run["reading_cm"] != sim))
    return int(wrong[0]) if len(wrong) else len(read)


def tick_mismatches(a: dict, b: dict, ticks: int) -> int:
    """Ticks among the first ``ticks`` whose pose, servo, reading, pins or PWM differ."""
    differ = np.zeros(ticks, dtype=bool)
    for key in TRAJECTORY_KEYS:
        differ |= (a[key][:ticks] != b[key][:ticks]).reshape(ticks, -1).any(axis=1)
    return int(differ.sum())


def summarise(controller: AvrController, prefix, uno_rows, given_rows, seconds: float, profile) -> WholeSketchReport:
    figures = [controller.figures(i) for i in range(controller.n)]
    total = {k: sum(f[k] for f in figures) for k in ("ticks", "pings", "readings_differing", "readings_beyond_1cm",
                                                      "decision_mismatches", "servo_pulse_mismatches", "late_ticks")}
    return WholeSketchReport(
        controller.n, seconds, **total,
        max_reading_difference_cm=max(f["max_reading_difference_cm"] for f in figures),
        max_work_us=max(f["max_work_us"] for f in figures),
        max_servo_pulse_error_us=max(f["max_servo_pulse_error_us"] for f in figures),
        tick_us=profile.control.tick_s * 1e6,
        ticks_before_first_difference=prefix[0], tick_mismatches=prefix[1], episodes_compared=len(uno_rows),
        given_readings_tick_mismatches=prefix[2], metrics_mismatches=sum(a != b for a, b in zip(uno_rows, given_rows)),
        emulated_s_per_wall_s=round(controller.emulated_s / max(controller.wall_s, 1e-9), 2))


class UnoTotals:
    """The whole-sketch figures of ``neurocar eval --controller avr``'s rows (each row's
    ``uno``), summed over the episodes, or the largest where a figure is a maximum."""
    LARGEST = ("max_reading_difference_cm", "max_work_cycles", "max_work_us", "max_servo_pulse_error_cycles",
               "max_servo_pulse_error_us")

    def __init__(self):
        self.totals = None

    def add(self, row: dict) -> None:
        figures = row.get("uno")
        if figures is None:
            return
        if self.totals is None:
            self.totals = dict.fromkeys(figures, 0)
        for key, value in figures.items():
            self.totals[key] = max(self.totals[key], value) if key in self.LARGEST else self.totals[key] + value

    def summary(self, wall_seconds: float) -> dict | None:
        if self.totals is None:
            return None
        return {**self.totals, "emulated_s_per_wall_s": round(self.totals["emulated_s"] / max(wall_seconds, 1e-9), 2),
                "ok": not (self.totals["decision_mismatches"] or self.totals["readings_beyond_1cm"]
                           or self.totals["servo_pulse_mismatches"] or self.totals["late_ticks"])}


def uno_line(s: dict) -> str:
    """eval's line for the emulated Unos."""
    share = 100 * s["readings_differing"] / max(s["pings"], 1)
    label = _("emulated Unos")                  # padded as eval's totals are
    return f"{label:<21} " + _(
        "{ticks:,} ticks, {pings:,} readings; decisions differing given the Uno's readings {decisions}, servo pulses "
        "off {pulses} (at most {pulse_error:g} us from the angle's), late ticks {late}; readings differing from the "
        "simulator's {differing} ({share:.1f} %, at most {most} cm, {beyond} beyond 1 cm); longest tick "
        "{longest:,.0f} us; {speed:.1f} emulated s per wall second").format(
        ticks=s["ticks"], pings=s["pings"], decisions=s["decision_mismatches"], pulses=s["servo_pulse_mismatches"],
        pulse_error=s["max_servo_pulse_error_us"], late=s["late_ticks"], differing=s["readings_differing"],
        share=share, most=s["max_reading_difference_cm"], beyond=s["readings_beyond_1cm"], longest=s["max_work_us"],
        speed=s["emulated_s_per_wall_s"])
