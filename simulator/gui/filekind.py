"""What kind of neurocar file a path holds, told from its name and its first bytes, and
a folder listed as the file dialog shows it.

Brains and worlds are both ``.json``; their top-level ``"format"`` says which. neurocar
writes it first, so only the head of the file is read: a dialog listing a folder of large
worlds stays quick, and a malformed or deeply nested file cannot hurt.
"""
import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("brain", "table", "world")
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


@dataclass(frozen=True)
class Row:
    """A line of the file chooser: the parent folder (``up``), a folder, or a file of a kind."""
    path: Path
    kind: str                    # "up", "folder", "brain", "table" or "world"
    elsewhere: bool = False      # listed from a usual folder other than the one shown

    @property
    def name(self) -> str:
        return ".." if self.kind == "up" else self.path.name


def list_folder(folder: Path, kinds) -> list[Row]:
    """The parent, the subfolders (hidden ones left out), then the files of ``kinds``, by name."""
    rows = [Row(folder.parent, "up")] if folder.parent != folder else []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: (p.name.lower(), p.name))
    except OSError:
        return rows
    folders, found = [], []
    for p in entries:
        if p.name.startswith("."):
            continue
        if p.is_dir():
            folders.append(Row(p, "folder"))
        elif p.suffix.lower() in (".json", ".csv") and (kind := kind_of(p)) in kinds:
            found.append(Row(p, kind))
    return rows + folders + found
