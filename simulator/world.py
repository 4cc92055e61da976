"""Worlds: a walled rectangular arena with static obstacles, seen from above.

Coordinates are centimetres with the origin at the arena's lower-left inner corner,
x to the right and y up (the window flips y when it draws). Headings are degrees
counter-clockwise from +x in files and radians inside code.

World files are JSON::

    {"format": "neurocar-world", "version": 1, "name": "living room",
     "arena": {"width_cm": 400, "height_cm": 300, "wall_cm": 5},
     "start": {"x_cm": 50, "y_cm": 50, "heading_deg": 0},
     "obstacles": [
       {"type": "box", "x_cm": 200, "y_cm": 150, "width_cm": 80, "height_cm": 40, "angle_deg": 0},
       {"type": "cylinder", "x_cm": 300, "y_cm": 80, "radius_cm": 15},
       {"type": "wall", "x1_cm": 0, "y1_cm": 100, "x2_cm": 150, "y2_cm": 100, "thickness_cm": 4},
       {"type": "cylinder", "x_cm": 120, "y_cm": 220, "radius_cm": 30, "surface": "soft"}]}

Any obstacle may carry ``"surface": "soft"`` (cloth, a sofa, a curtain, a person: the
measured sonar hears it only very near); the default is ``"hard"``, and a file holds the
key only for soft obstacles.

A world is plain data that can be edited (add, remove, move obstacles); its geometry
(``corners()``, ``edges()`` and ``circles()``, arena walls included) feeds both the
physics and the sensor's ray casting, so both see the same shapes. A world holds at
most ``MAX_OBSTACLES`` obstacles; the simulator's start-up and per-tick costs stay
bounded up to there (see the README's "Simulation speed").
"""
import json
import math
import numbers
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_text
from brain.errors import NeurocarError
from brain.fileio import read_json
from brain.i18n import _
from simulator.world_geometry import box_corners, clearance

FORMAT = "neurocar-world"
VERSION = 1
MIN_THICKNESS_CM = 1.0     # thinner walls could let a fast car tunnel through
MAX_WORLD_CM = 10_000.0    # no arena side, obstacle size or coordinate beyond 100 m
MAX_OBSTACLES = 10_000     # tests/bench_big_world.py measures a world this full
SURFACES = ("hard", "soft")


class WorldError(NeurocarError):
    """A world file or value that cannot be used; the message names file and value."""


@dataclass(frozen=True)
class Box:
    x_cm: float
    y_cm: float
    width_cm: float
    height_cm: float
    angle_deg: float = 0.0
    surface: str = "hard"
    type = "box"

    def corners(self) -> np.ndarray:
        """(4, 2) corners counter-clockwise."""
        hw, hh = self.width_cm / 2, self.height_cm / 2
        local = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]])
        c, s = math.cos(math.radians(self.angle_deg)), math.sin(math.radians(self.angle_deg))
        return local @ np.array([[c, s], [-s, c]]) + (self.x_cm, self.y_cm)

    def edges(self) -> np.ndarray:
        """(4, 4) outline segments x1, y1, x2, y2, counter-clockwise."""
        c = self.corners()
        return np.hstack([c, np.roll(c, -1, axis=0)])

    def moved(self, x_cm, y_cm):
        return replace(self, x_cm=float(x_cm), y_cm=float(y_cm))


@dataclass(frozen=True)
class Cylinder:
    x_cm: float
    y_cm: float
    radius_cm: float
    surface: str = "hard"
    type = "cylinder"

    def moved(self, x_cm, y_cm):
        return replace(self, x_cm=float(x_cm), y_cm=float(y_cm))


@dataclass(frozen=True)
class Wall:
    x1_cm: float
    y1_cm: float
    x2_cm: float
    y2_cm: float
    thickness_cm: float = 4.0
    surface: str = "hard"
    type = "wall"

    def as_box(self) -> Box:
        """A wall is a thin box along its centre line (ends flush, not rounded)."""
        dx, dy = self.x2_cm - self.x1_cm, self.y2_cm - self.y1_cm
        return Box((self.x1_cm + self.x2_cm) / 2, (self.y1_cm + self.y2_cm) / 2, math.hypot(dx, dy),
                   self.thickness_cm, math.degrees(math.atan2(dy, dx)), self.surface)

    def moved(self, x_cm, y_cm):
        """Move the wall's centre to (x, y), keeping its length and direction."""
        cx, cy = (self.x1_cm + self.x2_cm) / 2, (self.y1_cm + self.y2_cm) / 2
        dx, dy = x_cm - cx, y_cm - cy
        return replace(self, x1_cm=self.x1_cm + dx, y1_cm=self.y1_cm + dy,
                       x2_cm=self.x2_cm + dx, y2_cm=self.y2_cm + dy)


