"""``neurocar replay`` on recordings of ``neurocar eval --record``: the run read from a
file or a folder, the window (SDL's dummy video driver) driven by real key events, the
metrics it shows reaching the eval row's at the end, its screenshot's pixels (the world,
the car where the recording says, its trail and collisions), and bad files in one line."""
import json
import os
import subprocess
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame
import pytest

from simulator.assets import asset
from simulator.cli import main
from simulator.gui import theme as th
from simulator.gui.replay_source import open_replay
from simulator.gui.replay_view import JUMP_TICKS
from simulator.gui.replay_window import ReplayWindow
from simulator.gui.replay_world import COLLISION, world_camera
from simulator.profile import default_profile
from simulator.recording import METRIC_KEYS, load_recording, recompute_metrics, recording_name
from tests.gui_helpers import frames, key

PROFILE = default_profile()
SECONDS = 30
WORLDS = ("living_room", "small_maze")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A folder eval --record wrote (measured, drawn cars), and eval's rows."""
    base = tmp_path_factory.mktemp("recorded")
    runs, out = base / "runs", base / "eval.json"
    code = main(["eval", "--brain", str(asset("brains", "default.json")), "--world",
                 *(str(asset("worlds", f"{w}.json")) for w in WORLDS), "--seconds", str(SECONDS), "--randomize",
                 "--record", str(runs), "--json", str(out), "--quiet", "--jobs", "1"])
    assert code == 0
    return runs, json.loads(out.read_text())["rows"]


@pytest.fixture
def window(recorded):
    w = ReplayWindow(open_replay(recorded[0], PROFILE), (1280, 720), realtime=False)
    yield w
    pygame.quit()


def test_a_folder_opens_the_episode_asked_for_and_a_file_its_own(recorded):
    runs, rows = recorded
    first, second = open_replay(runs, PROFILE), open_replay(runs, PROFILE, 1)
    assert first.recording.episode == 0 and second.recording.episode == 1
    assert open_replay(runs / recording_name(1), PROFILE).recording.row == second.recording.row == rows[1]
    assert first.has_pose and first.kind == "recording" and len(first.ticks) == SECONDS * 40
    assert first.header.pin_order == PROFILE.motors.pin_order and first.profile_matches


def test_the_metrics_as_they_accumulate_end_at_the_row(recorded):
    runs, rows = recorded
    for k, row in enumerate(rows):
        run = open_replay(runs, PROFILE, k)
        assert {m: run.metrics[-1][m] for m in METRIC_KEYS} == {m: row[m] for m in METRIC_KEYS}
        assert run.metrics[-1] == recompute_metrics(load_recording(runs / recording_name(k)))
        assert row["collisions"] > 0 and len(run.collisions_until(len(run.ticks) - 1)) == row["collisions"]
        assert run.collisions_until(0) == [] and run.metrics[0]["collisions"] == 0


def test_ticks_read_as_a_logs(recorded):
    run = open_replay(recorded[0], PROFILE)
    rec = run.recording
    decided = [t.decided for t in run.ticks]
    assert decided[0] and 0 < sum(decided) < len(decided)
    for k, t in enumerate(run.ticks[1:], start=1):
        if not t.decided:                                        # an action held keeps its pins
            assert t.pins == run.ticks[k - 1].pins and run.actions[k] == run.actions[k - 1]
        assert (t.reading_cm is not None) == (rec.ticks["reading_cm"][k] >= 0)
    assert {"forward", "backward"} <= set(run.actions) <= {"forward", "backward", "turn left", "turn right"}
    assert run.inputs_of(0)[0][0] == "distance"


def test_keys_play_step_jump_and_end_at_the_row(window, recorded):
    v, run = window.view, window.run_
    key(pygame.K_SPACE)
    frames(window, 30)                                          # half a second: 20 ticks at x1
    assert v.playing and v.index == pytest.approx(20, abs=1)
    key(pygame.K_RIGHT)
    frames(window)
    at = v.index
    assert not v.playing
    key(pygame.K_LEFT)
    key(pygame.K_LEFT)
    frames(window)
    assert v.index == at - 2
    key(pygame.K_RIGHT, mod=pygame.KMOD_SHIFT)
    frames(window)
    assert v.index == at - 2 + JUMP_TICKS
    key(pygame.K_PLUS, unicode="+")
    key(pygame.K_SPACE)
    frames(window, 30)                                          # x2: 40 ticks more
    assert v.speed == 2.0 and v.index == pytest.approx(at - 2 + JUMP_TICKS + 40, abs=2)
    key(pygame.K_END)
    frames(window)
    assert v.at_end and not v.playing
    row = recorded[1][0]
    assert {m: run.metrics[v.index][m] for m in METRIC_KEYS} == {m: row[m] for m in METRIC_KEYS}
    key(pygame.K_HOME)
    frames(window)
    assert v.index == 0


