"""Atomic file writes: a crash, a full disk or Ctrl-C never leaves half a file behind.

A file is written to a hidden temporary file beside it and renamed over it only when
complete. The result keeps an existing file's permission bits (a new one follows the
umask, as ``open`` would), and a path that is a symbolic link is written through to the
file it points to, so the link stays a link. Errors name the user's path, never the
temporary file.
"""
import os
import stat
import tempfile
from pathlib import Path


def write_target(path) -> Path:
    """The file a write to ``path`` lands in: the end of its symbolic links, if any."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _user_error(e: OSError, path: Path) -> OSError:
    """The same error, naming the user's path instead of a temporary file."""
    return type(e)(e.errno, e.strerror or str(e), str(path))


class StagedFile:
    """A file being written beside its destination; ``commit`` renames it into place,
    ``discard`` removes it. Folders it had to create are removed again on discard."""

    def __init__(self, path):
        self.path = Path(path)
        self.target = write_target(self.path)
        if self.target.is_dir():
            raise IsADirectoryError(21, "is a folder; give a file name", str(self.path))
        self._made = _make_folders(self.target.parent, self.path)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
        except OSError as e:
            self._remove_made()
            raise _user_error(e, self.path) from None
        self.file = os.fdopen(fd, "wb")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False            # committed or discarded by its owner, not here

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as e:
            raise _user_error(e, self.path) from None

    def commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            try:
                mode = stat.S_IMODE(os.stat(self.target).st_mode)
            except FileNotFoundError:
                mode = _new_file_mode()
            os.chmod(self.tmp, mode)
            os.replace(self.tmp, self.target)
        except OSError as e:
            self.discard()
            raise _user_error(e, self.path) from None

    def discard(self) -> None:
        self.file.close()
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass
        self._remove_made()

    def _remove_made(self) -> None:
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                break


def _make_folders(folder: Path, path: Path) -> list[Path]:
    """Create ``folder`` and any missing parents; the ones created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(20, f"{folder} is a file, not a folder", str(path))
    for f in reversed(missing):
        try:
            f.mkdir()
        except OSError as e:
            raise _user_error(e, path) from None
    return list(reversed(missing))


def atomic_write_bytes(path, data: bytes) -> None:
    staged = StagedFile(path)
    try:
        staged.write(data)
    except BaseException:
        staged.discard()
        raise
    staged.commit()


def atomic_write_text(path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
