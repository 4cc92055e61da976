"""Fonts and a cache of rendered text: a label is rendered once, then only blitted.

A common sans-serif font installed on the system is used when there is one (DejaVu
Sans on most Linux desktops); otherwise pygame's own font, with plain-ASCII stand-ins
for the few symbols it lacks.
"""
import math

import pygame

DEFAULT_SIZE = 14
PREFERRED = "dejavusans,dejavusanscondensed,liberationsans,freesans,arial,helvetica"
FALLBACK_SCALE = 1.3          # pygame's own font draws smaller at the same size
ASCII = str.maketrans({"→": ">", "✓": "+", "✗": "x", "‹": "<", "›": ">", "…": "...", "°": " deg",
                       "❚": "|", "—": "-"})


class Text:
    """``draw(surface, text, pos)`` with surfaces cached by (text, size, colour, bold).

    Sizes are those of a 1280x720 window, multiplied by ``scale``. ``stretch`` above 1
    lengthens every string with letters by that factor, as a longer language would (a
    test's stand-in for translations); ``drawn``, when a list, collects each drawn rect."""

    def __init__(self, limit: int = 3000, scale: float = 1.0, stretch: float = 1.0):
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._cache: dict[tuple, pygame.Surface] = {}
        self.limit = limit
        self.path = pygame.font.match_font(PREFERRED)
        self.scale = scale
        self.stretch = stretch
        self.drawn: list | None = None

    def font(self, size: int = DEFAULT_SIZE, bold: bool = False) -> pygame.font.Font:
        key = (max(1, round(size * self.scale)), bold)
        if key not in self._fonts:
            if self.path:
                font = pygame.font.Font(self.path, key[0])
            else:
                font = pygame.font.Font(None, round(key[0] * FALLBACK_SCALE))
            font.bold = bold
            self._fonts[key] = font
        return self._fonts[key]

    def _shown(self, text: str) -> str:
        if self.stretch > 1 and any(c.isalpha() for c in text):
            text += "~" * math.ceil(len(text) * (self.stretch - 1))
        return text if self.path else text.translate(ASCII)

    def render(self, text: str, size: int = DEFAULT_SIZE, color=(230, 230, 230), bold: bool = False):
        key = (text, size, tuple(color), bold, self.scale)
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) >= self.limit:
                self._cache.clear()
            surf = self.font(size, bold).render(self._shown(text), True, color)
            self._cache[key] = surf
        return surf

    def draw(self, surface, text: str, pos, size: int = DEFAULT_SIZE, color=(230, 230, 230),
             bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
        surf = self.render(text, size, color, bold)
        rect = surf.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
        surface.blit(surf, rect)
        if self.drawn is not None and text:
            self.drawn.append((text, rect))
        return rect

    def width(self, text: str, size: int = DEFAULT_SIZE, bold: bool = False) -> int:
        return self.font(size, bold).size(self._shown(text))[0]

    def height(self, size: int = DEFAULT_SIZE, bold: bool = False) -> int:
        return self.font(size, bold).get_height()

    def fit(self, text: str, max_width: int, size: int = DEFAULT_SIZE, bold: bool = False) -> str:
        """``text`` cut with an ellipsis so it fits ``max_width`` pixels."""
        if self.width(text, size, bold) <= max_width:
            return text
        while text and self.width(text + "…", size, bold) > max_width:
            text = text[:-1]
        return text + "…"

    def fit_end(self, text: str, max_width: int, size: int = DEFAULT_SIZE) -> str:
        """``text`` cut at its start with an ellipsis so it fits ``max_width`` pixels: a
        path's end says the most."""
        if self.width(text, size) <= max_width:
            return text
        while len(text) > 1 and self.width("…" + text, size) > max_width:
            text = text[1:]
        return "…" + text
