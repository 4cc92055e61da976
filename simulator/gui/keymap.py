"""Every key of the window in one table: the handlers and the help overlay both read it.

A binding names its keys as a person would read them ("Ctrl+Z", "Space", "+"), the
context where it acts (``global`` everywhere; ``table``, ``hyper`` or ``world`` when
that panel has the focus; ``teach`` in teach mode) and the command it runs.
"""
from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class Binding:
    keys: tuple[str, ...]
    context: str
    command: str
    help: str


BINDINGS: tuple[Binding, ...] = (
    # anywhere
    Binding(("H", "F1"), "global", "help", "show or hide this help"),
    Binding(("Space",), "global", "pause", "pause / run the simulation"),
    Binding(("N", "."), "global", "step", "single step (one control tick) while paused"),
    Binding(("1",), "global", "speed_1", "speed x1"),
    Binding(("2",), "global", "speed_4", "speed x4"),
    Binding(("3",), "global", "speed_16", "speed x16"),
    Binding(("4",), "global", "speed_max", "speed: as fast as possible"),
    Binding(("Tab",), "global", "focus_next", "move the focus: world, table, hyperparameters"),
    Binding(("Shift+Tab",), "global", "focus_prev", "move the focus back"),
    Binding(("R",), "global", "retrain", "retrain the brain on the table (live cost curve)"),
    Binding(("T",), "global", "teach", "teach mode: drive with the arrows, record rows"),
    Binding(("G",), "global", "new_world", "new random world (next seed)"),
    Binding(("Home", "Backspace"), "global", "reset_car", "put the car back at the start"),
    Binding(("O",), "global", "open", "open a brain, table or world"),
    Binding(("S",), "global", "save", "save the brain, table or world"),
    Binding(("E",), "global", "export", "export the firmware (Arduino sketch)"),
    Binding(("Ctrl+Z",), "global", "undo", "undo the last table or world edit"),
    Binding(("Ctrl+Y", "Ctrl+Shift+Z"), "global", "redo", "redo"),
    Binding(("+", "="), "global", "zoom_in", "zoom in (mouse wheel too)"),
    Binding(("-",), "global", "zoom_out", "zoom out"),
    Binding(("C",), "global", "fit_view", "fit the whole world in view"),
    Binding(("F",), "global", "follow", "camera follows the car on/off"),
    Binding(("Esc",), "global", "escape", "close help / cancel"),
    Binding(("Ctrl+Q",), "global", "quit", "quit (edits are autosaved)"),
    # the table panel
    Binding(("Up", "Down"), "table", "row", "select a row"),
    Binding(("Left", "Right"), "table", "column", "select a column"),
    Binding(("Enter", "F2"), "table", "edit", "edit the cell (Enter accepts, Esc cancels)"),
    Binding(("A", "Insert"), "table", "add_row", "add a row below"),
    Binding(("D",), "table", "duplicate_row", "duplicate the row"),
    Binding(("Delete",), "table", "delete_row", "delete the row"),
    # the hyperparameter panel
    Binding(("Up", "Down"), "hyper", "field", "select a setting"),
    Binding(("Left", "Right"), "hyper", "adjust", "change the setting"),
    Binding(("Enter", "F2"), "hyper", "edit", "type a value"),
    # the world view
    Binding(("Arrows",), "world", "move", "move the selected obstacle, or pan"),
    Binding(("A", "Insert"), "world", "add_obstacle", "add an obstacle (or drag on empty floor)"),
    Binding(("Delete",), "world", "delete_obstacle", "delete the selected obstacle (or right-click)"),
    Binding(("[", "]"), "world", "resize", "shrink / grow the selected obstacle (or drag a corner)"),
    Binding(("Shift+Arrows",), "world", "pan", "pan the view (or drag with the right button)"),
    # teach mode
    Binding(("Up",), "teach", "drive_forward", "drive forward"),
    Binding(("Down",), "teach", "drive_backward", "drive backward"),
    Binding(("Left",), "teach", "drive_left", "turn left"),
    Binding(("Right",), "teach", "drive_right", "turn right"),
    Binding(("T", "Esc"), "teach", "teach", "leave teach mode (then choose what to keep)"),
)

