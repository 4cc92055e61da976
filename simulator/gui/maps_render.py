"""A world's trajectory map, drawn off screen with the window's renderer: the world, a heat
map of where the cars went, every episode's path from its start (a ring) to its end (a
dot), a cross where each collision began, and a legend of each episode's metrics."""
import io
import math

import numpy as np
import pygame

from simulator.gui import theme as th
from simulator.gui.camera import Camera
from simulator.gui.plot_summary import BRAIN_COLOURS
from simulator.gui.render_scene import headless
from simulator.gui.text import Text
from simulator.gui.worldview import draw_world
from simulator.metrics import CELL_CM
from brain.i18n import _

VIEW_MAX = (820, 640)        # the world's picture fits in this, keeping its shape
VIEW_MIN_H = 360             # ... and is at least this tall, for the legend beside it
LEGEND_W = 330
PAD = 12
LINE_H = 16
TRACK_COLOURS = BRAIN_COLOURS
COLLISION = (235, 40, 40)
HEAT = ((255, 236, 160), (240, 150, 40), (200, 40, 40))      # few visits to many, over the floor
HEAT_ALPHA = 130
EPISODE_H = 3 * LINE_H + 6
KEY_H = 5 * LINE_H + 2 * PAD + 4


def map_size(world) -> tuple[tuple[int, int], pygame.Rect]:
    """The picture's size and the rectangle the world is drawn in."""
    t = 2 * world.wall_cm
    w, h = world.width_cm + t, world.height_cm + t
    scale = min(VIEW_MAX[0] / w, VIEW_MAX[1] / h)
    view = pygame.Rect(0, 0, max(200, round(w * scale)), max(VIEW_MIN_H, round(h * scale)))
    return (view.w + LEGEND_W, view.h), view


def map_camera(world) -> Camera:
    """The camera a map of this world is drawn through (world cm to the picture's pixels)."""
    _size, view = map_size(world)
    cam = Camera(view)
    t = world.wall_cm
    cam.fit(-t, -t, world.width_cm + t, world.height_cm + t, PAD)
    return cam


def map_png(world, tracks) -> bytes:
    """The map as PNG bytes. ``tracks``: objects with episode, seed, row (eval's metrics),
    xy (points, (k, 2) cm, from the start) and hits (collision points, (c, 2) cm)."""
    headless()
    size, view = map_size(world)
    surface = pygame.Surface(size)
    cam = map_camera(world)
    surface.set_clip(view)
    draw_world(surface, cam, world)
    _heat(surface, cam, world, tracks)
    for i, track in enumerate(tracks):
        _track(surface, cam, track, TRACK_COLOURS[i % len(TRACK_COLOURS)])
    for track in tracks:
        for x, y in cam.points(track.hits):
            _cross(surface, (round(x), round(y)))
    surface.set_clip(None)
    _legend(surface, pygame.Rect(view.right, 0, LEGEND_W, size[1]), world, tracks, Text())
    png = io.BytesIO()
    pygame.image.save(surface, png, "png")
    return png.getvalue()


