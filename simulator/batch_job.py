"""A job, its batches, and the run of one batch: what every worker of every runner does.

The episode list is cut into batches of ``BATCH_SIZE`` in order; each batch shares one
pymunk space (see ``simulator.episode``). The layout (which episodes share a space and
where each sits) depends only on the episode list, never on the engine or the number of
workers, and workers take whole batches through ``run_batch``, so every runner gives the
same rows bit for bit.
"""
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from brain.brainfile import brain_from_dict
from simulator.controller import Controller
from simulator.episode import EpisodeSpec, Episodes, check_start
from simulator.measured import DEFAULT_MODEL, draw_car
from simulator.sensor import SensorOptions

BATCH_SIZE = 25
CAR_STREAM = 1          # the episode seed's child stream that --randomize draws its car from
RECORDED = "recorded"   # a recorded row's ticks and world, which simulator.recording takes off it


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
    record: bool = False                # each row also carries its episode's ticks (simulator.recording)


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
    """Run one batch (episodes first, first + 1, ...) to the end; returns their rows.
    progress(ticks) now and then, counting every car's ticks."""
    specs = with_cars(job, specs)
    if job.check_starts:
        for spec in specs:
            check_start(spec, job.profile)
    brain = brain_from_dict(job.brain, "<brain>")
    numbers = range(first, first + len(specs))
    episodes = Episodes(specs, job.profile, brain, numbers=numbers, controller=job.controller, model=job.model,
                        sensor_options=job.sensor_options, record=job.record)
    try:
        episodes.run(job.seconds, progress=None if progress is None else (lambda ticks: progress(ticks * len(specs))))
    finally:
        _close(episodes.controller)
    # A controller of emulated boards (firmware_export.avr_loop) adds its own figures per episode.
    figures = getattr(episodes.controller, "figures", None)
    rows = [{"episode": i, "world": spec.world.name, "seed": spec.seed, **m.to_dict(),
             **({"car": spec.car} if spec.car is not None else {}), **({"uno": figures(k)} if figures else {})}
            for k, (i, spec, m) in enumerate(zip(numbers, specs, episodes.results()))]
    if job.record:
        for k, (row, spec) in enumerate(zip(rows, specs)):
            row[RECORDED] = {"ticks": episodes.trajectory(k), "world": spec.world.to_dict()}
    return rows


def _close(controller) -> None:
    """Stop what a controller runs beside this process (emulator processes), if anything."""
    close = getattr(controller, "close", None)
    if close is not None:
        close()
