"""The ray engine: each batch one Ray task, on this machine or on a cluster.

Ray is an optional extra (``pip install 'neurocar[ray]'``), imported only here, when a
ray runner opens. Without an address it starts on this machine with as many CPUs as
workers (no dashboard, its workers' output kept off the terminal) and stops when the
runner closes. With an address it joins a cluster, reached first from a short-lived
process, so that an address nobody answers at fails in CONNECT_TIMEOUT_S (Ray itself
retries for minutes). A process where Ray already runs keeps it, and it stays up.

Each distinct Job goes into the object store once; random worlds travel as their recipe
(``RandomSpecs``) and are made by the worker. At most ``workers`` tasks run at once and
at most twice that are held, so memory does not grow with the episode count.
"""
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from contextlib import contextmanager

from brain.errors import NeurocarError
from brain.i18n import _
from simulator.batch_job import run_batch
from simulator.engine import POLL_S, JobCache, RunnerError, Sent, ordered

CONNECT_TIMEOUT_S = 15.0
INSTALL = "pip install 'neurocar[ray]'"
QUIET = {"logging_level": logging.ERROR, "log_to_driver": False}


def import_ray():
    try:
        import ray                        # pylint: disable=import-outside-toplevel
    except ImportError:
        raise RunnerError(_("the ray backend needs Ray, which is not installed here: {INSTALL}").format(
            INSTALL=INSTALL)) from None
    return ray


class RayEngine:
    """Batches as Ray tasks of one CPU each; ``workers`` of them running at once."""

    def __init__(self, jobs: int | None, address: str | None):
        self.ray = import_ray()
        self.started = _connect(self.ray, jobs, address)
        self.workers = jobs or max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        self._batch = self.ray.remote(num_cpus=1)(run_batch)
        self._jobs = JobCache(self.ray.put)

    def run(self, work, progress):
        yield from ordered(self, work, progress)

    def room(self, pending) -> bool:
        running = sum(not s.finished for s in pending)
        return len(pending) < 2 * self.workers and running < self.workers

    def submit(self, unit, progress) -> Sent:
        return Sent(unit, self._batch.remote(self._jobs(unit.job), unit.first, unit.specs))

    def wait(self, pending, progress) -> None:
        """POLL_S, then each batch finished meanwhile has its ticks told. The wait is
        Python's: a signal arriving inside Ray's own wait becomes a KeyboardInterrupt,
        and SIGTERM must stay SIGTERM."""
        time.sleep(POLL_S)
        running = [s.handle for s in pending if not s.finished]
        ready = set(self.ray.wait(running, num_returns=len(running), timeout=0)[0])
        for sent in pending:
            if sent.handle in ready:
                sent.finished = True
                progress.add(sent.unit.ticks)

    def done(self, sent) -> bool:
        return sent.finished

    def result(self, sent) -> list[dict]:
        try:
            return self.ray.get(sent.handle)
        except self.ray.exceptions.RayTaskError as e:
            if isinstance(e.cause, NeurocarError):     # a user's error (a world, a profile), as one line
                raise e.cause from None
            raise

    def drop(self, pending) -> None:
        for sent in pending:
            if not sent.finished:
                self.ray.cancel(sent.handle)

    def close(self) -> None:
        self._jobs.entries.clear()
        if self.started:
            self.ray.shutdown()
            self.started = False


def _connect(ray, jobs: int | None, address: str | None) -> bool:
    """Start Ray here or join the cluster at ``address``, unless this process already has
    Ray; True when it was this call that started or joined it."""
    if ray.is_initialized():
        return False
    if address is not None:
        _reach(address)
    with _keeping_sigterm():
        if address is None:
            ray.init(num_cpus=jobs or os.cpu_count() or 1, include_dashboard=False, **QUIET)
        else:
            ray.init(address=address, **QUIET)
    return True


@contextmanager
def _keeping_sigterm():
    """Ray's init takes SIGTERM over (exit 1 and a stack dump); the handler this process
    had (the command's: cleanup, one line, exit 143) is put back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _reach(address: str) -> None:
    """Join the cluster once from a short-lived process: RunnerError, in one line, when it
    refuses or nothing answers within CONNECT_TIMEOUT_S."""
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe(duplex=False)
    probe = ctx.Process(target=_try_joining, args=(address, there), daemon=True)
    probe.start()
    there.close()
    try:
        answer = here.recv() if here.poll(CONNECT_TIMEOUT_S) else None
    except EOFError:
        answer = "the process trying to join it died"
    finally:
        probe.kill()
        probe.join()
    if answer is None:
        raise RunnerError(_("Ray cluster address {address}: nothing answered within {CONNECT_TIMEOUT_S:g} s; give "
                          "the head's HEAD:6379 (after 'ray start --head' there), 'auto' on a cluster's machine, "
                          "or ray://HEAD:10001").format(address=address, CONNECT_TIMEOUT_S=CONNECT_TIMEOUT_S))
    if answer:
        raise RunnerError(_("Ray cluster address {address}: {answer}").format(address=address, answer=answer))


def _try_joining(address: str, conn) -> None:
    """In the probe process: "" once joined, else the first line of Ray's complaint."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)      # Ray's retries would talk over the terminal
    try:
        ray = import_ray()
        ray.init(address=address, **QUIET)
        ray.shutdown()
        conn.send("")
    except Exception as e:                   # pylint: disable=broad-except
        conn.send((str(e).strip().splitlines() or [type(e).__name__])[0])
