"""Recordings: one episode's ticks, with all it takes to look at it again and to measure it
again, exactly.

    job = replace(job, record=True)                   # rows carry their ticks (batch_job.RECORDED)
    for row, rec in record_rows(runner, job, specs):  # each row as eval reports it, and its Recording
        save_recording(folder / recording_name(row["episode"]), rec)
    rec = load_recording("runs/episode-000003.npz")
    recompute_metrics(rec)                            # == that episode's metrics in eval's row

The file (format 1) is a numpy ``.npz``: a zip of ``.npy`` arrays, deflated, read with
``allow_pickle=False``; one file per episode, ``episode-NNNNNN.npz`` after its index.

- ``meta``: UTF-8 JSON as a uint8 array: ``format`` ("neurocar-recording"),
  ``format_version`` (1), ``neurocar`` (the version that wrote it), ``episode``,
  ``world_name``, ``seed`` (the sensor's), ``model`` ("ideal" or "measured"), ``car`` (the
  car drawn under ``--randomize``, else null), ``randomized``, ``sensor_options``,
  ``controller``, ``seconds``, ``tick_s``, ``brain`` (the brain file's JSON) and
  ``brain_sha256``, ``profile_toml`` (the profile's text) and ``profile_source``,
  ``world`` (the world file's JSON), ``start`` ([x_cm, y_cm, heading_rad] where the car
  and its metrics began) and ``row`` (the episode's row as eval reported it).
- one array per tick (T ticks), the state at the tick's end: ``x_cm``, ``y_cm``,
  ``heading_rad`` (float64, as the physics gave them: the metrics are measured again from
  these), ``servo_deg`` (int16, commanded), ``servo_actual_deg`` (float64, where the
  sensor pointed), ``echo_cm`` (float64, the last echo, inf: none), ``reading_cm`` (int16,
  the whole-cm reading taken this tick, -1: none), ``pins`` (uint8, T x motor pins in
  the profile's ``pin_order``), ``pwm`` (uint8), ``hold`` (int32, ticks left before the
  next decision), ``touching`` and ``motors_on`` (bool), ``collisions`` (uint32, the
  contacts begun so far: pymunk's, which the poses alone cannot tell).

A file that is not such a recording raises ``RecordingError`` in one line.
"""
import io
import json
import os
import re
import shutil
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_bytes
from brain.brainfile import brain_from_dict
from brain.errors import NeurocarError
from brain.fileio import read_text
from brain.i18n import N_, _
from simulator.batch_job import RECORDED
from simulator.metrics import MetricsRecorder
from simulator.profile import ProfileError, profile_from_dict
from simulator.sensor import Geometry
from simulator.world import world_from_dict

FORMAT, FORMAT_VERSION = "neurocar-recording", 1
SUFFIX = ".npz"
RECORDING_FILE = re.compile(r"episode-([0-9]{6,})\.npz")
ACCEPTED = N_("a recording written by 'neurocar eval --record'")        # shown through _()
# name -> dtype of the per-tick arrays; the first three are float64 so that the metrics come out exactly
TICK_ARRAYS = {"x_cm": np.float64, "y_cm": np.float64, "heading_rad": np.float64, "servo_deg": np.int16,
               "servo_actual_deg": np.float64, "echo_cm": np.float64, "reading_cm": np.int16, "pins": np.uint8,
               "pwm": np.uint8, "hold": np.int32, "touching": np.bool_, "motors_on": np.bool_,
               "collisions": np.uint32}
METRIC_KEYS = ("seconds", "collisions", "collisions_per_minute", "collision_free", "contact_s", "distance_cm",
               "coverage", "stuck_s", "closest_cm")


class RecordingError(NeurocarError):
    """A file that is not a recording neurocar can read, or a recording that cannot be made."""


def neurocar_version() -> str:
    try:
        return metadata.version("neurocar")
    except metadata.PackageNotFoundError:
        return "unknown"


def recording_name(episode: int) -> str:
    """The file name of episode ``episode``'s recording: episode-000012.npz."""
    return f"episode-{episode:06d}{SUFFIX}"


