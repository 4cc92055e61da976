"""Big-world figures (a benchmark that prints, not a timed test).

    SDL_VIDEODRIVER=dummy python -m tests.bench.bench_big_world [--obstacles 10000]

A world of 10,000 boxes (15 to 90 cm, any angle, seed 1) in a 100 x 100 m arena, as
``neurocar eval`` and the window meet it:

1. start: wall time and peak memory (RSS) of ``neurocar eval --world big.json`` for one
   control tick, and of the window (``neurocar --world big.json --frames 1``), each
   process started from nothing;
2. eval speed: ``neurocar eval --seconds 60 --jobs 1`` on the five shipped worlds and on
   the big world five times (the same number of episodes, so the same batching), in the
   same run, each twice and the faster kept; the ratio is the big world's share;
3. window frames (1280x720, dummy video driver) in the big world: the view the window
   opens with (as much of the arena as the camera's widest zoom shows), following the
   car close up, and a zoom step on every frame; the shipped living room beside it.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402

from simulator.assets import asset  # noqa: E402

SHIPPED = ["empty", "living_room", "corridor", "slalom", "small_maze"]
BRAIN = str(asset("brains", "improved.json"))
SIDE_CM = 10_000.0

# Runs a command and prints its wall time and the peak RSS of it and its children.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
sys.stderr.write(r.stderr)
if r.returncode:
    sys.exit(r.returncode)
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def big_world(path: Path, obstacles: int) -> None:
    from simulator.world import save_world
    from simulator.worldgen import WorldGenConfig, random_world
    config = replace(WorldGenConfig(), obstacles=(obstacles, obstacles), width_cm=(SIDE_CM, SIDE_CM),
                     height_cm=(SIDE_CM, SIDE_CM), shape_weights=(1.0, 0.0, 0.0))
    world = random_world(1, config, name=f"{obstacles} boxes")
    save_world(path, world)


def measured(*args) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of ``neurocar ARGS`` started from nothing."""
    r = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "simulator.cli", *args],
                       capture_output=True, text=True, check=True)
    wall, kb = r.stdout.split()
    return float(wall), int(kb) / 1024


def eval_speed(worlds, out: Path) -> float:
    """Simulated car-seconds per wall second, as ``neurocar eval`` reports it."""
    subprocess.run([sys.executable, "-m", "simulator.cli", "eval", "--brain", BRAIN, "--world", *worlds,
                    "--seconds", "60", "--jobs", "1", "--quiet", "--json", str(out)], check=True, capture_output=True)
    data = json.loads(out.read_text())
    return data["sim_seconds"] / data["wall_seconds"]


def figures(ms) -> str:
    ms = np.asarray(ms)
    return f"mean {ms.mean():6.1f} ms  p99 {np.percentile(ms, 99):6.1f} ms  ({1000 / ms.mean():4.0f} fps)"


def window_frames(world_path, frames: int) -> dict:
    from simulator.gui.app import App
    app = App(world_path=str(world_path), realtime=False, restore=False, size=(1280, 720))
    app.run(frames=30)                                   # warm up the text cache
    out = {}
    start = len(app.frame_ms)
    app.run(frames=app.frame + frames)
    x0, y0, x1, y1 = app.camera.visible()
    out[f"opening view ({(x1 - x0) / 100:.0f} x {(y1 - y0) / 100:.0f} m)"] = app.frame_ms[start:]
    app.state.follow, app.camera.scale = True, 3.0
    start = len(app.frame_ms)
    app.run(frames=app.frame + frames)
    out["following the car at 3 px/cm"] = app.frame_ms[start:]
    app.state.follow = False
    app.fit_world()
    start = len(app.frame_ms)
    for k in range(frames // 4):
        app.camera.zoom(1.1 if k % 2 else 1 / 1.1)
        app.run(frames=app.frame + 1)
    out["a zoom step every frame"] = app.frame_ms[start:]
    app.close()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--obstacles", type=int, default=10_000)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args(argv)
    os.environ.setdefault("NEUROCAR_STATE_DIR", tempfile.mkdtemp(prefix="neurocar-bench-"))
    folder = Path(tempfile.mkdtemp(prefix="neurocar-big-"))
    world = folder / "big.json"
    big_world(world, args.obstacles)
    print(f"a world of {args.obstacles:,} boxes in a {SIDE_CM / 100:g} x {SIDE_CM / 100:g} m arena")

    wall, mb = measured("eval", "--brain", BRAIN, "--world", str(world), "--seconds", "0.025", "--quiet")
    print(f"eval start (process, one tick):     {wall:5.1f} s, peak {mb:5.0f} MB   (at most 5 s and 1 GB wanted)")
    wall, mb = measured("--world", str(world), "--frames", "1", "--no-restore")
    print(f"window start (process, one frame):  {wall:5.1f} s, peak {mb:5.0f} MB   (at most 5 s and 1 GB wanted)")
    wall, mb = measured("--frames", "1", "--no-restore")
    print(f"window start, shipped living room:  {wall:5.1f} s, peak {mb:5.0f} MB")

    shipped = [str(asset("worlds", f"{n}.json")) for n in SHIPPED]
    speeds = {"shipped": [], "big": []}
    for _ in range(2):
        speeds["shipped"].append(eval_speed(shipped, folder / "shipped.json"))
        speeds["big"].append(eval_speed([str(world)] * len(SHIPPED), folder / "big_eval.json"))
    small, big = max(speeds["shipped"]), max(speeds["big"])
    print(f"eval speed, 5 shipped worlds x 60 s: {small:5.0f}x real time on one core")
    print(f"eval speed, 5 x the big world, 60 s: {big:5.0f}x real time on one core")
    print(f"big / shipped:                      {big / small:5.2f}   (a quarter or more wanted)")

    for name, path in (("big world", world), ("living room", asset("worlds", "living_room.json"))):
        for label, ms in window_frames(path, args.frames).items():
            print(f"window, {name}, {label + ':':<31} {figures(ms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
