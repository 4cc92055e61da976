"""``neurocar eval``: measure a brain's driving over many seeded worlds, headless.

    neurocar eval --brain assets/brains/default.json --worlds 50 --seconds 60 --json r.json

A progress bar goes to stderr; the summary table and the speed go to stdout. Every
option and file is checked before the first episode runs, and ``--json`` is written
whole or not at all (an error or Ctrl-C leaves no file). Memory does not grow with
``--worlds``: worlds are made as they are driven and the rows stream into the JSON
(``--no-rows`` leaves them out). A request of more than ``ESTIMATE_ABOVE_CAR_S``
car-seconds first says how long it should take, from a short trial of its first
episodes. The episodes run on a ``simulator.runner``: worker processes here, or Ray
with ``--backend ray`` (``--address`` joins a cluster). Exit 1 when
``--max-collision-rate`` (collisions per minute) is exceeded, 2 on bad input.
``--controller avr`` runs the exported sketch itself on emulated Unos (simavr,
``firmware_export.avr_loop``) and prints their figures; it also exits 1 when a decision
differs from the Python controller's given the Uno's reading, or a reading differs from
the simulator's by more than 1 cm. ``--record DIR`` writes each episode's recording
(``simulator.recording.RecordingFolder``), all or none. ``--maps DIR`` draws a map of each
world's trajectories, collisions and heat (``simulator.gui.maps_folder``), all or none.
"""
import json
import math
import os
import sys
import tempfile
from contextlib import nullcontext
from dataclasses import replace

from brain.brainfile import brain_from_dict, load_brain
from brain.errors import SettingError
from brain.fixedpoint import to_fixed_point
from brain.outputs import Outputs
from brain.i18n import _
from simulator.assets import asset
from simulator.batch import BATCH_SIZE, Job, Timer, batches, calibrate, file_specs, format_duration, random_specs, \
    workers_for
from simulator.baselines import BASELINES, baseline
from simulator.cli.eval_summary import SHOWN_ROWS, format_summary
from simulator.controller import Controller, FixedPointController, check_brain
from simulator.episode import check_model, check_start
from simulator.measured import DEFAULT_MODEL
from simulator.runner import BACKENDS, open_runner
from simulator.metrics import Totals
from simulator.profile import DEFAULT_PROFILE, load_profile
from simulator.recording import record_folder
from simulator.gui.maps_folder import with_maps
from simulator.sensor import SensorOptions
from simulator.world import load_world
from simulator.worst import WorstTenth, worst_lines

from firmware_export.avr_build import build_firmware, build_runner
from firmware_export.avr_loop import AvrController, FixedPointAvrController
from firmware_export.avr_verify import UnoTotals, uno_line
from firmware_export.fixed import decision_line
from firmware_export.host_controller import FixedPointHostController, HostController

# The implementations of the control tick eval can drive, each a
# simulator.controller.ControllerProtocol: the Python reference, the firmware's own C
# compiled for this machine, the whole exported sketch on emulated Unos (simavr), and
# each with the brain's fixed-point twin.
CONTROLLERS = {"python": Controller, "firmware": HostController, "avr": AvrController,
               "fixed-point": FixedPointController, "firmware-fixed-point": FixedPointHostController,
               "avr-fixed-point": FixedPointAvrController}
FIXED_POINT = {"python": "fixed-point", "firmware": "firmware-fixed-point", "avr": "avr-fixed-point"}
EMULATED = ("avr", "avr-fixed-point")
DEFAULT_WORLDS = 50
MAX_WORLDS = 1_000_000_000
MAX_SECONDS = 86_400.0          # one simulated day per episode
JOBS_PER_CORE = 4
ESTIMATE_ABOVE_CAR_S = 20_000.0  # about ten seconds' work or more on two cores


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eval", help=_("measure a brain's collision rate over many seeded worlds (headless)"),
        description=_("Drive a brain through seeded worlds without a window and report collisions, "
                    "distance, coverage and stuck time, plus the simulation speed."))
    p.add_argument("--brain", required=True, metavar="BRAIN",
                   help=_("a brain file, or a baseline: {names}").format(names=", ".join(BASELINES)))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--world", nargs="+", metavar="FILE", help=_("world files (JSON) to drive in"))
    where.add_argument("--worlds", type=int, metavar="N",
                       help=_("this many seeded random worlds (default {DEFAULT_WORLDS}, "
                              "at most {MAX_WORLDS:,})").format(
                           DEFAULT_WORLDS=DEFAULT_WORLDS, MAX_WORLDS=MAX_WORLDS))
    p.add_argument("--seconds", type=float, default=60.0, metavar="S",
                   help=_("simulated seconds per episode (default 60)"))
    p.add_argument("--seed", type=int, default=0, metavar="K",
                   help=_("seed of the worlds, sensors and random baseline"))
    p.add_argument("--jobs", type=int, default=None, metavar="J",
                   help=_("workers (default: all cores, or a Ray cluster's CPUs; "
                          "at most {JOBS_PER_CORE} per core here)").format(
                       JOBS_PER_CORE=JOBS_PER_CORE))
    p.add_argument("--backend", choices=BACKENDS, default="processes",
                   help=_("where the episodes run: worker processes here (default), "
                          "or Ray (pip install 'neurocar[ray]')"))
    p.add_argument("--address", metavar="ADDR",
                   help=_("with --backend ray: join this Ray cluster ('auto' on one of its machines, HEAD:6379, "
                        "ray://HEAD:10001) instead of starting Ray here"))
    _output_options(p)
    _car_options(p)
    p.set_defaults(run=run)


