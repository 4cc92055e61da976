"""``neurocar evolve``: learn a brain's weights in the simulator with CMA-ES.

    neurocar evolve --hidden 4 --inputs distance,position,left_nearest,right_nearest \\
        --worlds 20 --seconds 30 --generations 40 --population 12 --seed 1 --out evolved.json

How a generation runs, which worlds it drives and how the brain written is chosen:
``simulator.evolution``; the fitness: ``simulator.fitness`` (printed at the start). A
progress bar with the time left goes to stderr, a line per generation to stdout. Every
option and file is checked before the first episode; the outputs (--out, --json,
--table-out) are written all or none at the end, the checkpoint after every generation.
"""
import json
import math
import sys
import time
from pathlib import Path

from brain.brainfile import brain_json, load_brain
from brain.outputs import Outputs
from brain.i18n import _
from simulator.assets import asset
from simulator.batch import format_duration
from simulator.controller import ACCEPTED_INPUTS, BASE_INPUTS, check_brain
from simulator.episode import check_model
from simulator.evolution import MIN_POPULATION, Evolution, EvolveError, Settings, fresh_brain, run_key, widened
from simulator import evolve_checkpoint as checkpoint
from simulator.fitness import Fitness, parts
from simulator.policy_table import brain_table
from simulator.profile import DEFAULT_PROFILE, load_profile
from simulator.runner import BACKENDS, open_runner

MAX_GENERATIONS = 100_000


def register(sub) -> None:
    p = sub.add_parser("evolve", help=_("learn a brain in the simulator (CMA-ES over its weights)"),
                       description=_("Search a network's weights with CMA-ES, driving every candidate through "
                                   "seeded random worlds, and write the brain validation worlds choose."))
    p.add_argument("--start", metavar="BRAIN", help=_("start from this brain's weights; with --inputs or --hidden, "
                                                     "widened with zero weights, so it first decides as before"))
    p.add_argument("--hidden", type=int, metavar="N", help=_("hidden neurons (a new network: default 4)"))
    p.add_argument("--inputs", metavar="NAMES", help=_("what the brain reads, comma-separated "
                   "(default {value}; accepted: {value2})").format(
                       value=','.join(BASE_INPUTS), value2=', '.join(ACCEPTED_INPUTS)))
    p.add_argument("--worlds", type=int, default=20, metavar="N", help=_("training worlds per generation (default 20)"))
    p.add_argument("--validation-worlds", type=int, default=25, metavar="N", help=_("default 25"))
    p.add_argument("--test-worlds", type=int, default=50, metavar="N", help=_("default 50"))
    p.add_argument("--seconds", type=float, default=30.0, metavar="S", help=_("seconds per episode (default 30)"))
    p.add_argument("--generations", type=int, required=True, metavar="G")
    p.add_argument("--population", type=int, default=12, metavar="P",
                   help=_("candidates per generation (default 12, at least {MIN_POPULATION})").format(
                       MIN_POPULATION=MIN_POPULATION))
    p.add_argument("--sigma", type=float, default=0.5, help=_("CMA-ES's initial step size (default 0.5)"))
    p.add_argument("--seed", type=int, default=0, metavar="K")
    p.add_argument("--fitness", metavar="TERMS",
                   help=_("the fitness's weights, e.g. coverage=2,collisions=2.5 (default coverage=1,"
                          "collisions=2.5,contact=5,stuck=0; see the formula printed at the start)"))
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML (default {DEFAULT_PROFILE})").format(
        DEFAULT_PROFILE=DEFAULT_PROFILE))
    p.add_argument("--ideal", action="store_true", help=_("the idealised car instead of the measured model"))
    p.add_argument("--no-randomize", action="store_true", help=_("every episode with the profile's nominal car"))
    p.add_argument("--out", required=True, metavar="BRAIN", help=_("the brain file to write"))
    p.add_argument("--json", metavar="R", help=_("write the run's settings and figures as JSON"))
    p.add_argument("--table-out", metavar="TABLE", help=_("write the brain's decisions over the input grid as a table"))
    p.add_argument("--checkpoint", metavar="DIR", help=_("write a checkpoint into DIR after every generation"))
    p.add_argument("--resume", action="store_true", help=_("continue the search saved in --checkpoint DIR"))
    p.add_argument("--backend", choices=BACKENDS, default="processes", help=_("where episodes run (default processes)"))
    p.add_argument("--address", metavar="ADDR", help=_("with --backend ray: a cluster (auto, HOST:PORT, ray://...)"))
    p.add_argument("--jobs", type=int, metavar="J", help=_("workers (default: all cores)"))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    p.set_defaults(run=run)


