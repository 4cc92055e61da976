"""A one-line text field typed into from the keyboard (cell edits, paths, settings).

A field can open with its whole text selected, as a spreadsheet's cell or a dialog's
suggested name does: the first character typed replaces it, Backspace or Delete clears
it, and an arrow, Home or End keeps it and moves the cursor."""
import pygame


class TextEntry:
    def __init__(self, text: str = "", max_len: int = 260, selected: bool = False):
        self.text = text
        self.cursor = len(text)
        self.max_len = max_len
        self.selected = selected and bool(text)      # the whole text, replaced by what is typed

    def set(self, text: str, selected: bool = False) -> None:
        """Put ``text`` in the field, the cursor at its end."""
        self.text, self.cursor, self.selected = text, len(text), selected and bool(text)

    def handle(self, event) -> str | None:
        """Feed a KEYDOWN; returns 'accept', 'cancel' or None (still typing)."""
        k = event.key
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return "accept"
        if k == pygame.K_ESCAPE:
            return "cancel"
        if self.selected and k in (pygame.K_BACKSPACE, pygame.K_DELETE):
            self.set("")
        elif k == pygame.K_BACKSPACE:
            if self.cursor:
                self.text = self.text[:self.cursor - 1] + self.text[self.cursor:]
                self.cursor -= 1
        elif k == pygame.K_DELETE:
            self.text = self.text[:self.cursor] + self.text[self.cursor + 1:]
        elif k in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_HOME, pygame.K_END):
            self._move(k)
        else:
            self.type(getattr(event, "unicode", ""))
        return None

    def type(self, ch: str) -> None:
        """Insert a typed character at the cursor, or in place of the selected text."""
        if not (ch and ch.isprintable()):
            return
        if self.selected:
            self.set("")
        if len(self.text) < self.max_len:
            self.text = self.text[:self.cursor] + ch + self.text[self.cursor:]
            self.cursor += 1

    def _move(self, k) -> None:
        if self.selected:                            # the selection ends where the arrow points
            self.selected = False
            self.cursor = 0 if k in (pygame.K_LEFT, pygame.K_HOME) else len(self.text)
        elif k == pygame.K_LEFT:
            self.cursor = max(0, self.cursor - 1)
        elif k == pygame.K_RIGHT:
            self.cursor = min(len(self.text), self.cursor + 1)
        else:
            self.cursor = 0 if k == pygame.K_HOME else len(self.text)

    def display(self, blink_on: bool = True) -> str:
        return self.text[:self.cursor] + ("|" if blink_on else " ") + self.text[self.cursor:]