def _output_options(p) -> None:
    p.add_argument("--json", metavar="OUT", help=_("write the summary and per-episode rows as JSON"))
    p.add_argument("--no-rows", action="store_true", help=_("leave the per-episode rows out of --json"))
    p.add_argument("--record", metavar="DIR", help=_("write each episode's recording into DIR, for 'neurocar replay'"))
    p.add_argument("--replace-recordings", action="store_true", help=_("with --record: replace recordings in DIR"))
    p.add_argument("--maps", metavar="DIR",
                   help=_("draw a PNG per world into DIR: trajectories, collisions, heat, metrics"))
    p.add_argument("--max-collision-rate", type=float, metavar="R",
                   help=_("exit 1 when collisions per minute exceed R"))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))


def _car_options(p) -> None:
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML (default {DEFAULT_PROFILE})").format(
        DEFAULT_PROFILE=DEFAULT_PROFILE))
    p.add_argument("--controller", default="python", choices=sorted(CONTROLLERS),
                   help=_("which implementation of the control tick drives (default python)"))
    p.add_argument("--fixed-point", action="store_true",
                   help=_("drive with the brain's fixed-point twin (what 'neurocar export --fixed-point' runs): "
                        "the python controller becomes fixed-point, firmware becomes firmware-fixed-point"))
    p.add_argument("--ideal", action="store_true",
                   help=_("the idealised car of the profile's [drive] and [sensor] estimates, instead of the measured "
                        "model (HC-SR04 beam and incidence, servo speed, motor voltages)"))
    p.add_argument("--randomize", action="store_true",
                   help=_("draw each episode's car from the profile's measured ranges (seeded); reports the worst "
                        "10 %% of episodes and what their cars drew"))
    p.add_argument("--noise", action="store_true", help=_("with --ideal: add the profile's sensor noise (seeded); "
                                                         "the measured model always has it"))
    p.add_argument("--missed-echoes", action="store_true",
                   help=_("with --ideal: lose some echoes at grazing angles (seeded)"))


def run(args) -> int:
    job, specs, inputs = _prepare(args)
    record = with_maps(args.maps, record_folder(args.record, args.replace_recordings, job, len(specs)), specs)
    if record is not None:
        job = replace(job, record=True)
    with Outputs(inputs=inputs) as out, record or nullcontext():
        out.add("--json", args.json)
        staged = out.open(args.json) if args.json else None
        keep_rows = staged is not None and not args.no_rows
        with _runner(args, len(specs)) as runner, \
                RowsSpool(staged.target.parent, args.json) if keep_rows else nullcontext() as rows:
            _say_how_long(job, specs, runner)
            summary, shown = _drive(job, specs, args, rows, runner, record)
            print(format_summary(args.brain, shown, summary))
            if summary.get("worst_tenth"):
                print("\n".join(worst_lines(summary["worst_tenth"])))
            if controller_name(args) in FIXED_POINT.values():
                print(decision_line(brain_from_dict(job.brain), job.profile))
            if summary.get("whole_sketch"):
                print(uno_line(summary["whole_sketch"]))
            if staged is not None:
                head = {**summary, "brain": args.brain, "seed": args.seed, "seconds_per_episode": args.seconds,
                        "controller": controller_name(args), "backend": args.backend, "address": args.address}
                _write_json(staged, head, rows)
        out.commit()
        if record is not None:
            print(record.commit())
    if summary.get("whole_sketch") and not summary["whole_sketch"]["ok"]:
        print(_("the emulated Unos did not behave like the simulator's controller (see above)"), file=sys.stderr)
        return 1
    if args.max_collision_rate is not None and summary["collisions_per_minute"] > args.max_collision_rate:
        print(_("collision rate {summary:.2f}/min exceeds --max-collision-rate "
              "{max_collision_rate}").format(
            summary=summary['collisions_per_minute'], max_collision_rate=args.max_collision_rate), file=sys.stderr)
        return 1
    return 0