def run(args) -> int:
    settings, start, profile = _prepare(args)
    key = run_key(settings, start, profile)
    with Outputs(inputs={"--start": args.start, "--robot": args.robot}) as out:
        # the search writes the checkpoint itself; registered here so no other output lands on it
        out.add("--checkpoint", checkpoint.path_in(args.checkpoint) if args.checkpoint else None)
        for option in ("--out", "--json", "--table-out"):
            out.add(option, getattr(args, option[2:].replace("-", "_")))
        state = checkpoint.load(args.checkpoint, key) if args.resume else None
        evolution = Evolution(settings, start, profile, state)
        print(settings.fitness.formula())
        print(_plan_line(args, settings, start))
        with open_runner(args.backend, args.jobs, args.address) as runner:
            _search(evolution, runner, args, key)
            report = _final(evolution, runner, args)
        _write(out, args, evolution, report, profile)
        out.commit()
    return 0


def _prepare(args):
    _check_numbers(args)
    profile = load_profile(args.robot) if args.robot else load_profile(asset("robots", DEFAULT_PROFILE))
    inputs = [n.strip() for n in args.inputs.split(",")] if args.inputs else None
    if args.start:
        start = widened(load_brain(args.start), inputs, args.hidden)
    else:
        start = fresh_brain(inputs or list(BASE_INPUTS), args.hidden or 4, args.seed)
    check_brain(start, profile)
    model = "ideal" if args.ideal else "measured"
    check_model(profile, model)
    if args.checkpoint and not args.resume:
        checkpoint.check_fresh(args.checkpoint)
    if args.resume and not args.checkpoint:
        raise EvolveError(_("--resume needs --checkpoint DIR: the folder of the search to continue"))
    if args.address and args.backend != "ray":
        raise EvolveError(_("--address {address} joins a Ray cluster; add --backend ray").format(
            address=args.address))
    settings = Settings(args.worlds, args.seconds, args.population, args.seed, args.sigma, args.validation_worlds,
                        args.test_worlds, model, randomize=not (args.no_randomize or args.ideal),
                        fitness=_fitness(args.fitness))
    settings.check()
    return settings, start, profile


def _fitness(text: str | None) -> Fitness:
    try:
        return Fitness() if text is None else Fitness.parse(text)
    except ValueError as e:
        raise EvolveError(_("--fitness: {term!r} is not a weight; accepted: coverage, collisions, contact or stuck "
                          "= a number, 0 or more, e.g. coverage=2,collisions=2.5").format(term=str(e))) from None


def _check_numbers(args) -> None:
    if not 1 <= args.generations <= MAX_GENERATIONS:
        raise EvolveError(_("--generations {generations} must be 1 or more, at most {MAX_GENERATIONS:,}").format(
            generations=args.generations, MAX_GENERATIONS=MAX_GENERATIONS))
    if args.hidden is not None and not 1 <= args.hidden <= 64:
        raise EvolveError(_("--hidden {hidden} must be 1 to 64 neurons").format(hidden=args.hidden))
    if not (math.isfinite(args.seconds) and 1 <= args.seconds <= 3600):
        raise EvolveError(_("--seconds {seconds:g} must be 1 to 3600 seconds per episode").format(
            seconds=args.seconds))
    if args.jobs is not None and args.jobs < 1:
        raise EvolveError(_("--jobs {jobs} must be 1 or more").format(jobs=args.jobs))


def _plan_line(args, s: Settings, start) -> str:
    episodes = s.population * s.worlds + 2 * s.validation_worlds
    car = {("measured", True): _("measured car, randomized"), ("measured", False): _("measured car"),
           ("ideal", True): _("ideal car, randomized"), ("ideal", False): _("ideal car")}[s.model, s.randomize]
    return _("{network} reading {inputs}: {weights} weights; {generations} generations of {population} x {worlds} "
             "training worlds + 2 x {validation} validation worlds ({episodes} episodes of {seconds:g} s each), "
             "{car}, seed {seed}").format(
        network=repr(start.network), inputs=", ".join(start.input_names), weights=start.network.n_parameters(),
        generations=args.generations, population=s.population, worlds=s.worlds, validation=s.validation_worlds,
        episodes=episodes, seconds=s.seconds, car=car, seed=s.seed)


def _search(evolution: Evolution, runner, args, key: str) -> None:
    """Generations until --generations, a checkpoint after each."""
    done = evolution.state.generation
    if done:
        print(_("resuming after generation {done} of {generations}").format(done=done, generations=args.generations))
    bar = None if args.quiet else EtaBar(sys.stderr, args.generations - done)
    try:
        for number in range(done + 1, args.generations + 1):
            g = evolution.step(runner, None if bar is None else bar.within)
            if args.checkpoint:
                checkpoint.save(args.checkpoint, key, evolution.state)
            if bar:
                bar.clear()
            print(_generation_line(g, evolution), flush=True)
            if bar:
                bar.generation_done()
    finally:
        if bar:
            bar.close()


