"""A one-line text field typed into from the keyboard (cell edits, paths, settings)."""
import pygame


class TextEntry:
    def __init__(self, text: str = "", max_len: int = 260):
        self.text = text
        self.cursor = len(text)
        self.max_len = max_len

    def handle(self, event) -> str | None:
        """Feed a KEYDOWN; returns 'accept', 'cancel' or None (still typing)."""
        k = event.key
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return "accept"
        if k == pygame.K_ESCAPE:
            return "cancel"
        if k == pygame.K_BACKSPACE:
            if self.cursor:
                self.text = self.text[:self.cursor - 1] + self.text[self.cursor:]
                self.cursor -= 1
        elif k == pygame.K_DELETE:
            self.text = self.text[:self.cursor] + self.text[self.cursor + 1:]
        elif k == pygame.K_LEFT:
            self.cursor = max(0, self.cursor - 1)
        elif k == pygame.K_RIGHT:
            self.cursor = min(len(self.text), self.cursor + 1)
        elif k == pygame.K_HOME:
            self.cursor = 0
        elif k == pygame.K_END:
            self.cursor = len(self.text)
        else:
            ch = getattr(event, "unicode", "")
            if ch and ch.isprintable() and len(self.text) < self.max_len:
                self.text = self.text[:self.cursor] + ch + self.text[self.cursor:]
                self.cursor += 1
        return None

    def display(self, blink_on: bool = True) -> str:
        return self.text[:self.cursor] + ("|" if blink_on else " ") + self.text[self.cursor:]
