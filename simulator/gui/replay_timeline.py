"""The replay's timeline along the bottom: the whole run as a band of actions (lost
ticks red) with the playhead, and below it the ticks around the playhead in detail:
the action held, each decision, each reading (no echo at the top) and the clamp. A
click on either puts the playhead there."""
import math

import pygame

from simulator.gui import theme as th
from simulator.gui.panels import section
from simulator.gui.replay_cards import action_color
from brain.i18n import _

DETAIL_SLOTS = 400               # ten seconds of 25 ms ticks around the playhead
OVERVIEW_H = 14
BAND_H = 8
GAP_FILL = (110, 44, 44)
PLOT_BG = (30, 33, 41)
PLAYHEAD = (250, 250, 250)
READING = th.INPUT_HUE


def detail_window(n_slots: int, slot: float) -> tuple[int, int]:
    """(first slot, slots shown) of the detail, centred on the playhead where it can be."""
    count = max(1, min(DETAIL_SLOTS, n_slots))
    first = int(min(max(slot - count / 2, 0), n_slots - count))
    return first, count


def slot_at(rect, first: float, count: float, x: float) -> float:
    """The slot under screen x in a strip showing ``count`` slots from ``first``."""
    return first + (x - rect.x) / max(rect.w, 1) * count


class Timeline:
    """Draws the timeline and answers clicks on it; the overview is drawn once per width."""

    def __init__(self):
        self.overview = pygame.Rect(0, 0, 0, 0)
        self.detail = pygame.Rect(0, 0, 0, 0)
        self.window = (0, 1)
        self._band = None                        # (width, surface) of the overview's actions

    def click(self, pos, run) -> float | None:
        """The slot a click at ``pos`` asks for, or None when it is not on the timeline."""
        if self.overview.inflate(0, 8).collidepoint(pos):
            return slot_at(self.overview, 0, run.n_slots, pos[0])
        if self.detail.collidepoint(pos):
            return slot_at(self.detail, *self.window, pos[0])
        return None

    def draw(self, surface, text, rect, run, view) -> None:
        note = _("x{speed:g} · click to go to a tick · red: lines lost").format(speed=view.speed)
        inner = section(surface, text, rect, _("Timeline"), note=note)
        self.overview = pygame.Rect(inner.x, inner.y, inner.w, OVERVIEW_H)
        self.detail = pygame.Rect(inner.x, self.overview.bottom + 8, inner.w, inner.bottom - self.overview.bottom - 24)
        self.window = detail_window(run.n_slots, view.slot)
        self._draw_overview(surface, run, view)
        self._draw_detail(surface, text, run, view)

    def _draw_overview(self, surface, run, view) -> None:
        r = self.overview
        if self._band is None or self._band[0] != r.w:
            self._band = (r.w, _overview_band(run, r.w, r.h))
        surface.blit(self._band[1], r.topleft)
        first, count = self.window
        x0, x1 = (r.x + r.w * s / max(run.n_slots, 1) for s in (first, first + count))
        pygame.draw.rect(surface, th.TEXT_DIM, (x0, r.y - 2, max(2, x1 - x0), r.h + 4), 1)
        x = r.x + r.w * view.slot / max(run.n_slots, 1)
        pygame.draw.line(surface, PLAYHEAD, (x, r.y - 3), (x, r.bottom + 2), 2)

    def _draw_detail(self, surface, text, run, view) -> None:
        r, (first, count) = self.detail, self.window
        pygame.draw.rect(surface, PLOT_BG, r)
        px = r.w / count
        to_x = lambda slot: r.x + (slot - first) * px       # noqa: E731 (one line, used below)
        for gap in run.gaps:
            if gap.start + gap.length > first and gap.start < first + count:
                g = pygame.Rect(round(to_x(gap.start)), r.y, max(1, round(gap.length * px)), r.h).clip(r)
                pygame.draw.rect(surface, GAP_FILL, g)
                if g.w > text.width(_("{length} lost").format(length=gap.length), th.FONT_SMALL) + 6:
                    text.draw(surface, _("{length} lost").format(
                        length=gap.length), g.center, th.FONT_SMALL, th.TEXT, anchor="center")
        _draw_ticks(surface, run, r, first, count, to_x, px)
        _draw_axis(surface, text, run, r, first, count, to_x)
        x = to_x(view.slot)
        pygame.draw.line(surface, PLAYHEAD, (x, r.y), (x, r.bottom), 2)


def _overview_band(run, w: int, h: int):
    """The whole run squeezed into ``w`` columns: each the action of the tick there, red in a gap."""
    band = pygame.Surface((max(w, 1), h))
    band.fill(PLOT_BG)
    n = max(run.n_slots, 1)
    gaps = [(g.start, g.start + g.length) for g in run.gaps]
    for col in range(w):
        slot = (col + 0.5) * n / w
        lost = any(a <= slot < b for a, b in gaps)
        color = GAP_FILL if lost else action_color(run.actions[run.index_at(slot)])
        pygame.draw.line(band, color, (col, 0), (col, h - 1))
    return band


def _draw_ticks(surface, run, r, first: int, count: int, to_x, px: float) -> None:
    """Each tick in view: its action as a band at the top, a mark where it decided, its reading."""
    reach = run.reading_range_cm()
    plot_top, plot_h = r.y + BAND_H + 8, r.h - BAND_H - 12
    to_y = lambda cm: plot_top + plot_h * (1 - min(cm, reach) / reach)    # noqa: E731
    clamp_y = to_y(run.profile.control.distance_clamp_cm)
    pygame.draw.line(surface, th.BEAM_EDGE, (r.x, clamp_y), (r.right, clamp_y), 1)
    lo = run.index_at(first)
    for i in range(lo, len(run.ticks)):
        slot = run.slots[i]
        if slot >= first + count:
            break
        if slot < first:
            continue
        x, t = to_x(slot), run.ticks[i]
        pygame.draw.rect(surface, action_color(run.actions[i]), (x, r.y + 2, max(1, math.ceil(px)), BAND_H))
        if t.decided:
            pygame.draw.line(surface, th.TEXT, (x, r.y + BAND_H + 2), (x, r.y + BAND_H + 6), 1)
        if t.reading_cm is None:
            continue
        if math.isinf(t.reading_cm):
            pygame.draw.line(surface, th.TEXT_DIM, (x - 2, plot_top - 2), (x + 2, plot_top + 2), 1)
            pygame.draw.line(surface, th.TEXT_DIM, (x - 2, plot_top + 2), (x + 2, plot_top - 2), 1)
        else:
            pygame.draw.circle(surface, READING, (x + px / 2, to_y(t.reading_cm)), 2)


def _draw_axis(surface, text, run, r, first: int, count: int, to_x) -> None:
    """Tick numbers under the detail, every second (or every ten when zoomed out)."""
    per_s = round(1 / run.tick_s)
    every = per_s if count <= 20 * per_s else 10 * per_s
    start = math.ceil(first / every) * every
    for slot in range(start, first + count + 1, every):
        x = to_x(slot)
        pygame.draw.line(surface, th.NEUTRAL, (x, r.bottom), (x, r.bottom + 3), 1)
        tick = run.ticks[run.index_at(slot)].tick + slot - run.slots[run.index_at(slot)]
        label = f"{tick} · {slot * run.tick_s:.0f} s"
        if r.x <= x - text.width(label, th.FONT_SMALL) / 2 and x + text.width(label, th.FONT_SMALL) / 2 <= r.right:
            text.draw(surface, label, (x, r.bottom + 3), th.FONT_SMALL, th.TEXT_DIM, anchor="midtop")
