"""A paused window costs next to no CPU: it sleeps until an event and draws only when
something changed. Measured as the process's CPU time over 5 s of a real window (SDL's
dummy driver) at real speed, paused with the space key."""
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import time

import pygame
import pytest

from simulator.gui.app import App
from tests.gui_helpers import key

PAUSED_S = 5.0
MOST_CPU = 0.10                    # of one core
STEP_AT_MS, SPACE_AT_MS = 2000, 2500


@pytest.fixture
def realtime_app(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    app = App(realtime=True, restore=False)
    yield app
    pygame.time.set_timer(pygame.QUIT, 0)
    app.close()
    pygame.quit()


def run_for(app, seconds):
    """Run the window as a user does (no frame limit) for ``seconds``, then close it;
    returns (CPU seconds of this process, frames drawn)."""
    app.state.running = True
    pygame.time.set_timer(pygame.QUIT, int(seconds * 1000), loops=1)
    frame, cpu = app.frame, time.process_time()
    app.run()
    return time.process_time() - cpu, app.frame - frame


def test_a_paused_window_uses_at_most_a_tenth_of_a_core(realtime_app):
    app = realtime_app
    run_for(app, 0.5)                                       # running: warm caches
    key(pygame.K_SPACE)
    run_for(app, 0.2)
    assert app.pacing.paused
    t = app.state.sim.time_s
    pygame.time.set_timer(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n, mod=0, unicode="n"), STEP_AT_MS, loops=1)
    cpu, drawn = run_for(app, PAUSED_S)
    assert cpu <= MOST_CPU * PAUSED_S, f"paused, the window used {cpu / PAUSED_S:.0%} of a core"
    assert app.state.sim.time_s == pytest.approx(t + app.state.profile.control.tick_s)   # N was heard and drawn
    assert 1 <= drawn < 30
    # the same window running draws at full rate, so the measure above can fail
    pygame.time.set_timer(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" "), 1, loops=1)
    cpu, drawn = run_for(app, 1.0)
    assert not app.pacing.paused and drawn > 30
