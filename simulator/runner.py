"""One episode runner, two engines: worker processes on this machine, or Ray.

    with open_runner("ray", jobs=8) as runner:
        rows = runner.run_many([(job_a, specs), (job_b, specs)])

A runner keeps its workers between calls (an evolution's generations reuse them). A call
hands it tasks, each a ``(Job, specs)``; all their batches (``simulator.batch_job``) go
to the workers together, and each task's rows come back in episode order. Every engine
runs the same ``run_batch`` on the same batches, so the rows are the same bit for bit
whatever the engine and the number of workers. Only a few batches per worker are ever
handed out ahead of the rows given back, so memory does not grow with the episode count.

Engines: ``processes`` (``simulator.process_engine``: a spawn pool, or this process for
one worker) and ``ray`` (``simulator.ray_engine``: an optional extra).
"""
import os

from simulator.engine import Progress, RunnerError, task_ticks, units
from simulator.process_engine import InProcess, Processes
from simulator.ray_engine import RayEngine
from brain.i18n import _

BACKENDS = ("processes", "ray")
__all__ = ["BACKENDS", "EpisodeRunner", "RunnerError", "open_runner"]


class EpisodeRunner:
    """Runs episodes on its engine's ``workers`` until closed (a context manager).
    backend: one of BACKENDS; address: the Ray cluster joined, if any."""

    def __init__(self, backend: str, address: str | None, engine):
        self.backend, self.address, self.workers, self._engine = backend, address, engine.workers, engine

    def rows(self, job, specs, progress=None):
        """Each episode's row in episode order, streaming as batches finish;
        progress(done_ticks, total_ticks)."""
        for _, rows in self._run([(job, specs)], progress):
            yield from rows

    def run_many(self, tasks, progress=None) -> list[list[dict]]:
        """Each task's rows in episode order; tasks are (Job, specs), and all their batches
        are spread over the workers at once. progress(done_ticks, total_ticks) over all tasks."""
        tasks = list(tasks)
        found = [[] for _ in tasks]
        for t, rows in self._run(tasks, progress):
            found[t].extend(rows)
        return found

    def close(self) -> None:
        self._engine.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _run(self, tasks, progress):
        report = progress or (lambda done, total: None)
        counter = Progress(sum(task_ticks(job, len(specs)) for job, specs in tasks), report)
        yield from self._engine.run(units(tasks), counter)
        report(counter.total, counter.total)


def open_runner(backend: str = "processes", jobs: int | None = None, address: str | None = None) -> EpisodeRunner:
    """A runner of ``jobs`` workers (default: this machine's cores; a joined Ray
    cluster's CPUs). address: a Ray cluster to join ("auto", HOST:PORT, ray://HOST:PORT)."""
    if backend not in BACKENDS:
        raise RunnerError(_("backend {backend!r} is not one of: {value}").format(
            backend=backend, value=', '.join(BACKENDS)))
    if jobs is not None and jobs < 1:
        raise RunnerError(_("{jobs} workers: a runner needs 1 or more").format(jobs=jobs))
    if address is not None and backend != "ray":
        raise RunnerError(_("address {address}: only the ray backend joins a cluster").format(address=address))
    if backend == "ray":
        return EpisodeRunner(backend, address, RayEngine(jobs, address))
    workers = jobs or os.cpu_count() or 1
    return EpisodeRunner(backend, None, InProcess() if workers == 1 else Processes(workers))
