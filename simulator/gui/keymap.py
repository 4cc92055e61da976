"""Every key of the window in one table: the frame loop runs what it names, and the hint
bar and the help overlay read it.

A binding names its keys as a person would read them ("Ctrl+Z", "Space", "+"), the
context where it acts (``global`` everywhere; ``table``, ``hyper`` or ``world`` when
that panel has the focus; ``teach`` in teach mode) and the command it runs: a function
of the window and the key event.
"""
from dataclasses import dataclass
from typing import Callable

from simulator.gui import files, global_commands as g, panel_commands as p, teach_commands, world_commands as w
from simulator.gui.keys import matches
from simulator.gui.training import retrain


@dataclass(frozen=True)
class Binding:
    keys: tuple[str, ...]
    context: str
    run: Callable              # run(app, event)
    help: str
    hint: str = ""             # the few words shown in the hint bar ("" keeps it to the help)


BINDINGS: tuple[Binding, ...] = (
    # anywhere
    Binding(("H", "F1"), "global", g.toggle_help, "show or hide this help", "help"),
    Binding(("L",), "global", g.toggle_log, "show or hide the last messages in full", "messages"),
    Binding(("Space",), "global", g.pause, "pause / run the simulation", "pause"),
    Binding(("N", "."), "global", g.step, "single step (one control tick) while paused", "step"),
    Binding(("1", "2", "3", "4"), "global", g.speed, "speed x1, x4, x16, as fast as possible", "speed"),
    Binding(("Tab",), "global", g.focus_next, "move the focus: world, table, hyperparameters", "next panel"),
    Binding(("Shift+Tab",), "global", g.focus_prev, "move the focus back"),
    Binding(("R",), "global", retrain, "retrain the brain on the table (live cost curve)", "retrain"),
    Binding(("T",), "global", teach_commands.teach, "teach mode: drive with the arrows, record rows", "teach"),
    Binding(("G",), "global", w.new_world, "new random world (next seed; Ctrl+Z brings the last one back)",
            "new world"),
    Binding(("Home", "Backspace"), "global", g.reset_car, "put the car back at the start"),
    Binding(("O",), "global", files.open_dialog, "open a brain, table or world", "open"),
    Binding(("S",), "global", files.save_dialog, "save the brain, table or world (asks before replacing a file)",
            "save"),
    Binding(("E",), "global", files.export, "export the firmware (Arduino sketch)", "export"),
    Binding(("Ctrl+Z",), "global", g.undo, "undo the last table or world edit (a new or opened world too)", "undo"),
    Binding(("Ctrl+Y", "Ctrl+Shift+Z"), "global", g.redo, "redo"),
    Binding(("+", "="), "global", g.zoom_in, "zoom in (mouse wheel too)"),
    Binding(("-",), "global", g.zoom_out, "zoom out"),
    Binding(("C",), "global", g.fit_view, "fit the whole world in view"),
    Binding(("F",), "global", g.follow, "camera follows the car on/off"),
    Binding(("Esc",), "global", g.escape, "close help / deselect / focus the world"),
    Binding(("Ctrl+Q",), "global", g.quit_window, "quit (edits are autosaved)"),
    # the table panel
    Binding(("Up", "Down"), "table", p.table_row, "select a row (mouse wheel too)", "row"),
    Binding(("PageUp", "PageDown"), "table", p.table_page, "select a row ten rows up / down"),
    Binding(("Left", "Right"), "table", p.table_column, "select a column", "column"),
    Binding(("Enter", "F2"), "table", p.table_edit, "edit the cell (Enter accepts, Esc cancels)", "edit"),
    Binding(("A", "Insert"), "table", p.table_add_row, "add a row below", "add"),
    Binding(("D",), "table", p.table_duplicate_row, "duplicate the row", "duplicate"),
    Binding(("Delete",), "table", p.table_delete_row, "delete the row", "delete"),
    # the hyperparameter panel
    Binding(("Up", "Down"), "hyper", p.hyper_field, "select a setting", "setting"),
    Binding(("Left", "Right"), "hyper", p.hyper_adjust, "change the setting", "change"),
    Binding(("Enter", "F2"), "hyper", p.hyper_edit, "type a value", "type a value"),
    # the world view
    Binding(("PageDown", "PageUp"), "world", w.world_select, "select the next / previous obstacle (or click it)",
            "pick obstacle"),
    Binding(("Arrows",), "world", w.world_move, "move the selected obstacle, or pan"),
    Binding(("[", "]"), "world", w.world_resize, "shrink / grow the selected obstacle (or drag a corner)"),
    Binding(("A", "Insert"), "world", w.world_add_obstacle, "add an obstacle (or drag on empty floor)", "add"),
    Binding(("Delete",), "world", w.world_delete_obstacle, "delete the selected obstacle (or right-click)"),
    Binding(("M",), "world", w.world_toggle_surface,
            "make the selected obstacle soft (cloth, a sofa: the measured sonar hears it only near) or hard again"),
    Binding(("Shift+Arrows",), "world", w.world_pan, "pan the view (or drag with the right button)"),
    # teach mode
    Binding(("Arrows",), "teach", teach_commands.teach_drive,
            "hold to drive: Up forward, Down backward, Left / Right turn", "hold to drive"),
    Binding(("T", "Esc"), "teach", teach_commands.teach, "leave teach mode (then choose what to keep)", "finish"),
)

CONTEXT_TITLES = {"global": "Anywhere", "table": "Table (focus)", "hyper": "Hyperparameters (focus)",
                  "world": "World (focus)", "teach": "Teach mode"}


def lookup(event, contexts) -> Binding | None:
    """The first binding, searching ``contexts`` in order, whose keys match a KEYDOWN event."""
    for context in contexts:
        for b in BINDINGS:
            if b.context == context and any(matches(spec, event) for spec in b.keys):
                return b
    return None


SHORT = {"Delete": "Del", "Insert": "Ins"}
HINT_SEP = " · "


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


def hint_items(context: str) -> list[str]:
    """The hints for a context, most useful first: help, the context's own bindings, then
    the global ones."""
    shown = [b for b in BINDINGS if b.hint and b.run is g.toggle_help]
    shown += [b for b in BINDINGS if b.hint and b.context == context]
    if context != "teach":
        shown += [b for b in BINDINGS if b.hint and b.context == "global" and b not in shown]
    return [f"{short_keys(b.keys)} {b.hint}" for b in shown]


def hint_line(context: str) -> str:
    """The one-line hint for a context."""
    return HINT_SEP.join(hint_items(context))


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