def _runner(args, episodes: int):
    """The runner eval drives on: here, at most one worker per batch; on a cluster, --jobs
    or all its CPUs."""
    if args.address is not None:
        return open_runner(args.backend, args.jobs, args.address)
    return open_runner(args.backend, workers_for(args.jobs, episodes))


def _cores(runner) -> int:
    """The cores the workers run on: one each on a cluster, at most this machine's here."""
    return runner.workers if runner.address is not None else min(runner.workers, os.cpu_count() or 1)


def _drive(job, specs, args, rows, runner, record=None):
    """Run every episode, rows into the spool and recordings into ``record`` if any;
    (summary, the first SHOWN_ROWS rows)."""
    bar = None if args.quiet else ProgressBar(sys.stderr)
    totals, shown, unos = Totals(), [], UnoTotals()
    worst = WorstTenth(len(specs), job.profile.measured.ranges if job.randomize else {})
    try:
        with Timer() as timer:
            for row in runner.rows(job, specs, progress=bar):
                if record is not None:
                    row = record.take(row)
                totals.add(row)
                worst.add(row)
                unos.add(row)
                if len(shown) < SHOWN_ROWS:
                    shown.append(row)
                if rows is not None:
                    rows.add(row)
    finally:
        if bar:
            bar.close()
    summary = {**totals.summary(timer.seconds, runner.workers, cores=_cores(runner)),
               "car_model": job.model, "randomized": job.randomize}
    if job.randomize:
        summary["worst_tenth"] = worst.summary()
    if unos.totals is not None:
        summary["whole_sketch"] = unos.summary(timer.seconds)
    return summary, shown


def _say_how_long(job, specs, runner) -> None:
    """For a big request, an estimate from a trial of the first batch, before the run
    (and before the process pool starts, so the trial has the cores to itself)."""
    if len(specs) * job.seconds <= ESTIMATE_ABOVE_CAR_S:
        return
    per_batch = calibrate(job, specs)
    estimate = per_batch * len(batches(specs)) / _cores(runner)
    print(_("neurocar eval: {count:,} episodes of {seconds:g} s should take about "
          "{format_duration} on {workers} worker(s) (timed on the first "
          "{min}); Ctrl-C stops it and writes nothing").format(
            count=len(specs), seconds=job.seconds, format_duration=format_duration(estimate),
            workers=runner.workers, min=min(BATCH_SIZE, len(specs))), file=sys.stderr)


class RowsSpool:
    """The rows as JSON, written as they come to a nameless temporary file beside the
    output (it vanishes however the command ends) and copied after the summary."""

    def __init__(self, folder, user_path):
        self.user_path, self.count = str(user_path), 0
        self.file = self._io(lambda: tempfile.TemporaryFile(dir=folder))

    def add(self, row) -> None:
        text = (",\n  " if self.count else "") + json.dumps(row, indent=1).replace("\n", "\n  ")
        self._io(lambda: self.file.write(text.encode("utf-8")))
        self.count += 1

    def copy_to(self, staged) -> None:
        self._io(lambda: self.file.seek(0))
        while chunk := self._io(lambda: self.file.read(1 << 20)):
            staged.write(chunk)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def _io(self, action):
        try:
            return action()
        except OSError as e:
            raise type(e)(e.errno, e.strerror or str(e), self.user_path) from None


def _write_json(staged, head: dict, rows) -> None:
    """Exactly ``json.dumps({**head, "rows": [...]}, indent=1)``, the rows streamed in."""
    if rows is None:
        staged.write((json.dumps(head, indent=1) + "\n").encode("utf-8"))
        return
    text = json.dumps({**head, "rows": []}, indent=1)
    assert text.endswith('"rows": []\n}')
    if not rows.count:
        staged.write((text + "\n").encode("utf-8"))
        return
    staged.write((text[:-len("]\n}")] + "\n  ").encode("utf-8"))
    rows.copy_to(staged)
    staged.write(b"\n ]\n}\n")