OBSTACLE_TYPES = {"box": Box, "cylinder": Cylinder, "wall": Wall}


@dataclass(frozen=True)
class Pose:
    x_cm: float
    y_cm: float
    heading_deg: float = 0.0


@dataclass
class World:
    name: str
    width_cm: float
    height_cm: float
    start: Pose
    obstacles: list = field(default_factory=list)
    wall_cm: float = 5.0
    source: str = "<world>"

    # -- editing (the window's world editor uses these) -------------------------------
    def add_obstacle(self, obstacle) -> int:
        check_obstacle(obstacle, self.source, len(self.obstacles))
        self.obstacles.append(obstacle)
        return len(self.obstacles) - 1

    def remove_obstacle(self, index: int):
        return self.obstacles.pop(index)

    def move_obstacle(self, index: int, x_cm: float, y_cm: float) -> None:
        self.obstacles[index] = self.obstacles[index].moved(x_cm, y_cm)

    def replace_obstacle(self, index: int, obstacle) -> None:
        """Put a reshaped obstacle in the place of obstacle ``index``."""
        check_obstacle(obstacle, self.source, index)
        self.obstacles[index] = obstacle

    def restore_obstacles(self, saved: "World") -> None:
        """Take back the obstacles of a copy saved earlier (undo); the arena and start stay."""
        self.obstacles[:] = saved.obstacles

    def copy(self) -> "World":
        return replace(self, obstacles=list(self.obstacles))

    def near(self, x_cm: float, y_cm: float, distance_cm: float) -> "World":
        """A copy holding only the obstacles that may come within distance_cm of (x, y)
        (judged by circles around them, so a few more, never fewer); the arena is the same."""
        def reaches(o) -> bool:
            if isinstance(o, Cylinder):
                cx, cy, extent = o.x_cm, o.y_cm, o.radius_cm
            else:
                box = o.as_box() if isinstance(o, Wall) else o
                cx, cy, extent = box.x_cm, box.y_cm, math.hypot(box.width_cm, box.height_cm) / 2
            return math.hypot(cx - x_cm, cy - y_cm) <= extent + distance_cm
        return replace(self, obstacles=[o for o in self.obstacles if reaches(o)])

    # -- geometry --------------------------------------------------------------------
    def boxes(self) -> list[Box]:
        """Every box-shaped solid: the four arena walls, boxes and walls."""
        w, h, t = self.width_cm, self.height_cm, self.wall_cm
        arena = [Box(w / 2, -t / 2, w + 2 * t, t), Box(w / 2, h + t / 2, w + 2 * t, t),
                 Box(-t / 2, h / 2, t, h), Box(w + t / 2, h / 2, t, h)]
        return arena + [o.as_box() if isinstance(o, Wall) else o
                        for o in self.obstacles if not isinstance(o, Cylinder)]

    def corners(self) -> np.ndarray:
        """(B, 4, 2) corners of every box-shaped solid, in ``boxes()`` order: the same
        numbers as each ``Box.corners()``, worked out for all boxes at once."""
        return box_corners(self.boxes())

    def edges(self) -> np.ndarray:
        """(E, 4) segments x1, y1, x2, y2 of every box outline, four per box in ``boxes()`` order."""
        c = self.corners()
        return np.concatenate([c, np.roll(c, -1, axis=1)], axis=2).reshape(-1, 4)

    def bounds(self) -> tuple:
        """(x_min, y_min, x_max, y_max) of every solid, arena walls included."""
        t, edges, circles = self.wall_cm, self.edges(), self.circles()
        xs = np.concatenate([[-t, self.width_cm + t], edges[:, 0], edges[:, 2],
                             circles[:, 0] - circles[:, 2], circles[:, 0] + circles[:, 2]])
        ys = np.concatenate([[-t, self.height_cm + t], edges[:, 1], edges[:, 3],
                             circles[:, 1] - circles[:, 2], circles[:, 1] + circles[:, 2]])
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())

    def circles(self) -> np.ndarray:
        """(C, 3) cylinders x, y, radius."""
        cyl = [(o.x_cm, o.y_cm, o.radius_cm) for o in self.obstacles if isinstance(o, Cylinder)]
        return np.array(cyl, dtype=float).reshape(-1, 3)

    def edge_traits(self) -> np.ndarray:
        """(E, 2) per segment of ``edges()``: its solid's largest size in cm (inf for the
        arena walls) and 1.0 for a soft surface, else 0.0."""
        traits = [(math.inf, 0.0)] * 4 + [(max(b.width_cm, b.height_cm), float(b.surface == "soft"))
                                          for b in self.boxes()[4:]]
        return np.repeat(np.array(traits, dtype=float), 4, axis=0)

    def circle_traits(self) -> np.ndarray:
        """(C, 2) per circle of ``circles()``: its diameter in cm and 1.0 for a soft surface."""
        return np.array([(2 * o.radius_cm, float(o.surface == "soft")) for o in self.obstacles
                         if isinstance(o, Cylinder)], dtype=float).reshape(-1, 2)

    def clearance(self, points) -> np.ndarray:
        """Distance (cm) from each point (P, 2) to the nearest obstacle surface; negative
        inside a cylinder, 0 inside a box."""
        return clearance(np.asarray(points, dtype=float).reshape(-1, 2), self.edges(), self.circles(), self.boxes())

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "version": VERSION, "name": self.name,
            "arena": {"width_cm": self.width_cm, "height_cm": self.height_cm, "wall_cm": self.wall_cm},
            "start": {"x_cm": self.start.x_cm, "y_cm": self.start.y_cm, "heading_deg": self.start.heading_deg},
            "obstacles": [obstacle_to_dict(o) for o in self.obstacles],
        }


