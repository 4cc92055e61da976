"""Many episodes in worker processes, with results identical whatever the job count.

The episode list is cut into batches of ``BATCH_SIZE`` in order; each batch shares one
pymunk space (see ``simulator.episode``). The layout (which episodes share a space and
where each sits) depends only on the episode list, never on the number of workers, and
workers take whole batches, so ``--jobs 1`` and ``--jobs 8`` give the same numbers bit
for bit. Every episode's randomness comes from ``SeedSequence(seed, spawn_key=(i,))``.

Nothing grows with the number of episodes: random worlds are made by the worker that
drives them (``RandomSpecs`` is a recipe, not a list), and ``episode_rows`` hands each
row on in episode order as its batch finishes.

Workers are started with the 'spawn' context (no inherited state), ignore Ctrl-C (the
main process stops them) and receive plain data: the job once (the brain as its JSON
dict, the profile, the controller class), then
each batch's episodes.
"""
import math
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from brain.brainfile import brain_from_dict
from simulator.controller import Controller
from simulator.episode import EpisodeSpec, Episodes, check_start, ticks_in
from simulator.measured import DEFAULT_MODEL, draw_car
from simulator.sensor import SensorOptions
from simulator.worldgen import random_world

BATCH_SIZE = 25
CAR_STREAM = 1          # the episode seed's child stream that --randomize draws its car from


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run its batches. check_starts: refuse an episode
    whose car starts on a solid (worlds nobody checked before the run)."""
    brain: dict
    profile: object
    seconds: float
    controller: type = Controller
    sensor_options: SensorOptions = SensorOptions()
    check_starts: bool = False
    model: str = DEFAULT_MODEL
    randomize: bool = False             # each episode's car drawn from the profile's ranges


def episode_seeds(seed: int, index: int) -> tuple:
    """(world seed sequence, sensor seed int) of episode ``index``."""
    world_ss, sensor_ss = np.random.SeedSequence(seed, spawn_key=(index,)).spawn(2)
    return world_ss, int(sensor_ss.generate_state(1, np.uint64)[0])


class RandomSpecs(Sequence):
    """Episodes ``start`` .. ``start + count - 1`` of seed ``seed`` in random worlds, each
    world made when its episode is asked for; slicing gives another such recipe."""

    def __init__(self, count: int, seed: int, start: int = 0):
        self.count, self.seed, self.start = count, seed, start

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        if isinstance(i, slice):
            first, stop, step = i.indices(self.count)
            if step != 1:
                raise ValueError("random episodes slice with a step of 1 only")
            return RandomSpecs(max(0, stop - first), self.seed, self.start + first)
        if not -self.count <= i < self.count:
            raise IndexError(f"episode {i} of {self.count}")
        index = self.start + i % self.count
        world_ss, sensor_seed = episode_seeds(self.seed, index)
        return EpisodeSpec(random_world(world_ss, name=f"random {self.seed}/{index}"), sensor_seed)


def random_specs(count: int, seed: int) -> RandomSpecs:
    return RandomSpecs(count, seed)


def file_specs(worlds, seed: int) -> list[EpisodeSpec]:
    return [EpisodeSpec(w, episode_seeds(seed, i)[1]) for i, w in enumerate(worlds)]


class Batches(Sequence):
    """The episode index ranges that share a space: BATCH_SIZE at a time, in order."""

    def __init__(self, count: int):
        self.count = count

    def __len__(self) -> int:
        return -(-self.count // BATCH_SIZE)

    def __getitem__(self, k: int) -> range:
        if not -len(self) <= k < len(self):
            raise IndexError(f"batch {k} of {len(self)}")
        k %= len(self)
        return range(k * BATCH_SIZE, min((k + 1) * BATCH_SIZE, self.count))


def batches(specs) -> Batches:
    return Batches(len(specs))


def workers_for(jobs: int | None, episodes: int) -> int:
    """Worker processes used: as asked (default all cores), at most one per batch."""
    return max(1, min(jobs or os.cpu_count() or 1, len(Batches(episodes)) or 1))


def with_cars(job: Job, specs) -> list[EpisodeSpec]:
    """The episodes, each with its own car drawn from the profile's ranges under
    --randomize: from the episode's seed, in a stream of its own (CAR_STREAM), so the
    draw never depends on the batch or the job count."""
    specs = list(specs)
    if not job.randomize:
        return specs
    measured, sensor = job.profile.measured, job.profile.sensor
    return [replace(s, car=draw_car(measured, sensor, np.random.SeedSequence(s.seed, spawn_key=(CAR_STREAM,))))
            for s in specs]


def run_batch(job: Job, first: int, specs, progress=None) -> list[dict]:
    """Run one batch (episodes first, first + 1, ...) to the end; returns their rows."""
    specs = with_cars(job, specs)
    if job.check_starts:
        for spec in specs:
            check_start(spec, job.profile)
    brain = brain_from_dict(job.brain, "<brain>")
    numbers = range(first, first + len(specs))
    episodes = Episodes(specs, job.profile, brain, numbers=numbers, controller=job.controller, model=job.model,
                        sensor_options=job.sensor_options)
    episodes.run(job.seconds, progress=None if progress is None else (lambda ticks: progress(ticks * len(specs))))
    return [{"episode": i, "world": spec.world.name, "seed": spec.seed, **m.to_dict(),
             **({"car": spec.car} if spec.car is not None else {})}
            for i, spec, m in zip(numbers, specs, episodes.results())]


def evaluate(job: Job, specs, jobs: int | None = None, progress=None) -> list[dict]:
    """Metrics rows for all episodes, in episode order. progress(done_ticks, total_ticks)."""
    return list(episode_rows(job, specs, jobs, progress))


def episode_rows(job: Job, specs, jobs: int | None = None, progress=None):
    """Yield each episode's row in episode order, as its batch finishes; only a few
    batches are ever held at once. progress(done_ticks, total_ticks)."""
    work = ((r.start, specs[r.start:r.stop]) for r in batches(specs))
    total = len(specs) * ticks_in(job.seconds, job.profile.control.tick_s)
    jobs = workers_for(jobs, len(specs))
    report = progress or (lambda done, total: None)
    yield from (_run_here if jobs == 1 else _run_pool)(job, work, jobs, total, report)
    report(total, total)


def _run_here(job, work, jobs, total, progress):
    done = 0

    def tick(n):
        nonlocal done
        done += n
        progress(done, total)
    for first, specs in work:
        yield from run_batch(job, first, specs, tick)


_job = None
_progress_queue = None


def _init_worker(job, q) -> None:
    global _job, _progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the main process's to handle
    _job, _progress_queue = job, q


def _worker(task):
    first, specs = task
    return run_batch(_job, first, specs, _progress_queue.put)


def _run_pool(job, work, jobs, total, progress):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    with _ignoring_ctrl_c():                  # the workers start with Ctrl-C ignored
        pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(job, q))
    with pool:                                # leaving, however, terminates the workers
        results = pool.imap(_worker, work)
        done = 0
        while True:
            try:
                rows = results.next(timeout=0.1)
            except mp.TimeoutError:
                rows = None
            except StopIteration:
                return
            done += _drain(q)
            progress(done, total)
            if rows is not None:
                yield from rows


def _drain(q) -> int:
    ticks = 0
    try:
        while True:
            ticks += q.get_nowait()
    except queue.Empty:
        return ticks


@contextmanager
def _ignoring_ctrl_c():
    """Processes started inside ignore SIGINT from their first instruction."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def calibrate(job: Job, specs, ticks: int = 40) -> float:
    """Seconds one batch of these specs takes on one core, judged from the first batch:
    its set-up plus ``ticks`` ticks, scaled to the episode's length."""
    start = time.perf_counter()
    first = with_cars(job, specs[:BATCH_SIZE])
    episodes = Episodes(first, job.profile, brain_from_dict(job.brain, "<brain>"), controller=job.controller,
                        model=job.model, sensor_options=job.sensor_options)
    setup = time.perf_counter() - start
    total = ticks_in(job.seconds, job.profile.control.tick_s)
    ticks = min(ticks, total)
    start = time.perf_counter()
    for _ in range(ticks):
        episodes.step_tick()
    per_tick = (time.perf_counter() - start) / max(ticks, 1)
    return (setup + per_tick * total) * BATCH_SIZE / max(len(first), 1)


def format_duration(seconds: float) -> str:
    """'40 s', '12 min', '3 h 10 min', '5 days 2 h'."""
    if seconds < 60:
        return f"{max(1, math.ceil(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days:,} days {hours} h"


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
