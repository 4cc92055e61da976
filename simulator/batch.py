"""Many episodes, with results identical whatever the engine or the job count.

The batch layout and the run of one batch are ``simulator.batch_job``'s (re-exported
here); ``simulator.runner`` spreads the batches over worker processes or Ray. Every
episode's randomness comes from ``SeedSequence(seed, spawn_key=(i,))``.

Nothing grows with the number of episodes: random worlds are made by the worker that
drives them (``RandomSpecs`` is a recipe, not a list), and ``episode_rows`` hands each
row on in episode order as its batch finishes.
"""
import math
import os
import time
from collections.abc import Sequence

import numpy as np

from brain.i18n import _
from brain.brainfile import brain_from_dict
# The layout and the batch run, under the names callers have always imported from here.
from simulator.batch_job import BATCH_SIZE, Batches, Job, batches, with_cars
from simulator.episode import EpisodeSpec, Episodes, ticks_in
from simulator.runner import open_runner
from simulator.worldgen import random_world


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


def workers_for(jobs: int | None, episodes: int) -> int:
    """Worker processes used: as asked (default all cores), at most one per batch."""
    return max(1, min(jobs or os.cpu_count() or 1, len(Batches(episodes)) or 1))


def evaluate(job: Job, specs, jobs: int | None = None, progress=None) -> list[dict]:
    """Metrics rows for all episodes, in episode order. progress(done_ticks, total_ticks)."""
    return list(episode_rows(job, specs, jobs, progress))


def episode_rows(job: Job, specs, jobs: int | None = None, progress=None):
    """Yield each episode's row in episode order, as its batch finishes, from worker
    processes opened for this call (see ``simulator.runner``). progress(done_ticks, total_ticks)."""
    with open_runner("processes", workers_for(jobs, len(specs))) as runner:
        yield from runner.rows(job, specs, progress)


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
        return _("{seconds} s").format(seconds=max(1, math.ceil(seconds)))
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    days, hours = divmod(hours, 24)
    return _("{days:,} days {hours} h").format(days=days, hours=hours)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
