"""What the window said: the message log (the last LOG_SIZE messages, shown in full by
L) and wrapping a message into lines that fit a width, so no message is cut off."""
from collections import deque
from dataclasses import dataclass

LOG_SIZE = 60
MORE = "…"


@dataclass(frozen=True)
class Logged:
    time_s: float            # window seconds when it was said
    text: str
    color: tuple


class MessageLog:
    """The last messages, oldest first; a message said again in a row is kept once."""

    def __init__(self):
        self.entries: deque[Logged] = deque(maxlen=LOG_SIZE)

    def add(self, time_s: float, text: str, color) -> None:
        if text and not (self.entries and self.entries[-1].text == text):
            self.entries.append(Logged(time_s, text, color))

    def __len__(self) -> int:
        return len(self.entries)


def wrap(text, s: str, width: int, size: int, bold: bool = False) -> list[str]:
    """``s`` in lines of at most ``width`` pixels, broken between words; a word wider
    than a line (a long path) is broken where it must."""
    lines, line = [], ""
    for word in _pieces(text, s.split(), width, size, bold):
        trial = f"{line} {word}" if line else word
        if not line or text.width(trial, size, bold) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _pieces(text, words, width: int, size: int, bold: bool):
    for word in words:
        while len(word) > 1 and text.width(word, size, bold) > width:
            n = len(word) - 1
            while n > 1 and text.width(word[:n], size, bold) > width:
                n -= 1
            yield word[:n]
            word = word[n:]
        yield word


def wrap_at_most(text, s: str, width: int, size: int, n_lines: int, more: str = "") -> list[str]:
    """At most ``n_lines`` of ``s`` wrapped; when it is longer, the last line shown says
    so with ``more`` (e.g. "L shows all"), cut to fit."""
    lines = wrap(text, s, width, size)
    if len(lines) <= n_lines:
        return lines
    kept = lines[:max(1, n_lines)]
    tail = f"{kept[-1]} {MORE} {more}".rstrip()
    while kept[-1] and text.width(tail, size) > width:
        kept[-1] = kept[-1][:-1]
        tail = f"{kept[-1]} {MORE} {more}".rstrip()
    kept[-1] = tail
    return kept
