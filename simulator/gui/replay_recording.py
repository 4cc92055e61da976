"""A simulator recording (``simulator.recording``) as ``neurocar replay`` shows it, worked
out once, without pygame: its ticks in the telemetry log's terms (so the decision card
and the timeline read them as they read a real car's), where the car was on each, the
trail, the collisions, and the metrics as they stood at the end of each tick, the last
equal to the eval row's.

Tick k of the recording is the state at the end of control tick k + 1: its number and
its slot on the timeline are k + 1 (slot 0 is the start, before any tick), its time
(k + 1) x tick. A recording has no lost ticks and no garbled lines.
"""
import math
from dataclasses import dataclass

import numpy as np

from firmware_export.telemetry_format import Header, Tick, profile_hash
from simulator.gui.replay_model import ReplayRun, action_name
from simulator.recording import metric_series

FIXED_POINT_CONTROLLERS = ("FixedPointController", "FixedPointHostController", "FixedPointAvrController")
TRAIL_POINTS = 4000              # the trail drawn is thinned to about this many points


@dataclass
class Track:
    """Where the car was on each tick and what it sensed there, as arrays over the ticks."""
    x: np.ndarray
    y: np.ndarray
    heading: np.ndarray          # radians
    beam_x: np.ndarray           # the servo axis (the echo is measured from it)
    beam_y: np.ndarray
    beam_axis: np.ndarray        # radians: where the sensor pointed at the tick's end
    pinged: np.ndarray           # bool: a reading was taken this tick
    echo_cm: np.ndarray          # that reading's echo (inf: none)
    touching: np.ndarray
    collided: np.ndarray         # the ticks on which a contact began, ascending
    start: tuple                 # (x, y, heading rad) before the first tick


def track_of(rec) -> Track:
    t, profile = rec.ticks, rec.profile
    mount = (rec.meta.get("car") or {}).get("mount_forward_cm", profile.sensor.mount_forward_cm)
    heading = t["heading_rad"]
    axis = heading + profile.servo.left_sign * np.radians(t["servo_actual_deg"] - 90.0)
    before = np.concatenate([[0], t["collisions"][:-1]]).astype(np.int64)
    return Track(t["x_cm"], t["y_cm"], heading, t["x_cm"] + mount * np.cos(heading),
                t["y_cm"] + mount * np.sin(heading), axis, t["reading_cm"] >= 0, t["echo_cm"], t["touching"],
                np.flatnonzero(t["collisions"].astype(np.int64) > before), tuple(rec.meta["start"]))


def ticks_of(rec) -> list[Tick]:
    """Each recorded tick as a telemetry Tick: it decided when no action was held before
    it; its reading is the echo it pinged (inf: none), None when it did not ping."""
    t = rec.ticks
    held_before = np.concatenate([[0], t["hold"][:-1]])
    return [Tick(k + 1, int(t["servo_deg"][k]), bool(held_before[k] == 0),
                 float(t["echo_cm"][k]) if t["reading_cm"][k] >= 0 else None, (), int(t["hold"][k]),
                 tuple(int(p) for p in t["pins"][k]), int(t["pwm"][k])) for k in range(rec.n_ticks)]


def header_of(rec) -> Header:
    """The header the sketch of this brain and profile would log."""
    brain, profile = rec.brain(), rec.profile
    arithmetic = "fixed" if rec.meta.get("controller") in FIXED_POINT_CONTROLLERS else "float"
    return Header(rec.meta["brain_sha256"], profile_hash(profile), rec.meta.get("neurocar", "?"), arithmetic,
                  tuple(brain.input_names), tuple(profile.motors.pin_order))


@dataclass
class RecordedRun(ReplayRun):
    """A ReplayRun with a pose per tick: the recording, its track and its metrics."""
    recording: object = None
    track: Track = None
    metrics: list = None         # per tick: the metrics at its end (simulator.recording.metric_series)

    def time_s(self, index: int) -> float:
        return self.slots[index] * self.tick_s

    def trail(self, index: int) -> list[tuple[float, float]]:
        """The path from the start to tick ``index``, thinned to about TRAIL_POINTS."""
        p = self.track
        every = max(1, math.ceil((index + 1) / TRAIL_POINTS))
        picked = list(range(0, index + 1, every))
        if picked[-1] != index:
            picked.append(index)
        return [p.start[:2]] + list(zip(p.x[picked].tolist(), p.y[picked].tolist()))

    def collisions_until(self, index: int) -> list[tuple[float, float]]:
        """Where the car was on each tick up to ``index`` on which a contact began."""
        p = self.track
        ks = p.collided[p.collided <= index]
        return list(zip(p.x[ks].tolist(), p.y[ks].tolist()))

    def echoes(self, index: int, count: int) -> list[tuple[float, float, float]]:
        """(x, y, age 0..1) of the last ``count`` echoes up to tick ``index``, oldest first."""
        p = self.track
        ks = np.flatnonzero(p.pinged[:index + 1] & np.isfinite(p.echo_cm[:index + 1]))[-count:]
        return [(float(p.beam_x[k] + p.echo_cm[k] * math.cos(p.beam_axis[k])),
                 float(p.beam_y[k] + p.echo_cm[k] * math.sin(p.beam_axis[k])), (len(ks) - 1 - j) / count)
                for j, k in enumerate(ks.tolist())]


def run_from_recording(rec, name: str) -> RecordedRun:
    """The replay of a recording."""
    ticks = ticks_of(rec)
    header = header_of(rec)
    actions = [action_name(rec.profile, header, t.pins) for t in ticks]
    return RecordedRun("recording", name, ticks, [t.tick for t in ticks], actions, header, 0, 0, 0, rec.profile,
                       [], True, recording=rec, track=track_of(rec), metrics=metric_series(rec))
