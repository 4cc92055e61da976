"""Frame times of the simulator window at 1280x720 with 50 obstacles (dummy video driver).

    SDL_VIDEODRIVER=dummy python -m tests.bench.bench_gui [--frames 600]

Prints mean / p99 / max frame time and frames per second at each speed, and the worst
frame while retraining the default table (adam, then the tutorial's per-sample SGD).
A frame is the work between two flips (events, simulation, training slice, drawing,
flip); the 60 fps cap's sleep is not counted.
"""
import argparse
import os
import tempfile
from dataclasses import replace

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402

OBSTACLES = 50


def figures(ms) -> str:
    ms = np.asarray(ms)
    return (f"mean {ms.mean():5.2f} ms  p99 {np.percentile(ms, 99):5.2f} ms  max {ms.max():5.2f} ms  "
            f"({1000 / ms.mean():6.0f} fps)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args(argv)
    os.environ.setdefault("NEUROCAR_STATE_DIR", tempfile.mkdtemp(prefix="neurocar-bench-"))

    from simulator.gui import training, world_commands
    from simulator.gui.app import App
    from simulator.gui.pacing import SPEEDS
    from simulator.worldgen import WorldGenConfig, random_world

    app = App(realtime=False, restore=False, size=(1280, 720))
    world = random_world(7, replace(WorldGenConfig(), obstacles=(OBSTACLES, OBSTACLES),
                                    width_cm=(600.0, 600.0), height_cm=(450.0, 450.0)))
    world_commands.set_world(app, world)
    print(f"1280x720, world with {len(world.obstacles)} obstacles, {args.frames} frames per row")
    app.run(frames=app.frame + 30)                         # warm up the text cache
    for i, (label, _) in enumerate(SPEEDS):
        app.pacing.set_speed(i)
        start = len(app.frame_ms)
        app.run(frames=app.frame + args.frames)
        print(f"speed {label:>4}: {figures(app.frame_ms[start:])}")
    app.pacing.set_speed(0)
    for optimizer, epochs in (("adam", 2000), ("sgd", 40000)):
        app.state.hyper.values.update(optimizer=optimizer, epochs=epochs,
                                lr={"adam": 0.05, "sgd": 0.03}[optimizer])
        training.retrain(app)
        start = len(app.frame_ms)
        while app.state.training.job is not None and app.frame < 10 ** 6:
            app.run(frames=app.frame + 1)
        ms = app.frame_ms[start:]
        print(f"retraining ({optimizer}, up to {epochs} epochs): {len(ms)} frames, {figures(ms)}; "
              f"{app.state.training.status}")
    app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
