"""The user's state folder: the window's autosave, saved files and firmware, and crash logs.

It is ``$NEUROCAR_STATE_DIR`` if set, else ``$XDG_STATE_HOME/neurocar``, else
``~/.local/state/neurocar``."""
import os
from pathlib import Path


def state_dir() -> Path:
    if os.environ.get("NEUROCAR_STATE_DIR"):
        return Path(os.environ["NEUROCAR_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "neurocar"
