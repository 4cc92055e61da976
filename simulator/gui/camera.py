"""The view onto the world: centimetres (y up) to screen pixels (y down).

The only place where the y axis is flipped. Holds the zoom and the pan, and picks a
round length for the scale bar.
"""
import math

import pygame

SCALE_BAR_STEPS = (1, 2, 5)
MIN_SCALE, MAX_SCALE = 0.2, 40.0          # pixels per centimetre


class Camera:
    def __init__(self, viewport, center=(0.0, 0.0), scale: float = 2.0):
        self.viewport = pygame.Rect(viewport)
        self.cx, self.cy = float(center[0]), float(center[1])
        self.scale = float(scale)             # pixels per centimetre

    # -- transforms --------------------------------------------------------------------
    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        v = self.viewport
        return (v.centerx + (x - self.cx) * self.scale, v.centery - (y - self.cy) * self.scale)

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        v = self.viewport
        return (self.cx + (sx - v.centerx) / self.scale, self.cy - (sy - v.centery) / self.scale)

    def points(self, pts) -> list[tuple[float, float]]:
        """Screen points for an iterable of world (x, y) points."""
        v, s, cx, cy = self.viewport, self.scale, self.cx, self.cy
        ox, oy = v.centerx - cx * s, v.centery + cy * s
        return [(ox + x * s, oy - y * s) for x, y in pts]

    def length(self, cm: float) -> float:
        return cm * self.scale

    # -- moving ------------------------------------------------------------------------
    def zoom(self, factor: float, about=None) -> None:
        """Zoom by ``factor``, keeping the world point under the screen point ``about`` still."""
        about = about or self.viewport.center
        wx, wy = self.to_world(*about)
        self.scale = min(max(self.scale * factor, MIN_SCALE), MAX_SCALE)
        nx, ny = self.to_world(*about)
        self.cx += wx - nx
        self.cy += wy - ny

    def pan_pixels(self, dx: float, dy: float) -> None:
        """Move the view so the world slides by (dx, dy) screen pixels."""
        self.cx -= dx / self.scale
        self.cy += dy / self.scale

    def fit(self, x0: float, y0: float, x1: float, y1: float, margin_px: int = 24) -> None:
        v = self.viewport
        w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        self.scale = min(max(min((v.w - 2 * margin_px) / w, (v.h - 2 * margin_px) / h), MIN_SCALE), MAX_SCALE)
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2

    def visible(self) -> tuple[float, float, float, float]:
        v = self.viewport
        x0, y1 = self.to_world(v.left, v.top)
        x1, y0 = self.to_world(v.right, v.bottom)
        return x0, y0, x1, y1

    def scale_bar(self, target_px: float = 120) -> tuple[float, float]:
        """(length in cm, length in px) of a round-numbered bar close to ``target_px`` long."""
        want = target_px / self.scale
        power = 10 ** math.floor(math.log10(want))
        best = power
        for step in SCALE_BAR_STEPS:
            if step * power <= want:
                best = step * power
        return best, best * self.scale
