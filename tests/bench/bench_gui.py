"""Frame times of the simulator window at 1280x720 with 50 obstacles (dummy video driver).

    SDL_VIDEODRIVER=dummy python -m tests.bench.bench_gui [--frames 600] [--train-frames 1500]

Prints mean / p99 / max frame time and frames per second at each speed with the car
model the window drives (the measured one), then the same while retraining on the
tutorial's 12-row table and on a 10,000-row table made from it (each with Adam over the
whole table, and the tutorial's per-sample SGD), up to --train-frames frames each: from
the frame R is pressed in to 1.5 s after the job ends (the new brain is autosaved then).
A frame is the work between two flips (events, simulation, training slice, drawing,
flip); the 60 fps cap's sleep is not counted. A frame is within budget at 16.7 ms (60 fps).
"""
import argparse
import os
import tempfile
from dataclasses import replace

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402

OBSTACLES = 50
BIG_ROWS = 10_000
BUDGET_MS = 1000 / 60
RUNS = (("adam", 2000, 0.05), ("sgd", 40000, 0.03))     # optimizer, epochs, learning rate


def figures(ms) -> str:
    ms = np.asarray(ms)
    over = int((ms > BUDGET_MS).sum())
    return (f"mean {ms.mean():5.2f} ms  p99 {np.percentile(ms, 99):5.2f} ms  max {ms.max():5.2f} ms  "
            f"({1000 / ms.mean():4.0f} fps; {over} of {len(ms)} over {BUDGET_MS:.1f} ms)")


def big_table(table, rows: int, seed: int = 0):
    """``rows`` rows drawn from ``table``'s, the inputs moved by a little seeded noise (so
    that they are distinct rows, as a recorded table's are)."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(table), rows)
    inputs = table.inputs[pick] + rng.normal(0.0, 0.01, (rows, table.inputs.shape[1]))
    return table.with_rows(inputs, table.targets[pick], [table.labels[i] for i in pick])


def retraining(app, table, train_frames: int) -> None:
    import pygame
    from simulator.gui.tablemodel import TableEditor
    app.state.editor = TableEditor(table)
    app.run(frames=app.frame + 120)                      # the new table autosaved, as a second after opening it
    for optimizer, epochs, lr in RUNS:
        app.state.hyper.values.update(optimizer=optimizer, epochs=epochs, lr=lr)
        start = len(app.frame_ms)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_r, mod=0, unicode="r"))
        app._loop(app.frame + 1, None)                   # the frame R is pressed in counts too
        while app.state.training.job is not None and len(app.frame_ms) - start < train_frames:
            app._loop(app.frame + 1, None)               # the window's loop (run() would also autosave)
        app._loop(app.frame + 90, None)                  # and those after: the new brain autosaved
        ms = app.frame_ms[start:]
        job = app.state.training.job
        ended = f"stopped at epoch {job.epochs}" if job is not None else app.state.training.status
        print(f"  {len(table):>6} rows, {optimizer:>4} (up to {epochs} epochs): {figures(ms)}; {ended}")
        app.state.training.job = None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--train-frames", type=int, default=1500)
    args = parser.parse_args(argv)
    os.environ.setdefault("NEUROCAR_STATE_DIR", tempfile.mkdtemp(prefix="neurocar-bench-"))

    from simulator.gui import world_commands
    from simulator.gui.app import App
    from simulator.gui.pacing import SPEEDS
    from simulator.worldgen import WorldGenConfig, random_world

    app = App(realtime=False, restore=False, size=(1280, 720))
    world = random_world(7, replace(WorldGenConfig(), obstacles=(OBSTACLES, OBSTACLES),
                                    width_cm=(600.0, 600.0), height_cm=(450.0, 450.0)))
    world_commands.set_world(app, world)
    print(f"1280x720, {app.state.model} car model, world with {len(world.obstacles)} obstacles, "
          f"{args.frames} frames per speed")
    app.run(frames=app.frame + 30)                         # warm up the text cache
    for i, (label, _) in enumerate(SPEEDS):
        app.pacing.set_speed(i)
        start = len(app.frame_ms)
        app.run(frames=app.frame + args.frames)
        print(f"speed {label:>4}: {figures(app.frame_ms[start:])}")
    app.pacing.set_speed(0)
    print(f"retraining at x1, up to {args.train_frames} frames each:")
    table = app.state.editor.table
    for t in (table, big_table(table, BIG_ROWS)):
        retraining(app, t, args.train_frames)
    app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
