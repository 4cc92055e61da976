"""Commands of the two editable panels, the training table and the hyperparameters, and
the typed value (a cell or a setting) they accept or refuse. Each command takes the
window and the key event."""
import pygame

from simulator.gui.textentry import TextEntry
from brain.i18n import _

PAGE_ROWS = 10


# -- the table -----------------------------------------------------------------------------
def _move_in_table(app, drow=0, dcol=0):
    app.state.editor.move(drow=drow, dcol=dcol)
    app.state.editor.flag = None


def table_row(app, event):
    _move_in_table(app, drow=-1 if event.key == pygame.K_UP else 1)


def table_page(app, event):
    _move_in_table(app, drow=-PAGE_ROWS if event.key == pygame.K_PAGEUP else PAGE_ROWS)


def table_column(app, event):
    _move_in_table(app, dcol=-1 if event.key == pygame.K_LEFT else 1)


def table_edit(app, event=None):
    """Edit the selected cell, its text selected: what is typed replaces it, an arrow keeps it."""
    ed = app.state.editor
    app.state.entry = TextEntry(ed.cell_text(ed.row, ed.col), selected=True)


def type_into_cell(app, event) -> None:
    """A number typed on the selected cell replaces its content, as in a spreadsheet
    (letters stay the table's keys: Enter edits a label)."""
    if app.state.teaching is None and not getattr(event, "mod", 0) & (pygame.KMOD_ALT | pygame.KMOD_META):
        app.state.entry = TextEntry(getattr(event, "unicode", ""))


def table_click(app, r: int, c: int, double: bool) -> None:
    """A click selects a cell; a double-click edits it."""
    app.state.focus = "table"
    app.state.editor.select(r, c)
    app.state.editor.flag = None
    if double:
        table_edit(app)


def table_add_row(app, event=None):
    s = app.state
    s.editor.add_row()
    s.edited("table")
    s.say(_("added row {value}; Enter edits its cells").format(value=s.editor.row + 1))


def table_duplicate_row(app, event=None):
    s = app.state
    s.editor.duplicate_row()
    s.edited("table")
    s.say(_("duplicated into row {value}").format(value=s.editor.row + 1))


def table_delete_row(app, event=None):
    s = app.state
    error = s.editor.delete_row()
    if error:
        s.error(_("refused: {error}").format(error=error))
    else:
        s.edited("table")
        s.say(_("row deleted (Ctrl+Z undoes)"))


# -- the hyperparameters -------------------------------------------------------------------
def hyper_field(app, event):
    app.state.hyper.move(-1 if event.key == pygame.K_UP else 1)
    app.state.hyper.flag = None


def hyper_adjust(app, event):
    hyper = app.state.hyper
    hyper.adjust(-1 if event.key == pygame.K_LEFT else 1)
    if hyper.note:
        app.state.say(hyper.note)


def hyper_edit(app, event=None):
    hyper = app.state.hyper
    app.state.entry = TextEntry(hyper.text(hyper.field.key))


# -- a value being typed -------------------------------------------------------------------
def entry_key(app, event) -> None:
    s = app.state
    result = s.entry.handle(event)
    if result == "cancel":
        s.entry = None
        clear_flags(s)                          # the refused value is gone with the edit
        s.say(_("edit cancelled"))
    elif result == "accept":
        text, s.entry = s.entry.text, None
        if s.focus == "table":
            _accept_cell(s, text)
        else:
            _accept_setting(s, text)


def _accept_cell(s, text: str) -> None:
    ed = s.editor
    before = ed.version
    error = ed.set_cell(text)
    if error:
        s.error(_("refused: {error}").format(error=error))
        return
    if ed.version != before:                    # an unchanged cell leaves nothing to undo
        s.edited("table")
    s.say(_("row {value}, {name} = {cell_text}; press R to retrain").format(
        value=ed.row + 1, name=ed.columns[ed.col].name, cell_text=ed.cell_text(ed.row, ed.col)))


def _accept_setting(s, text: str) -> None:
    error = s.hyper.set_text(text)
    if error:
        s.error(_("refused: {error}").format(error=error))
    else:
        s.say(s.hyper.note or f"{s.hyper.field.label} = {s.hyper.text(s.hyper.field.key)}")


def clear_flags(s) -> None:
    """Drop the red outlines of refused values: they were about a value no longer being typed."""
    s.editor.flag = None
    s.hyper.flag = None
