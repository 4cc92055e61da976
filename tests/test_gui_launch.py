"""The window's command line: every option checked before a window opens, one line for
bad input, a screenshot written whole or not at all, and Ctrl-C / SIGTERM ending the
window with one line and the session autosaved."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from brain.errors import NeurocarError
from simulator.gui import app as gui
from simulator.gui.app import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    yield tmp_path / "state"
    pygame.quit()


@pytest.fixture
def no_window(monkeypatch):
    """Options must be refused before any window opens or frame runs."""
    def refuse(*args, **kwargs):
        raise AssertionError("a window was opened")
    monkeypatch.setattr(gui, "App", refuse)


@pytest.mark.parametrize("args, named, accepted", [
    (["--seed", "-1"], "--seed -1", "0 or more"),
    (["--seed", "1.5"], "--seed '1.5'", "0 or more"),
    (["--seed", "inf"], "--seed 'inf'", "0 or more"),
    (["--seed", "9" * 5000], "--seed '999", "0 or more"),
    (["--frames", "0"], "--frames 0", "from 1 to"),
    (["--frames", "-3"], "--frames -3", "from 1 to"),
    (["--frames", "nan"], "--frames 'nan'", "from 1 to"),
    (["--frames", str(10 ** 12)], f"--frames {10 ** 12}", "from 1 to"),
    (["--size=-1280x720"], "--size '-1280x720'", "width 960..8000"),
    (["--size", "infxnan"], "--size 'infxnan'", "WIDTHxHEIGHT"),
    (["--size", "99999x99999"], "--size '99999x99999'", "width 960..8000"),
])
def test_numeric_options_name_the_option_the_value_and_what_is_accepted(no_window, args, named, accepted):
    with pytest.raises(NeurocarError) as refused:
        main(["--frames", "2", *args] if args[0] != "--frames" else args)
    message = str(refused.value)
    assert message.startswith(named) and accepted in message and "\n" not in message


def test_a_negative_seed_is_one_line_and_exit_2(neurocar_cmd, state):
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy"}
    proc = subprocess.run(neurocar_cmd + ["--frames", "2", "--seed", "-1"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == "neurocar: --seed -1: expected a whole number 0 or more\n"


@pytest.mark.parametrize("where", ["proc", "folder", "folder_beyond_reach", "not_a_file"])
def test_an_unwritable_screenshot_is_refused_before_the_window_runs(no_window, tmp_path, where):
    (tmp_path / "taken.png").mkdir()
    path = {"proc": "/proc/x.png", "folder": str(tmp_path / "taken.png"),
            "folder_beyond_reach": "/proc/no_such_folder/x.png", "not_a_file": "/dev/null/x.png"}[where]
    with pytest.raises(NeurocarError) as refused:
        main(["--frames", "2", "--screenshot", path])
    message = str(refused.value)
    assert message.startswith(f"--screenshot {path}: ") and ".tmp" not in message
    assert sorted(os.listdir(tmp_path)) == ["taken.png"] and not os.listdir(tmp_path / "taken.png")


def test_an_unwritable_screenshot_through_the_command_is_one_line(neurocar_cmd, state):
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy"}
    proc = subprocess.run(neurocar_cmd + ["--frames", "2", "--screenshot", "/proc/x.png"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("neurocar: --screenshot /proc/x.png: cannot be written")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_a_screenshot_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    out = tmp_path / "shots" / "shot.png"
    out.parent.mkdir()
    out.write_bytes(b"the picture of yesterday")

    def broken_save(surface, file, namehint=""):                  # half a picture, then a failure
        if isinstance(file, str):
            with open(file, "wb") as f:
                f.write(b"\x89PNG half a pict")
        else:
            file.write(b"\x89PNG half a pict")
        raise pygame.error("Out of memory")
    monkeypatch.setattr(pygame.image, "save", broken_save)
    with pytest.raises(NeurocarError) as refused:
        main(["--frames", "2", "--screenshot", str(out)])
    assert str(refused.value).startswith(f"--screenshot {out}: ") and ".tmp" not in str(refused.value)
    assert out.read_bytes() == b"the picture of yesterday" and os.listdir(out.parent) == ["shot.png"]
    monkeypatch.undo()
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    assert main(["--frames", "2", "--screenshot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and os.listdir(out.parent) == ["shot.png"]


def test_a_world_whose_start_is_covered_is_refused_as_eval_refuses_it(neurocar_cmd, tmp_path, state):
    data = json.loads((ROOT / "assets" / "worlds" / "living_room.json").read_text())
    data["obstacles"].append({"type": "cylinder", "x_cm": data["start"]["x_cm"], "y_cm": data["start"]["y_cm"],
                              "radius_cm": 10})
    world = tmp_path / "covered.json"
    world.write_text(json.dumps(data))
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy"}
    window = subprocess.run(neurocar_cmd + ["--frames", "2", "--world", str(world)], env=env,
                            capture_output=True, text=True, timeout=120)
    evaluated = subprocess.run(neurocar_cmd + ["eval", "--brain", str(ROOT / "assets" / "brains" / "default.json"),
                                               "--world", str(world), "--quiet"], env=env,
                               capture_output=True, text=True, timeout=120)
    assert window.returncode == evaluated.returncode == 2
    assert window.stderr.count("\n") == 1 and "overlaps an obstacle" in window.stderr
    assert window.stderr.removeprefix("neurocar: ") == evaluated.stderr.removeprefix("neurocar eval: ")


def test_the_window_runs_the_car_model_asked_for_and_its_help_says_which(state, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(state))
    from simulator.gui import overlay, world_commands
    from simulator.measured import DEFAULT_MODEL
    ideal = gui.App(realtime=False, restore=False, model="ideal")
    assert ideal.state.model == ideal.state.sim.model == "ideal"
    world_commands.drive_in(ideal, ideal.state.sim.world.copy())     # a new Simulation keeps the model
    assert ideal.state.sim.model == "ideal"
    assert gui.App(realtime=False, restore=False).state.sim.model == DEFAULT_MODEL
    assert "--ideal" in overlay.MODEL_LINES["measured"] and "default" in overlay.MODEL_LINES["ideal"]
    pygame.quit()


def test_a_profile_without_measured_tables_is_refused_unless_ideal(neurocar_cmd, tmp_path, state):
    text = (ROOT / "assets" / "robots" / "elegoo_v3.toml").read_text()
    robot = tmp_path / "old.toml"
    robot.write_text(text[:text.index("[measured.echo]")])
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy"}
    run = subprocess.run(neurocar_cmd + ["--frames", "2", "--robot", str(robot), "--ideal"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for cmd, prefix in ((["--frames", "2"], "neurocar: "),
                        (["eval", "--brain", "straight", "--worlds", "1", "--seconds", "1"], "neurocar eval: ")):
        refused = subprocess.run(neurocar_cmd + cmd + ["--robot", str(robot)], env=env, capture_output=True,
                                 text=True, timeout=120)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1
        assert refused.stderr.startswith(prefix + str(robot) + ": has no [measured.echo]")
        assert refused.stderr.endswith("or run with --ideal\n")


# A window run as the command runs it, with two table rows deleted by keys early on;
# "ready" once they are deleted. Autosaving every second is put off, so that what the
# state folder holds after the signal was saved because of the signal.
EDIT_THEN_WAIT = """
import sys
import pygame
from simulator.gui import app as gui, session
session.AUTOSAVE_EVERY_S = 1e9
update = gui.App.update

