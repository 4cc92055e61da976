"""In-window dialogs, usable from the keyboard and the mouse: a prompt with a few key
choices, and a file chooser.

The file chooser lists a folder (its parent, its subfolders, then the files it can use,
each with its kind); in the working folder it also lists the files saved from the
window and the shipped ones. Typing filters the list and Tab completes a name (or a
path: ``sub/na`` lists and completes in ``sub``). Open: Enter opens the file typed, the
only one the typed text matches, or the one picked with Up/Down or a click. Save: what
is typed is the new file's name; Enter saves under it, never under a listed name it
only partly matches (a file picked from the list is replaced only after the usual
question). A double-click opens a folder or a file, as Enter on it does."""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pygame

from simulator.gui import theme as th
from simulator.gui.filekind import KINDS, Row, list_folder
from simulator.gui.textentry import TextEntry
from brain.i18n import _

DOUBLE_CLICK_MS = 400
WHEEL_ROWS = 3


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

    def mouse(self, event) -> None:
        """The choices are keys; the mouse does nothing here."""

    def draw(self, surface, text, blink=True) -> None:
        w = max([text.width(l, th.FONT) for l in self.lines + [self.title]] + [th.px(360)]) + th.px(48)
        hint = "   ·   ".join(c.label for c in self.choices)
        w = min(max(w, text.width(hint, th.FONT) + th.px(48)), surface.get_width() - 40)
        line_h = th.ROW_H + th.px(2)
        h = th.px(100) + line_h * len(self.lines)
        rect = _panel(surface, w, h)
        m = th.px(20)
        text.draw(surface, self.title, (rect.x + m, rect.y + th.px(14)), th.FONT_TITLE, th.TEXT, bold=True)
        y = rect.y + th.px(42)
        for line in self.lines:
            text.draw(surface, text.fit(line, w - 2 * m, th.FONT), (rect.x + m, y), th.FONT, th.TEXT)
            y += line_h
        text.draw(surface, text.fit(hint, w - 2 * m, th.FONT), (rect.x + m, rect.bottom - th.px(28)), th.FONT,
                  th.SECTION_FOCUS, bold=True)


class DoubleClick:
    """Tells a second click on the same thing, soon after the first, from a single click."""

    def __init__(self):
        self._last = (None, 0)

    def __call__(self, target) -> bool:
        now = pygame.time.get_ticks()
        last, at = self._last
        double = last is not None and target == last and now - at <= DOUBLE_CLICK_MS
        self._last = (None, 0) if double else (target, now)
        return double