def _shot(window, tmp_path, name):
    out = tmp_path / name
    window.run(frames=window.frame + 1, screenshot=str(out))
    return pygame.surfarray.array3d(pygame.image.load(str(out))).astype(int)


def _near(shot, colour, tol=3):
    return (np.abs(shot - np.array(colour)) <= tol).all(axis=-1)


def _car_pixels(window, shot, index):
    """The car's body colours within the car's length of where the recording puts it."""
    world_rect = window.areas()[0]
    cam = world_camera(world_rect, window.run_.recording.world)
    x, y = cam.to_screen(window.run_.track.x[index], window.run_.track.y[index])
    r = round(cam.length(PROFILE.body.length_cm / 2))
    patch = shot[round(x) - r:round(x) + r, round(y) - r:round(y) + r]
    return (_near(patch, th.CAR_BODY) | _near(patch, th.CAR_FLASH)).sum(), r


def test_the_screenshot_shows_the_world_the_car_its_trail_and_collisions(window, tmp_path):
    start = _shot(window, tmp_path, "start.png")
    world_rect, _, log_rect, _, _ = window.areas()
    assert start.shape[:2] == (1280, 720) and len(np.unique(start.reshape(-1, 3), axis=0)) > 200
    car, r = _car_pixels(window, start, 0)
    assert car > r * r                                           # the car, where the recording says
    view = start[world_rect.x:world_rect.right, world_rect.y:world_rect.bottom]
    assert _near(view, th.FLOOR).sum() > 50_000 and _near(view, th.OBSTACLE).sum() > 2_000
    assert _near(view, COLLISION, 0).sum() == 0
    key(pygame.K_END)
    frames(window)
    end = _shot(window, tmp_path, "end.png")
    last = len(window.run_.ticks) - 1
    car, r = _car_pixels(window, end, last)
    assert car > r * r
    assert _car_pixels(window, end, 0)[0] < car / 4               # it has left where it started
    view = end[world_rect.x:world_rect.right, world_rect.y:world_rect.bottom]
    assert _near(view, COLLISION, 0).sum() > 30                   # the rings where contacts began
    assert _near(view, th.TRAIL, 0).sum() > 300                   # the trail
    card = lambda shot: shot[log_rect.x:log_rect.right, log_rect.y:log_rect.bottom]   # noqa: E731
    assert _near(card(end), th.TEXT_OK, 0).sum() > 30             # "= the eval row", in green
    assert _near(card(start), th.TEXT_OK, 0).sum() == 0


def test_the_command_opens_a_recording_and_writes_a_screenshot(recorded, tmp_path):
    out = tmp_path / "cli.png"
    runs = recorded[0]
    assert main(["replay", str(runs), "--episode", "1", "--size", "1000x640", "--frames", "2",
                 "--screenshot", str(out)]) == 0
    assert pygame.image.load(str(out)).get_size() == (1000, 640)
    assert main(["replay", str(runs / recording_name(0)), "--frames", "1"]) == 0
    pygame.quit()


def test_wrong_episodes_and_bad_files_are_one_line_and_no_window(recorded, tmp_path):
    runs = recorded[0]
    (tmp_path / "empty").mkdir()
    log = tmp_path / "run.log"
    log.write_text("@NC,1,x*00\r\n")
    cut = tmp_path / recording_name(0)
    cut.write_bytes((runs / recording_name(0)).read_bytes()[:5000])
    cases = [([str(runs), "--episode", "9"], "no recording of episode 9; it holds episodes 0 to 1"),
             ([str(runs / recording_name(0)), "--episode", "1"], "holds episode 0, not 1"),
             ([str(tmp_path / "empty")], "no recordings"),
             ([str(log), "--episode", "1"], "--episode is for recordings"),
             ([str(cut)], "not a neurocar recording")]
    code = ("import sys; from simulator.cli import main; rc = main(['replay', *sys.argv[1:]]); "
            "print('pygame' in sys.modules, rc)")
    for args, said in cases:
        r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
        assert r.stdout.split() == ["False", "2"], r.stdout + r.stderr
        assert len(r.stderr.splitlines()) == 1 and said in r.stderr and r.stderr.startswith("neurocar replay: ")
