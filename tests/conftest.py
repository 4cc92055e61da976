import os
import sys
from pathlib import Path

import pytest

from simulator.profile import default_profile

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks are not tests: they run with `make bench`, not under pytest.
collect_ignore = ["bench"]
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def neurocar_cmd():
    """The installed console command, run as a user would."""
    exe = Path(sys.executable).parent / "neurocar"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "simulator.cli"]


@pytest.fixture(scope="session")
def profile():
    """The default robot profile (the Elegoo V3), read once; profiles are frozen."""
    return default_profile()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A window (SDL's dummy driver) with its own state folder, nothing to restore, run
    frame by frame; pygame is loaded only by the tests that ask for it."""
    import pygame
    from simulator.gui.app import App
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    window = App(realtime=False, restore=False)
    yield window
    pygame.quit()
