"""``neurocar replay``: the window on a real car's telemetry log, driven headless by real
key and mouse events (SDL's dummy video driver), on logs written from the Python
controller's own records; and the one-line refusals of files it cannot show."""
import math
import os
import subprocess
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame
import pytest

from brain.brainfile import load_brain
from firmware_export.telemetry_format import Header, Tick, format_header, format_tick, profile_hash
from simulator.assets import asset
from simulator.cli import main
from simulator.controller import replay
from simulator.gui.replay_model import action_name, timeline_slots
from simulator.gui.replay_source import open_replay
from simulator.gui.replay_view import JUMP_TICKS, PAGE_TICKS, SPEEDS, ReplayView
from simulator.gui.replay_window import ReplayWindow
from simulator.profile import default_profile, load_profile
from tests.gui_helpers import frames, key

PROFILE = default_profile()
N_TICKS = 1200
LOST = range(500, 540)           # tick lines left out of the log: 40 ticks lost


def readings(n: int, seed: int = 3) -> np.ndarray:
    """A car nearing and leaving walls as it sweeps, with some pings that never echo."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    d = 8 + 70 * np.abs(np.sin(i / 45.0)) + 25 * np.sin(i / 4.3) + rng.normal(0, 3, n)
    d = np.clip(d, 3, 390)
    d[rng.random(n) < 0.04] = np.inf
    return d


def log_lines(profile=PROFILE, n=N_TICKS, lost=LOST, garble_every=0) -> list[str]:
    """The log the car would write for the controller's records of ``readings``."""
    brain = load_brain(asset("brains", "default.json"))
    header = Header(brain.sha256(), profile_hash(profile), "1.0", "float", tuple(brain.input_names),
                    profile.motors.pin_order)
    d = readings(n)
    lines = []
    for r in replay(profile, brain, d):
        if r.tick % 200 == 0:
            lines.append(format_header(header))
        if r.tick in lost:
            continue
        seen = (math.inf if math.isinf(d[r.tick]) else float(r.reading_cm)) if r.decided else None
        line = format_tick(Tick(r.tick, r.servo_deg, r.decided, seen, (), r.hold, r.pins, r.pwm))
        if garble_every and r.tick % garble_every == 7:
            line = line.replace(",", ";", 1)
        lines.append(line)
    return lines


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "run.log"
    path.write_text("\r\n".join(log_lines(garble_every=97)) + "\r\n")
    return path


@pytest.fixture
def window(log_path):
    w = ReplayWindow(open_replay(log_path, PROFILE), (1280, 720), realtime=False)
    yield w
    pygame.quit()


# -- the run, headless -----------------------------------------------------------------
def test_the_run_keeps_every_tick_line_and_leaves_lost_ticks_as_a_gap(log_path):
    run = open_replay(log_path, PROFILE)
    garbled = sum(1 for t in range(N_TICKS) if t % 97 == 7 and t not in LOST)
    assert len(run.ticks) == N_TICKS - len(LOST) - garbled and run.garbled == garbled
    assert run.n_slots == N_TICKS and run.lost_ticks == len(LOST) + garbled
    assert [(g.start, g.length) for g in run.gaps if g.length > 1] == [(LOST[0], len(LOST))]
    assert run.slots == [t.tick for t in run.ticks]            # one slot per control tick
    assert run.profile_matches and run.headers == N_TICKS // 200 and not run.has_pose
    assert {"forward", "backward"} <= set(run.action_counts())   # the readings make it back off walls


def test_a_reset_car_starts_again_one_slot_on():
    ticks = [Tick(n, 90, True, 20.0, (), 0, (1, 0, 0, 1), 100) for n in (0, 1, 5, 6, 0, 1)]
    slots, gaps = timeline_slots(ticks)
    assert slots == [0, 1, 5, 6, 7, 8] and [(g.start, g.length) for g in gaps] == [(2, 3)]


def test_actions_are_named_from_the_profile_whatever_order_the_log_lists_pins_in():
    header = Header("0" * 64, profile_hash(PROFILE), "1.0", "float", ("distance", "position"),
                    ("IN4", "IN3", "IN2", "IN1"))
    assert action_name(PROFILE, header, (1, 0, 0, 1)) == "forward"
    assert action_name(PROFILE, header, (0, 1, 0, 1)) == "turn left"       # IN1..IN4 = 1010
    assert action_name(PROFILE, None, (0, 0, 0, 0)) == "stopped"


def test_the_inputs_read_include_the_sweeps_memory_named_from_the_header(tmp_path):
    inputs = ("distance", "position", "left_nearest", "right_nearest")
    header = Header("0" * 64, profile_hash(PROFILE), "1.0", "fixed", inputs, PROFILE.motors.pin_order)
    ticks = [Tick(0, 90, True, 25.0, (50, 10), 3, (1, 0, 0, 1), 100), Tick(1, 99, False, None, (50, 10), 2,
                                                                            (1, 0, 0, 1), 100)]
    path = tmp_path / "memory.log"
    path.write_text("\n".join([format_header(header)] + [format_tick(t) for t in ticks]) + "\n")
    run = open_replay(path, PROFILE)
    assert run.inputs_of(1) is None and run.decision_of(1) == 0
    assert run.inputs_of(0) == [("distance", 0.0), ("position", 0.0), ("left_nearest", -1.0), ("right_nearest", 0.6)]


def test_another_profile_is_named_in_the_log_card(log_path):
    run = open_replay(log_path, load_profile(asset("robots", "two_wheel.toml")))
    assert run.profile_matches is False


def test_the_sweep_fades_the_last_readings_oldest_first(log_path):
    run = open_replay(log_path, PROFILE)
    sweep = run.sweep(300, 26)
    assert len(sweep) == 26 and [age for _, _, age in sweep] == sorted((age for _, _, age in sweep), reverse=True)
    assert sweep[-1][2] == 0 and all(cm > 0 for _, cm, _ in sweep)


