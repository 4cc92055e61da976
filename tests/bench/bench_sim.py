"""Simulation speed figures (a benchmark that prints, not a timed test).

    python -m tests.bench.bench_sim

1. the whole loop (sensor, controller, brain, physics) in multiples of real time on one
   core: one car alone, and a batch of 25 cars sharing a space as ``neurocar eval`` runs;
2. the bare-pymunk floor: the same bodies, joints, static shapes and physics steps, with
   the profile's ``segment_query_first`` rays per car per tick and one velocity write per tick,
   nothing else; and the ratio of the whole loop to it;
3. the measured car model's whole loop (its echo, servo and motors) against the ideal
   model's, in the same run and the same batches: at most 1.3 times the time wanted;
4. the wall time of ``neurocar eval --worlds 100 --seconds 60``.
"""
import math
import statistics
import subprocess
import sys
import time

import pymunk

from brain import load_brain
from simulator.assets import asset
from simulator.batch import BATCH_SIZE, random_specs
from simulator.episode import Episodes
from simulator.physics import PHYSICS_HZ
from simulator.profile import default_profile
from simulator.sensor import ray_offsets

SECONDS = 60.0
PAIRS = 5                 # ideal and measured runs back to back: the machine's load hits both alike


def whole_loop(n: int, model: str = "ideal") -> float:
    profile = default_profile()
    ep = Episodes(random_specs(n, seed=0), profile, load_brain(asset("brains", "default.json")), model=model)
    start = time.perf_counter()
    ep.run(SECONDS)
    return n * SECONDS / (time.perf_counter() - start)


def bare_pymunk(n: int) -> float:
    """The floor: Episodes' space and cars, driven straight with pymunk ray queries."""
    profile = default_profile()
    ep = Episodes(random_specs(n, seed=0), profile, load_brain(asset("brains", "default.json")))
    space, cars = ep.space, ep.cars
    spread = ray_offsets(profile.sensor).tolist()
    reach = profile.sensor.max_range_cm
    speed = profile.drive.speed_cm_s
    everything = pymunk.ShapeFilter()
    ticks = int(SECONDS / profile.control.tick_s)
    start = time.perf_counter()
    for _ in range(ticks):
        for body, control in zip(cars.bodies, cars.controls):
            x, y = body.position
            a = body.angle
            for off in spread:
                space.segment_query_first((x, y), (x + reach * math.cos(a + off), y + reach * math.sin(a + off)), 0,
                                          everything)
            control.velocity = (speed * math.cos(a), speed * math.sin(a))
        for _ in range(ep.steps):
            space.step(ep.dt)
    return n * SECONDS / (time.perf_counter() - start)


def eval_wall_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from simulator.cli import main; sys.exit(main())",
                    "eval", "--brain", str(asset("brains", "default.json")),
                    "--worlds", "100", "--seconds", "60", "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    one = whole_loop(1)
    print(f"whole loop, 1 car:               {one:7.0f}x real time on one core")
    many = whole_loop(BATCH_SIZE)
    print(f"whole loop, {BATCH_SIZE} cars in one space:  {many:7.0f}x real time on one core")
    floor = bare_pymunk(BATCH_SIZE)
    sensor = default_profile().sensor
    print(f"bare pymunk floor, {BATCH_SIZE} cars:        {floor:7.0f}x real time on one core "
          f"({sensor.rays} segment queries per car per tick, {PHYSICS_HZ} Hz steps)")
    print(f"whole loop / floor (time):       {floor / many:7.2f}  (at most 2 wanted)")
    floor_one = bare_pymunk(1)
    print(f"bare pymunk floor, 1 car:        {floor_one:7.0f}x real time;  1-car ratio {floor_one / one:.2f}")
    pairs = [(whole_loop(BATCH_SIZE), whole_loop(BATCH_SIZE, "measured")) for _ in range(PAIRS)]
    ratios = sorted(ideal / measured for ideal, measured in pairs)
    print(f"measured model, {BATCH_SIZE} cars:          {statistics.median(m for _, m in pairs):7.0f}x real time on "
          f"one core; time / ideal's {statistics.median(ratios):.2f}, median of {PAIRS} back-to-back pairs "
          f"({ratios[0]:.2f} to {ratios[-1]:.2f}; at most 1.3 wanted)")
    wall = eval_wall_seconds()
    print(f"neurocar eval --worlds 100 --seconds 60: {wall:.1f} s wall (10 s wanted on 2 cores)")


if __name__ == "__main__":
    main()