def edit_then_wait(self, dt):
    update(self, dt)
    if self.frame == 1:
        for k in (pygame.K_TAB, pygame.K_DELETE, pygame.K_DELETE):
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
    elif self.frame == 5:
        print("ready", self.state.editor.n_rows, flush=True)

gui.App.update = edit_then_wait
from simulator.cli import main
sys.exit(main(["--frames", "100000"]))
"""


@pytest.mark.parametrize("sig, status, line", [(signal.SIGINT, 130, "neurocar: interrupted\n"),
                                               (signal.SIGTERM, 143, "neurocar: terminated\n")])
def test_a_signal_ends_the_window_in_one_line_with_the_session_autosaved(state, sig, status, line):
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", EDIT_THEN_WAIT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        ready = proc.stdout.readline().split()
        assert ready[0] == "ready", proc.stderr.read()
        assert not state.exists()                                  # nothing autosaved yet
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == status and err == line
    session = json.loads((state / "session.json").read_text())
    from brain.table import parse_table
    assert len(parse_table(session["table_csv"])) == int(ready[1])       # the edits are kept


# A window run as the command runs it, with a bug planted in the F command (camera follow):
# a table row is deleted first, then F is pressed.
BUG_IN_A_COMMAND = """
import sys
from dataclasses import replace
import pygame
from simulator.gui import app as gui, global_commands, keymap

def broken(app, event=None):
    raise RuntimeError("a planted bug")

keymap.BINDINGS = tuple(replace(b, run=broken) if b.run is global_commands.follow else b for b in keymap.BINDINGS)
update = gui.App.update

def press_keys(self, dt):
    update(self, dt)
    if self.frame == 1:
        for k in (pygame.K_TAB, pygame.K_DELETE, pygame.K_f):
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))

gui.App.update = press_keys
from simulator.cli import main
sys.exit(main(["--frames", "100000"]))
"""


def test_a_bug_in_a_command_ends_the_window_with_a_crash_log_and_exit_70(state):
    env = {**os.environ, "NEUROCAR_STATE_DIR": str(state), "SDL_VIDEODRIVER": "dummy", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", BUG_IN_A_COMMAND], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 70
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("neurocar: internal error, a bug in neurocar")
    assert "RuntimeError: a planted bug" in proc.stderr
    logs = list((state / "crashes").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in proc.stderr and "a planted bug" in logs[0].read_text()
    session = json.loads((state / "session.json").read_text())    # the edit made before the bug is kept
    from brain.table import load_table, parse_table
    shipped = load_table(ROOT / "assets" / "tables" / "seed_turn_direction.csv")
    assert len(parse_table(session["table_csv"])) == len(shipped) - 1


def test_a_users_error_in_a_command_stays_a_message(state, monkeypatch):
    from dataclasses import replace
    from simulator.gui import global_commands, keymap
    from tests.gui_helpers import frames, key

    def refused(app, event=None):
        raise NeurocarError("that cannot be done here")

    monkeypatch.setattr(keymap, "BINDINGS", tuple(replace(b, run=refused) if b.run is global_commands.follow else b
                                                  for b in keymap.BINDINGS))
    app = gui.App(realtime=False, restore=False)
    key(pygame.K_f)
    frames(app, 2)
    assert app.state.running and app.state.message.text == "that cannot be done here"
