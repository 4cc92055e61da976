"""Every key of the window in one table: the frame loop runs what it names, and the hint
bar and the help overlay read it, translating its words (marked N_) where they show them.

A binding names its keys as a person would read them ("Ctrl+Z", "Space", "+"), the
context where it acts (``global`` everywhere; ``table``, ``hyper`` or ``world`` when
that panel has the focus; ``teach`` in teach mode) and the command it runs: a function
of the window and the key event.
"""
from dataclasses import dataclass
from typing import Callable

from brain.i18n import N_, _
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
    Binding(("H", "F1"), "global", g.toggle_help, N_("show or hide this help"), N_("help")),
    Binding(("L",), "global", g.toggle_log, N_("show or hide the last messages in full"), N_("messages")),
    Binding(("Space",), "global", g.pause, N_("pause / run the simulation"), N_("pause")),
    Binding(("N", "."), "global", g.step, N_("single step (one control tick) while paused"), N_("step")),
    Binding(("1", "2", "3", "4"), "global", g.speed, N_("speed x1, x4, x16, as fast as possible"), N_("speed")),
    Binding(("Tab",), "global", g.focus_next, N_("move the focus: world, table, hyperparameters"), N_("next panel")),
    Binding(("Shift+Tab",), "global", g.focus_prev, N_("move the focus back")),
    Binding(("R",), "global", retrain, N_("retrain the brain on the table (live cost curve)"), N_("retrain")),
    Binding(("T",), "global", teach_commands.teach, N_("teach mode: drive with the arrows, record rows"), N_("teach")),
    Binding(("G",), "global", w.new_world, N_("new random world (next seed; Ctrl+Z brings the last one back)"),
            N_("new world")),
    Binding(("Home", "Backspace"), "global", g.reset_car, N_("put the car back at the start")),
    Binding(("O",), "global", files.open_dialog, N_("open a brain, table or world"), N_("open")),
    Binding(("S",), "global", files.save_dialog, N_("save the brain, table or world (asks before replacing a file)"),
            N_("save")),
    Binding(("E",), "global", files.export, N_("export the firmware (Arduino sketch)"), N_("export")),
    Binding(("Ctrl+Z",), "global", g.undo, N_("undo the last table or world edit (a new or opened world too)"),
            N_("undo")),
    Binding(("Ctrl+Y", "Ctrl+Shift+Z"), "global", g.redo, N_("redo")),
    Binding(("+", "="), "global", g.zoom_in, N_("zoom in (mouse wheel too)")),
    Binding(("-",), "global", g.zoom_out, N_("zoom out")),
    Binding(("C",), "global", g.fit_view, N_("fit the whole world in view")),
    Binding(("F",), "global", g.follow, N_("camera follows the car on/off")),
    Binding(("Esc",), "global", g.escape, N_("close help / deselect / focus the world")),
    Binding(("Ctrl+Q",), "global", g.quit_window, N_("quit (edits are autosaved)")),
    # the table panel
    Binding(("Up", "Down"), "table", p.table_row, N_("select a row (mouse wheel too)"), N_("row")),
    Binding(("PageUp", "PageDown"), "table", p.table_page, N_("select a row ten rows up / down")),
    Binding(("Left", "Right"), "table", p.table_column, N_("select a column"), N_("column")),
    Binding(("Enter", "F2"), "table", p.table_edit, N_("edit the cell (Enter accepts, Esc cancels)"), N_("edit")),
    Binding(("0-9", "-", "+", "."), "table", p.type_into_cell, N_("type a number over the cell, as in a spreadsheet")),
    Binding(("A", "Insert"), "table", p.table_add_row, N_("add a row below"), N_("add")),
    Binding(("D",), "table", p.table_duplicate_row, N_("duplicate the row"), N_("duplicate")),
    Binding(("Delete",), "table", p.table_delete_row, N_("delete the row"), N_("delete")),
    # the hyperparameter panel
    Binding(("Up", "Down"), "hyper", p.hyper_field, N_("select a setting"), N_("setting")),
    Binding(("Left", "Right"), "hyper", p.hyper_adjust, N_("change the setting"), N_("change")),
    Binding(("Enter", "F2"), "hyper", p.hyper_edit, N_("type a value"), N_("type a value")),
    # the world view
    Binding(("PageDown", "PageUp"), "world", w.world_select, N_("select the next / previous obstacle (or click it)"),
            N_("pick obstacle")),
    Binding(("Arrows",), "world", w.world_move, N_("move the selected obstacle, or pan")),
    Binding(("[", "]"), "world", w.world_resize, N_("shrink / grow the selected obstacle (or drag a corner)")),
    Binding(("A", "Insert"), "world", w.world_add_obstacle, N_("add an obstacle (or drag on empty floor)"), N_("add")),
    Binding(("Delete",), "world", w.world_delete_obstacle, N_("delete the selected obstacle (or right-click)")),
    Binding(("M",), "world", w.world_toggle_surface,
            N_("make the selected obstacle soft (cloth, a sofa: the measured sonar hears it only near) or hard again")),
    Binding(("Shift+Arrows",), "world", w.world_pan, N_("pan the view (or drag with the right button)")),
    # teach mode
    Binding(("Arrows",), "teach", teach_commands.teach_drive,
            N_("hold to drive: Up forward, Down backward, Left / Right turn"), N_("hold to drive")),
    Binding(("T", "Esc"), "teach", teach_commands.teach, N_("leave teach mode (then choose what to keep)"),
            N_("finish")),
)

CONTEXT_TITLES = {"global": N_("Anywhere"), "table": N_("Table (focus)"), "hyper": N_("Hyperparameters (focus)"),
                  "world": N_("World (focus)"), "teach": N_("Teach mode")}


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
    return [f"{short_keys(b.keys)} {_(b.hint)}" for b in shown]


def hint_line(context: str) -> str:
    """The one-line hint for a context."""
    return HINT_SEP.join(hint_items(context))


def help_rows():
    """(title, [(keys, help), ...]) per context, in table order, for the help overlay."""
    groups = {}
    for b in BINDINGS:
        groups.setdefault(b.context, []).append((" / ".join(b.keys), _(b.help)))
    return [(_(CONTEXT_TITLES[c]), rows) for c, rows in groups.items()]


def markdown_table() -> str:
    """The key list as a Markdown table (for the README, in English)."""
    lines = ["| key | where | what it does |", "|---|---|---|"]
    for b in BINDINGS:
        keys = " / ".join(f"`{k}`" for k in b.keys)
        lines.append(f"| {keys} | {CONTEXT_TITLES[b.context].replace(' (focus)', '')} | {b.help} |")
    return "\n".join(lines)