def heat_counts(world, tracks) -> np.ndarray:
    """(rows, cols) ticks spent in each CELL_CM square, over all the tracks."""
    cols, rows = max(1, math.ceil(world.width_cm / CELL_CM)), max(1, math.ceil(world.height_cm / CELL_CM))
    counts = np.zeros((rows, cols))
    for track in tracks:
        cells = np.clip((track.xy // CELL_CM).astype(int), 0, (cols - 1, rows - 1))
        np.add.at(counts, (cells[:, 1], cells[:, 0]), 1)
    return counts


def _heat(surface, cam, world, tracks) -> None:
    """Each visited cell shaded from pale (a moment) to red (the most time), on a log scale."""
    counts = heat_counts(world, tracks)
    if not counts.any():
        return
    level = np.log1p(counts) / np.log1p(counts.max())
    layer = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    side = math.ceil(cam.length(CELL_CM))
    for r, c in zip(*np.nonzero(counts)):
        x, y = cam.to_screen(c * CELL_CM, (r + 1) * CELL_CM)
        layer.fill((*_heat_colour(level[r, c]), HEAT_ALPHA), (round(x), round(y), side, side))
    surface.blit(layer, (0, 0))


def _heat_colour(level: float) -> tuple:
    k = min(int(level * (len(HEAT) - 1)), len(HEAT) - 2)
    f = level * (len(HEAT) - 1) - k
    return tuple(round(a + (b - a) * f) for a, b in zip(HEAT[k], HEAT[k + 1]))


def _track(surface, cam, track, colour) -> None:
    points = cam.points(track.xy)
    if len(points) >= 2:
        pygame.draw.lines(surface, colour, False, points, 2)
    pygame.draw.circle(surface, colour, points[0], 6, 2)
    pygame.draw.circle(surface, colour, points[-1], 4)
    pygame.draw.circle(surface, th.OBSTACLE_EDGE, points[-1], 5, 1)


def _cross(surface, at) -> None:
    x, y = at
    for dx, dy in ((-5, -5), (-5, 5)):
        pygame.draw.line(surface, (255, 255, 255), (x + dx, y + dy), (x - dx, y - dy), 5)
    for dx, dy in ((-4, -4), (-4, 4)):
        pygame.draw.line(surface, COLLISION, (x + dx, y + dy), (x - dx, y - dy), 3)


def _legend(surface, rect, world, tracks, text) -> None:
    """The world's name, each episode's metrics (as many as fit), and the key."""
    surface.fill(th.PANEL_BG, rect)
    x, y, w = rect.x + PAD, rect.y + PAD, rect.w - 2 * PAD
    text.draw(surface, text.fit(world.name, w, th.FONT_TITLE), (x, y), th.FONT_TITLE, th.TEXT, bold=True)
    y += 24
    key_y = rect.bottom - KEY_H
    room = key_y - y
    shown = tracks if len(tracks) * EPISODE_H <= room else tracks[:max(0, (room - LINE_H) // EPISODE_H)]
    for i, track in enumerate(shown):
        pygame.draw.line(surface, TRACK_COLOURS[i % len(TRACK_COLOURS)], (x, y + 8), (x + 14, y + 8), 3)
        for k, (line, colour) in enumerate(_episode_lines(track)):
            text.draw(surface, text.fit(line, w - 20, th.FONT_SMALL), (x + 20, y + k * LINE_H), th.FONT_SMALL, colour)
        y += EPISODE_H
    if len(shown) < len(tracks):
        text.draw(surface, _("... and {value} more episode(s)").format(
            value=len(tracks) - len(shown)), (x, y), th.FONT_SMALL, th.TEXT_DIM)
    _key(surface, text, x, key_y, w, tracks)


def _episode_lines(track) -> list:
    r = track.row
    return [(_("episode {episode} · seed {seed}").format(episode=track.episode, seed=r["seed"]), th.TEXT),
            (_("{seconds:g} s · {metres:.1f} m · collisions {collisions} ({rate:.1f}/min)").format(
                seconds=r["seconds"], metres=r["distance_cm"] / 100, collisions=r["collisions"],
                rate=r["collisions_per_minute"]), th.TEXT_DIM),
            (_("covered {coverage:.1f} % · contact {contact:.1f} s · stuck {stuck:.1f} s").format(
                coverage=100 * r["coverage"], contact=r["contact_s"], stuck=r["stuck_s"]), th.TEXT_DIM)]


def _key(surface, text, x, y, w, tracks) -> None:
    """Totals, then what the marks mean."""
    hits = sum(len(t.hits) for t in tracks)
    text.draw(surface, _("{count} episode(s), {hits} collision(s)").format(
        count=len(tracks), hits=hits), (x, y), th.FONT_SMALL, th.TEXT)
    y += LINE_H + 4
    _cross(surface, (x + 6, y + 8))
    pygame.draw.circle(surface, th.TEXT_DIM, (x + 6, y + LINE_H + 12), 6, 2)
    pygame.draw.circle(surface, th.TEXT_DIM, (x + 106, y + LINE_H + 12), 4)
    text.draw(surface, _("a collision begins"), (x + 20, y + 1), th.FONT_SMALL, th.TEXT_DIM)
    text.draw(surface, _("start"), (x + 20, y + LINE_H + 5), th.FONT_SMALL, th.TEXT_DIM)
    text.draw(surface, _("end"), (x + 116, y + LINE_H + 5), th.FONT_SMALL, th.TEXT_DIM)
    y += 2 * LINE_H + 12
    for k in range(60):
        surface.fill(_heat_colour(k / 59), (x + k, y + 3, 1, 10))
    text.draw(surface, text.fit(_("time spent there: a moment to the most"), w - 70, th.FONT_SMALL),
              (x + 68, y), th.FONT_SMALL, th.TEXT_DIM)
