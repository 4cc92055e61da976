"""The two engines of ``simulator.runner`` on the same episodes, back to back in one run.

    python -m tests.bench.bench_backends

100 random worlds x 20 s (the default brain, the measured car), 2 workers: episodes per
second with the process pool and with Ray started on this machine. Both runners stay
open: a first call each counts its workers' start (the pool's processes, Ray's worker
processes importing neurocar); then PAIRS calls of each, alternating, are the runners
warm, as an evolution's generations find them, so the machine's load hits both alike
(the median is printed). Ray's own start is timed apart. Every call's rows are checked
equal. Without Ray installed only the processes figures are printed.
"""
import statistics
import time

from brain import load_brain
from simulator.assets import asset
from simulator.batch import Job, random_specs
from simulator.profile import default_profile
from simulator.runner import RunnerError, open_runner

EPISODES, SECONDS, WORKERS = 100, 20.0, 2
PAIRS = 3


def rate(runner, job, specs, expected=None) -> tuple[float, list[dict]]:
    """Episodes per second of one call, and its rows (checked against ``expected``)."""
    start = time.perf_counter()
    rows = list(runner.rows(job, specs))
    took = time.perf_counter() - start
    assert expected is None or rows == expected, f"the {runner.backend} runner's rows differ"
    return len(specs) / took, rows


def main() -> None:
    job = Job(load_brain(asset("brains", "default.json")).to_dict(), default_profile(), SECONDS)
    specs = random_specs(EPISODES, seed=0)
    print(f"{EPISODES} random worlds x {SECONDS:g} s, {WORKERS} workers")
    with open_runner("processes", WORKERS) as processes:
        first, expected = rate(processes, job, specs)
        try:
            start = time.perf_counter()
            ray = open_runner("ray", WORKERS)
        except RunnerError as e:
            print(f"processes: {first:6.1f} episodes/s on the first call; ray not measured ({e})")
            return
        started = time.perf_counter() - start
        with ray:
            ray_first, _ = rate(ray, job, specs, expected)
            pairs = [(rate(processes, job, specs, expected)[0], rate(ray, job, specs, expected)[0])
                     for _ in range(PAIRS)]
    for name, warm, cold in (("processes", [p for p, _ in pairs], first), ("ray", [r for _, r in pairs], ray_first)):
        print(f"{name + ':':<10} {statistics.median(warm):6.1f} episodes/s warm (median of {PAIRS}, "
              f"{min(warm):.1f} to {max(warm):.1f}), {cold:6.1f} on the first call")
    print(f"Ray's own start: {started:.1f} s")


if __name__ == "__main__":
    main()