def test_playing_takes_the_time_the_car_took_lost_ticks_included(log_path):
    run = open_replay(log_path, PROFILE)
    view = ReplayView(run)
    view.toggle_play()
    view.advance(1.0)                                          # one second at x1: 40 ticks of 25 ms
    assert view.slot == pytest.approx(40) and view.tick.tick == 40
    view.seek(LOST[0] + 10)                                    # inside the gap: the last tick received
    assert view.tick.tick == LOST[0] - 1
    view.faster(-10)
    assert view.speed == SPEEDS[0] == 0.25
    view.faster(+10)
    assert view.speed == SPEEDS[-1] == 16
    view.advance(100.0)
    assert view.at_end and not view.playing
    view.toggle_play()                                         # from the end, play starts again
    assert view.index == 0 and view.playing


# -- the window, with real events --------------------------------------------------------
def test_keys_play_step_jump_and_change_speed(window):
    v = window.view
    key(pygame.K_SPACE)
    frames(window, 30)                                         # half a second at 60 frames a second
    assert v.playing and v.slot == pytest.approx(20, abs=1)
    key(pygame.K_RIGHT)
    frames(window)
    assert not v.playing and v.slot == pytest.approx(21, abs=1)
    at = v.index
    key(pygame.K_LEFT)
    key(pygame.K_LEFT)
    frames(window)
    assert v.index == at - 2
    key(pygame.K_RIGHT, mod=pygame.KMOD_SHIFT)
    frames(window)
    assert v.slot == run_slot(window, at - 2) + JUMP_TICKS
    key(pygame.K_PAGEDOWN)
    frames(window)
    assert v.slot == run_slot(window, at - 2) + JUMP_TICKS + PAGE_TICKS
    key(pygame.K_END)
    frames(window)
    assert v.at_end and v.tick.tick == N_TICKS - 1
    key(pygame.K_HOME)
    frames(window)
    assert v.index == 0
    for _ in range(3):
        key(pygame.K_PLUS, unicode="+")
    key(pygame.K_MINUS, unicode="-")
    frames(window)
    assert v.speed == 4.0


def run_slot(window, index):
    return window.run_.slots[index]


def test_a_click_on_the_timeline_goes_there_and_esc_quits(window):
    frames(window)                                             # lays the timeline out
    r = window.timeline.overview
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(r.x + r.w * 3 // 4, r.centery)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(r.x + r.w * 3 // 4, r.centery)))
    frames(window)
    assert window.view.slot == pytest.approx(0.75 * N_TICKS, abs=N_TICKS / r.w + 1)
    key(pygame.K_ESCAPE)
    frames(window)
    assert not window.running


def test_the_window_lays_itself_out_again_when_resized(window):
    frames(window)
    pygame.display.set_mode((1600, 900), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(1600, 900), w=1600, h=900))
    frames(window)
    assert window.screen.get_size() == (1600, 900) and window.timeline.overview.right == 1600 - 8 - 8


def test_q_quits(window):
    key(pygame.K_q)
    frames(window, 5)
    assert not window.running and window.frame == 1


def test_the_screenshot_shows_the_sweep_the_cards_and_the_timeline(window, tmp_path):
    window.view.seek(LOST[0] - 60)
    out = tmp_path / "replay.png"
    window.run(frames=window.frame + 2, screenshot=str(out))
    shot = pygame.surfarray.array3d(pygame.image.load(str(out)))
    assert shot.shape[:2] == (1280, 720)
    colours = np.unique(shot.reshape(-1, 3), axis=0)
    assert len(colours) > 200                                  # text, rings, readings: not a blank frame
    sweep = shot[:800, :500]
    red = (sweep[..., 0] > 180) & (sweep[..., 1] < 120) & (sweep[..., 2] < 120)
    assert red.sum() > 20                                      # the readings in the sweep
    timeline = shot[:, 560:690]
    gap = (abs(timeline[..., 0].astype(int) - 110) < 3) & (abs(timeline[..., 1].astype(int) - 44) < 3)
    assert gap.sum() > 500                                     # the lost ticks, red in the timeline


# -- the command line --------------------------------------------------------------------
def test_the_command_opens_the_window_and_writes_a_screenshot(log_path, tmp_path):
    out = tmp_path / "cli.png"
    assert main(["replay", str(log_path), "--size", "1000x640", "--frames", "2", "--screenshot", str(out)]) == 0
    assert pygame.image.load(str(out)).get_size() == (1000, 640)


BAD = {"empty.log": b"", "binary.log": bytes(range(256)) * 8, "noise.log": b"hello\r\nworld\r\n" * 20,
       "recording.json": b'{"format": "neurocar-recording"}', "headers_only.log": None}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_file_it_cannot_show_is_one_line_and_no_window(name, tmp_path):
    path = tmp_path / name
    content = BAD[name]
    path.write_bytes(content if content is not None else (log_lines(n=1)[0] + "\r\n").encode())
    code = ("import sys; from simulator.cli import main; rc = main(['replay', sys.argv[1]]); "
            "print('pygame' in sys.modules, rc)")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert r.stdout.split() == ["False", "2"], r.stdout + r.stderr
    assert len(r.stderr.splitlines()) == 1 and str(path) in r.stderr and r.stderr.startswith("neurocar replay: ")


def test_a_missing_file_and_a_bad_size_are_one_line(log_path, tmp_path, capsys):
    assert main(["replay", str(tmp_path / "none.log")]) == 2
    assert main(["replay", str(log_path), "--size", "12x3", "--frames", "1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "no such file" in err[0] and "--size" in err[1]
