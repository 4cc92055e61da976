"""Random worlds from a seed: arena size, obstacle count, shapes and sizes.

Every obstacle lies wholly inside the arena walls: its shape, size and direction are
drawn first, then its centre among the places that keep all of it inside.

Some obstacles are soft (cloth, a sofa: ``"surface": "soft"``) and some worlds hold
chairs, four thin legs each, which the measured sonar hears only near. These are drawn
from a stream of their own, after the other obstacles, so the rest of a world is what
the same seed gave before they existed.

The start pose is drawn first and every obstacle that would come within
``START_CLEARANCE_CM`` of it is redrawn, so the car always starts free (and with room
to turn). The same seed gives the same world, bit for bit; each world draws from its
own generator.
"""
import math
from dataclasses import dataclass, replace

import numpy as np

from simulator.world import MAX_OBSTACLES, Box, Cylinder, Pose, Wall, World, clearance

START_CLEARANCE_CM = 35.0


@dataclass(frozen=True)
class WorldGenConfig:
    width_cm: tuple = (250.0, 600.0)
    height_cm: tuple = (200.0, 450.0)
    obstacles: tuple = (3, 12)            # inclusive range of the obstacle count
    box_side_cm: tuple = (15.0, 90.0)
    cylinder_radius_cm: tuple = (4.0, 25.0)
    wall_length_cm: tuple = (40.0, 180.0)
    wall_thickness_cm: tuple = (2.0, 6.0)
    shape_weights: tuple = (0.45, 0.35, 0.20)   # box, cylinder, wall
    wall_cm: float = 5.0
    max_attempts: int = 50                # redraws per obstacle before giving it up
    soft_chance: float = 0.2              # of each obstacle being soft
    chairs: tuple = (0, 2)                # inclusive range of the chair count
    chair_side_cm: tuple = (35.0, 45.0)   # between leg centres
    leg_radius_cm: tuple = (0.5, 1.5)     # legs 1-3 cm across


def random_world(seed, config: WorldGenConfig = WorldGenConfig(), name: str | None = None) -> World:
    """A random world; seed is an int or a numpy SeedSequence."""
    rng = np.random.default_rng(seed)
    width = float(np.round(rng.uniform(*config.width_cm)))
    height = float(np.round(rng.uniform(*config.height_cm)))
    margin = START_CLEARANCE_CM
    start = Pose(float(np.round(rng.uniform(margin, width - margin), 1)),
                 float(np.round(rng.uniform(margin, height - margin), 1)),
                 float(np.round(rng.uniform(-180, 180), 1)))
    label = name or f"random {seed if isinstance(seed, int) else seed.entropy}"
    world = World(label, width, height, start, [], config.wall_cm, source=label)
    count = int(rng.integers(config.obstacles[0], config.obstacles[1] + 1))
    for _ in range(count):
        for _ in range(config.max_attempts):
            obstacle = _random_obstacle(rng, config, width, height)
            if _keeps_start_free(obstacle, start):
                world.add_obstacle(obstacle)
                break
    _soften_and_furnish(world, _furnishing_stream(seed), config)
    return world


def _furnishing_stream(seed) -> np.random.Generator:
    """A stream apart from the world's own, from the same seed."""
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, 0x50F7)))


def _soften_and_furnish(world: World, rng, c: WorldGenConfig) -> None:
    """Make some obstacles soft, then add chairs whose legs keep the start free."""
    soft = rng.random(len(world.obstacles)) < c.soft_chance
    for i in np.flatnonzero(soft).tolist():
        world.replace_obstacle(i, replace(world.obstacles[i], surface="soft"))
    for _ in range(int(rng.integers(c.chairs[0], c.chairs[1] + 1))):
        half = float(np.round(rng.uniform(*c.chair_side_cm), 1)) / 2
        r = float(np.round(rng.uniform(*c.leg_radius_cm), 1))
        angle = rng.uniform(0, np.pi / 2)
        x, y = _centre(rng, (half * math.sqrt(2) + r,) * 2, world.width_cm, world.height_cm)
        legs = [Cylinder(float(np.round(x + half * math.sqrt(2) * math.cos(angle + k * np.pi / 2), 1)),
                         float(np.round(y + half * math.sqrt(2) * math.sin(angle + k * np.pi / 2), 1)), r)
                for k in range(4)]
        if len(world.obstacles) + len(legs) <= MAX_OBSTACLES and all(_keeps_start_free(leg, world.start)
                                                                     for leg in legs):
            for leg in legs:
                world.add_obstacle(leg)


def _random_obstacle(rng, c: WorldGenConfig, width: float, height: float):
    """One obstacle wholly inside the arena: its shape and size are drawn first, then
    its centre uniformly among the places where every part of it stays inside."""
    kind = rng.choice(3, p=np.array(c.shape_weights) / sum(c.shape_weights))
    if kind == 0:
        w, h = (float(np.round(rng.uniform(*c.box_side_cm), 1)) for _ in range(2))
        angle = float(np.round(rng.uniform(0, 90), 1))
        ext = np.abs(Box(0.0, 0.0, w, h, angle).corners()).max(axis=0)
        x, y = _centre(rng, ext, width, height)
        return Box(x, y, w, h, angle)
    if kind == 1:
        r = float(np.round(rng.uniform(*c.cylinder_radius_cm), 1))
        x, y = _centre(rng, (r, r), width, height)
        return Cylinder(x, y, r)
    length = rng.uniform(*c.wall_length_cm)
    angle = rng.uniform(0, np.pi)
    thickness = float(np.round(rng.uniform(*c.wall_thickness_cm), 1))
    dx, dy = float(np.round(length / 2 * np.cos(angle), 1)), float(np.round(length / 2 * np.sin(angle), 1))
    ext = np.abs(Wall(-dx, -dy, dx, dy, thickness).as_box().corners()).max(axis=0)
    x, y = _centre(rng, ext, width, height)
    return Wall(float(np.round(x - dx, 1)), float(np.round(y - dy, 1)), float(np.round(x + dx, 1)),
                float(np.round(y + dy, 1)), thickness)


def _centre(rng, half_extent, width: float, height: float) -> tuple:
    """A centre (rounded to 0.1 cm) keeping a shape of this half extent (x, y) inside
    the arena; the ranges are narrowed by the rounding so it cannot push it out."""
    out = []
    for ext, size in zip(half_extent, (width, height)):
        low, high = math.ceil((ext + 1e-9) * 10) / 10, math.floor((size - ext - 1e-9) * 10) / 10
        out.append(float(np.round(rng.uniform(low, max(low, high)) * 10) / 10))
    return out[0], out[1]


def _keeps_start_free(obstacle, start: Pose) -> bool:
    at = np.array([[start.x_cm, start.y_cm]])
    if isinstance(obstacle, Cylinder):
        gap = clearance(at, np.zeros((0, 4)), np.array([[obstacle.x_cm, obstacle.y_cm, obstacle.radius_cm]]))
    else:
        box = obstacle.as_box() if isinstance(obstacle, Wall) else obstacle
        gap = clearance(at, box.edges(), np.zeros((0, 3)), [box])
    return bool(gap[0] >= START_CLEARANCE_CM)
