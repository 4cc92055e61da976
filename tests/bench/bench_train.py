"""Training speed on the 12-row car table: neurocar's defaults against the tutorial's way;
and on 100,000-row tables, through `neurocar train` and driving the trainer directly.

Run: python -m tests.bench.bench_train [--seeds 100] [--big-rows 100000]
One core (BLAS threads pinned to 1), except the `neurocar train` runs, which get the
environment this was started in, as a user's command would. Times are training time
alone (no file I/O) unless said otherwise.
"""
import os

USER_ENV = dict(os.environ)
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse   # noqa: E402
import json   # noqa: E402
import statistics   # noqa: E402
import subprocess   # noqa: E402
import sys   # noqa: E402
import tempfile   # noqa: E402
import time   # noqa: E402
from pathlib import Path   # noqa: E402

import numpy as np   # noqa: E402

from brain import TrainConfig, Trainer, load_brain, load_table, train   # noqa: E402
from brain.losses import get_loss   # noqa: E402
from brain.network import Network   # noqa: E402
from brain.optimizers import GradientDescent   # noqa: E402
from brain.training import _parameters, backprop, new_network   # noqa: E402
from simulator.assets import asset   # noqa: E402
from simulator.controller import input_grid   # noqa: E402
from simulator.profile import default_profile   # noqa: E402

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


def big_table(rows: int, teach: bool, seed: int = 0):
    """Rows labelled by the improved brain, 3 % of them with another row's answer (a
    teacher's slips). teach: the inputs are points of the controller's input grid, as
    teach mode records them (about 2,700 distinct rows); otherwise every row is distinct."""
    table, brain = load_table(asset("tables", "improved.csv")), load_brain(asset("brains", "improved.json"))
    rng = np.random.default_rng(seed)
    if teach:
        points = input_grid(default_profile())[2]
        x = points[rng.integers(0, len(points), rows)]
    else:
        x = rng.uniform(-1, 1, (rows, 2))
    y = brain.decide(x).astype(float)
    slips = rng.random(rows) < 0.03
    y[slips] = table.targets[rng.integers(0, len(table), int(slips.sum()))]
    return table.with_rows(x, y, [brain.action_label(r) for r in y])


def through_the_command(table, epochs: int | None) -> tuple[float, float]:
    """(epochs per second of training, epochs per second of the whole command's wall time)."""
    with tempfile.TemporaryDirectory() as folder:
        path, summary = Path(folder) / "big.csv", Path(folder) / "r.json"
        path.write_text(table.to_csv())
        cmd = [sys.executable, "-m", "simulator.cli", "train", str(path), "--out", str(Path(folder) / "b.json"),
               "--json", str(summary), *(["--epochs", str(epochs)] if epochs else [])]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=USER_ENV)
        wall = time.perf_counter() - start
        result = json.loads(summary.read_text())
    return result["epochs"] / result["train_seconds"], result["epochs"] / wall


def directly(table, epochs: int | None) -> float:
    config = TrainConfig(seed=0, **({"epochs": epochs} if epochs else {}))
    trainer = Trainer(new_network(table, config), table.inputs, table.targets, config, table.decoders)
    trainer.run()
    return trainer.epochs_ / trainer.train_seconds_


def big_tables(rows: int) -> None:
    cases = [("teach mode's (controller grid inputs, repeated)", True, None),
             ("every row distinct", False, 300)]
    print(f"{rows:,} rows, 2-3-2 tanh, neurocar's defaults:")
    for what, teach, epochs in cases:
        table = big_table(rows, teach)
        command, command_wall = through_the_command(table, epochs)
        print(f"  {what}, {epochs or TrainConfig.epochs} epochs: neurocar train {command:.0f} epochs/s "
              f"({command_wall:.0f} counting its whole wall time), the trainer directly {directly(table, epochs):.0f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--tutorial-seeds", type=int, default=5)
    parser.add_argument("--big-rows", type=int, default=100_000)
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
    big_tables(args.big_rows)


if __name__ == "__main__":
    main()
