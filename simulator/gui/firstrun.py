"""The card a first window shows: the tutorial's table turns late, so the car bumps into
the centre table now and then, and that is expected; then the keys to try next (the
improved brain, editing a row and retraining, teach mode). Dismissed once, it is not
shown again: ``window.json`` in the session's folder remembers it."""
import json

import pygame

from brain.atomic import atomic_write_text
from brain.i18n import N_, _
from simulator.assets import asset
from simulator.gui import files, global_commands, teach_commands, theme as th
from simulator.gui.dialogs import Choice, Prompt

STATE_FILE = "window.json"
FORMAT = "neurocar-window"
SEEN = "first_run_card"
TUTORIAL = ("default.json", "seed_turn_direction.csv")     # the tutorial's brain and table
TITLE = N_("Welcome to neurocar")
LINES = [
    N_("The car drives with the tutorial's brain, trained on its 12-row table."),
    N_("That table turns late: the car turns only when an obstacle is close,"),
    N_("so it bumps into the centre table now and then. That is expected."),
    "",
    N_("O   open improved.json, a brain that turns earlier, with its table"),
    N_("Tab   go to the table: Up/Down pick a row, Enter edits a cell, R retrains"),
    N_("T   teach mode: drive with the arrows, and the brain learns what you show"),
    N_("Esc   close this card (it is not shown again; H lists every key)"),
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
    s.modal = Prompt(_(TITLE), [_(line) if line else line for line in LINES], [
        Choice(pygame.K_o, _("O: improved brain"), lambda: _then(app, _open_improved)),
        Choice(pygame.K_TAB, _("Tab: edit the table"), lambda: _then(app, _edit_table)),
        Choice(pygame.K_t, _("T: teach"), lambda: _then(app, teach_commands.teach)),
        Choice(pygame.K_ESCAPE, _("Esc: close"), lambda: _then(app, None), also=(pygame.K_RETURN,))])


def _then(app, action) -> None:
    _remember(app)
    if action is not None:
        action(app)


def _remember(app) -> None:
    path = state_file(app)
    try:
        atomic_write_text(path, json.dumps({"format": FORMAT, SEEN: True}))
    except OSError as e:
        app.state.error(_("{path}: could not be written ({value}); the first-run card comes back next time").format(
            path=path, value=e.strerror or e))


def _open_improved(app) -> None:
    files.open_file(app, asset("brains", "improved.json"))
    files.open_file(app, asset("tables", "improved.csv"))
    app.state.say(_("opened improved.json and its table improved.csv: it turns while still far from what it sees"),
                  th.TEXT_OK)


def _edit_table(app) -> None:
    global_commands.set_focus(app.state, "table")
    app.state.say(_("the table: Up/Down pick a row, Left/Right a column, Enter edits the cell, R retrains"))