def obstacle_to_dict(o) -> dict:
    """An obstacle as a world file holds it: ``surface`` only when it is not hard."""
    return {"type": o.type, **{k: getattr(o, k) for k in o.__dataclass_fields__
                               if k != "surface" or o.surface != "hard"}}


def load_world(path) -> World:
    expected = _("a world file is JSON with \"format\": \"{FORMAT}\"").format(FORMAT=FORMAT)
    return world_from_dict(read_json(path, _("world file"), WorldError, expected), str(path))


def save_world(path, world: World) -> None:
    atomic_write_text(path, json.dumps(world.to_dict(), indent=1) + "\n")


def world_from_dict(data, source: str = "<world>") -> World:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WorldError(_("{source}: not a neurocar world (expected \"format\": \"{FORMAT}\")").format(
            source=source, FORMAT=FORMAT))
    if data.get("version") != VERSION:
        raise WorldError(_("{source}: world version {shown} is not supported; expected {VERSION}").format(
            source=source, shown=_shown(data.get('version')), VERSION=VERSION))
    arena = _object(data, "arena", source)
    width, height = (_number(arena, k, f"{source}: arena", positive=True) for k in ("width_cm", "height_cm"))
    wall = _number(arena, "wall_cm", f"{source}: arena", positive=True, default=5.0)
    if wall < MIN_THICKNESS_CM:
        raise WorldError(_("{source}: arena wall_cm = {wall} is too thin; at least {MIN_THICKNESS_CM} cm").format(
            source=source, wall=wall, MIN_THICKNESS_CM=MIN_THICKNESS_CM))
    start = _object(data, "start", source)
    pose = Pose(*(_number(start, k, f"{source}: start", default=0.0 if k == "heading_deg" else None)
                  for k in ("x_cm", "y_cm", "heading_deg")))
    if not (0 < pose.x_cm < width and 0 < pose.y_cm < height):
        raise WorldError(_("{source}: start ({x_cm}, {y_cm}) lies outside the {width} x {height} cm arena").format(
            source=source, x_cm=pose.x_cm, y_cm=pose.y_cm, width=width, height=height))
    items = data.get("obstacles", [])
    if not isinstance(items, list):
        raise WorldError(_("{source}: \"obstacles\" must be a list").format(source=source))
    if len(items) > MAX_OBSTACLES:
        raise WorldError(_("{source}: {count:,} obstacles; a world holds at most {MAX_OBSTACLES:,}").format(
            source=source, count=len(items), MAX_OBSTACLES=MAX_OBSTACLES))
    world = World(str(data.get("name", Path(source).stem)), width, height, pose, [], wall, source)
    for i, item in enumerate(items):
        world.add_obstacle(obstacle_from_dict(item, f"{source}: obstacle {i + 1}"))
    return world


