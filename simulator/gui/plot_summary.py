"""Brains compared in one picture, drawn with pygame in the window's colours: a panel per
metric, a bar per brain with its value over it, a dot per episode where there are rows,
and a legend of what each bar is. Drawn off screen (``render_scene.headless``)."""
import io
import math

import numpy as np
import pygame

from simulator.gui import theme as th
from simulator.gui.render_scene import headless
from simulator.gui.text import Text
from brain.i18n import _

# one colour per brain, in the order the files were given, none used elsewhere in the plot
BRAIN_COLOURS = ((86, 156, 246), (243, 168, 62), (104, 196, 120), (226, 92, 160), (168, 130, 240),
                 (84, 190, 200), (236, 104, 92), (196, 190, 96), (150, 160, 176), (120, 110, 230),
                 (238, 138, 196), (90, 150, 110))
NICE_STEPS = {1: 5, 2: 4, 2.5: 5, 5: 5, 10: 5}      # a round top of the axis: its grid lines
PAD = 14
LEGEND_LINE = 18
DOT_R = 2
DOTS_AT_MOST = 400          # per bar: an even sample of the episodes beyond this


def summary_png(compared, titles, size) -> bytes:
    """The picture as PNG bytes; ``compared``: objects with label, detail, values and
    episodes (per metric), ``titles``: one per metric."""
    headless()
    surface = pygame.Surface(size)
    draw_summary(surface, compared, titles, Text())
    png = io.BytesIO()
    pygame.image.save(surface, png, "png")
    return png.getvalue()


def draw_summary(surface, compared, titles, text) -> None:
    surface.fill(th.PANEL_BG)
    w, h = surface.get_size()
    text.draw(surface, _("{count} brain(s) compared: the bars are the runs' totals, the dots their episodes").format(
        count=len(compared)),
              (PAD, PAD - 4), th.FONT_TITLE, th.TEXT, bold=True)
    legend_h = LEGEND_LINE * len(compared) + PAD
    top, bottom = PAD + 24, h - legend_h - PAD
    for k, title in enumerate(titles):
        rect = panel_rect(k, len(titles), (PAD, top, w - 2 * PAD, bottom - top))
        _panel(surface, rect, title, [(c.values[k], c.episodes[k]) for c in compared], [c.label for c in compared],
               text)
    for i, c in enumerate(compared):
        y = bottom + PAD + LEGEND_LINE * i
        pygame.draw.rect(surface, BRAIN_COLOURS[i], (PAD, y + 3, 12, 12))
        text.draw(surface, text.fit(f"{c.label}  ·  {c.detail}", w - 3 * PAD - 12, th.FONT_SMALL),
                  (PAD + 20, y + 2), th.FONT_SMALL, th.TEXT)


def panel_rect(k: int, count: int, area) -> pygame.Rect:
    """Panel k of ``count`` in two columns over ``area`` (x, y, w, h)."""
    x, y, w, h = area
    cols = 1 if count == 1 else 2
    rows = math.ceil(count / cols)
    pw, ph = (w - PAD * (cols - 1)) // cols, (h - PAD * (rows - 1)) // rows
    return pygame.Rect(x + (k % cols) * (pw + PAD), y + (k // cols) * (ph + PAD), pw, ph)


def nice_top(value: float) -> tuple[float, int]:
    """The smallest round number (1, 2, 2.5 or 5 times a power of ten) at or above value,
    and how many grid lines divide it into round steps."""
    if not value > 0:
        return 1.0, NICE_STEPS[1]
    power = 10 ** math.floor(math.log10(value))
    return next((step * power, lines) for step, lines in NICE_STEPS.items() if step * power >= value * (1 - 1e-9))


def _panel(surface, rect, title, bars, labels, text) -> None:
    """One metric: title, grid, and a bar (with its episodes' dots) per brain."""
    pygame.draw.rect(surface, th.SECTION_BG, rect, border_radius=4)
    text.draw(surface, title, (rect.x + 10, rect.y + 6), th.FONT, th.TEXT, bold=True)
    plot = pygame.Rect(rect.x + 52, rect.y + 30, rect.w - 62, rect.h - 52)
    top, lines = nice_top(max([v for v, _ in bars] + [float(e.max()) for _, e in bars if len(e)]))
    for g in range(lines + 1):
        y = plot.bottom - round(g / lines * plot.h)
        pygame.draw.line(surface, th.ROW_ALT if g else th.TEXT_DIM, (plot.x, y), (plot.right, y))
        text.draw(surface, f"{top * g / lines:g}", (plot.x - 6, y), th.FONT_SMALL, th.TEXT_DIM, anchor="midright")
    slot = plot.w / len(bars)
    for i, (value, episodes) in enumerate(bars):
        bar = pygame.Rect(round(plot.x + slot * (i + 0.2)), 0, max(2, round(slot * 0.6)), 0)
        bar.height = max(2, round(value / top * plot.h))
        bar.bottom = plot.bottom
        pygame.draw.rect(surface, BRAIN_COLOURS[i], bar)
        _dots(surface, bar, plot, top, episodes, dot_colour(BRAIN_COLOURS[i]))
        _value_label(surface, text, f"{value:.2f}" if value < 10 else f"{value:.0f}", (bar.centerx, bar.top - 2))
        text.draw(surface, text.fit(labels[i], round(slot) - 4, th.FONT_SMALL), (bar.centerx, plot.bottom + 3),
                  th.FONT_SMALL, th.TEXT_DIM, anchor="midtop")


def _value_label(surface, text, label: str, midbottom) -> None:
    """The bar's value on a patch of the panel's colour, so the dots never hide it."""
    box = pygame.Rect(0, 0, text.width(label, th.FONT_SMALL) + 6, text.height(th.FONT_SMALL))
    box.midbottom = midbottom
    pygame.draw.rect(surface, th.SECTION_BG, box, border_radius=3)
    text.draw(surface, label, midbottom, th.FONT_SMALL, th.TEXT, anchor="midbottom")


def _dots(surface, bar, plot, top: float, episodes, colour) -> None:
    """A dot per episode over its bar, spread across the bar's width (the golden-ratio
    sequence: the same picture every time, no clumps)."""
    if not len(episodes):
        return
    shown = episodes if len(episodes) <= DOTS_AT_MOST else episodes[np.linspace(0, len(episodes) - 1,
                                                                                 DOTS_AT_MOST).astype(int)]
    across = (np.arange(len(shown)) * 0.6180339887) % 1.0
    xs = bar.x + DOT_R + across * max(bar.w - 2 * DOT_R, 1)
    ys = plot.bottom - np.minimum(shown / top, 1.0) * plot.h
    for x, y in zip(xs.tolist(), ys.tolist()):
        pygame.draw.circle(surface, colour, (round(x), round(y)), DOT_R)
        pygame.draw.circle(surface, th.PANEL_BG, (round(x), round(y)), DOT_R + 1, 1)


def dot_colour(colour) -> tuple:
    """The colour of an episode's dot over a bar of ``colour``."""
    return tuple(round(c + (255 - c) * 0.55) for c in colour)
