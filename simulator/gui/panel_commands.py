"""Commands of the two editable panels, the training table and the hyperparameters, and
the typed value (a cell or a setting) they accept or refuse. Mixed into ``App``."""
import pygame

from simulator.gui.textentry import TextEntry

PAGE_ROWS = 10


class PanelCommands:
    # -- the table -------------------------------------------------------------------------
    def cmd_table_row(self, event):
        self.editor.move(drow=-1 if event.key == pygame.K_UP else 1)
        self.editor.flag = None

    def cmd_table_page(self, event):
        self.editor.move(drow=-PAGE_ROWS if event.key == pygame.K_PAGEUP else PAGE_ROWS)
        self.editor.flag = None

    def cmd_table_column(self, event):
        self.editor.move(dcol=-1 if event.key == pygame.K_LEFT else 1)
        self.editor.flag = None

    def cmd_table_edit(self, event=None):
        self.entry = TextEntry(self.editor.cell_text(self.editor.row, self.editor.col))

    def cmd_table_add_row(self, event=None):
        self.editor.add_row()
        self.edited("table")
        self.say(f"added row {self.editor.row + 1}; Enter edits its cells")

    def cmd_table_duplicate_row(self, event=None):
        self.editor.duplicate_row()
        self.edited("table")
        self.say(f"duplicated into row {self.editor.row + 1}")

    def cmd_table_delete_row(self, event=None):
        error = self.editor.delete_row()
        if error:
            self.error(f"refused: {error}")
        else:
            self.edited("table")
            self.say("row deleted (Ctrl+Z undoes)")

    # -- the hyperparameters ---------------------------------------------------------------
    def cmd_hyper_field(self, event):
        self.hyper.move(-1 if event.key == pygame.K_UP else 1)
        self.hyper.flag = None

    def cmd_hyper_adjust(self, event):
        self.hyper.adjust(-1 if event.key == pygame.K_LEFT else 1)

    def cmd_hyper_edit(self, event=None):
        self.entry = TextEntry(self.hyper.text(self.hyper.field.key))

    # -- a value being typed ---------------------------------------------------------------
    def entry_key(self, event) -> None:
        result = self.entry.handle(event)
        if result == "cancel":
            self.entry = None
            self.say("edit cancelled")
        elif result == "accept":
            text, self.entry = self.entry.text, None
            if self.focus == "table":
                self._accept_cell(text)
            else:
                self._accept_setting(text)

    def _accept_cell(self, text: str) -> None:
        ed = self.editor
        before = ed.version
        error = ed.set_cell(text)
        if error:
            self.error(f"refused: {error}")
            return
        if ed.version != before:                    # an unchanged cell leaves nothing to undo
            self.edited("table")
        self.say(f"row {ed.row + 1}, {ed.columns[ed.col].name} = {ed.cell_text(ed.row, ed.col)}; "
                 f"press R to retrain")

    def _accept_setting(self, text: str) -> None:
        error = self.hyper.set_text(text)
        if error:
            self.error(f"refused: {error}")
        else:
            self.say(f"{self.hyper.field.label} = {self.hyper.text(self.hyper.field.key)}")
