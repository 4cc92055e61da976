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
    hint: str = ""             # the few words shown in the hint bar ("" keeps it to the help)


BINDINGS: tuple[Binding, ...] = (
    # anywhere
    Binding(("H", "F1"), "global", "help", "show or hide this help", "help"),
    Binding(("Space",), "global", "pause", "pause / run the simulation", "pause"),
    Binding(("N", "."), "global", "step", "single step (one control tick) while paused", "step"),
    Binding(("1", "2", "3", "4"), "global", "speed", "speed x1, x4, x16, as fast as possible", "speed"),
    Binding(("Tab",), "global", "focus_next", "move the focus: world, table, hyperparameters", "next panel"),
    Binding(("Shift+Tab",), "global", "focus_prev", "move the focus back"),
    Binding(("R",), "global", "retrain", "retrain the brain on the table (live cost curve)", "retrain"),
    Binding(("T",), "global", "teach", "teach mode: drive with the arrows, record rows", "teach"),
    Binding(("G",), "global", "new_world", "new random world (next seed; Ctrl+Z brings the last one back)",
            "new world"),
    Binding(("Home", "Backspace"), "global", "reset_car", "put the car back at the start"),
    Binding(("O",), "global", "open", "open a brain, table or world", "open"),
    Binding(("S",), "global", "save", "save the brain, table or world (asks before replacing a file)", "save"),
    Binding(("E",), "global", "export", "export the firmware (Arduino sketch)", "export"),
    Binding(("Ctrl+Z",), "global", "undo", "undo the last table or world edit (a new or opened world too)", "undo"),
    Binding(("Ctrl+Y", "Ctrl+Shift+Z"), "global", "redo", "redo"),
    Binding(("+", "="), "global", "zoom_in", "zoom in (mouse wheel too)"),
    Binding(("-",), "global", "zoom_out", "zoom out"),
    Binding(("C",), "global", "fit_view", "fit the whole world in view"),
    Binding(("F",), "global", "follow", "camera follows the car on/off"),
    Binding(("Esc",), "global", "escape", "close help / deselect / focus the world"),
    Binding(("Ctrl+Q",), "global", "quit", "quit (edits are autosaved)"),
    # the table panel
    Binding(("Up", "Down"), "table", "row", "select a row (mouse wheel too)", "row"),
    Binding(("PageUp", "PageDown"), "table", "page", "select a row ten rows up / down"),
    Binding(("Left", "Right"), "table", "column", "select a column", "column"),
    Binding(("Enter", "F2"), "table", "edit", "edit the cell (Enter accepts, Esc cancels)", "edit"),
    Binding(("A", "Insert"), "table", "add_row", "add a row below", "add"),
    Binding(("D",), "table", "duplicate_row", "duplicate the row", "duplicate"),
    Binding(("Delete",), "table", "delete_row", "delete the row", "delete"),
    # the hyperparameter panel
    Binding(("Up", "Down"), "hyper", "field", "select a setting", "setting"),
    Binding(("Left", "Right"), "hyper", "adjust", "change the setting", "change"),
    Binding(("Enter", "F2"), "hyper", "edit", "type a value", "type a value"),
    # the world view
    Binding(("PageDown", "PageUp"), "world", "select", "select the next / previous obstacle (or click it)",
            "pick obstacle"),
    Binding(("Arrows",), "world", "move", "move the selected obstacle, or pan"),
    Binding(("[", "]"), "world", "resize", "shrink / grow the selected obstacle (or drag a corner)"),
    Binding(("A", "Insert"), "world", "add_obstacle", "add an obstacle (or drag on empty floor)", "add"),
    Binding(("Delete",), "world", "delete_obstacle", "delete the selected obstacle (or right-click)"),
    Binding(("Shift+Arrows",), "world", "pan", "pan the view (or drag with the right button)"),
    # teach mode
    Binding(("Arrows",), "teach", "drive", "hold to drive: Up forward, Down backward, Left / Right turn",
            "hold to drive"),
    Binding(("T", "Esc"), "teach", "teach", "leave teach mode (then choose what to keep)", "finish"),
)

CONTEXT_TITLES = {"global": "Anywhere", "table": "Table (focus)", "hyper": "Hyperparameters (focus)",
                  "world": "World (focus)", "teach": "Teach mode"}

_NAMED = {
    "space": pygame.K_SPACE, "tab": pygame.K_TAB, "enter": pygame.K_RETURN, "esc": pygame.K_ESCAPE,
    "up": pygame.K_UP, "down": pygame.K_DOWN, "left": pygame.K_LEFT, "right": pygame.K_RIGHT,
    "home": pygame.K_HOME, "backspace": pygame.K_BACKSPACE, "delete": pygame.K_DELETE,
    "insert": pygame.K_INSERT, "f1": pygame.K_F1, "f2": pygame.K_F2,
    "pageup": pygame.K_PAGEUP, "pagedown": pygame.K_PAGEDOWN,
}
_ALIASES = {pygame.K_KP_ENTER: pygame.K_RETURN, pygame.K_KP_PLUS: pygame.K_PLUS,
            pygame.K_KP_MINUS: pygame.K_MINUS, pygame.K_KP_PERIOD: pygame.K_PERIOD,
            pygame.K_KP1: pygame.K_1, pygame.K_KP2: pygame.K_2, pygame.K_KP3: pygame.K_3, pygame.K_KP4: pygame.K_4}
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


SHORT = {"Delete": "Del", "Insert": "Ins"}


def short_keys(keys) -> str:
    """The keys as the hint bar writes them: '1-4', 'Up/Down', 'H'."""
    if len(keys) > 2 and all(len(k) == 1 for k in keys):
        return f"{keys[0]}-{keys[-1]}"
    if len(keys) == 2 and all(len(k) == 1 and not k.isalnum() for k in keys):
        return " ".join(keys)
    if set(keys) == {"Up", "Down"} or set(keys) == {"Left", "Right"}:
        return "/".join(keys)
    if set(keys) == {"PageUp", "PageDown"}:
        return "PgUp/PgDn"
    return SHORT.get(keys[0], keys[0])


def hint_line(context: str) -> str:
    """The one-line hint for a context: help, the context's own bindings, then the global ones."""
    shown = [b for b in BINDINGS if b.hint and b.command == "help"]
    shown += [b for b in BINDINGS if b.hint and b.context == context]
    if context != "teach":
        shown += [b for b in BINDINGS if b.hint and b.context == "global" and b not in shown]
    return " · ".join(f"{short_keys(b.keys)} {b.hint}" for b in shown)


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
