"""Editing the world with the mouse and the keyboard: add, move, resize and delete
obstacles, make them soft or hard, or swap in another world (G, Open). Every obstacle edit is checked as a world
file's obstacle is, and against the car's start as ``neurocar eval`` checks it, before
the world's own edit methods make it; each edit, and each swapped world, can be undone.

The editor knows only the world, the camera and what its owner hands it to call: the
start check, a message line, and what to do when the world changed, was edited or is
swapped for another."""
import math
from dataclasses import dataclass, replace
from typing import Callable

import pygame

from simulator.gui import theme as th
from simulator.gui.worldview import handles
from simulator.world import Box, WorldError, check_obstacle
from brain.i18n import N_, _

OBSTACLE_WORDS = (N_("box"), N_("cylinder"), N_("wall"), N_("soft"), N_("hard"))   # shown through _()

HANDLE_PX = 8
NUDGE_CM = 5.0
MIN_SIZE_CM = 4.0
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
    return _corner_dragged(o, k, x, y)


def _corner_dragged(box, k: int, x: float, y: float):
    """The box with corner k at (x, y) and the opposite corner where it was (the box at
    least MIN_SIZE_CM each way, grown away from that corner)."""
    a = math.radians(box.angle_deg)
    c, s = math.cos(a), math.sin(a)
    fx, fy = box.corners()[(k + 2) % 4]                          # the fixed corner, in world cm
    u, v = (x - fx) * c + (y - fy) * s, -(x - fx) * s + (y - fy) * c     # the drag, in the box's frame
    side_u, side_v = (1.0 if k in (1, 2) else -1.0), (1.0 if k in (2, 3) else -1.0)
    u, v = side_u * max(MIN_SIZE_CM, u * side_u), side_v * max(MIN_SIZE_CM, v * side_v)
    cu, cv = u / 2, v / 2
    return replace(box, x_cm=float(fx + cu * c - cv * s), y_cm=float(fy + cu * s + cv * c),
                   width_cm=abs(u), height_cm=abs(v))


def size_text(o) -> str:
    """An obstacle's size as the message line gives it."""
    if o.type == "cylinder":
        return _("{size:.0f} cm across").format(size=2 * o.radius_cm)
    if o.type == "wall":
        return _("{size:.0f} cm long").format(size=math.hypot(o.x2_cm - o.x1_cm, o.y2_cm - o.y1_cm))
    return _("{width:.0f} x {height:.0f} cm").format(width=o.width_cm, height=o.height_cm)


@dataclass
class EditorHooks:
    """What the editor calls on its owner."""
    check_start: Callable          # (world) -> None, raises WorldError when the car cannot start in it
    report: Callable               # (text, color=None): the message line
    changed: Callable              # () -> None: the shown world's obstacles changed in place
    edited: Callable               # () -> None: an undoable world edit was made
    swap: Callable                 # (world) -> None: drive in another world


