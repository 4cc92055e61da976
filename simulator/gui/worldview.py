"""The world seen from above: floor, obstacles (soft ones paler), the car, its sensor
beam and trail. The beam runs to the echo and ends in its point; with no echo (nothing
there, or only surfaces that stay silent) it runs on with no point. Where the servo
lags, a thin line shows the direction it was told to point.

Reads a World and a CarState and draws them through a Camera; changes nothing. The
floor and the obstacles are drawn once onto a ``StaticLayer`` a little bigger than the
view and blitted while the view stays on it, so a world of thousands of obstacles costs
one blit per frame; only what lies on the layer is drawn when it is redrawn.
"""
import math

import numpy as np
import pygame

from simulator.gui import theme as th
from simulator.gui.camera import Camera
from simulator.world import Cylinder, Wall, box_corners

GRID_CM = 50
TINY_PX = 5              # pixels: an obstacle smaller than this on screen is all outline anyway
OBSTACLE_SOFT = (150, 160, 178)     # a soft obstacle's fill: cloth, a sofa
COMMANDED = (120, 110, 90)          # the direction the servo was told to point
LAG_DEG = 0.5                       # the servo's lag drawn from this much


def obstacle_outline(o):
    """('circle', (x, y, r)) or ('poly', [(x, y), ...]) in world cm for any obstacle."""
    if o.type == "cylinder":
        return "circle", (o.x_cm, o.y_cm, o.radius_cm)
    box = o.as_box() if o.type == "wall" else o
    return "poly", [tuple(p) for p in box.corners()]


