"""Autosave of the window's edits (table, hyperparameters, brain, world), written
atomically to the user's state folder so a closed window or a crash loses nothing.

``session.json`` is the last window's session. When a window first autosaves, the file it
would replace becomes ``session.previous.json``, the backup; so a session left
unrestored ("not now") is never lost to the next window's edits, and the next start
offers the backup when there is no usable current session.

The folder is the user's state folder (``simulator.cli.state``).
"""
import json
import os
from pathlib import Path

from brain.atomic import atomic_write_text
from brain.i18n import _
from simulator.cli.state import state_dir

FILE = "session.json"
BACKUP = "session.previous.json"
FORMAT = "neurocar-session"
VERSION = 1


class Autosave:
    def __init__(self, folder: Path | None = None):
        folder = folder or state_dir()
        self.path = folder / FILE
        self.backup = folder / BACKUP
        self.error = ""
        self._kept_previous = False

    def save(self, session: dict) -> bool:
        try:
            if not self._kept_previous:
                self._keep_previous()
            atomic_write_text(self.path, json.dumps({"format": FORMAT, "version": VERSION, **session}))
            self.error = ""
            return True
        except OSError as e:
            self.error = _("autosave to {path} failed: {error}").format(path=self.path, error=e.strerror or e)
            return False

    def _keep_previous(self) -> None:
        """Before this window's first autosave: the session it replaces becomes the backup."""
        if self.path.is_file():
            os.replace(self.path, self.backup)
        self._kept_previous = True

    def load(self, path: Path | None = None) -> dict | None:
        """The session saved in ``path`` (default the current one), or None when there is
        none or it cannot be used; a file that cannot be used is kept aside
        (``set_aside``), never overwritten by the next autosave."""
        path = path or self.path
        self.error = ""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except RecursionError:
            self.set_aside(path, _("is nested too deeply to be read"))
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            self.set_aside(path, _("cannot be read ({error})").format(error=e))
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            self.set_aside(path, _("is not a neurocar session of version {version}").format(version=VERSION))
            return None
        return data

    def set_aside(self, path: Path, problem: str) -> None:
        """Rename an unusable session file to a free ``session.unusable-N.json`` and say so."""
        for n in range(1, 1000):
            kept = self.path.with_name(f"{self.path.stem}.unusable-{n}{self.path.suffix}")
            if not kept.exists():
                break
        try:
            os.replace(path, kept)
        except OSError as e:
            self.error = _("{path}: the autosaved session {problem}, and could not be kept aside ({error})").format(
                path=path, problem=problem, error=e.strerror or e)
            return
        self.error = _("{name}: the autosaved session {problem}; the file is kept as {kept}").format(
            name=path.name, problem=problem, kept=kept)

    def discard(self, path: Path) -> bool:
        """Remove a saved session the user chose to discard."""
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            self.error = _("could not remove {path}: {error}").format(path=path, error=e.strerror or e)
            return False
        return True
