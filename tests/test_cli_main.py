"""The neurocar command's one rule for errors: a user's mistake is one line and exit 2;
anything else is a bug, said in one line naming a crash log, exit 70."""
import subprocess
import sys

import pytest

from brain.errors import NeurocarError
from simulator import cli
from simulator.cli import training


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_a_users_mistake_is_one_line_and_exit_2(state, capsys, monkeypatch):
    def refuse(args):
        raise NeurocarError("t.csv: row 3 has 2 values; expected 4")
    monkeypatch.setattr(training, "run_train", refuse)
    assert cli.main(["train", "t.csv", "--out", "b.json"]) == 2
    assert capsys.readouterr().err == "neurocar train: t.csv: row 3 has 2 values; expected 4\n"
    assert not state.exists()                                   # no crash log for a user's error


def test_a_bug_is_one_line_naming_a_crash_log_with_the_traceback(state, capsys, monkeypatch):
    def broken(args):
        return {}["missing"]
    monkeypatch.setattr(training, "run_train", broken)
    assert cli.main(["train", "t.csv", "--out", "b.json"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neurocar train: internal error, a bug in neurocar (KeyError")
    logs = list((state / "crashes").iterdir())
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text()
    assert "Traceback" in text and "in broken" in text and "command: neurocar train t.csv --out b.json" in text


def test_a_bug_with_no_writable_state_folder_still_says_one_line(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(blocker / "state"))
    monkeypatch.setattr(training, "run_train", lambda args: 1 / 0)
    assert cli.main(["train", "t.csv", "--out", "b.json"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ZeroDivisionError" in err and "no crash log could be written" in err


def test_the_installed_command_exits_70_on_a_bug(tmp_path):
    """The same through a real process: the exit status reaches the shell."""
    code = ("import sys; from simulator import cli; from simulator.cli import training; "
            "training.run_train = lambda args: [][1]; sys.exit(cli.main(['train', 'x.csv', '--out', 'y.json']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={"NEUROCAR_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 70 and "IndexError" in r.stderr and r.stderr.count("\n") == 1
