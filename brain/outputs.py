"""Every file one command writes, checked before any work and written all or none.

    with Outputs(inputs={"TABLE": args.table}) as out:
        out.add("--out", args.out)          # refused now if it is an input, another output,
        out.add("--json", args.json)        # a folder, or in a folder that cannot be written
        ...                                 # the work
        out.write_text(args.out, brain_json)
        out.write_text(args.json, summary)
        out.commit()                        # every file renamed into place, or none

Leaving the block without ``commit`` (an error, Ctrl-C) removes every staged file, so
no existing file changes unless the whole command succeeded.
"""
import os
import tempfile
from pathlib import Path

from brain.atomic import StagedFile, write_target
from brain.errors import NeurocarError
from brain.i18n import _


class OutputError(NeurocarError):
    """An output the command cannot or must not write; said before anything is written."""


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)           # hard links, bind mounts
    except OSError:
        return False


def check_writable_folder(label: str, path: Path) -> None:
    """Refuse ``path`` when its folder (or the nearest one that exists) takes no new file:
    tried for real with a probe file, since permission bits do not tell (root, /proc)."""
    folder = write_target(path).parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(_("{label} {path}: {folder} is a file, not a folder").format(
            label=label, path=path, folder=folder))
    try:
        fd, probe = tempfile.mkstemp(prefix=".neurocar-probe.", dir=folder)
    except OSError as e:
        raise OutputError(_("{label} {path}: cannot write into {folder} ({value})").format(
            label=label, path=path, folder=folder, value=e.strerror or e)) from None
    os.close(fd)
    os.unlink(probe)


class Outputs:
    def __init__(self, inputs: dict | None = None):
        """``inputs``: each file the command reads, by the option or argument naming it."""
        self.inputs = {label: Path(p) for label, p in (inputs or {}).items() if p is not None}
        self.outputs: dict[Path, str] = {}
        self.staged: dict[Path, StagedFile] = {}
        self.committed = False

    def add(self, label: str, path) -> Path | None:
        """Check an output now; None passes through (an option not given)."""
        if path is None:
            return None
        path = Path(path)
        if str(path) in ("", "."):
            raise OutputError(_("{label}: give a file name").format(label=label))
        if path.is_dir():
            raise OutputError(_("{label} {path}: is a folder; give a file name").format(label=label, path=path))
        for other_label, other in self.inputs.items():
            if other.is_file() and _same_file(path, other):
                raise OutputError(_("{label} {path} is also {other_label} {other}, which is read: "
                                  "refusing to write over it; give another file name").format(
                                      label=label, path=path, other_label=other_label, other=other))
        for other, other_label in self.outputs.items():
            if _same_file(path, other):
                raise OutputError(_("{label} {path} is also {other_label} {other}: "
                                    "give each output its own file").format(
                    label=label, path=path, other_label=other_label, other=other))
        check_writable_folder(label, path)
        self.outputs[path] = label
        return path

    def open(self, path) -> StagedFile:
        """A staged file to write bytes to; it lands at ``path`` on commit."""
        path = Path(path)
        if path not in self.outputs:
            raise KeyError(f"{path} was not added as an output")
        if path in self.staged:
            self.staged.pop(path).discard()
        staged = self.staged[path] = StagedFile(path)
        return staged

    def write_bytes(self, path, data: bytes) -> None:
        self.open(path).write(data)

    def write_text(self, path, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def commit(self) -> None:
        """Rename every staged file into place; a failure removes those not yet renamed."""
        pending = list(self.staged.values())
        try:
            while pending:
                pending[0].commit()
                pending.pop(0)
        finally:
            for staged in pending[1:]:
                staged.discard()
            self.staged.clear()
        self.committed = True

    def discard(self) -> None:
        for staged in self.staged.values():
            staged.discard()
        self.staged.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.committed:
            self.discard()
        return False
