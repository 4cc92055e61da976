"""``neurocar eval``: measure a brain's driving over many seeded worlds, headless.

    neurocar eval --brain assets/brains/default.json --worlds 50 --seconds 60 --json r.json

A progress bar goes to stderr; the summary table and the speed go to stdout. Exit 1
when ``--max-collision-rate`` (collisions per minute) is exceeded, 2 on bad input.
"""
import json
import math
import os
import sys
from pathlib import Path

from brain.atomic import atomic_write_text
from simulator.batch import Job, Timer, evaluate, file_specs, random_specs, workers_for
from simulator.baselines import BASELINES, baseline
from brain.brainfile import brain_from_dict
from simulator.controller import CONTROLLERS, FIXED_POINT, ControllerError, controller_factory, output_kind
from simulator.episode import check_start
from simulator.profile import DEFAULT_PROFILE, ProfileError, load_profile
from simulator.sensor import SensorOptions
from simulator.world import WorldError, load_world

DEFAULT_WORLDS = 50


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eval", help="measure a brain's collision rate over many seeded worlds (headless)",
        description="Drive a brain through seeded worlds without a window and report collisions, "
                    "distance, coverage and stuck time, plus the simulation speed.")
    p.add_argument("--brain", required=True, metavar="BRAIN",
                   help="a brain file, or a baseline: " + ", ".join(BASELINES))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--world", nargs="+", metavar="FILE", help="world files (JSON) to drive in")
    where.add_argument("--worlds", type=int, metavar="N",
                       help=f"this many seeded random worlds (default {DEFAULT_WORLDS})")
    p.add_argument("--seconds", type=float, default=60.0, metavar="S", help="simulated seconds per episode (default 60)")
    p.add_argument("--seed", type=int, default=0, metavar="K", help="seed of the worlds, sensors and random baseline")
    p.add_argument("--jobs", type=int, default=None, metavar="J", help="worker processes (default: all cores)")
    p.add_argument("--json", metavar="OUT", help="write the summary and per-episode rows as JSON")
    p.add_argument("--max-collision-rate", type=float, metavar="R",
                   help="exit 1 when collisions per minute exceed R")
    p.add_argument("--robot", metavar="PROFILE", help=f"robot profile TOML (default {DEFAULT_PROFILE})")
    p.add_argument("--controller", default="python", choices=sorted(CONTROLLERS),
                   help="which implementation of the control tick drives (default python)")
    p.add_argument("--fixed-point", action="store_true",
                   help="drive with the brain's fixed-point twin (what 'neurocar export --fixed-point' runs): "
                        "the python controller becomes fixed-point, firmware becomes firmware-fixed-point")
    p.add_argument("--noise", action="store_true", help="add the profile's sensor noise (seeded)")
    p.add_argument("--missed-echoes", action="store_true", help="lose some echoes at grazing angles (seeded)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from simulator.errors import UserError
    try:
        job, specs = _prepare(args)
    except (ProfileError, WorldError, ControllerError, ValueError) as e:
        raise UserError(str(e)) from None
    bar = None if args.quiet else ProgressBar(sys.stderr)
    with Timer() as timer:
        rows = evaluate(job, specs, args.jobs, progress=bar)
    if bar:
        bar.close()
    jobs = workers_for(args.jobs, len(specs))
    from simulator.metrics import summarise
    summary = summarise(rows, timer.seconds, jobs, cores=min(jobs, os.cpu_count() or 1))
    print(format_summary(args.brain, rows, summary))
    if job.controller in FIXED_POINT.values():
        from firmware_export.fixed import decision_line
        print(decision_line(brain_from_dict(job.brain), job.profile))
    if args.json:
        atomic_write_text(args.json, json.dumps({**summary, "brain": args.brain, "seed": args.seed,
                                                 "seconds_per_episode": args.seconds,
                                                 "controller": job.controller, "rows": rows}, indent=1) + "\n")
    if args.max_collision_rate is not None and summary["collisions_per_minute"] > args.max_collision_rate:
        print(f"collision rate {summary['collisions_per_minute']:.2f}/min exceeds --max-collision-rate "
              f"{args.max_collision_rate}", file=sys.stderr)
        return 1
    return 0


def _prepare(args):
    from brain import load_brain
    if args.worlds is not None and args.worlds < 1:
        raise ValueError(f"--worlds {args.worlds} must be 1 or more")
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs {args.jobs} must be 1 or more")
    if args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be 0 or more")
    if args.json and Path(args.json).is_dir():
        raise ValueError(f"--json {args.json} is a folder; give a file name")
    profile = load_profile(args.robot) if args.robot else load_profile(_asset("robots", DEFAULT_PROFILE))
    tick = profile.control.tick_s
    if not (math.isfinite(args.seconds) and args.seconds >= tick):
        raise ValueError(f"--seconds {args.seconds} must be a number of seconds, at least one control tick ({tick:g} s)")
    brain = baseline(args.brain, args.seed) if args.brain in BASELINES else load_brain(args.brain)
    output_kind(brain, profile)
    controller = FIXED_POINT.get(args.controller, args.controller) if args.fixed_point else args.controller
    controller_factory(controller)
    if controller in FIXED_POINT.values():
        from brain.fixedpoint import to_fixed_point
        to_fixed_point(brain)       # a brain Q13 cannot hold is refused here, in one line
    if args.world:
        specs = file_specs([load_world(f) for f in args.world], args.seed)
    else:
        specs = random_specs(args.worlds or DEFAULT_WORLDS, args.seed)
    for spec in specs:
        check_start(spec, profile)
    options = SensorOptions(noise=args.noise, missed_echoes=args.missed_echoes)
    return Job(brain.to_dict(), profile, args.seconds, controller, options), specs


def _asset(*parts) -> Path:
    from simulator.assets import asset
    return asset(*parts)


def format_summary(brain_name: str, rows, s: dict) -> str:
    lines = [f"brain {brain_name}: {s['episodes']} episodes, {s['sim_seconds']:.0f} simulated car-seconds",
             f"{'world':<24} {'coll':>5} {'/min':>6} {'contact s':>9} {'dist cm':>8} {'cover':>6} {'stuck s':>7} {'closest':>7}"]
    for r in rows if len(rows) <= 12 else rows[:10]:
        lines.append(f"{r['world'][:24]:<24} {r['collisions']:>5} {r['collisions_per_minute']:>6.2f} "
                     f"{r['contact_s']:>9.1f} {r['distance_cm']:>8.0f} {r['coverage']:>6.2f} "
                     f"{r['stuck_s']:>7.1f} {r['closest_cm']:>7.1f}")
    if len(rows) > 12:
        lines.append(f"... {len(rows) - 10} more episodes (see --json)")
    lines += [
        f"collisions            {s['collisions']}  ({s['collisions_per_minute']:.2f} per minute)",
        f"per metre driven      {s['collisions_per_metre']:.2f} collisions",
        f"in contact            {100 * s['contact_fraction']:.1f} % of the time",
        f"collision-free        {100 * s['collision_free_fraction']:.0f} % of episodes",
        f"mean distance         {s['mean_distance_cm']:.0f} cm",
        f"mean coverage         {100 * s['mean_coverage']:.1f} % of free cells",
        f"stuck                 {100 * s['stuck_fraction']:.1f} % of the time",
        f"speed                 {s['sim_seconds'] / s['wall_seconds']:.0f}x real time in {s['wall_seconds']:.2f} s wall "
        f"on {s['jobs']} worker(s), {s['cores']} core(s) = {s['speed_x_real_time_per_core']:.0f}x real time per core",
    ]
    return "\n".join(lines)


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
        self.stream.write("\n")
        self.stream.flush()
