"""What kind of neurocar file a path holds, told from its name and its first bytes.

Brains and worlds are both ``.json``; their top-level ``"format"`` says which. neurocar
writes it first, so only the head of the file is read: a dialog listing a folder of large
worlds stays quick, and a malformed or deeply nested file cannot hurt.
"""
import re
from pathlib import Path

HEAD_BYTES = 64 * 1024
FORMATS = {"neurocar-brain": "brain", "neurocar-world": "world"}
_FORMAT = re.compile(rb'"format"\s*:\s*"(neurocar-[a-z]+)"')


def kind_of(path) -> str | None:
    """'brain', 'world' or 'table' (any .csv), or None when it is none of them or unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "table"
    if suffix != ".json" or not path.is_file():      # never open a pipe or a device
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    found = _FORMAT.search(head)
    return FORMATS.get(found.group(1).decode()) if found else None