class WorldEditor:
    def __init__(self, world, camera, hooks: EditorHooks, seed: int | None = None):
        self.world = world                # the world shown and edited
        self.seed = seed                  # its random-world seed (None: not a random world)
        self.camera = camera
        self.hooks = hooks
        self.selected: int | None = None
        self.version = 0
        self._undo: list[tuple] = []      # snapshots: (world, a copy of it, its random seed)
        self._redo: list[tuple] = []
        self._drag = None          # ("move", dx, dy) | ("handle", k) | ("new", x0, y0) | ("pan",)
        self._preview = None       # the obstacle being dragged, before it is committed
        self._new_rect = None

    def reset(self, world, seed: int | None = None) -> None:
        """Edit another world for good: nothing selected, nothing to undo."""
        self.world, self.seed = world, seed
        self.selected = None
        self._undo.clear()
        self._redo.clear()
        self._end_drag()
        self.version += 1

    def _end_drag(self) -> None:
        self._drag = self._preview = self._new_rect = None

    # -- edits -------------------------------------------------------------------------
    def _allowed(self, obstacle, index: int) -> bool:
        """Whether ``obstacle`` may stand at ``index``: well formed, and clear of the car's
        start (the start check of ``neurocar eval``, on this obstacle alone: the others
        already leave the start free); if not, the message says why."""
        try:
            check_obstacle(obstacle, _("this edit"), index)
            self.hooks.check_start(replace(self.world, obstacles=[obstacle]))
        except WorldError as e:
            self.hooks.report(_("{error}; the edit was not made").format(error=e), th.TEXT_ERROR)
            return False
        return True

    def _made(self) -> None:
        """An obstacle edit was made: the simulation sees it, and it can be undone."""
        self.hooks.changed()
        self.version += 1
        self.hooks.edited()

    def _snapshot(self) -> tuple:
        return self.world, self.world.copy(), self.seed

    def _push_undo(self) -> None:
        self._undo.append(self._snapshot())
        del self._undo[:-UNDO_LIMIT]            # whole worlds are kept: bound the memory
        self._redo.clear()

    def add(self, obstacle) -> None:
        if self._allowed(obstacle, len(self.world.obstacles)):
            self._push_undo()
            self.selected = self.world.add_obstacle(obstacle)
            self._made()
            self.hooks.report(_("added a {type}; drag it, drag its corners, Delete removes it").format(
                type=_(obstacle.type)))

    def move_selected(self, x: float, y: float) -> bool:
        """Move the selected obstacle's centre to (x, y)."""
        i = self.selected
        if not self._allowed(self.world.obstacles[i].moved(x, y), i):
            return False
        self._push_undo()
        self.world.move_obstacle(i, x, y)
        self._made()
        return True

    def replace_selected(self, new) -> bool:
        """The selected obstacle reshaped (resized, or a handle dragged)."""
        i = self.selected
        if not self._allowed(new, i):
            return False
        self._push_undo()
        self.world.replace_obstacle(i, new)
        self._made()
        return True

    def delete_selected(self) -> bool:
        if self.selected is None:
            return False
        self._push_undo()
        gone = self.world.remove_obstacle(self.selected)
        self.selected = None
        self._made()
        self.hooks.report(_("deleted a {type} (Ctrl+Z undoes)").format(type=_(gone.type)))
        return True

    def nudge(self, dx: int, dy: int) -> bool:
        if self.selected is None:
            return False
        cx, cy = center(self.world.obstacles[self.selected])
        self.move_selected(cx + dx * NUDGE_CM, cy + dy * NUDGE_CM)
        return True

    def select_next(self, step: int) -> bool:
        """Select the next (step 1) or previous (step -1) obstacle, for keyboard editing."""
        n = len(self.world.obstacles)
        if not n:
            return False
        self.selected = (step if step < 0 else 0) % n if self.selected is None else (self.selected + step) % n
        o = self.world.obstacles[self.selected]
        self.hooks.report(_("obstacle {number} of {count} ({surface} {type}): arrows move it, [ ] resize, "
                            "M soft/hard, Delete removes").format(number=self.selected + 1, count=n,
                                                                   surface=_(o.surface), type=_(o.type)))
        return True

    def toggle_surface(self) -> bool:
        """Make the selected obstacle soft, or hard again, as an undoable edit."""
        if self.selected is None:
            return False
        o = self.world.obstacles[self.selected]
        surface = "hard" if o.surface == "soft" else "soft"
        if self.replace_selected(replace(o, surface=surface)):
            heard = _("heard only within a few cm by the measured sonar") if surface == "soft" else \
                _("echoes as usual")
            self.hooks.report(_("the {type} is {surface} now: {heard} (Ctrl+Z undoes)").format(
                type=_(o.type), surface=_(surface), heard=heard))
        return True

    def resize_selected(self, factor: float) -> bool:
        if self.selected is None:
            return False
        new = resized(self.world.obstacles[self.selected], factor)
        if self.replace_selected(new):
            self.hooks.report(_("the {type} is {size} now ([ shrinks, ] grows)").format(type=_(new.type),
                                                                                      size=size_text(new)))
        return True

    # -- whole worlds, undo and redo ---------------------------------------------------------
    def replace_world(self, world, seed) -> None:
        """Drive in another world (a random one, or one opened), as an undoable edit."""
        self._push_undo()
        self._swap_in(world, seed)
        self.hooks.edited()

    def _swap_in(self, world, seed) -> None:
        self.world, self.seed = world, seed
        self.hooks.swap(world)
        self.selected = None
        self._end_drag()
        self.version += 1

    def undo_redo(self, what: str) -> bool:
        source, dest = (self._undo, self._redo) if what == "undo" else (self._redo, self._undo)
        if not source:
            return False
        dest.append(self._snapshot())
        world, saved, seed = source.pop()
        world.restore_obstacles(saved)
        if world is self.world:
            self.hooks.changed()
            self.version += 1
            if self.selected is not None and self.selected >= len(world.obstacles):
                self.selected = None
        else:
            self._swap_in(world, seed)
        return True

    # -- the mouse ---------------------------------------------------------------------
    def hit(self, x: float, y: float) -> int | None:
        for i in range(len(self.world.obstacles) - 1, -1, -1):
            if contains(self.world.obstacles[i], x, y):
                return i
        return None

    def mouse(self, event, pos) -> None:
        if event.type == pygame.MOUSEWHEEL:
            mouse_at = pygame.mouse.get_pos()
            if self.camera.viewport.collidepoint(mouse_at):
                self.camera.zoom(1.15 ** event.y, mouse_at)
        elif event.type == pygame.MOUSEBUTTONDOWN and self.camera.viewport.collidepoint(pos):
            self._press(event.button, pos)
        elif event.type == pygame.MOUSEMOTION and self._drag:
            self._motion(event, pos)
        elif event.type == pygame.MOUSEBUTTONUP and self._drag:
            self._release()

    def _press(self, button: int, pos) -> None:
        x, y = self.camera.to_world(*pos)
        if button == 1:
            self._drag = self._grab_handle(pos) or self._grab(x, y)
        elif button == 3:
            i = self.hit(x, y)
            if i is not None:
                self.selected = i
                self.delete_selected()
            else:
                self._drag = ("pan",)
        elif button == 2:
            self._drag = ("pan",)

    def _grab_handle(self, pos):
        """A drag of a handle of the selected obstacle under ``pos`` (screen), if any."""
        if self.selected is None:
            return None
        for k, h in enumerate(handles(self.world.obstacles[self.selected])):
            hx, hy = self.camera.to_screen(*h)
            if abs(hx - pos[0]) <= HANDLE_PX and abs(hy - pos[1]) <= HANDLE_PX:
                return ("handle", k)
        return None

    def _grab(self, x: float, y: float):
        """Moving the obstacle at (x, y), or drawing a new box from there on empty floor."""
        i = self.hit(x, y)
        if i is None:
            self.selected = None
            return ("new", x, y)
        self.selected = i
        cx, cy = center(self.world.obstacles[i])
        return ("move", cx - x, cy - y)

    def _motion(self, event, pos) -> None:
        x, y = self.camera.to_world(*pos)
        kind = self._drag[0]
        if kind == "pan":
            self.camera.pan_pixels(*event.rel)
        elif kind == "move":
            self._preview = self.world.obstacles[self.selected].moved(x + self._drag[1], y + self._drag[2])
        elif kind == "handle":
            self._preview = dragged_handle(self.world.obstacles[self.selected], self._drag[1], x, y)
        elif kind == "new":
            self._new_rect = (self._drag[1], self._drag[2], x, y)

    def _release(self) -> None:
        kind = self._drag[0]
        if kind == "move" and self._preview is not None:
            self.move_selected(*center(self._preview))
        elif kind == "handle" and self._preview is not None:
            self.replace_selected(self._preview)
        elif kind == "new" and self._new_rect is not None:
            x0, y0, x1, y1 = self._new_rect
            if abs(x1 - x0) >= MIN_SIZE_CM and abs(y1 - y0) >= MIN_SIZE_CM:
                self.add(Box((x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0), abs(y1 - y0)))
        self._end_drag()

    def draw_overlay(self, surface) -> None:
        """The obstacle or the new box being dragged, drawn over the world."""
        cam = self.camera
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