@dataclass
class Recording:
    """One episode: ``meta`` (see the module's docstring), ``ticks`` (name -> array),
    and the world and profile it ran in, read from them."""
    meta: dict
    ticks: dict
    world: object
    profile: object
    source: str = "<recording>"

    @property
    def episode(self) -> int:
        return self.meta["episode"]

    @property
    def n_ticks(self) -> int:
        return len(self.ticks["x_cm"])

    @property
    def tick_s(self) -> float:
        return self.profile.control.tick_s

    @property
    def row(self) -> dict:
        return self.meta["row"]

    def brain(self):
        return brain_from_dict(self.meta["brain"], f"{self.source} (its brain)")


@dataclass(frozen=True)
class RunInfo:
    """What every recording of one run shares, worked out once from its Job."""
    shared: dict
    profile: object

    @classmethod
    def of(cls, job) -> "RunInfo":
        source = Path(job.profile.source)
        if not source.is_file():
            raise RecordingError(_("profile {source}: no such file, and a recording holds the profile's "
                                 "text; load the profile from a TOML file").format(source=job.profile.source))
        shared = {"format": FORMAT, "format_version": FORMAT_VERSION, "neurocar": neurocar_version(),
                  "model": job.model, "randomized": job.randomize,
                  "sensor_options": {"noise": job.sensor_options.noise,
                                     "missed_echoes": job.sensor_options.missed_echoes},
                  "controller": job.controller.__name__, "seconds": job.seconds,
                  "tick_s": job.profile.control.tick_s, "brain": job.brain,
                  "brain_sha256": brain_from_dict(job.brain).sha256(),
                  "profile_toml": read_text(source, _("robot profile"), ProfileError),
                  "profile_source": str(job.profile.source)}
        return cls(shared, job.profile)


def split_row(row: dict, run: RunInfo) -> tuple[dict, Recording]:
    """A recorded row (``Job(record=True)``) as eval reports it, and its Recording."""
    row = dict(row)
    recorded = row.pop(RECORDED)
    ticks = recorded["ticks"]
    meta = {**run.shared, "episode": row["episode"], "world_name": row["world"], "seed": row["seed"],
            "car": row.get("car"), "world": recorded["world"],
            "start": [ticks["start_x_cm"], ticks["start_y_cm"], ticks["start_heading_rad"]], "row": row}
    arrays = {name: np.asarray(ticks[name]).astype(dtype) for name, dtype in TICK_ARRAYS.items()}
    world = world_from_dict(recorded["world"], f"episode {row['episode']}'s world")
    return row, Recording(meta, arrays, world, run.profile, f"episode {row['episode']}")


def record_rows(runner, job, specs, progress=None):
    """Each episode's (row, Recording) in episode order, from ``runner.rows``."""
    run = RunInfo.of(job)
    for row in runner.rows(replace(job, record=True), specs, progress):
        yield split_row(row, run)


# -- files ----------------------------------------------------------------------------

