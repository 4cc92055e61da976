"""The cost curve, drawn with pygame: live in the window, and as a PNG for `neurocar train --plot`."""
import io
import math
import os

import pygame

from brain.i18n import _

BACKGROUND = (250, 250, 247)
AXIS = (90, 90, 90)
GRID = (225, 225, 220)
CURVE = (200, 60, 40)
TEXT = (40, 40, 40)


_LABELS: dict = {}


def _label(font, text: str):
    """A rendered label, cached: the live curve redraws its labels every frame."""
    key = (id(font), text)
    surf = _LABELS.get(key)
    if surf is None:
        if len(_LABELS) > 256:
            _LABELS.clear()
        surf = _LABELS[key] = font.render(text, True, TEXT)
    return surf


def draw_cost_curve(surface, rect, losses, font=None, title: str = "") -> None:
    """Loss against epoch in ``rect``, on a log scale when it spans over a decade."""
    rect = pygame.Rect(rect)
    font = font or pygame.font.Font(None, 18)
    pygame.draw.rect(surface, BACKGROUND, rect)
    pad_l, pad_b, pad_t = 46, 20, 18 if title else 6
    plot = pygame.Rect(rect.x + pad_l, rect.y + pad_t, rect.w - pad_l - 8, rect.h - pad_t - pad_b)
    if title:
        surface.blit(_label(font, title), (rect.x + 6, rect.y + 2))
    pygame.draw.rect(surface, AXIS, plot, 1)
    values = [v for v in losses if v is not None and math.isfinite(v)]
    if len(values) < 2 or plot.w < 10 or plot.h < 10:
        return
    lo, hi = min(values), max(values)
    log = lo > 0 and hi / lo > 10
    f = (lambda v: math.log10(v)) if log else (lambda v: v)
    flo, fhi = f(lo), f(hi)
    span = (fhi - flo) or 1.0
    for frac in (0.25, 0.5, 0.75):
        y = plot.bottom - frac * plot.h
        pygame.draw.line(surface, GRID, (plot.x + 1, y), (plot.right - 2, y))
    points = []
    n = len(values)
    step = max(1, n // plot.w)          # at most one point per pixel column
    for i in range(0, n, step):
        x = plot.x + i / (n - 1) * (plot.w - 1)
        y = plot.bottom - 1 - (f(values[i]) - flo) / span * (plot.h - 2)
        points.append((x, y))
    points.append((plot.right - 1, plot.bottom - 1 - (f(values[-1]) - flo) / span * (plot.h - 2)))
    pygame.draw.lines(surface, CURVE, False, points, 2)
    surface.blit(_label(font, f"{hi:.3g}"), (rect.x + 2, plot.y))
    surface.blit(_label(font, f"{lo:.3g}"), (rect.x + 2, plot.bottom - 12))
    label = (_("epoch {epoch}  (log scale)") if log else _("epoch {epoch}")).format(epoch=n)
    surface.blit(_label(font, label), (plot.right - font.size(label)[0], plot.bottom + 3))


def cost_plot_png(losses, title: str = "", size=(640, 360)) -> bytes:
    """The cost curve as PNG bytes, drawn without opening a window."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.font.init()
    surface = pygame.Surface(size)
    draw_cost_curve(surface, surface.get_rect(), losses, pygame.font.Font(None, 20), title or _("cost"))
    png = io.BytesIO()
    pygame.image.save(surface, png, "png")
    return png.getvalue()

