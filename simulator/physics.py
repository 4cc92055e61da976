"""The pymunk space: worlds' static shapes placed side by side, and contact counting.

Several worlds can share one space, each shifted by its own offset far enough from the
others that nothing in one can touch anything in another; a car only ever meets its
own world's obstacles. Sharing a space shares pymunk's per-call overhead.
"""
import numpy as np
import pymunk

from simulator.car import CAR_COLLISION_TYPE, OBSTACLE_COLLISION_TYPE

PHYSICS_HZ = 120          # the slowest physics rate the tests allow
OBSTACLE_FRICTION = 0.6


def steps_per_tick(tick_s: float) -> int:
    """Physics steps per control tick, so that the step is 1/PHYSICS_HZ s or shorter."""
    return max(1, int(np.ceil(tick_s * PHYSICS_HZ - 1e-9)))


def new_space() -> pymunk.Space:
    space = pymunk.Space()
    space.gravity = (0.0, 0.0)
    return space


def add_world(space: pymunk.Space, world, offset) -> list:
    """Add a world's solids as static shapes shifted by offset (cm); returns them."""
    ox, oy = offset
    shapes = []
    for corners in world.corners().tolist():
        shapes.append(pymunk.Poly(space.static_body, [(x + ox, y + oy) for x, y in corners]))
    for x, y, r in world.circles():
        shapes.append(pymunk.Circle(space.static_body, float(r), (float(x) + ox, float(y) + oy)))
    for shape in shapes:
        shape.friction, shape.elasticity = OBSTACLE_FRICTION, 0.0
        shape.collision_type = OBSTACLE_COLLISION_TYPE
    space.add(*shapes)
    return shapes


class ContactCounter:
    """Counts, per car, each new contact with an obstacle and how many are touching now.

    Callbacks run only when a contact begins or ends, never per step."""

    def __init__(self, space: pymunk.Space, index_of_shape: dict, n: int):
        self.index_of_shape = index_of_shape
        self.collisions = np.zeros(n, dtype=int)
        self.touching = np.zeros(n, dtype=int)
        space.on_collision(CAR_COLLISION_TYPE, OBSTACLE_COLLISION_TYPE, begin=self._begin, separate=self._separate)

    def _car(self, arbiter) -> int:
        return self.index_of_shape[arbiter.shapes[0]]

    def _begin(self, arbiter, space, data) -> None:
        i = self._car(arbiter)
        self.collisions[i] += 1
        self.touching[i] += 1

    def _separate(self, arbiter, space, data) -> None:
        i = self.index_of_shape.get(arbiter.shapes[0])
        if i is not None:
            self.touching[i] = max(0, self.touching[i] - 1)

    def reset(self, i=None) -> None:
        if i is None:
            self.collisions[:] = 0
            self.touching[:] = 0
        else:
            self.collisions[i] = 0
            self.touching[i] = 0
