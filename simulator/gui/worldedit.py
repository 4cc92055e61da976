"""Editing the world with the mouse and the keyboard: add, move, resize and delete
obstacles, or swap in another world (G, Open). Every obstacle edit goes through the
world's own obstacle check and the car's start check, then
``Simulation.world_changed()``; each edit, and each swapped world, can be undone."""
import math
from dataclasses import replace

import pygame

from simulator.gui import theme as th
from simulator.gui.worldview import handles
from simulator.world import Box, WorldError, check_obstacle

HANDLE_PX = 8
NUDGE_CM = 5.0
MIN_SIZE_CM = 4.0
NEW_BOX_CM = 30.0
UNDO_LIMIT = 200                  # undoable world edits kept


def contains(o, x: float, y: float) -> bool:
    if o.type == "cylinder":
        return math.hypot(x - o.x_cm, y - o.y_cm) <= o.radius_cm
    box = o.as_box() if o.type == "wall" else o
    a = math.radians(box.angle_deg)
    dx, dy = x - box.x_cm, y - box.y_cm
    u, v = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
    pad = 2.0 if o.type == "wall" else 0.0           # thin walls are easier to grab
    return abs(u) <= box.width_cm / 2 + pad and abs(v) <= box.height_cm / 2 + pad


def center(o) -> tuple[float, float]:
    if o.type == "wall":
        return (o.x1_cm + o.x2_cm) / 2, (o.y1_cm + o.y2_cm) / 2
    return o.x_cm, o.y_cm


def extent(o) -> float:
    """How far the obstacle reaches from its centre."""
    if o.type == "cylinder":
        return o.radius_cm
    if o.type == "wall":
        return math.hypot(o.x2_cm - o.x1_cm, o.y2_cm - o.y1_cm) / 2 + o.thickness_cm
    return math.hypot(o.width_cm, o.height_cm) / 2


def resized(o, factor: float):
    if o.type == "cylinder":
        return replace(o, radius_cm=max(MIN_SIZE_CM / 2, o.radius_cm * factor))
    if o.type == "wall":
        cx, cy = center(o)
        return replace(o, x1_cm=cx + (o.x1_cm - cx) * factor, y1_cm=cy + (o.y1_cm - cy) * factor,
                       x2_cm=cx + (o.x2_cm - cx) * factor, y2_cm=cy + (o.y2_cm - cy) * factor)
    return replace(o, width_cm=max(MIN_SIZE_CM, o.width_cm * factor), height_cm=max(MIN_SIZE_CM, o.height_cm * factor))


def dragged_handle(o, k: int, x: float, y: float):
    """The obstacle with its handle k moved to (x, y)."""
    if o.type == "cylinder":
        return replace(o, radius_cm=max(MIN_SIZE_CM / 2, math.hypot(x - o.x_cm, y - o.y_cm)))
    if o.type == "wall":
        return replace(o, x1_cm=x, y1_cm=y) if k == 0 else replace(o, x2_cm=x, y2_cm=y)
    a = math.radians(o.angle_deg)
    dx, dy = x - o.x_cm, y - o.y_cm
    u, v = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
    return replace(o, width_cm=max(MIN_SIZE_CM, 2 * abs(u)), height_cm=max(MIN_SIZE_CM, 2 * abs(v)))


