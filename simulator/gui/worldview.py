"""The world seen from above: floor, obstacles, the car, its sensor beam and trail.

Reads a World and a CarState and draws them through a Camera; changes nothing.
"""
import math

import pygame

from simulator.gui import theme as th

GRID_CM = 50


def obstacle_outline(o):
    """('circle', (x, y, r)) or ('poly', [(x, y), ...]) in world cm for any obstacle."""
    if o.type == "cylinder":
        return "circle", (o.x_cm, o.y_cm, o.radius_cm)
    box = o.as_box() if o.type == "wall" else o
    return "poly", [tuple(p) for p in box.corners()]


def draw_world(surface, cam, world, selected: int | None = None) -> None:
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
        x = GRID_CM
        while x < world.width_cm:
            sx, _ = cam.to_screen(x, 0)
            pygame.draw.line(surface, th.FLOOR_GRID, (sx, floor.top), (sx, floor.bottom - 1))
            x += GRID_CM
        y = GRID_CM
        while y < world.height_cm:
            _, sy = cam.to_screen(0, y)
            pygame.draw.line(surface, th.FLOOR_GRID, (floor.left, sy), (floor.right - 1, sy))
            y += GRID_CM
    for i, o in enumerate(world.obstacles):
        kind, shape = obstacle_outline(o)
        edge = th.OBSTACLE_SELECTED if i == selected else th.OBSTACLE_EDGE
        if kind == "circle":
            c = cam.to_screen(shape[0], shape[1])
            r = max(1, round(cam.length(shape[2])))
            pygame.draw.circle(surface, th.OBSTACLE, c, r)
            pygame.draw.circle(surface, edge, c, r, 2)
        else:
            pts = cam.points(shape)
            pygame.draw.polygon(surface, th.OBSTACLE, pts)
            pygame.draw.polygon(surface, edge, pts, 2)
        if i == selected:
            for h in handles(o):
                sx, sy = cam.to_screen(*h)
                pygame.draw.rect(surface, th.OBSTACLE_SELECTED, (sx - 4, sy - 4, 9, 9))
    sx, sy = cam.to_screen(world.start.x_cm, world.start.y_cm)
    pygame.draw.circle(surface, th.FLOOR_GRID, (sx, sy), max(3, round(cam.length(6))), 2)


def handles(o) -> list[tuple[float, float]]:
    """Resize handles in world cm: the corners of a box, the ends of a wall, the rim of a cylinder."""
    if o.type == "cylinder":
        return [(o.x_cm + o.radius_cm, o.y_cm)]
    if o.type == "wall":
        return [(o.x1_cm, o.y1_cm), (o.x2_cm, o.y2_cm)]
    return [tuple(p) for p in o.corners()]


def draw_beam(surface, cam, car, profile, clamp_cm: float) -> None:
    """The beam cone up to the echo (or the clamp), the clamp arc and the echo point."""
    ox, oy = car.beam_origin
    half = math.radians(profile.sensor.beam_deg) / 2
    reach = car.echo_cm if math.isfinite(car.echo_cm) else clamp_cm * 1.6
    reach = min(reach, clamp_cm * 1.6)
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
    cm, px = cam.scale_bar()
    v = cam.viewport
    x, y = v.x + 16, v.bottom - 18
    pygame.draw.line(surface, (250, 250, 250), (x, y), (x + px, y), 3)
    for tx in (x, x + px):
        pygame.draw.line(surface, (250, 250, 250), (tx, y - 5), (tx, y + 5), 2)
    label = f"{cm:g} cm" if cm < 100 else f"{cm / 100:g} m"
    text.draw(surface, label, (x + px / 2, y - 6), th.FONT_SMALL, (250, 250, 250), anchor="midbottom")