class FileDialog:
    """Open or save a brain, table or world (module docstring). ``folders`` maps each kind
    to the usual folders listed with the working folder ``start``."""

    def __init__(self, mode: str, folders: dict, on_done: Callable[[str, Path], None],
                 kind: str = "brain", default_names: dict | None = None, start: Path | None = None):
        self.mode, self.folders, self.on_done = mode, folders, on_done
        self.kind = kind
        self.default_names = default_names or {}
        self.home = self.folder = Path(start or Path.cwd()).absolute()
        self.closed = False
        self.error = ""
        self.index = -1                         # the row picked with Up/Down or a click
        self.scroll = 0
        self.entry = TextEntry(self.default_names.get(kind, ""), selected=True)
        self.clicks = DoubleClick()
        self.row_rects: list[tuple[pygame.Rect, int]] = []
        self.kind_rects: list[tuple[pygame.Rect, str]] = []
        self._listed: dict = {}
        self.rows: list[Row] = []
        self._refresh()

    # -- what is listed ----------------------------------------------------------------
    @property
    def kinds(self) -> tuple:
        return KINDS if self.mode == "open" else (self.kind,)

    @property
    def files(self) -> list[Path]:
        """The files listed now (not the folders)."""
        return [r.path for r in self.rows if r.kind in KINDS]

    def _target(self) -> tuple[Path, str]:
        """(folder, name): where the typed text points, and the name typed in it."""
        head, sep, name = self.entry.text.strip().rpartition("/")
        folder = self.folder / Path(head or "/").expanduser() if sep else self.folder
        if not sep and name.startswith("~"):
            return Path(name).expanduser(), ""
        return Path(os.path.normpath(folder)), name

    def _listing(self, folder: Path) -> list[Row]:
        key = (folder, self.kinds)
        if key not in self._listed:
            rows = list_folder(folder, self.kinds)
            if folder == self.home:
                rows += self._elsewhere(rows)
            self._listed[key] = rows
        return self._listed[key]

    def _elsewhere(self, here: list[Row]) -> list[Row]:
        """The files of the other usual folders: saved from the window, then shipped."""
        seen = {r.path.resolve() for r in here}
        places = []
        for kind in self.kinds:
            places += [Path(f) for f in reversed(self.folders.get(kind, []))]
        rows = []
        for place in dict.fromkeys(places):
            if not place.is_dir() or place.resolve() == self.home.resolve():
                continue
            for r in list_folder(place, self.kinds):
                if r.kind in KINDS and r.path.resolve() not in seen:
                    seen.add(r.path.resolve())
                    rows.append(Row(r.path, r.kind, elsewhere=True))
        return rows

    def _refresh(self) -> None:
        """The rows the typed name matches (all of them while the suggested name is untouched)."""
        folder, name = self._target()
        rows = self._listing(folder) if folder.is_dir() else []
        if name and not self.entry.selected:
            rows = [r for r in rows if r.kind != "up" and name.lower() in r.name.lower()]
        self.rows = rows
        self.index = -1
        self.scroll = 0

    # -- keys --------------------------------------------------------------------------
    def handle(self, event) -> None:
        k, ctrl = event.key, getattr(event, "mod", 0) & pygame.KMOD_CTRL
        if k == pygame.K_TAB and ctrl and self.mode == "save":
            step = -1 if getattr(event, "mod", 0) & pygame.KMOD_SHIFT else 1
            self._switch_kind(KINDS[(KINDS.index(self.kind) + step) % len(KINDS)])
        elif k == pygame.K_TAB:
            self._complete()
        elif k in (pygame.K_UP, pygame.K_DOWN, pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            step = {pygame.K_UP: -1, pygame.K_DOWN: 1, pygame.K_PAGEUP: -10, pygame.K_PAGEDOWN: 10}[k]
            self._pick(self.index + step if self.index >= 0 or step > 0 else len(self.rows) + step)
        else:
            before = self.entry.text
            result = self.entry.handle(event)
            if result == "cancel":
                self.closed = True
            elif result == "accept":
                self._accept()
            elif self.entry.text != before:
                self.error = ""
                self._refresh()

    def _pick(self, index: int) -> None:
        if self.rows:
            self.index = min(max(index, 0), len(self.rows) - 1)

    def _switch_kind(self, kind: str) -> None:
        typed = not self.entry.selected and self.entry.text != self.default_names.get(self.kind, "")
        self.kind = kind
        if not typed:                           # the suggested name follows the kind
            self.entry.set(self.default_names.get(kind, ""), selected=True)
        self._refresh()

    def _complete(self) -> None:
        """Tab: the typed name grows to what every listed name starting with it shares."""
        folder, name = self._target()
        found = [r for r in self.rows if r.kind != "up" and r.name.lower().startswith(name.lower())]
        if not found:
            self.error = _("no name here starts with {name!r}").format(name=name) if name else \
                _("type the start of a name first")
            return
        common = len(os.path.commonprefix([r.name.lower() for r in found]))
        completed = found[0].name[:common] + ("/" if len(found) == 1 and found[0].kind == "folder" else "")
        head = self.entry.text.strip().rpartition("/")
        self.entry.set(head[0] + head[1] + completed if head[1] else completed)
        self.error = "" if len(found) == 1 else _("{count} names start with {name!r}").format(
            count=len(found), name=completed)
        self._refresh()

    def _accept(self) -> None:
        if self.index >= 0:
            self._activate(self.rows[self.index])
            return
        folder, name = self._target()
        if not name:
            if folder.is_dir() and folder != self.folder:
                self._go(folder)
            else:
                self.error = _("type a name, or pick a file with Up/Down or the mouse")
            return
        path = folder / Path(name).expanduser()
        if path.is_dir():
            self._go(path)
        elif self.mode == "save" or path.is_file():
            self._done(path)
        else:
            self._open_match(path)

    def _open_match(self, path: Path) -> None:
        """Open: the only listed file or folder the typed name matches; else say how many."""
        found = [r for r in self.rows if r.kind != "up"]
        if len(found) == 1:
            self._activate(found[0])
        elif found:
            self.error = _("{count} names hold {name!r}: type more, Tab completes, or pick one with Up/Down").format(
                count=len(found), name=path.name)
        else:
            self._done(path)                    # opening it says what is wrong with it

    def _activate(self, row: Row) -> None:
        if row.kind in ("up", "folder"):
            self._go(row.path)
        else:
            self._done(row.path)

    def _go(self, folder: Path) -> None:
        """Show another folder; the name typed (in Save) stays."""
        self.folder = Path(os.path.normpath(folder.absolute()))
        name = self.entry.text.strip().rpartition("/")[2] if self.mode == "save" else ""
        self.entry.set(name, selected=self.entry.selected)
        self.error = ""
        self._refresh()

    def _done(self, path: Path) -> None:
        self.closed = True
        self.on_done(self.kind, path)

    # -- the mouse ---------------------------------------------------------------------
    def mouse(self, event) -> None:
        """A click picks a row (or a kind, in Save); a double-click opens it; the wheel scrolls."""
        if event.type == pygame.MOUSEWHEEL:
            self.scroll = max(0, self.scroll - WHEEL_ROWS * event.y)
            return
        if event.type != pygame.MOUSEBUTTONDOWN or event.button != 1:
            return
        for rect, kind in self.kind_rects:
            if rect.collidepoint(event.pos):
                self._switch_kind(kind)
                return
        for rect, i in self.row_rects:
            if rect.collidepoint(event.pos) and i < len(self.rows):
                self.index = i
                if self.clicks(self.rows[i]):
                    self._activate(self.rows[i])
                return

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface, text, blink=True) -> None:
        w, h = min(th.px(820), surface.get_width() - 40), min(th.px(500), surface.get_height() - 40)
        rect = _panel(surface, w, h)
        m = th.px(20)
        self._draw_title(surface, text, rect, m)
        folder, _name = self._target()
        where = _("the working folder") if folder == self.home else _("folder")
        text.draw(surface, text.fit(f"{where}: {folder}", w - 2 * m, th.FONT_SMALL),
                  (rect.x + m, rect.y + th.px(40)), th.FONT_SMALL, th.TEXT_DIM)
        box = pygame.Rect(rect.x + m, rect.y + th.px(60), w - 2 * m, th.ROW_H + th.px(8))
        self._draw_entry(surface, text, box, blink)
        y = box.bottom + th.px(6)
        if self.error:
            text.draw(surface, text.fit(self.error, w - 2 * m, th.FONT_SMALL), (rect.x + m, y), th.FONT_SMALL,
                      th.TEXT_ERROR)
        self._draw_rows(surface, text, rect, y + th.px(20), rect.bottom - th.px(34))
        if self.mode == "save":
            hint = _("type the new file's name · Tab completes · Ctrl+Tab: brain / table / world · "
                     "Enter: save · Esc: cancel")
        else:
            hint = _("type to filter · Tab completes · Up/Down or click: pick · Enter or double-click: open · "
                     "Esc: cancel")
        text.draw(surface, text.fit(hint, w - 2 * m, th.FONT_SMALL), (rect.x + m, rect.bottom - th.px(26)),
                  th.FONT_SMALL, th.SECTION_FOCUS)

    def _draw_title(self, surface, text, rect, m) -> None:
        x, y = rect.x + m, rect.y + th.px(14)
        self.kind_rects = []
        if self.mode == "open":
            text.draw(surface, _("Open a brain, table or world"), (x, y), th.FONT_TITLE, th.TEXT, bold=True)
            return
        x = text.draw(surface, _("Save the"), (x, y), th.FONT_TITLE, th.TEXT, bold=True).right + th.px(8)
        for kind in KINDS:
            label = text.render(kind, th.FONT_TITLE, th.TEXT, bold=kind == self.kind)
            r = pygame.Rect(x, y - th.px(2), label.get_width() + th.px(16), label.get_height() + th.px(4))
            pygame.draw.rect(surface, th.ROW_SELECTED if kind == self.kind else th.SECTION_BG, r, border_radius=4)
            text.draw(surface, kind, r.center, th.FONT_TITLE, th.TEXT if kind == self.kind else th.TEXT_DIM,
                      bold=kind == self.kind, anchor="center")
            self.kind_rects.append((r, kind))
            x = r.right + th.px(6)

    def _draw_entry(self, surface, text, box, blink) -> None:
        pygame.draw.rect(surface, th.PANEL_BG, box)
        pygame.draw.rect(surface, th.SECTION_FOCUS, box, 1)
        shown = self.entry.text if self.entry.selected else self.entry.display(blink)
        while shown and text.width(shown, th.FONT) > box.w - 12:
            shown = shown[1:]
        at = (box.x + 6, box.centery)
        if self.entry.selected:                 # the suggested name, replaced by what is typed
            pygame.draw.rect(surface, th.ROW_SELECTED, (box.x + 4, box.y + 3, text.width(shown, th.FONT) + 4,
                                                        box.h - 6))
        text.draw(surface, shown, at, th.FONT, th.TEXT, anchor="midleft")

    def _draw_rows(self, surface, text, rect, top, bottom) -> None:
        row_h = th.ROW_H + th.px(1)
        n = max(1, (bottom - top) // row_h)
        if self.index >= 0:                     # keep the picked row in view
            self.scroll = min(self.scroll, self.index) if self.index < self.scroll else max(self.scroll,
                                                                                             self.index - n + 1)
        self.scroll = max(0, min(self.scroll, len(self.rows) - n))
        self.row_rects = []
        x0, x1 = rect.x + th.px(16), rect.right - th.px(16)
        for i in range(self.scroll, min(len(self.rows), self.scroll + n)):
            row, y = self.rows[i], top + (i - self.scroll) * row_h
            line = pygame.Rect(x0, y - 1, x1 - x0, row_h)
            self.row_rects.append((line, i))
            if i == self.index:
                pygame.draw.rect(surface, th.ROW_SELECTED, line)
            self._draw_row(surface, text, row, line)
        if not self.rows:
            text.draw(surface, _("(nothing here matches)"), (x0 + th.px(8), top), th.FONT, th.TEXT_DIM)

    def _draw_row(self, surface, text, row: Row, line) -> None:
        kind_w = th.px(70)
        label = {"up": _(".. (the folder above)"), "folder": row.name + "/"}.get(row.kind, row.name)
        color = {"up": th.TEXT_DIM, "folder": th.SECTION_FOCUS}.get(row.kind, th.OUTPUT_HUE if row.kind == "brain"
                                                                   else th.INPUT_HUE if row.kind == "table"
                                                                   else th.TEXT_OK)
        if row.kind != "up":
            text.draw(surface, row.kind, (line.x + th.px(8), line.centery), th.FONT_SMALL, color, anchor="midleft")
        name_w = text.width(label, th.FONT)
        text.draw(surface, text.fit(label, line.w - kind_w - th.px(16), th.FONT), (line.x + kind_w, line.centery),
                  th.FONT, th.TEXT, anchor="midleft")
        if row.elsewhere:
            room = line.w - kind_w - name_w - th.px(40)
            if room > th.px(60):
                text.draw(surface, text.fit(str(row.path.parent), room, th.FONT_SMALL),
                          (line.right - th.px(8), line.centery), th.FONT_SMALL, th.TEXT_DIM, anchor="midright")


def _panel(surface, w, h) -> pygame.Rect:
    rect = pygame.Rect(0, 0, w, h)
    rect.center = surface.get_rect().center
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 110))
    surface.blit(shade, (0, 0))
    pygame.draw.rect(surface, th.OVERLAY_BG, rect, border_radius=8)
    pygame.draw.rect(surface, th.SECTION_FOCUS, rect, 2, border_radius=8)
    return rect