def _shown(value, limit: int = 40) -> str:
    """A value as a message quotes it: short, whatever the file held."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def obstacle_from_dict(item, where: str):
    if not isinstance(item, dict) or not isinstance(item.get("type"), str) or item["type"] not in OBSTACLE_TYPES:
        kind = item.get("type") if isinstance(item, dict) else item
        raise WorldError(_("{where}: type {shown} is not one of {value}").format(where=where, shown=_shown(kind),
                                                                                 value=", ".join(OBSTACLE_TYPES)))
    cls = OBSTACLE_TYPES[item["type"]]
    values = {}
    for name, f in cls.__dataclass_fields__.items():
        if name == "surface":
            values[name] = _surface(item.get(name, "hard"), where)
            continue
        default = None if f.default is MISSING else f.default
        values[name] = _number(item, name, where, default=default)
    return cls(**values)


def _surface(value, where: str) -> str:
    if value not in SURFACES:
        raise WorldError(_("{where}: \"surface\" = {shown} is not one of {value}").format(
            where=where, shown=_shown(value), value=', '.join(map(repr, SURFACES))))
    return value


def check_obstacle(o, source, index) -> None:
    """Raise WorldError, naming the obstacle and the accepted range, unless o is usable."""
    where = f"{source}: obstacle {index + 1}"
    if index >= MAX_OBSTACLES:
        raise WorldError(_("{where}: a world holds at most {most:,} obstacles").format(where=where, most=MAX_OBSTACLES))
    _surface(o.surface, where)
    for name, value in ((k, getattr(o, k)) for k in o.__dataclass_fields__ if k != "surface"):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not abs(value) <= MAX_WORLD_CM:
            raise WorldError(_("{where}: {name} = {shown} is not a number "
                               "from -{MAX_WORLD_CM:.0f} to {MAX_WORLD_CM:.0f}").format(
                where=where, name=name, shown=_shown(value), MAX_WORLD_CM=MAX_WORLD_CM))
    sizes = {Box: ("width_cm", "height_cm"), Cylinder: ("radius_cm",), Wall: ("thickness_cm",)}[type(o)]
    for name in sizes:
        value = getattr(o, name)
        smallest = MIN_THICKNESS_CM / (2 if name == "radius_cm" else 1)
        if not value >= smallest:
            raise WorldError(_("{where}: {name} = {value} is too small; at least {smallest} cm "
                               "(the obstacle must be at least {thick} cm thick)").format(
                                   where=where, name=name, value=value, smallest=smallest, thick=MIN_THICKNESS_CM))
    if isinstance(o, Wall) and math.hypot(o.x2_cm - o.x1_cm, o.y2_cm - o.y1_cm) < MIN_THICKNESS_CM:
        raise WorldError(_("{where}: the wall's two ends are (almost) the same point").format(where=where))


def _object(data, key, source) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise WorldError(_("{source}: \"{key}\" is missing or not an object").format(source=source, key=key))
    return value


def _number(table, key, where, positive=False, default=None) -> float:
    if key not in table:
        if default is not None:
            return float(default)
        raise WorldError(_("{where}: \"{key}\" is missing; expected a number in cm or degrees").format(
            where=where, key=key))
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WorldError(_("{where}: \"{key}\" = {shown} is not a finite number").format(
            where=where, key=key, shown=_shown(value)))
    if positive and value <= 0:
        raise WorldError(_("{where}: \"{key}\" = {shown} must be greater than 0").format(
            where=where, key=key, shown=_shown(value)))
    if abs(value) > MAX_WORLD_CM:
        raise WorldError(_("{where}: \"{key}\" = {shown} is out of range; "
                           "expected -{MAX_WORLD_CM:.0f} to {MAX_WORLD_CM:.0f}").format(
            where=where, key=key, shown=_shown(value), MAX_WORLD_CM=MAX_WORLD_CM))
    return float(value)
