"""Colours and sizes of the window, in one place.

Sizes in pixels are those of a 1280x720 window; a bigger window scales them (``set_scale``)
so that 1920x1080 or 2560x1440 shows the same layout larger, not a small one in a big window.
"""
import math

PANEL_BG = (28, 31, 38)
SECTION_BG = (36, 40, 49)
SECTION_FOCUS = (96, 165, 250)
TEXT = (226, 229, 235)
TEXT_DIM = (150, 156, 168)
TEXT_ERROR = (255, 120, 110)
TEXT_OK = (130, 215, 140)
ROW_ALT = (42, 46, 56)
ROW_SELECTED = (58, 76, 110)
CELL_SELECTED = (96, 165, 250)
INPUT_HUE = (110, 200, 210)
OUTPUT_HUE = (240, 190, 100)
POSITIVE = (80, 160, 255)
NEGATIVE = (255, 140, 60)
NEUTRAL = (70, 75, 86)
HINT_BG = (20, 22, 27)
OVERLAY_BG = (18, 20, 26)

FLOOR = (236, 232, 222)
FLOOR_GRID = (222, 217, 205)
OUTSIDE = (60, 64, 72)
ARENA_WALL = (80, 74, 66)
OBSTACLE = (92, 104, 122)
OBSTACLE_EDGE = (52, 60, 74)
OBSTACLE_SELECTED = (250, 160, 40)
CAR_BODY = (40, 110, 200)
CAR_BODY_EDGE = (20, 50, 100)
CAR_FLASH = (235, 60, 50)
WHEEL = (30, 30, 34)
BEAM = (255, 236, 160)
BEAM_EDGE = (230, 190, 80)
CLAMP_ARC = (210, 200, 170)
ECHO = (220, 40, 40)
TRAIL = (120, 160, 220)
TEACH = (235, 80, 160)

BASE_SIZE = (1280, 720)       # the window the sizes below are drawn for
SCALE_STEP = 0.125            # scales come in steps, so a resize by a few pixels changes nothing
MAX_SCALE = 3.0
BASE_HINT_H, BASE_ROW_H = 26, 18
HINT_H, ROW_H = BASE_HINT_H, BASE_ROW_H
SCALE = 1.0
FONT = 14                     # font sizes are the unscaled ones: ``Text`` scales what it draws
FONT_SMALL = 12
FONT_TITLE = 15


def ui_scale(size) -> float:
    """How much bigger than at 1280x720 a window of ``size`` draws: 1 up to 1280x720
    (the smallest windows keep the base sizes), then in steps as both sides grow."""
    s = min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1])
    return min(max(1.0, math.floor(s / SCALE_STEP) * SCALE_STEP), MAX_SCALE)


def set_scale(scale: float) -> None:
    """Scale the window's row and bar heights (read as ``th.ROW_H`` when drawing)."""
    global SCALE, HINT_H, ROW_H
    SCALE = scale
    HINT_H, ROW_H = px(BASE_HINT_H), px(BASE_ROW_H)


def px(n: float) -> int:
    """A length of ``n`` pixels at 1280x720, at the window's scale."""
    return int(round(n * SCALE))


def value_color(v: float, scale: float = 1.0):
    """Blue for positive, orange for negative, fading to neutral grey near zero."""
    if not math.isfinite(v):
        return TEXT_ERROR
    t = min(abs(v) / scale, 1.0)
    hue = POSITIVE if v >= 0 else NEGATIVE
    return tuple(int(n + (h - n) * t) for n, h in zip(NEUTRAL, hue))