CONTEXT_TITLES = {"global": "Anywhere", "table": "Table (focus)", "hyper": "Hyperparameters (focus)",
                  "world": "World (focus)", "teach": "Teach mode"}

HINTS = {
    "world": "H help · Space pause · 1-4 speed · R retrain · T teach · Tab table · G new world · O open · S save",
    "table": "Arrows select · Enter edit · A add · D duplicate · Del delete · Ctrl+Z undo · R retrain · Tab next",
    "hyper": "Up/Down setting · Left/Right change · Enter type a value · R retrain · Tab next · H help",
    "teach": "TEACH: hold the arrows to drive, every tick is recorded · T or Esc to finish",
}

_NAMED = {
    "space": pygame.K_SPACE, "tab": pygame.K_TAB, "enter": pygame.K_RETURN, "esc": pygame.K_ESCAPE,
    "up": pygame.K_UP, "down": pygame.K_DOWN, "left": pygame.K_LEFT, "right": pygame.K_RIGHT,
    "home": pygame.K_HOME, "backspace": pygame.K_BACKSPACE, "delete": pygame.K_DELETE,
    "insert": pygame.K_INSERT, "f1": pygame.K_F1, "f2": pygame.K_F2,
}
_ALIASES = {pygame.K_KP_ENTER: pygame.K_RETURN, pygame.K_KP_PLUS: pygame.K_PLUS,
            pygame.K_KP_MINUS: pygame.K_MINUS, pygame.K_KP_PERIOD: pygame.K_PERIOD}
_CHARS = {"+": pygame.K_PLUS, "=": pygame.K_EQUALS, "-": pygame.K_MINUS, ".": pygame.K_PERIOD,
          "[": pygame.K_LEFTBRACKET, "]": pygame.K_RIGHTBRACKET}
ARROWS = {pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1), pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0)}


def _parse(spec: str):
    """'Ctrl+Shift+Z' -> (key, ctrl, shift); a lone character matches by the text it types."""
    parts = spec.split("+") if spec not in ("+",) else ["+"]
    name = parts[-1] or "+"
    mods = {p.lower() for p in parts[:-1]}
    if name in _CHARS:
        return ("char", name), "ctrl" in mods, None
    if name.lower() in _NAMED:
        key = _NAMED[name.lower()]
    elif name == "Arrows":
        key = "arrows"
    else:
        key = pygame.key.key_code(name.lower())
    return key, "ctrl" in mods, "shift" in mods


def _matches(spec: str, event) -> bool:
    key, ctrl, shift = _parse(spec)
    mod = getattr(event, "mod", 0)
    if bool(mod & pygame.KMOD_CTRL) != ctrl:
        return False
    if isinstance(key, tuple):               # typed characters such as + - . [ ]
        return getattr(event, "unicode", "") == key[1] or _ALIASES.get(event.key, event.key) == _CHARS[key[1]]
    if shift is not None and bool(mod & pygame.KMOD_SHIFT) != shift and key != pygame.K_RETURN:
        return False
    if key == "arrows":
        return event.key in ARROWS
    return _ALIASES.get(event.key, event.key) == key


def lookup(event, contexts) -> Binding | None:
    """The first binding, searching ``contexts`` in order, whose keys match a KEYDOWN event."""
    for context in contexts:
        for b in BINDINGS:
            if b.context == context and any(_matches(spec, event) for spec in b.keys):
                return b
    return None


def help_rows():
    """(title, [(keys, help), ...]) per context, in table order, for the help overlay."""
    groups = {}
    for b in BINDINGS:
        groups.setdefault(b.context, []).append((" / ".join(b.keys), b.help))
    return [(CONTEXT_TITLES[c], rows) for c, rows in groups.items()]


def markdown_table() -> str:
    """The key list as a Markdown table (for the README)."""
    lines = ["| key | where | what it does |", "|---|---|---|"]
    for b in BINDINGS:
        keys = " / ".join(f"`{k}`" for k in b.keys)
        lines.append(f"| {keys} | {CONTEXT_TITLES[b.context].replace(' (focus)', '')} | {b.help} |")
    return "\n".join(lines)