def _generation_line(g, evolution) -> str:
    _score, generation, _genome, which = evolution.state.chosen
    m, b = g.validation_parts, g.validation_best_parts
    chosen = {"mean": _("  * mean"), "best": _("  * best")}.get(which, "") if generation == g.generation else ""
    return _("gen {generation:4d}  train best {best:6.2f} mean {mean:6.2f} | validation: mean {validation:6.2f} "
             "({rate:.2f}/min, {covered:.1f} %), best {validation_best:6.2f} ({best_rate:.2f}/min, "
             "{best_covered:.1f} %)  sigma {sigma:.3f}{chosen}").format(
        generation=g.generation, best=g.best, mean=g.mean, validation=g.validation,
        rate=m["collisions_per_minute"], covered=m["coverage_pct"], validation_best=g.validation_best,
        best_rate=b["collisions_per_minute"], best_covered=b["coverage_pct"], sigma=g.sigma, chosen=chosen)


def _start_words(args, start) -> str:
    """Where the search started, as the brain's provenance records it (in English)."""
    shape = f"{start.network!r} reading {', '.join(start.input_names)}"
    return f"{args.start}, widened to {shape}" if args.start and (args.inputs or args.hidden) else \
        args.start or f"a new {shape}"


def _final(evolution: Evolution, runner, args) -> dict:
    """The chosen generation's brain driven through the test worlds."""
    generation, brain = evolution.chosen_brain()
    rows = list(runner.rows(evolution.job_for(brain), evolution.test_worlds()))
    test = {**parts(rows), "fitness": evolution.settings.fitness.of(rows),
            "collision_free_fraction": sum(r["collision_free"] for r in rows) / len(rows)}
    score, _generation, _genome, which = evolution.state.chosen
    member = _("mean") if which == "mean" else _("best member")
    print(_("chosen: generation {generation}'s {member} (validation fitness {score:.2f})").format(
        generation=generation, member=member, score=score))
    print(_("test worlds ({worlds}, a seed used nowhere else): fitness {fitness:.2f}, "
            "{rate:.2f} collisions/min, covered {covered:.1f} %, in contact {contact:.1f} %, "
            "stuck {stuck:.1f} %").format(
        worlds=evolution.settings.test_worlds, fitness=test["fitness"], rate=test["collisions_per_minute"],
        covered=test["coverage_pct"], contact=100 * test["contact_fraction"], stuck=100 * test["stuck_fraction"]))
    return {"chosen_generation": generation, "chosen_candidate": which, "validation_fitness": score, "test": test}


def _write(out, args, evolution: Evolution, report: dict, profile) -> None:
    generation, brain = evolution.chosen_brain()
    s = evolution.settings
    brain.provenance = {"evolution": {
        "method": "CMA-ES (pycma)", "settings": s.to_dict(), "generations": evolution.state.generation,
        "start": _start_words(args, evolution.start), **report,
        **({"table_out": Path(args.table_out).name} if args.table_out else {}),
        "history_columns": ["generation", "best", "mean", "validation_mean", "validation_best"],
        "history": [[g.generation, round(g.best, 4), round(g.mean, 4), round(g.validation, 4),
                     round(g.validation_best, 4)] for g in evolution.state.history]}}
    out.write_text(args.out, brain_json(brain))
    if args.json:
        body = {"settings": s.to_dict(), "start": brain.provenance["evolution"]["start"], **report,
                "generations": [g.to_dict() for g in evolution.state.history]}
        out.write_text(args.json, json.dumps(body, indent=1) + "\n")
    if args.table_out:
        comments = [f"decisions of {Path(args.out).name} (neurocar evolve, seed {s.seed}, generation {generation}) "
                    f"over the controller's input grid"]
        out.write_text(args.table_out, brain_table(brain, profile, comments).to_csv())


class EtaBar:
    """A bar over the whole search, with the time left judged from this run's pace."""

    def __init__(self, stream, generations: int, width: int = 30):
        self.stream, self.generations, self.width = stream, max(generations, 1), width
        self.done, self.started, self.drawn = 0, time.perf_counter(), False

    def within(self, done_ticks: int, total_ticks: int) -> None:
        self._draw(self.done + (done_ticks / total_ticks if total_ticks else 1.0))

    def generation_done(self) -> None:
        self.done += 1
        self._draw(self.done)

    def _draw(self, generations: float) -> None:
        fraction = min(1.0, generations / self.generations)
        elapsed = time.perf_counter() - self.started
        left = (_("{duration} left").format(duration=format_duration(elapsed * (1 - fraction) / fraction))
                if fraction > 0 else _("timing..."))
        filled = int(self.width * fraction)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {100 * fraction:5.1f} %  {left}   ")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Rub the bar out, so a line printed next starts clean."""
        if self.drawn:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()
            self.drawn = False

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