class WorldEditor:
    def __init__(self, app):
        self.app = app
        self.selected: int | None = None
        self.version = 0
        self._undo: list[tuple] = []      # snapshots: (world, its obstacles, its random seed)
        self._redo: list[tuple] = []
        self._drag = None          # ("move", dx, dy) | ("handle", k) | ("new", x0, y0) | ("pan",)
        self._preview = None       # the obstacle being dragged, before it is committed
        self._new_rect = None

    @property
    def world(self):
        return self.app.sim.world

    def reset(self) -> None:
        self.selected = None
        self._undo.clear()
        self._redo.clear()
        self._drag = self._preview = self._new_rect = None
        self.version += 1

    # -- edits -------------------------------------------------------------------------
    def _apply(self, obstacles) -> bool:
        """Make the world's obstacles these, as an undoable edit; False (and a message)
        when an obstacle is malformed or would cover the car's start."""
        try:
            for i, o in enumerate(obstacles):
                check_obstacle(o, "this edit", i)
            self._check_start(obstacles)
        except WorldError as e:
            self.app.say(f"{e}; the edit was not made", th.TEXT_ERROR)
            return False
        self._push_undo()
        self._set(obstacles)
        self.app.edited("world")
        return True

    def _check_start(self, obstacles) -> None:
        """The start check of ``neurocar eval``, on the obstacles this edit adds or moves
        (the others already leave the start free)."""
        old = set(self.world.obstacles)
        new = [o for o in obstacles if o not in old]
        if new:
            self.app.check_world(replace(self.world, obstacles=new))

    def _set(self, obstacles) -> None:
        self.world.obstacles[:] = obstacles
        self.app.sim.world_changed()
        self.version += 1
        if self.selected is not None and self.selected >= len(obstacles):
            self.selected = None

    def _snapshot(self) -> tuple:
        return self.world, list(self.world.obstacles), self.app.world_seed

    def _push_undo(self) -> None:
        self._undo.append(self._snapshot())
        del self._undo[:-UNDO_LIMIT]            # whole worlds are kept: bound the memory
        self._redo.clear()

    def replace_world(self, world, seed) -> None:
        """Drive in another world (a random one, or one opened), as an undoable edit."""
        self._push_undo()
        self._swap_in(world, seed)
        self.app.edited("world")

    def _swap_in(self, world, seed) -> None:
        self.app.world_seed = seed
        self.app.drive_in(world)
        self.selected = None
        self._drag = self._preview = self._new_rect = None
        self.version += 1

    def undo_redo(self, what: str) -> bool:
        source, dest = (self._undo, self._redo) if what == "undo" else (self._redo, self._undo)
        if not source:
            return False
        dest.append(self._snapshot())
        world, obstacles, seed = source.pop()
        if world is self.world:
            self._set(obstacles)
        else:
            world.obstacles[:] = obstacles
            self._swap_in(world, seed)
        return True

    def replace_selected(self, new) -> bool:
        obstacles = list(self.world.obstacles)
        obstacles[self.selected] = new
        return self._apply(obstacles)

    def add(self, obstacle) -> None:
        if self._apply(list(self.world.obstacles) + [obstacle]):
            self.selected = len(self.world.obstacles) - 1
            self.app.say(f"added a {obstacle.type}; drag it, drag its corners, Delete removes it")

    def add_at(self, xy) -> None:
        x = min(max(xy[0], NEW_BOX_CM), self.world.width_cm - NEW_BOX_CM)
        y = min(max(xy[1], NEW_BOX_CM), self.world.height_cm - NEW_BOX_CM)
        self.add(Box(x, y, NEW_BOX_CM, NEW_BOX_CM))

    def delete_selected(self) -> bool:
        if self.selected is None:
            return False
        obstacles = list(self.world.obstacles)
        gone = obstacles.pop(self.selected)
        self.selected = None
        self._apply(obstacles)
        self.app.say(f"deleted a {gone.type} (Ctrl+Z undoes)")
        return True

    def nudge(self, dx: int, dy: int) -> bool:
        if self.selected is None:
            return False
        o = self.world.obstacles[self.selected]
        cx, cy = center(o)
        self.replace_selected(o.moved(cx + dx * NUDGE_CM, cy + dy * NUDGE_CM))
        return True

    def select_next(self, step: int) -> bool:
        """Select the next (step 1) or previous (step -1) obstacle, for keyboard editing."""
        n = len(self.world.obstacles)
        if not n:
            return False
        self.selected = (step if step < 0 else 0) % n if self.selected is None else (self.selected + step) % n
        o = self.world.obstacles[self.selected]
        self.app.say(f"obstacle {self.selected + 1} of {n} ({o.type}): arrows move it, [ ] resize, Delete removes")
        return True

    def resize_selected(self, factor: float) -> bool:
        if self.selected is None:
            return False
        self.replace_selected(resized(self.world.obstacles[self.selected], factor))
        return True

    # -- the mouse ---------------------------------------------------------------------
    def hit(self, x: float, y: float) -> int | None:
        for i in range(len(self.world.obstacles) - 1, -1, -1):
            if contains(self.world.obstacles[i], x, y):
                return i
        return None

    def mouse(self, event, pos) -> None:
        cam = self.app.camera
        inside = cam.viewport.collidepoint(pos)
        if event.type == pygame.MOUSEWHEEL:
            if cam.viewport.collidepoint(pygame.mouse.get_pos()):
                cam.zoom(1.15 ** event.y, pygame.mouse.get_pos())
            return
        if event.type == pygame.MOUSEBUTTONDOWN and inside:
            self.app.focus = "world"
            x, y = cam.to_world(*pos)
            if event.button == 1:
                if self.selected is not None:
                    for k, h in enumerate(handles(self.world.obstacles[self.selected])):
                        hx, hy = cam.to_screen(*h)
                        if abs(hx - pos[0]) <= HANDLE_PX and abs(hy - pos[1]) <= HANDLE_PX:
                            self._drag = ("handle", k)
                            return
                i = self.hit(x, y)
                if i is not None:
                    self.selected = i
                    cx, cy = center(self.world.obstacles[i])
                    self._drag = ("move", cx - x, cy - y)
                else:
                    self.selected = None
                    self._drag = ("new", x, y)
            elif event.button == 3:
                i = self.hit(x, y)
                if i is not None:
                    self.selected = i
                    self.delete_selected()
                else:
                    self._drag = ("pan",)
            elif event.button == 2:
                self._drag = ("pan",)
        elif event.type == pygame.MOUSEMOTION and self._drag:
            x, y = cam.to_world(*pos)
            kind = self._drag[0]
            if kind == "pan":
                cam.pan_pixels(*event.rel)
            elif kind == "move":
                o = self.world.obstacles[self.selected]
                self._preview = o.moved(x + self._drag[1], y + self._drag[2])
            elif kind == "handle":
                self._preview = dragged_handle(self.world.obstacles[self.selected], self._drag[1], x, y)
            elif kind == "new":
                self._new_rect = (self._drag[1], self._drag[2], x, y)
        elif event.type == pygame.MOUSEBUTTONUP and self._drag:
            kind = self._drag[0]
            if kind in ("move", "handle") and self._preview is not None:
                self.replace_selected(self._preview)
            elif kind == "new" and self._new_rect is not None:
                x0, y0, x1, y1 = self._new_rect
                if abs(x1 - x0) >= MIN_SIZE_CM and abs(y1 - y0) >= MIN_SIZE_CM:
                    self.add(Box((x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0), abs(y1 - y0)))
            self._drag = self._preview = self._new_rect = None

    def draw_overlay(self, surface) -> None:
        """The obstacle or the new box being dragged, drawn over the world."""
        cam = self.app.camera
        if self._preview is not None:
            o = self._preview
            if o.type == "cylinder":
                pygame.draw.circle(surface, th.OBSTACLE_SELECTED, cam.to_screen(o.x_cm, o.y_cm),
                                   max(1, round(cam.length(o.radius_cm))), 2)
            else:
                box = o.as_box() if o.type == "wall" else o
                pygame.draw.polygon(surface, th.OBSTACLE_SELECTED, cam.points([tuple(p) for p in box.corners()]), 2)
        if self._new_rect is not None:
            x0, y0, x1, y1 = self._new_rect
            pts = cam.points([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
            pygame.draw.polygon(surface, th.OBSTACLE_SELECTED, pts, 2)