def _prepare(args):
    _check_numbers(args)
    profile = load_profile(args.robot) if args.robot else load_profile(asset("robots", DEFAULT_PROFILE))
    tick = profile.control.tick_s
    if not args.seconds >= tick:
        raise SettingError(_("--seconds {seconds:g} must be a number of seconds, at least one control tick "
                         "({tick:g} s)").format(seconds=args.seconds, tick=tick))
    brain = baseline(args.brain, args.seed) if args.brain in BASELINES else load_brain(args.brain)
    check_brain(brain, profile)             # the check the controller itself makes, before any worker starts
    controller = CONTROLLERS[controller_name(args)]
    if controller_name(args) in FIXED_POINT.values():
        to_fixed_point(brain)       # a brain Q13 cannot hold is refused here, in one line
    if controller_name(args) in EMULATED:     # built once here, in one line if it cannot be
        build_runner()
        build_firmware(to_fixed_point(brain) if args.fixed_point else brain, profile)
    if args.world:
        specs = file_specs([load_world(f) for f in args.world], args.seed)
        for spec in specs:
            check_start(spec, profile)
    else:
        specs = random_specs(args.worlds or DEFAULT_WORLDS, args.seed)
    options = SensorOptions(noise=args.noise, missed_echoes=args.missed_echoes)
    model = _car_model(args, profile)
    job = Job(brain.to_dict(), profile, args.seconds, controller, options, check_starts=not args.world,
              model=model, randomize=args.randomize)
    return job, specs, _inputs(args)


def _car_model(args, profile) -> str:
    """The car model eval runs, refusing options that belong to the other one."""
    model = "ideal" if args.ideal else DEFAULT_MODEL
    if model == "ideal" and args.randomize:
        raise SettingError(_("--randomize draws cars from the measured model's ranges; leave out --ideal"))
    if model == "measured":
        if args.missed_echoes:
            raise SettingError(_("--missed-echoes belongs to the ideal model (add --ideal); the measured model "
                               "decides each echo from the beam, the incidence and the target"))
        check_model(profile, model)
    return model


def controller_name(args) -> str:
    """The controller eval drives: --controller, made fixed-point by --fixed-point."""
    return FIXED_POINT.get(args.controller, args.controller) if args.fixed_point else args.controller


def _check_numbers(args) -> None:
    """Every number eval reads, refused in one line unless it makes sense."""
    if args.worlds is not None and not 1 <= args.worlds <= MAX_WORLDS:
        raise SettingError(_("--worlds {worlds} must be 1 or more, at most {MAX_WORLDS:,}").format(
            worlds=args.worlds, MAX_WORLDS=MAX_WORLDS))
    _check_workers(args)
    if args.seed < 0:
        raise SettingError(_("--seed {seed} must be 0 or more").format(seed=args.seed))
    if not (math.isfinite(args.seconds) and 0 < args.seconds <= MAX_SECONDS):
        raise SettingError(_("--seconds {seconds:g} must be a number of seconds, at least one control tick "
                         "and at most {MAX_SECONDS:,.0f} (a day)").format(
                             seconds=args.seconds, MAX_SECONDS=MAX_SECONDS))
    rate = args.max_collision_rate
    if rate is not None and not (math.isfinite(rate) and rate >= 0):
        raise SettingError(_("--max-collision-rate {rate:g} must be a finite number of collisions per minute, "
                         "0 or more").format(rate=rate))


def _check_workers(args) -> None:
    """--address only with Ray; --jobs at most JOBS_PER_CORE per core here, any number on a cluster."""
    if args.address is not None and args.backend != "ray":
        raise SettingError(_("--address {address} joins a Ray cluster; add --backend ray").format(
            address=args.address))
    if args.jobs is None:
        return
    if args.address is not None and args.jobs < 1:
        raise SettingError(_("--jobs {jobs} must be 1 or more").format(jobs=args.jobs))
    most_jobs = JOBS_PER_CORE * (os.cpu_count() or 1)
    if args.address is None and not 1 <= args.jobs <= most_jobs:
        raise SettingError(_("--jobs {jobs} must be 1 or more, at most {most_jobs} "
                           "({JOBS_PER_CORE} per core on this machine)").format(
                               jobs=args.jobs, most_jobs=most_jobs, JOBS_PER_CORE=JOBS_PER_CORE))


def _inputs(args) -> dict:
    """Every file eval reads, by the option naming it (an output may be none of them)."""
    inputs = {"--brain": None if args.brain in BASELINES else args.brain, "--robot": args.robot}
    for i, path in enumerate(args.world or []):
        inputs["--world" if len(args.world) == 1 else f"--world #{i + 1}"] = path
    return inputs


class ProgressBar:
    """A one-line bar redrawn in place on a terminal (stderr), at most every 1 %."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.shown = stream, width, -1

    def __call__(self, done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if pct == self.shown:
            return
        self.shown = pct
        filled = self.width * pct // 100
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {pct:3d} %")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (if it drew one), so what follows starts on its own."""
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()