class StaticLayer:
    """The floor and the obstacles at one scale, on a surface ``MARGIN`` of the view's size
    bigger on every side than the view was; drawn again when the world, the scale or the
    view's size changes, or the view leaves it."""

    MARGIN = 0.25

    def __init__(self):
        self.surface, self.key, self.cam = None, None, None
        self.obstacles, self.outlines = None, None

    def blit(self, surface, cam, world) -> None:
        v = cam.viewport
        key = (id(world), world.width_cm, world.height_cm, world.wall_cm, cam.scale, v.size)
        if self.obstacles != world.obstacles:
            self.obstacles, self.outlines, self.key = list(world.obstacles), Outlines(world.obstacles), None
        if key != self.key or not self._covers(cam):
            self._draw(cam, world)
            self.key = key
        x, y = cam.to_screen(self.cam.cx, self.cam.cy)
        w, h = self.surface.get_size()
        surface.blit(self.surface, (round(x) - w // 2, round(y) - h // 2))

    def _covers(self, cam) -> bool:
        v = cam.viewport
        return (abs(cam.cx - self.cam.cx) * cam.scale <= self.MARGIN * v.w - 1 and
                abs(cam.cy - self.cam.cy) * cam.scale <= self.MARGIN * v.h - 1)

    def _draw(self, cam, world) -> None:
        v = cam.viewport
        size = (2 * round(v.w * (0.5 + self.MARGIN)), 2 * round(v.h * (0.5 + self.MARGIN)))
        if self.surface is None or self.surface.get_size() != size:
            self.surface = pygame.Surface(size)
        self.cam = Camera(self.surface.get_rect(), (cam.cx, cam.cy), cam.scale)
        draw_floor(self.surface, self.cam, world)
        self.outlines.draw(self.surface, self.cam)


class Outlines:
    """Every obstacle's outline in world cm and its bounding square, worked out once."""

    def __init__(self, obstacles):
        boxes = [o.as_box() if isinstance(o, Wall) else o for o in obstacles if not isinstance(o, Cylinder)]
        corners = box_corners(boxes)
        is_box = np.array([not isinstance(o, Cylinder) for o in obstacles], dtype=bool)
        circles = np.array([(o.x_cm, o.y_cm, o.radius_cm) for o in obstacles if isinstance(o, Cylinder)]).reshape(-1, 3)
        self.polygons = np.zeros((len(obstacles), 4, 2))
        self.polygons[is_box] = corners
        self.circles = np.zeros((len(obstacles), 3))
        self.circles[~is_box] = circles
        self.is_box = is_box
        self.soft = np.array([o.surface == "soft" for o in obstacles], dtype=bool)
        self.bounds = np.zeros((len(obstacles), 4))
        self.bounds[is_box] = np.column_stack([corners.min(axis=1), corners.max(axis=1)])
        self.bounds[~is_box] = np.column_stack([circles[:, :2] - circles[:, 2:], circles[:, :2] + circles[:, 2:]])

    def draw(self, surface, cam) -> None:
        """The obstacles that show in the camera's viewport: those under TINY_PX across
        first, each as its bounding square in the outline's colour, then the others in
        the world's order."""
        x0, y0, x1, y1 = cam.visible()
        b = self.bounds
        shown = np.flatnonzero((b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1))
        (ox, oy), s = cam.to_screen(0.0, 0.0), cam.scale
        tiny = (b[shown, 2:] - b[shown, :2]).max(axis=1) * s < TINY_PX
        squares = np.round(b[shown[tiny]] * (s, -s, s, -s) + (ox, oy, ox, oy)).astype(int)
        for left, bottom, right, top in squares.tolist():
            surface.fill(th.OBSTACLE_EDGE, (left, top, right - left + 1, bottom - top + 1))
        big = shown[~tiny]
        polygons = (self.polygons[big] * (s, -s) + (ox, oy)).tolist()
        circles = (self.circles[big] * (s, -s, s) + (ox, oy, 0.0)).tolist()
        for k, (box, soft) in enumerate(zip(self.is_box[big].tolist(), self.soft[big].tolist())):
            fill = OBSTACLE_SOFT if soft else th.OBSTACLE
            if box:
                pygame.draw.polygon(surface, fill, polygons[k])
                pygame.draw.polygon(surface, th.OBSTACLE_EDGE, polygons[k], 2)
            else:
                x, y, r = circles[k]
                r = max(1, round(r))
                pygame.draw.circle(surface, fill, (x, y), r)
                pygame.draw.circle(surface, th.OBSTACLE_EDGE, (x, y), r, 2)


_layer = StaticLayer()


def draw_world(surface, cam, world, selected: int | None = None) -> None:
    _layer.blit(surface, cam, world)
    if selected is not None and 0 <= selected < len(world.obstacles):
        o = world.obstacles[selected]
        _draw_obstacle(surface, cam, obstacle_outline(o), th.OBSTACLE_SELECTED)
        for h in handles(o):
            sx, sy = cam.to_screen(*h)
            pygame.draw.rect(surface, th.OBSTACLE_SELECTED, (sx - 4, sy - 4, 9, 9))
    sx, sy = cam.to_screen(world.start.x_cm, world.start.y_cm)
    pygame.draw.circle(surface, th.FLOOR_GRID, (sx, sy), max(3, round(cam.length(6))), 2)


def draw_floor(surface, cam, world) -> None:
    """The outside, the arena walls, the floor and its grid."""
    v = cam.viewport
    surface.fill(th.OUTSIDE, v)
    t = world.wall_cm
    outer = cam.points([(-t, world.height_cm + t), (world.width_cm + t, -t)])
    (x0, y0), (x1, y1) = outer
    pygame.draw.rect(surface, th.ARENA_WALL, pygame.Rect(x0, y0, x1 - x0, y1 - y0))
    (fx0, fy0), (fx1, fy1) = cam.points([(0, world.height_cm), (world.width_cm, 0)])
    floor = pygame.Rect(round(fx0), round(fy0), round(fx1 - fx0), round(fy1 - fy0))
    pygame.draw.rect(surface, th.FLOOR, floor)
    if cam.length(GRID_CM) >= 12:
        x0, y0, x1, y1 = cam.visible()
        for x in range(max(1, math.ceil(x0 / GRID_CM)), math.ceil(min(x1, world.width_cm) / GRID_CM)):
            sx, _ = cam.to_screen(x * GRID_CM, 0)
            pygame.draw.line(surface, th.FLOOR_GRID, (sx, floor.top), (sx, floor.bottom - 1))
        for y in range(max(1, math.ceil(y0 / GRID_CM)), math.ceil(min(y1, world.height_cm) / GRID_CM)):
            _, sy = cam.to_screen(0, y * GRID_CM)
            pygame.draw.line(surface, th.FLOOR_GRID, (floor.left, sy), (floor.right - 1, sy))


def _draw_obstacle(surface, cam, outline, edge) -> None:
    kind, shape = outline
    if kind == "circle":
        c = cam.to_screen(shape[0], shape[1])
        r = max(1, round(cam.length(shape[2])))
        pygame.draw.circle(surface, th.OBSTACLE, c, r)
        pygame.draw.circle(surface, edge, c, r, 2)
    else:
        pts = cam.points(shape)
        pygame.draw.polygon(surface, th.OBSTACLE, pts)
        pygame.draw.polygon(surface, edge, pts, 2)


def handles(o) -> list[tuple[float, float]]:
    """Resize handles in world cm: the corners of a box, the ends of a wall, the rim of a cylinder."""
    if o.type == "cylinder":
        return [(o.x_cm + o.radius_cm, o.y_cm)]
    if o.type == "wall":
        return [(o.x1_cm, o.y1_cm), (o.x2_cm, o.y2_cm)]
    return [tuple(p) for p in o.corners()]


def beam_half_rad(profile, model: str, reach_cm: float) -> float:
    """The beam's half-angle drawn: the measured HC-SR04's at that distance (a target
    facing it), or the ideal sensor's fixed cone."""
    if model == "measured" and profile.measured is not None:
        return math.radians(float(profile.measured.echo.beam_half_deg(reach_cm)))
    return math.radians(profile.sensor.beam_deg) / 2


def draw_beam(surface, cam, car, profile, clamp_cm: float, model: str = "ideal") -> None:
    """The beam cone up to the echo (or on past the clamp when there is none), the clamp
    arc, the echo point, and the commanded direction where the servo lags."""
    ox, oy = car.beam_origin
    reach = car.echo_cm if math.isfinite(car.echo_cm) else clamp_cm * 1.6
    reach = min(reach, clamp_cm * 1.6)
    half = beam_half_rad(profile, model, reach)
    n = 6
    pts = [(ox, oy)] + [(ox + reach * math.cos(car.beam_axis + a), oy + reach * math.sin(car.beam_axis + a))
                        for a in (-half + 2 * half * k / n for k in range(n + 1))]
    screen = cam.points(pts)
    pygame.draw.polygon(surface, th.BEAM, screen)
    pygame.draw.lines(surface, th.BEAM_EDGE, True, screen, 1)
    arc = [(ox + clamp_cm * math.cos(car.beam_axis + a), oy + clamp_cm * math.sin(car.beam_axis + a))
           for a in (-half * 1.8 + 3.6 * half * k / 8 for k in range(9))]
    pygame.draw.lines(surface, th.CLAMP_ARC, False, cam.points(arc), 1)
    if math.isfinite(car.echo_cm):
        ex = ox + car.echo_cm * math.cos(car.beam_axis)
        ey = oy + car.echo_cm * math.sin(car.beam_axis)
        pygame.draw.circle(surface, th.ECHO, cam.to_screen(ex, ey), max(3, round(cam.length(2))))
    told = car.heading + profile.servo.left_sign * math.radians(car.servo_deg - 90)
    if abs(math.degrees(math.remainder(told - car.beam_axis, math.tau))) > LAG_DEG:
        tip = (ox + clamp_cm * math.cos(told), oy + clamp_cm * math.sin(told))
        pygame.draw.line(surface, COMMANDED, cam.to_screen(ox, oy), cam.to_screen(*tip), 1)


def draw_trail(surface, cam, trail) -> None:
    if len(trail) >= 2:
        pygame.draw.lines(surface, th.TRAIL, False, cam.points(trail), 2)


def draw_car(surface, cam, car, profile, flash: float = 0.0, teach: bool = False) -> None:
    """Body, four wheels, the servo head and a heading arrow. flash in [0, 1] reddens it."""
    L, W = profile.body.length_cm, profile.body.width_cm
    c, s = math.cos(car.heading), math.sin(car.heading)

    def local(points):
        return cam.points([(car.x + u * c - v * s, car.y + u * s + v * c) for u, v in points])

    wl, ww = L * 0.26, W * 0.18
    wheels = profile.drive.wheels
    axles = (-L * 0.3, L * 0.3) if wheels >= 4 else (0.0,)
    for u in axles:
        for side in (-1, 1):
            v = side * (W / 2 + ww * 0.35)
            pygame.draw.polygon(surface, th.WHEEL, local([(u - wl / 2, v - ww / 2), (u + wl / 2, v - ww / 2),
                                                           (u + wl / 2, v + ww / 2), (u - wl / 2, v + ww / 2)]))
    body = th.CAR_BODY
    if flash > 0:
        body = tuple(int(b + (f - b) * flash) for b, f in zip(th.CAR_BODY, th.CAR_FLASH))
    outline = local([(-L / 2, -W / 2), (L / 2, -W / 2), (L / 2, W / 2), (-L / 2, W / 2)])
    pygame.draw.polygon(surface, body, outline)
    pygame.draw.polygon(surface, th.TEACH if teach else th.CAR_BODY_EDGE, outline, 3 if teach else 2)
    pygame.draw.polygon(surface, (235, 240, 250), local([(L * 0.42, 0), (L * 0.1, W * 0.22), (L * 0.1, -W * 0.22)]))
    # the sensor head on its servo, turned to the beam axis
    ox, oy = car.beam_origin
    a = car.beam_axis
    ca, sa = math.cos(a), math.sin(a)
    head = [(ox + u * ca - v * sa, oy + u * sa + v * ca) for u, v in ((-1.5, -4), (1.5, -4), (1.5, 4), (-1.5, 4))]
    pygame.draw.polygon(surface, (30, 30, 30), cam.points(head))


def draw_scale_bar(surface, cam, text) -> None:
    cm, px = cam.scale_bar(th.px(120))
    v = cam.viewport
    x, y = v.x + th.px(16), v.bottom - th.px(18)
    pygame.draw.line(surface, (250, 250, 250), (x, y), (x + px, y), 3)
    for tx in (x, x + px):
        pygame.draw.line(surface, (250, 250, 250), (tx, y - 5), (tx, y + 5), 2)
    label = f"{cm:g} cm" if cm < 100 else f"{cm / 100:g} m"
    text.draw(surface, label, (x + px / 2, y - 6), th.FONT_SMALL, (250, 250, 250), anchor="midbottom")
