"""Training speed on the 12-row car table: neurocar's defaults against the tutorial's way.

Run: python -m tests.bench_train [--seeds 100]
One core (BLAS threads pinned to 1). Times are training time alone (no file I/O).
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse   # noqa: E402
import statistics   # noqa: E402
import time   # noqa: E402

import numpy as np   # noqa: E402

from brain import TrainConfig, load_table, train   # noqa: E402
from brain.losses import get_loss   # noqa: E402
from brain.network import Network   # noqa: E402
from brain.optimizers import GradientDescent   # noqa: E402
from brain.training import _parameters, backprop   # noqa: E402
from simulator.assets import asset   # noqa: E402

SEED_ITERATIONS = 40_001


def defaults(table, seeds):
    times, epochs, solved = [], [], 0
    for seed in range(seeds):
        brain, trainer = train(table, TrainConfig(seed=seed))
        right = int(table.rows_right(brain.forward(table.inputs)).sum())
        solved += right == len(table)
        times.append(trainer.train_seconds_)
        epochs.append(trainer.epochs_)
    return times, epochs, solved


def tutorial_way(table, seed):
    """2 inputs + bias unit -> 3+1 tanh hidden -> 2 tanh outputs, uniform [-1, 1] weights,
    one random row per update, learning rate 0.03, 40,001 updates."""
    net = Network.create([2, 4, 2], "tanh", seed=seed, init="uniform", bias=[True, False])
    params, opt, loss = _parameters(net), GradientDescent(0.03), get_loss("mse")
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(table), SEED_ITERATIONS)
    start = time.perf_counter()
    for i in rows:
        x, y = table.inputs[i:i + 1], table.targets[i:i + 1]
        zs, acts = net.trace(x)
        opt.update(params, backprop(net, zs, acts, y, loss))
    elapsed = time.perf_counter() - start
    return elapsed, int(table.rows_right(net.forward(table.inputs)).sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--tutorial-seeds", type=int, default=5)
    args = parser.parse_args()
    table = load_table(asset("tables", "seed_turn_direction.csv"))
    times, epochs, solved = defaults(table, args.seeds)
    median_ms = statistics.median(times) * 1000
    print(f"neurocar defaults (2-3-2 tanh, full-batch Adam lr 0.05, stop at 12/12), {args.seeds} seeds:")
    print(f"  reached 12/12: {solved}/{args.seeds} seeds")
    print(f"  training time: median {median_ms:.2f} ms, p90 {np.percentile(times, 90) * 1000:.2f} ms, "
          f"max {max(times) * 1000:.2f} ms; epochs median {statistics.median(epochs):.0f}, max {max(epochs)}")
    seed_runs = [tutorial_way(table, s) for s in range(args.tutorial_seeds)]
    seed_median = statistics.median(t for t, _ in seed_runs) * 1000
    print(f"the tutorial's way (per-sample SGD, lr 0.03, {SEED_ITERATIONS:,} updates), {args.tutorial_seeds} seeds:")
    print(f"  reached 12/12: {sum(r == 12 for _, r in seed_runs)}/{args.tutorial_seeds} seeds")
    print(f"  training time: median {seed_median:.0f} ms")
    print(f"ratio: the defaults reach 12/12 {seed_median / median_ms:.0f}x faster (median against median)")


if __name__ == "__main__":
    main()
