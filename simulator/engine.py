"""What every engine of ``simulator.runner`` shares: the units of work, progress, each
Job made ready once, and the loop that hands batches out and rows back in order."""
from collections import OrderedDict, deque
from dataclasses import dataclass
from itertools import count

from brain.errors import NeurocarError
from simulator.batch_job import Job, batches
from simulator.episode import ticks_in

POLL_S = 0.1            # how often a waiting runner reports progress
_calls = count()


class RunnerError(NeurocarError):
    """A runner that cannot open: an unknown backend, Ray missing, a cluster nobody answers at."""


@dataclass(frozen=True)
class Unit:
    """One batch of one task: the task's index, its Job, the batch's first episode and its specs."""
    task: int
    job: Job
    first: int
    specs: object

    @property
    def ticks(self) -> int:
        return task_ticks(self.job, len(self.specs))


@dataclass
class Sent:
    """A unit handed to the workers, and what the engine holds to get its rows back."""
    unit: Unit
    handle: object
    finished: bool = False


def task_ticks(job: Job, episodes: int) -> int:
    """Every car's control ticks in ``episodes`` episodes of this job."""
    return episodes * ticks_in(job.seconds, job.profile.control.tick_s)


def units(tasks):
    """Every task's batches, task after task, each in episode order."""
    for t, (job, specs) in enumerate(tasks):
        for r in batches(specs):
            yield Unit(t, job, r.start, specs[r.start:r.stop])


class Progress:
    """Ticks done of a call's total, told to report(done, total); ``call`` tells this
    call's reports from those of batches an earlier call left running."""

    def __init__(self, total: int, report):
        self.done, self.total, self.report, self.call = 0, total, report, next(_calls)

    def add(self, ticks: int) -> None:
        self.done += ticks
        self.report(self.done, self.total)


class JobCache:
    """What an engine makes of each distinct Job (pickled bytes, an object-store
    reference), made once: keyed by identity, the Job held while cached so that its id
    is not reused; the oldest forgotten beyond ``size``."""

    def __init__(self, make, size: int = 64):
        self.make, self.size, self.entries = make, size, OrderedDict()

    def __call__(self, job: Job):
        entry = self.entries.pop(id(job), None) or (job, self.make(job))
        self.entries[id(job)] = entry
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return entry[1]


def ordered(engine, work, progress: Progress):
    """(task, rows) of every unit in order, handing units to the engine while
    ``engine.room(pending)``; units left when the caller stops are ``engine.drop``ped."""
    pending, work = deque(), iter(work)
    try:
        while True:
            while engine.room(pending) and (unit := next(work, None)) is not None:
                pending.append(engine.submit(unit, progress))
            if not pending:
                return
            engine.wait(pending, progress)
            while pending and engine.done(pending[0]):
                sent = pending.popleft()
                yield sent.unit.task, engine.result(sent)
    finally:
        engine.drop(pending)
