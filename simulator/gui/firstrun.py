"""The card a first window shows: the tutorial's table turns late, so the car bumps into
the centre table now and then, and that is expected; then the keys to try next (the
improved brain, editing a row and retraining, teach mode). Dismissed once, it is not
shown again: ``window.json`` in the session's folder remembers it."""
import json

import pygame

from brain.atomic import atomic_write_text
from simulator.assets import asset
from simulator.gui import files, global_commands, teach_commands, theme as th
from simulator.gui.dialogs import Choice, Prompt

STATE_FILE = "window.json"
FORMAT = "neurocar-window"
SEEN = "first_run_card"
TUTORIAL = ("default.json", "seed_turn_direction.csv")     # the tutorial's brain and table
TITLE = "Welcome to neurocar"
LINES = [
    "The car drives with the tutorial's brain, trained on its 12-row table.",
    "That table turns late: the car turns only when an obstacle is close,",
    "so it bumps into the centre table now and then. That is expected.",
    "",
    "O   open improved.json, a brain that turns earlier, with its table",
    "Tab   go to the table: Up/Down pick a row, Enter edits a cell, R retrains",
    "T   teach mode: drive with the arrows, and the brain learns what you show",
    "Esc   close this card (it is not shown again; H lists every key)",
]


def state_file(app):
    return app.session.autosave.path.parent / STATE_FILE


def seen(app) -> bool:
    """Whether the card was dismissed in an earlier window (an unreadable file counts as not)."""
    try:
        data = json.loads(state_file(app).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and bool(data.get(SEEN))


def offer(app) -> None:
    """Show the card over the tutorial's brain and table, unless it was dismissed before."""
    s = app.state
    if (s.brain_name, s.editor.table.name) != TUTORIAL or s.modal is not None or seen(app):
        return
    s.modal = Prompt(TITLE, LINES, [
        Choice(pygame.K_o, "O: improved brain", lambda: _then(app, _open_improved)),
        Choice(pygame.K_TAB, "Tab: edit the table", lambda: _then(app, _edit_table)),
        Choice(pygame.K_t, "T: teach", lambda: _then(app, teach_commands.teach)),
        Choice(pygame.K_ESCAPE, "Esc: close", lambda: _then(app, None), also=(pygame.K_RETURN,))])


def _then(app, action) -> None:
    _remember(app)
    if action is not None:
        action(app)


def _remember(app) -> None:
    path = state_file(app)
    try:
        atomic_write_text(path, json.dumps({"format": FORMAT, SEEN: True}))
    except OSError as e:
        app.state.error(f"{path}: could not be written ({e.strerror or e}); the first-run card comes back next time")


def _open_improved(app) -> None:
    files.open_file(app, asset("brains", "improved.json"))
    files.open_file(app, asset("tables", "improved.csv"))
    app.state.say("opened improved.json and its table improved.csv: it turns while still far from what it sees",
                  th.TEXT_OK)


def _edit_table(app) -> None:
    global_commands.set_focus(app.state, "table")
    app.state.say("the table: Up/Down pick a row, Left/Right a column, Enter edits the cell, R retrains")
