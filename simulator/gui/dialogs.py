"""In-window dialogs, all usable from the keyboard: a prompt with a few key choices,
and a file chooser (type a path, or pick one from the listed files)."""
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pygame

from simulator.gui import theme as th
from simulator.gui.filekind import kind_of
from simulator.gui.textentry import TextEntry

KINDS = ("brain", "table", "world")
EXTENSIONS = {"brain": ".json", "table": ".csv", "world": ".json"}


@dataclass
class Choice:
    key: int                     # pygame key constant
    label: str                   # e.g. "Enter: restore"
    action: Callable[[], None]
    also: tuple = ()             # more keys doing the same (e.g. Delete beside D)


class Prompt:
    """A message and a few choices, each on its own key. Esc picks the choice bound to it."""

    def __init__(self, title: str, lines: list[str], choices: list[Choice]):
        self.title, self.lines, self.choices = title, lines, choices
        self.closed = False

    def handle(self, event) -> None:
        key = pygame.K_RETURN if event.key == pygame.K_KP_ENTER else event.key
        for c in self.choices:
            if key == c.key or key in c.also:
                self.closed = True
                c.action()
                return

    def draw(self, surface, text, blink=True) -> None:
        w = max([text.width(l, th.FONT) for l in self.lines + [self.title]] + [360]) + 48
        hint = "   ·   ".join(c.label for c in self.choices)
        w = min(max(w, text.width(hint, th.FONT) + 48), surface.get_width() - 40)
        h = 70 + 20 * len(self.lines) + 30
        rect = _panel(surface, w, h)
        text.draw(surface, self.title, (rect.x + 20, rect.y + 14), th.FONT_TITLE, th.TEXT, bold=True)
        y = rect.y + 42
        for line in self.lines:
            text.draw(surface, text.fit(line, w - 40, th.FONT), (rect.x + 20, y), th.FONT, th.TEXT)
            y += 20
        text.draw(surface, text.fit(hint, w - 40, th.FONT), (rect.x + 20, rect.bottom - 28), th.FONT,
                  th.SECTION_FOCUS, bold=True)


class FileDialog:
    """Open or save a brain, table or world. Up/Down pick a listed file, typing edits the
    path, Tab (save only) switches what is saved, Enter confirms, Esc cancels. Open lists
    every file it can open; save lists only files of the kind being saved."""

    def __init__(self, mode: str, folders: dict, on_done: Callable[[str, Path], None],
                 kind: str = "brain", default_names: dict | None = None):
        self.mode, self.folders, self.on_done = mode, folders, on_done
        self.kind = kind
        self.default_names = default_names or {}
        self.closed = False
        self.error = ""
        self.index = -1
        self.entry = TextEntry("")
        self.files: list[Path] = []
        self._refresh(keep_text=False)

    def _refresh(self, keep_text: bool = True) -> None:
        kinds = KINDS if self.mode == "open" else (self.kind,)
        files = []
        for kind in kinds:
            for folder in self.folders.get(kind, []):
                try:
                    files += sorted(p for p in Path(folder).glob("*" + EXTENSIONS[kind]) if p.is_file())
                except OSError:
                    pass
        seen, self.files = set(), []
        for f in files:
            if f not in seen and (self.mode == "open" or kind_of(f) == self.kind):
                seen.add(f)
                self.files.append(f)
        if not keep_text:
            name = self.default_names.get(self.kind, "")
            self.entry = TextEntry(name)
            self.index = -1

    def handle(self, event) -> None:
        k = event.key
        if k == pygame.K_TAB and self.mode == "save":
            self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
            self._refresh(keep_text=False)
            return
        if k in (pygame.K_UP, pygame.K_DOWN) and self.files:
            self.index = (self.index + (1 if k == pygame.K_DOWN else -1)) % len(self.files)
            self.entry = TextEntry(str(self.files[self.index]))
            return
        result = self.entry.handle(event)
        if result == "cancel":
            self.closed = True
        elif result == "accept":
            path = self.entry.text.strip()
            if not path:
                self.error = "type a file name, or pick one with Up/Down"
                return
            self.closed = True
            self.on_done(self.kind, Path(path).expanduser())

    def draw(self, surface, text, blink=True) -> None:
        w, h = min(760, surface.get_width() - 40), min(460, surface.get_height() - 40)
        rect = _panel(surface, w, h)
        if self.mode == "save":
            title = f"Save the {self.kind}"
            hint = "Tab: brain / table / world · Up/Down: pick · type a path · Enter: save · Esc: cancel"
        else:
            title = "Open a brain (.json), table (.csv) or world (.json)"
            hint = "Up/Down: pick a file · or type a path · Enter: open · Esc: cancel"
        text.draw(surface, title, (rect.x + 20, rect.y + 14), th.FONT_TITLE, th.TEXT, bold=True)
        box = pygame.Rect(rect.x + 20, rect.y + 44, w - 40, 26)
        pygame.draw.rect(surface, th.PANEL_BG, box)
        pygame.draw.rect(surface, th.SECTION_FOCUS, box, 1)
        shown = self.entry.display(blink)
        while shown and text.width(shown, th.FONT) > box.w - 12:
            shown = shown[1:]
        text.draw(surface, shown, (box.x + 6, box.y + 5), th.FONT, th.TEXT)
        y = box.bottom + 10
        if self.error:
            text.draw(surface, self.error, (rect.x + 20, y), th.FONT_SMALL, th.TEXT_ERROR)
        y += 18
        rows = max(1, (rect.bottom - 40 - y) // 19)
        start = max(0, min(self.index - rows // 2, len(self.files) - rows))
        for i in range(start, min(len(self.files), start + rows)):
            f = self.files[i]
            if i == self.index:
                pygame.draw.rect(surface, th.ROW_SELECTED, (rect.x + 16, y - 1, w - 32, 19))
            label = f"{f.parent.name}/{f.name}"
            text.draw(surface, label, (rect.x + 24, y), th.FONT, th.TEXT)
            text.draw(surface, text.fit(str(f.parent), w - 300, th.FONT_SMALL), (rect.right - 24, y + 2),
                      th.FONT_SMALL, th.TEXT_DIM, anchor="topright")
            y += 19
        if not self.files:
            text.draw(surface, "(no files found in the usual folders)", (rect.x + 24, y), th.FONT, th.TEXT_DIM)
        text.draw(surface, text.fit(hint, w - 40, th.FONT_SMALL), (rect.x + 20, rect.bottom - 26), th.FONT_SMALL,
                  th.SECTION_FOCUS)


def _panel(surface, w, h) -> pygame.Rect:
    rect = pygame.Rect(0, 0, w, h)
    rect.center = surface.get_rect().center
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 110))
    surface.blit(shade, (0, 0))
    pygame.draw.rect(surface, th.OVERLAY_BG, rect, border_radius=8)
    pygame.draw.rect(surface, th.SECTION_FOCUS, rect, 2, border_radius=8)
    return rect
