"""Saving files: atomic, the file's mode kept, links written through, outputs checked
before any work and written all or none."""
import errno
import os
import stat

import pytest

from brain import atomic
from brain.atomic import atomic_write_text
from brain.outputs import OutputError, Outputs


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_resave_keeps_the_files_mode_and_a_new_file_follows_the_umask(tmp_path):
    shared = tmp_path / "shared.json"
    shared.write_text("old")
    os.chmod(shared, 0o644)
    atomic_write_text(shared, "new")
    assert mode(shared) == 0o644 and shared.read_text() == "new"
    os.chmod(shared, 0o600)
    atomic_write_text(shared, "newer")
    assert mode(shared) == 0o600
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "fresh.json", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "fresh.json") == 0o640


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_full_disk_names_the_users_file_and_leaves_it_whole(tmp_path, monkeypatch):
    target = tmp_path / "brain.json"
    target.write_text("keep me")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(OSError) as e:
        atomic_write_text(target, "x" * 1000)
    assert e.value.filename == str(target) and e.value.errno == errno.ENOSPC
    assert target.read_text() == "keep me"
    assert os.listdir(tmp_path) == ["brain.json"]          # no temporary file left behind


def test_an_unwritable_folder_names_the_users_path_not_a_temporary_file():
    with pytest.raises(OSError) as e:
        atomic_write_text("/proc/c.png", "x")
    assert e.value.filename == "/proc/c.png"


def test_an_output_that_is_an_input_or_another_output_is_refused(tmp_path):
    table = tmp_path / "T.csv"
    table.write_text("keep me")
    hard = tmp_path / "hard.csv"
    os.link(table, hard)
    soft = tmp_path / "soft.csv"
    soft.symlink_to(table)
    for same in (table, hard, soft, tmp_path / "sub" / ".." / "T.csv"):
        with Outputs(inputs={"TABLE": table}) as out, pytest.raises(OutputError, match="which is read"):
            out.add("--out", same)
    with Outputs(inputs={"TABLE": table}) as out:
        out.add("--out", tmp_path / "b.json")
        with pytest.raises(OutputError, match="give each output its own file"):
            out.add("--json", tmp_path / "b.json")
    assert table.read_text() == "keep me"


def test_outputs_are_checked_first_and_written_all_or_none(tmp_path):
    brain = tmp_path / "b.json"
    brain.write_text("keep me")
    with pytest.raises(OutputError, match=r"--plot /proc/c.png: cannot write into /proc"):
        with Outputs() as out:
            out.add("--out", brain)
            out.add("--plot", "/proc/c.png")
    with pytest.raises(RuntimeError):
        with Outputs() as out:
            out.add("--out", brain)
            out.add("--json", tmp_path / "new" / "r.json")
            out.write_text(brain, "replaced")
            out.write_text(tmp_path / "new" / "r.json", "{}")
            raise RuntimeError("the work failed after staging")
    assert brain.read_text() == "keep me"
    assert sorted(os.listdir(tmp_path)) == ["b.json"]        # no temporaries, no folder made for nothing
    with Outputs() as out:
        out.add("--out", brain)
        out.add("--json", tmp_path / "new" / "r.json")
        out.write_text(brain, "replaced")
        with out.open(tmp_path / "new" / "r.json") as f:    # streamed
            f.write(b"{")
            f.write(b"}")
        out.commit()
    assert brain.read_text() == "replaced" and (tmp_path / "new" / "r.json").read_text() == "{}"


def test_a_folder_or_an_empty_name_is_not_an_output(tmp_path):
    with Outputs() as out:
        with pytest.raises(OutputError, match="is a folder"):
            out.add("--out", tmp_path)
        with pytest.raises(OutputError, match="give a file name"):
            out.add("--json", "")
        assert out.add("--plot", None) is None
