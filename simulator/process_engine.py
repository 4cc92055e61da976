"""The processes engine: a pool of worker processes on this machine, or this process alone.

The pool uses the 'spawn' context (no inherited state) and starts with the first batch;
its workers ignore Ctrl-C (the main process stops them when the runner closes) and live
as long as the runner. Each distinct Job is pickled once and travels with its batches
as those bytes (a few kB); a worker unpickles it once and keeps it by its key.
"""
import multiprocessing as mp
import pickle
import queue
import signal
import threading
from collections import OrderedDict
from contextlib import contextmanager
from itertools import count

from simulator.batch_job import run_batch
from simulator.engine import POLL_S, JobCache, Sent, ordered

WORKER_JOBS = 16        # the Jobs a worker keeps unpickled (an evolution's population at a time)


class InProcess:
    """One worker: the batches run here, in order, progress told every few ticks."""
    workers = 1

    def run(self, work, progress):
        for unit in work:
            yield unit.task, run_batch(unit.job, unit.first, unit.specs, progress.add)

    def close(self) -> None:
        pass


class Processes:
    """``workers`` worker processes, each given a batch and one more waiting."""

    def __init__(self, workers: int):
        self.workers, self._pool, self._queue = workers, None, None
        keys = count()
        self._jobs = JobCache(lambda job: (next(keys), pickle.dumps(job)))

    def run(self, work, progress):
        yield from ordered(self, work, progress)

    def room(self, pending) -> bool:
        return len(pending) < 2 * self.workers

    def submit(self, unit, progress) -> Sent:
        key, payload = self._jobs(unit.job)
        task = (progress.call, key, payload, unit.first, unit.specs)
        return Sent(unit, self._started().apply_async(_work, (task,)))

    def wait(self, pending, progress) -> None:
        pending[0].handle.wait(POLL_S)
        progress.add(_drain(self._queue, progress.call))

    def done(self, sent) -> bool:
        return sent.handle.ready()

    def result(self, sent) -> list[dict]:
        return sent.handle.get()

    def drop(self, pending) -> None:
        """Batches already handed out run to their end; their rows are not asked for."""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def _started(self):
        if self._pool is None:
            ctx = mp.get_context("spawn")
            self._queue = ctx.Queue()
            with _ignoring_ctrl_c():              # the workers start with Ctrl-C ignored
                self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(self._queue,))
        return self._pool


_progress_queue = None
_worker_jobs = OrderedDict()


def _init_worker(q) -> None:
    global _progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the main process's to handle
    _progress_queue = q


def _work(task):
    call, key, payload, first, specs = task
    job = _worker_jobs.pop(key, None) or pickle.loads(payload)
    _worker_jobs[key] = job
    while len(_worker_jobs) > WORKER_JOBS:
        _worker_jobs.popitem(last=False)
    return run_batch(job, first, specs, lambda ticks: _progress_queue.put((call, ticks)))


def _drain(q, call) -> int:
    """The ticks this call's batches have reported since last asked."""
    ticks = 0
    try:
        while True:
            sender, n = q.get_nowait()
            ticks += n if sender == call else 0
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