def save_recording(path, rec: Recording) -> None:
    """Write ``rec`` to ``path`` whole or not at all (brain.atomic)."""
    meta = np.frombuffer(json.dumps(rec.meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=meta, **{name: rec.ticks[name] for name in TICK_ARRAYS})
    atomic_write_bytes(path, buffer.getvalue())


def load_recording(path) -> Recording:
    """The recording in ``path``, or RecordingError naming the file and what is wrong."""
    path = Path(path)
    if path.is_dir():
        raise RecordingError(_("{path}: is a folder; expected {ACCEPTED}").format(path=path, ACCEPTED=_(ACCEPTED)))
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise RecordingError(_("{path}: no such file; expected {ACCEPTED}").format(
            path=path, ACCEPTED=_(ACCEPTED))) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise RecordingError(_("{path}: not a neurocar recording ({reason}); expected {ACCEPTED}").format(
            path=path, reason=_reason(e), ACCEPTED=_(ACCEPTED))) from None
    meta = _meta(path, arrays)
    ticks = _ticks(path, arrays, meta)
    try:
        profile = profile_from_dict(tomllib.loads(meta["profile_toml"]), f"{path} (its profile)")
        world = world_from_dict(meta["world"], f"{path} (its world)")
    except tomllib.TOMLDecodeError as e:
        raise RecordingError(_("{path}: its profile is not valid TOML ({e})").format(path=path, e=e)) from None
    if ticks["pins"].shape[1:] != (len(profile.motors.pin_order),):
        raise RecordingError(_("{path}: pins are {shape} per tick, not the profile's "
                             "{count}; expected {ACCEPTED}").format(
                                 path=path, shape=ticks['pins'].shape[1:], count=len(profile.motors.pin_order),
                                 ACCEPTED=_(ACCEPTED)))
    return Recording(meta, ticks, world, profile, str(path))


def _reason(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0][:120]


def _meta(path, arrays) -> dict:
    if "meta" not in arrays:
        raise RecordingError(_("{path}: a zip of arrays but no recording's meta; expected {ACCEPTED}").format(
            path=path, ACCEPTED=_(ACCEPTED)))
    try:
        meta = json.loads(arrays["meta"].astype(np.uint8).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise RecordingError(_("{path}: its meta is not JSON ({reason}); expected {ACCEPTED}").format(
            path=path, reason=_reason(e), ACCEPTED=_(ACCEPTED))) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise RecordingError(_("{path}: not a neurocar recording (no \"format\": \"{FORMAT}\"); "
                               "expected {ACCEPTED}").format(
            path=path, FORMAT=FORMAT, ACCEPTED=_(ACCEPTED)))
    if meta.get("format_version") != FORMAT_VERSION:
        raise RecordingError(_("{path}: recording format {get!r} is not supported; "
                             "this neurocar reads format {FORMAT_VERSION}").format(
                                 path=path, get=meta.get('format_version'), FORMAT_VERSION=FORMAT_VERSION))
    needed = ("episode", "seed", "model", "brain", "profile_toml", "world", "start", "row", "tick_s")
    missing = [k for k in needed if k not in meta]
    if missing:
        raise RecordingError(_("{path}: its meta lacks {value}; expected {ACCEPTED}").format(
            path=path, value=', '.join(missing), ACCEPTED=_(ACCEPTED)))
    return meta


def _ticks(path, arrays, meta) -> dict:
    missing = [name for name in TICK_ARRAYS if name not in arrays]
    if missing:
        raise RecordingError(_("{path}: no {value} array; expected {ACCEPTED}").format(
            path=path, value=', '.join(missing), ACCEPTED=_(ACCEPTED)))
    ticks = {name: arrays[name] for name in TICK_ARRAYS}
    lengths = {len(a) for a in ticks.values()}
    if len(lengths) != 1 or ticks["pins"].ndim != 2:
        raise RecordingError(_("{path}: its arrays hold different numbers of ticks; expected {ACCEPTED}").format(
            path=path, ACCEPTED=_(ACCEPTED)))
    wrong = [n for n, dtype in TICK_ARRAYS.items() if ticks[n].dtype != np.dtype(dtype)]
    if wrong:
        raise RecordingError(_("{path}: {value} not of the recorded types; expected {ACCEPTED}").format(
            path=path, value=', '.join(wrong), ACCEPTED=_(ACCEPTED)))
    return ticks


class RecordingFolder:
    """Where ``eval --record DIR`` writes, all or nothing: checked before the run (refused
    when it would replace recordings already there, unless ``replace``), each recording
    written into a hidden folder inside it as its episode ends, and moved into place by
    ``commit``; leaving without it (an error, Ctrl-C) removes what was written."""

    def __init__(self, folder, count: int, run: RunInfo, replace: bool = False, label: str = "--record"):
        self.folder, self.count, self.run, self.written = Path(folder), count, run, []
        if self.folder.exists() and not self.folder.is_dir():
            raise RecordingError(_("{label} {folder}: is a file; give a folder for the recordings").format(
                label=label, folder=folder))
        there = self.replaced()
        if there and not replace:
            raise RecordingError(_("{label} {folder}: holds {count:,} recording(s) this run would replace "
                                 "({there}{value}); choose another folder or "
                                 "add --replace-recordings").format(
                    label=label, folder=folder, count=len(there), there=there[0],
                    value=', ...' if len(there) > 1 else ''))
        self._made = [p for p in (self.folder, *self.folder.parents) if not p.exists()]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=".recording-", dir=self.folder))
        except OSError as e:
            self._remove_made()
            raise RecordingError(_("{label} {folder}: cannot write there ({value})").format(
                label=label, folder=folder, value=e.strerror or e)) from None

    def replaced(self) -> list[str]:
        """The recordings in the folder that episodes 0 .. count - 1 would write over."""
        if not self.folder.is_dir():
            return []
        names = (m for m in map(RECORDING_FILE.fullmatch, sorted(os.listdir(self.folder))) if m)
        return [m.group(0) for m in names if int(m.group(1)) < self.count]

    def take(self, row: dict) -> dict:
        """Write a recorded row's recording; the row as eval reports it."""
        row, rec = split_row(row, self.run)
        name = recording_name(row["episode"])
        save_recording(self.staging / name, rec)
        self.written.append(name)
        return row

    def commit(self) -> str:
        """Move the recordings into place; a line saying where they are."""
        for name in self.written:
            os.replace(self.staging / name, self.folder / name)
        self.staging.rmdir()
        self._made = []
        return _("recordings: {count:,} episode(s) in {folder} ({first} to {last}); watch one with "
                 "'neurocar replay {folder} --episode K'").format(count=len(self.written), folder=self.folder,
                                                                   first=recording_name(0),
                                                                   last=recording_name(self.count - 1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
            self._remove_made()

    def _remove_made(self) -> None:
        for folder in self._made:
            try:
                folder.rmdir()
            except OSError:
                break


def record_folder(folder, replace: bool, job, count: int) -> RecordingFolder | None:
    """eval's ``--record DIR`` (None: not asked), checked before the run, the job's
    recorded if asked."""
    if folder is None:
        if replace:
            raise RecordingError(_("--replace-recordings goes with --record DIR"))
        return None
    return RecordingFolder(folder, count, RunInfo.of(job), replace)


def find_recording(folder, episode: int | None) -> Path:
    """Episode ``episode``'s recording in a folder ``eval --record`` wrote (None: the
    first there), or RecordingError naming what the folder holds."""
    folder = Path(folder)
    found = sorted((int(m.group(1)), folder / m.group(0))
                   for m in map(RECORDING_FILE.fullmatch, os.listdir(folder)) if m)
    if not found:
        raise RecordingError(_("{folder}: no recordings (episode-NNNNNN{SUFFIX}); expected a folder "
                             "'neurocar eval --record' wrote, or {ACCEPTED}").format(
                                 folder=folder, SUFFIX=SUFFIX, ACCEPTED=_(ACCEPTED)))
    if episode is None:
        return found[0][1]
    for k, path in found:
        if k == episode:
            return path
    raise RecordingError(_("{folder}: no recording of episode {episode}; it holds episodes {value} to "
                         "{value2} ({count:,} files)").format(
                             folder=folder, episode=episode, value=found[0][0], value2=found[-1][0], count=len(found)))


# -- metrics --------------------------------------------------------------------------

def _metrics_run(rec: Recording):
    """A one-car MetricsRecorder fed the recorded ticks: yields (tick, recorder) after each.

    The recorder is the one an episode runs, given the same positions, headings, contacts
    and motors: its sums, coverage grid and stuck clock come out the same, bit for bit.
    The nearest gap is the smallest over all the world's solids whichever of them a car's
    arrays hold (simulator.sensor.Geometry), so it is the same too."""
    world, profile, t = rec.world, rec.profile, rec.ticks
    start = np.array([rec.meta["start"][:2]], dtype=float)
    geometry = Geometry([world])
    metrics = MetricsRecorder([world], profile, geometry, start)
    car = rec.meta.get("car") or {}
    geometry.follow(start, profile.sensor.max_range_cm + abs(car.get("mount_forward_cm",
                                                                     profile.sensor.mount_forward_cm)))
    pos = np.column_stack([t["x_cm"], t["y_cm"]])
    for k in range(rec.n_ticks):
        metrics.update(pos[k:k + 1], t["heading_rad"][k:k + 1], t["touching"][k:k + 1], t["motors_on"][k:k + 1])
        yield k, metrics


def _collisions(rec: Recording, k: int) -> np.ndarray:
    return np.array([int(rec.ticks["collisions"][k]) if k >= 0 else 0])


def recompute_metrics(rec: Recording) -> dict:
    """The episode's metrics measured again from its ticks: equal to eval's row (METRIC_KEYS)."""
    last = None
    for _tick, metrics in _metrics_run(rec):
        last = metrics
    if last is None:
        raise RecordingError(_("{source}: no ticks recorded").format(source=rec.source))
    return last.results(_collisions(rec, rec.n_ticks - 1))[0].to_dict()


def metric_series(rec: Recording) -> list[dict]:
    """The metrics as they stood at the end of each tick (T dicts), the last equal to
    ``recompute_metrics``."""
    return [metrics.results(_collisions(rec, k))[0].to_dict() for k, metrics in _metrics_run(rec)]
