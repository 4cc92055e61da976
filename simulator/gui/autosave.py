"""Autosave of the window's edits (table, hyperparameters, brain, world), written
atomically to the user's state folder so a closed window or a crash loses nothing.

The folder is ``$NEUROCAR_STATE_DIR`` if set, else ``$XDG_STATE_HOME/neurocar``, else
``~/.local/state/neurocar``.
"""
import json
import os
from pathlib import Path

from brain.atomic import atomic_write_text

FILE = "session.json"
FORMAT = "neurocar-session"
VERSION = 1


def state_dir() -> Path:
    if os.environ.get("NEUROCAR_STATE_DIR"):
        return Path(os.environ["NEUROCAR_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "neurocar"


class Autosave:
    def __init__(self, folder: Path | None = None):
        self.path = (folder or state_dir()) / FILE
        self.error = ""

    def save(self, session: dict) -> bool:
        try:
            atomic_write_text(self.path, json.dumps({"format": FORMAT, "version": VERSION, **session}))
            self.error = ""
            return True
        except OSError as e:
            self.error = f"autosave to {self.path} failed: {e.strerror or e}"
            return False

    def load(self) -> dict | None:
        """The saved session, or None when there is none or it cannot be used; a file that
        cannot be used is kept aside (``set_aside``), never overwritten by the next autosave."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            self.set_aside(f"cannot be read ({e})")
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            self.set_aside(f"is not a neurocar session of version {VERSION}")
            return None
        return data

    def set_aside(self, problem: str) -> None:
        """Rename an unusable session file to a free ``session.unusable-N.json`` and say so."""
        for n in range(1, 1000):
            kept = self.path.with_name(f"{self.path.stem}.unusable-{n}{self.path.suffix}")
            if not kept.exists():
                break
        try:
            os.replace(self.path, kept)
        except OSError as e:
            self.error = f"{self.path}: the autosaved session {problem}, and could not be kept aside " \
                         f"({e.strerror or e}); starting fresh"
            return
        self.error = f"{self.path.name}: the autosaved session {problem}; starting fresh, the file is kept as {kept}"

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            self.error = f"could not remove {self.path}: {e.strerror or e}"
