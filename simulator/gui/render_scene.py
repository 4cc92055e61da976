"""A car in its world drawn off-screen with the window's own renderer, for videos: the
whole world fitted to the picture, the trail, the beam, the car (reddened while it
touches something) and a small box of the time and the metrics so far.

No window opens: pygame draws onto a plain Surface, with SDL's dummy video driver
unless a driver is named (``headless``)."""
import math
import os

import numpy as np
import pygame

from simulator.gui import simlink, theme as th
from simulator.gui.camera import Camera
from simulator.gui.overlay import shade
from simulator.gui.text import Text
from simulator.gui.worldview import draw_beam, draw_car, draw_scale_bar, draw_trail, draw_world
from brain.i18n import _

BOX_BG = (20, 22, 28, 200)
LINE_H = 17
MARGIN_PX = 10
TRAIL_EVERY_TICKS = 4        # a trail point every 0.1 s, as the window keeps it


def headless() -> None:
    """Fonts and surfaces without a window (SDL's dummy driver, unless one is named)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.font.init()


def fitted_camera(surface, world, margin_px: int = MARGIN_PX) -> Camera:
    """A camera showing the whole arena, its walls included, in the surface."""
    cam = Camera(surface.get_rect())
    t = world.wall_cm
    cam.fit(-t, -t, world.width_cm + t, world.height_cm + t, margin_px)
    return cam


def pixels(surface) -> np.ndarray:
    """The surface as an (height, width, 3) uint8 array, rows top to bottom."""
    return np.ascontiguousarray(pygame.surfarray.array3d(surface).swapaxes(0, 1))


class SceneRenderer:
    """Frames of one Simulation: ``frame(sim, trail, label)`` draws and returns the pixels."""

    def __init__(self, world, profile, size, model: str):
        headless()
        self.profile, self.model = profile, model
        self.surface = pygame.Surface(size)
        self.camera = fitted_camera(self.surface, world)
        self.text = Text()

    def frame(self, sim, trail, label: str) -> np.ndarray:
        surface, cam, profile = self.surface, self.camera, self.profile
        car = simlink.car_state(sim)
        draw_world(surface, cam, sim.world)
        draw_trail(surface, cam, trail)
        draw_beam(surface, cam, car, profile, profile.control.distance_clamp_cm, self.model)
        draw_car(surface, cam, car, profile, 1.0 if sim.touching else 0.0)
        draw_scale_bar(surface, cam, self.text)
        self._metrics_box(sim, label)
        return pixels(surface)

    def _metrics_box(self, sim, label: str) -> None:
        m = sim.metrics()
        echo = _("{cm} cm").format(cm=f"{sim.echo_cm:.0f}") if math.isfinite(sim.echo_cm) else _("no echo")
        lines = [(label, th.TEXT_DIM),
                 (_("t {seconds:5.1f} s · collisions {collisions} · {metres:.1f} m").format(
                     seconds=sim.time_s, collisions=m.collisions, metres=m.distance_cm / 100), th.TEXT),
                 (_("coverage {coverage:.0f} % · stuck {stuck:.1f} s · echo {echo}").format(
                     coverage=100 * m.coverage, stuck=m.stuck_s, echo=echo), th.TEXT)]
        text, v = self.text, self.surface.get_rect()
        w = min(max(text.width(line, th.FONT_SMALL) for line, _ in lines) + 16, v.w - 2 * MARGIN_PX)
        box = pygame.Rect(v.x + MARGIN_PX, v.y + MARGIN_PX, w, LINE_H * len(lines) + 8)
        shade(self.surface, box, BOX_BG)
        for i, (line, color) in enumerate(lines):
            text.draw(self.surface, text.fit(line, w - 16, th.FONT_SMALL), (box.x + 8, box.y + 4 + LINE_H * i),
                      th.FONT_SMALL, color)


def film(sim, renderer, seconds: float, fps: int, label: str):
    """The run's frames: the start, then one every 1/fps s of simulated time up to
    ``seconds``, each with the whole trail so far."""
    tick_s = sim.profile.control.tick_s
    trail, ticks = [sim.pose[:2]], 0
    for k in range(round(seconds * fps) + 1):
        while ticks < round(k / fps / tick_s):
            sim.step_tick()
            ticks += 1
            if ticks % TRAIL_EVERY_TICKS == 0:
                trail.append(sim.pose[:2])
        yield renderer.frame(sim, trail + [sim.pose[:2]], label)
