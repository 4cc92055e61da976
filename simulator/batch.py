"""Many episodes in worker processes, with results identical whatever the job count.

The episode list is cut into batches of ``BATCH_SIZE`` in order; each batch shares one
pymunk space (see ``simulator.episode``). The layout (which episodes share a space and
where each sits) depends only on the episode list, never on the number of workers, and
workers take whole batches, so ``--jobs 1`` and ``--jobs 8`` give the same numbers bit
for bit. Every episode's randomness comes from ``SeedSequence(seed, spawn_key=(i,))``.

Workers are started with the 'spawn' context (no inherited state) and receive plain
data: the brain as its JSON dict, the profile, the worlds, and the controller's name
in ``simulator.controller.CONTROLLERS``.
"""
import multiprocessing as mp
import os
import queue
import time
from dataclasses import dataclass

import numpy as np

from simulator.episode import EpisodeSpec, Episodes, ticks_in
from simulator.sensor import SensorOptions

BATCH_SIZE = 25


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run its batches."""
    brain: dict
    profile: object
    seconds: float
    controller: str = "python"
    sensor_options: SensorOptions = SensorOptions()


def episode_seeds(seed: int, index: int) -> tuple:
    """(world seed sequence, sensor seed int) of episode ``index``."""
    world_ss, sensor_ss = np.random.SeedSequence(seed, spawn_key=(index,)).spawn(2)
    return world_ss, int(sensor_ss.generate_state(1, np.uint64)[0])


def random_specs(count: int, seed: int) -> list[EpisodeSpec]:
    from simulator.worldgen import random_world
    specs = []
    for i in range(count):
        world_ss, sensor_seed = episode_seeds(seed, i)
        specs.append(EpisodeSpec(random_world(world_ss, name=f"random {seed}/{i}"), sensor_seed))
    return specs


def file_specs(worlds, seed: int) -> list[EpisodeSpec]:
    return [EpisodeSpec(w, episode_seeds(seed, i)[1]) for i, w in enumerate(worlds)]


def batches(specs) -> list[list[tuple[int, EpisodeSpec]]]:
    indexed = list(enumerate(specs))
    return [indexed[k:k + BATCH_SIZE] for k in range(0, len(indexed), BATCH_SIZE)]


def workers_for(jobs: int | None, episodes: int) -> int:
    """Worker processes used: as asked (default all cores), at most one per batch."""
    return max(1, min(jobs or os.cpu_count() or 1, len(batches(range(episodes))) or 1))


def run_batch(job: Job, batch, progress=None) -> list[tuple[int, dict]]:
    """Run one batch to the end; returns (episode index, metrics dict) pairs."""
    from brain.brainfile import brain_from_dict
    from simulator.controller import controller_factory
    brain = brain_from_dict(job.brain, "<brain>")
    episodes = Episodes([spec for _, spec in batch], job.profile, brain,
                        controller=controller_factory(job.controller), sensor_options=job.sensor_options)
    episodes.run(job.seconds, progress=None if progress is None else (lambda ticks: progress(ticks * len(batch))))
    return [(i, m.to_dict()) for (i, _), m in zip(batch, episodes.results())]


def evaluate(job: Job, specs, jobs: int | None = None, progress=None) -> list[dict]:
    """Metrics dicts for all episodes, in episode order. progress(done_ticks, total_ticks)."""
    work = batches(specs)
    jobs = workers_for(jobs, len(specs))
    total = len(specs) * ticks_in(job.seconds, job.profile.control.tick_s)
    results = _run_here(job, work, total, progress) if jobs == 1 else _run_pool(job, work, jobs, total, progress)
    rows = []
    for i, metrics in sorted(results):
        spec = specs[i]
        rows.append({"episode": i, "world": spec.world.name, "seed": spec.seed, **metrics})
    return rows


def _run_here(job, work, total, progress):
    done = [0]

    def tick(n):
        done[0] += n
        if progress:
            progress(done[0], total)
    out = []
    for batch in work:
        out += run_batch(job, batch, tick)
    return out


_progress_queue = None


def _init_worker(q) -> None:
    global _progress_queue
    _progress_queue = q


def _worker(job, batch):
    return run_batch(job, batch, _progress_queue.put)


def _run_pool(job, work, jobs, total, progress):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(q,)) as pool:
        pending = [pool.apply_async(_worker, (job, batch)) for batch in work]
        done = 0
        while not all(p.ready() for p in pending):
            try:
                done += q.get(timeout=0.1)
            except queue.Empty:
                pass
            if progress:
                progress(done, total)
        out = []
        for p in pending:
            out += p.get()
    if progress:
        progress(total, total)
    return out


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
