"""The window with brains that read the sweep's memory (4 and 5 inputs), driven headless
by real key events (SDL's dummy video driver)."""
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import numpy as np
import pygame
import pytest

from brain import Brain, Network, save_brain
from simulator.assets import asset
from simulator.controller import encode_distance
from simulator.gui import files
from simulator.gui.app import App
from simulator.gui.dialogs import Prompt
from simulator.gui.tablefor import decisions_table
from tests.gui_helpers import frames, key

LAYOUTS = {4: ["distance", "position", "left_nearest", "right_nearest"],
           5: ["distance", "position", "left_nearest", "right_nearest", "previous"]}
TABLE_4 = """# obstacles ahead and on either side of the last sweep -> turn away from the nearer side
distance:in,position:in,left_nearest:in,right_nearest:in,turn:out:round,direction:out:sign,action:label
-1,0,-1,-1,0,1,forward
-1,-1,-1,-1,0,1,forward
-1,1,-1,-1,0,1,forward
-1,0,0.6,-1,1,1,turn right
-1,0,-1,0.6,-1,1,turn left
0.6,0,-1,-1,1,1,turn right
0.6,0,-1,0.6,-1,1,turn left
0.6,0,0.6,-1,1,1,turn right
1,0,1,1,0,-1,backward
1,-1,1,1,0,-1,backward
"""


def _memory_brain(path, n: int):
    brain = Brain(Network.create([n, 4, 2], "tanh", seed=0), LAYOUTS[n], ["turn", "direction"], ["round", "sign"])
    save_brain(path, brain)
    return path


@pytest.fixture(params=[4, 5], ids=["4-inputs", "5-inputs"])
def memory_app(request, tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    window = App(realtime=False, restore=False, brain_path=_memory_brain(tmp_path / "memory.json", request.param))
    yield window
    pygame.quit()


def _finish_training(app):
    """What the window's frames do a few milliseconds at a time, all at once (a slice
    may already have been all a small table needs)."""
    job = app.state.training.job
    while job is not None and not job.done:
        job.prepare()
        job.trainer.run()
    frames(app, 2)
    assert app.state.training.job is None


def _memory_encoded(sim):
    return encode_distance(list(sim.memory_cm().values()), sim.profile.control.distance_clamp_cm)


def test_a_memory_brain_drives_and_shows_what_it_reads(memory_app):
    a, n = memory_app, len(memory_app.state.sim.brain.input_names)
    sim = a.state.sim
    seen = set()
    for _ in range(150):                                                    # 100 ticks in the living room
        frames(a)
        seen |= set(sim.memory_cm().values())
        sensed = sim.sensed_inputs()
        assert sensed.shape == (n,) and np.array_equal(sensed[2:], _memory_encoded(sim))
    assert list(sim.memory_cm()) == LAYOUTS[n][2:] and sim.inputs.shape == (n,)
    assert min(seen) < sim.profile.control.distance_clamp_cm           # the memory saw something
    np.testing.assert_allclose(sim.outputs, sim.brain.forward(sim.inputs), atol=1e-12)
    view, line_h = a.net_view, a.text.font(12).get_height()
    assert len(view._nodes[0]) == n and all(a.layout.net.collidepoint(p) for p in view._nodes[0])
    ys = [p[1] for p in view._nodes[0]]
    assert all(y1 - y0 >= line_h for y0, y1 in zip(ys, ys[1:]))          # a label beside each input
    assert view.label_ys[0] == ys


@pytest.mark.parametrize("brain", ["memory", "seed_motors.json"])
def test_labels_stay_apart_in_the_smallest_window(tmp_path, monkeypatch, brain):
    """Five inputs (or four pin outputs) too crowded for a label beside each neuron:
    the labels spread out, a line apart or as near as the card allows, inside it."""
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    path = _memory_brain(tmp_path / "memory.json", 5) if brain == "memory" else asset("brains", brain)
    a = App(realtime=False, restore=False, brain_path=path, size=(960, 600))
    frames(a, 3)
    view, card, line_h = a.net_view, a.layout.net, a.text.font(12).get_height()
    side = 0 if brain == "memory" else 1                                   # the inputs, or the outputs
    node_ys = [p[1] for p in view._nodes[-side]]
    assert node_ys[1] - node_ys[0] < line_h                                # too close for a label each
    ys = view.label_ys[side]
    assert len(ys) == len(node_ys) and all(y1 - y0 >= min(line_h, 13) for y0, y1 in zip(ys, ys[1:]))
    assert card.top < ys[0] - line_h / 2 and ys[-1] + line_h / 2 < card.bottom
    pygame.quit()


def test_the_table_of_a_memory_brains_decisions_fits_the_panel(memory_app):
    a = memory_app
    frames(a)
    brain = memory_app.state.sim.brain
    t, n = a.state.editor.table, len(brain.input_names)
    if n == 4:       # neurocar ships tables of these columns: the window opens one, as for any brain
        assert Path(t.name).name == "evolved.csv" and t.input_names == LAYOUTS[4]
        t = decisions_table(brain)
    assert t.input_names == LAYOUTS[n] and len(t) == {4: 81, 5: 72}[n]
    assert len({tuple(row) for row in t.inputs}) == len(t)                 # a grid: no row twice
    assert set(t.inputs[:, 0]) == {-1.0, 0.0, 1.0} and set(t.inputs[:, 1]) == {-1.0, 0.0, 1.0}
    assert all(set(t.inputs[:, k]) <= {-1.0, 0.0, 1.0} and -1.0 in t.inputs[:, k] for k in range(2, n))
    if n == 5:
        assert a.rows_right(a.state.editor, brain).all()                   # the table is what the brain does
    grid = a.table_view.grid
    assert grid.header[2] == ["left_", "nearest"] and grid.header[0] == ["distance"]
    for c, w, lines in zip(t.columns, grid.widths, grid.header):           # every name whole, inside its column
        assert all(a.text.width(line, 12, bold=True) <= w - 8 for line in lines), (c.name, w)
    assert grid.xs[-1] + grid.widths[-1] <= a.layout.table.right
    for k in (pygame.K_TAB, pygame.K_TAB, pygame.K_h):                     # table, settings, help: all drawn
        key(k)
        frames(a)


def test_teach_mode_records_every_input_the_brain_reads(memory_app):
    a, n = memory_app, len(memory_app.state.sim.brain.input_names)
    rows_before = a.state.editor.n_rows
    key(pygame.K_t)
    key(pygame.K_UP)
    frames(a, 40)
    key(pygame.K_UP, up=True)
    key(pygame.K_RIGHT)
    frames(a, 20)
    rows = a.state.teaching.recorder.rows
    assert len(rows) >= 35 and all(len(r[0]) == n for r in rows)
    assert rows[-1][0] == tuple(a.state.sim.sensed_inputs())              # the last tick's look, memory included
    assert np.array_equal(rows[-1][0][2:], _memory_encoded(a.state.sim))
    assert {r[2] for r in rows} == {"forward", "turn right"}
    key(pygame.K_t)
    frames(a)
    assert isinstance(a.state.modal, Prompt)
    key(pygame.K_m)                                                        # merged: every recorded tick
    frames(a)
    assert a.state.editor.n_rows == rows_before + len(rows) and a.state.editor.table.inputs.shape[1] == n
    assert a.state.training.job is not None                                # retraining started
    _finish_training(a)
    assert a.state.sim.brain.input_names == LAYOUTS[n]


def test_retraining_on_a_four_input_table_gives_a_memory_brain_that_drives(app, tmp_path):
    assert len(app.state.sim.brain.input_names) == 2
    table = tmp_path / "memory.csv"
    table.write_text(TABLE_4)
    files.open_file(app, table)
    assert app.state.editor.table.input_names == LAYOUTS[4] and "columns are not the brain's" in app.state.message.text
    key(pygame.K_t)                                                        # a 2-input brain cannot fill its rows
    key(pygame.K_UP)
    frames(app, 5)
    assert len(app.state.teaching.recorder) == 0
    assert "the table's inputs (distance, position, left_nearest, right_nearest) are not the brain's " \
           "(distance, position)" in app.state.message.text
    key(pygame.K_t)
    key(pygame.K_r)
    frames(app)
    _finish_training(app)
    frames(app, 40)
    sim = app.state.sim
    assert sim.brain.input_names == LAYOUTS[4]
    assert "now uses the new weights" in app.state.message.text
    assert sim.inputs.shape == (4,) and len(app.net_view._nodes[0]) == 4
    np.testing.assert_allclose(sim.outputs, sim.brain.forward(sim.inputs), atol=1e-12)
    right = app.rows_right(app.state.editor, sim.brain)
    assert right is not None and right.sum() >= 9, right                  # the brain learned the table
    key(pygame.K_t)                                                        # now teach mode fills its rows
    key(pygame.K_LEFT)
    frames(app, 20)
    assert len(app.state.teaching.recorder) >= 10
    assert all(len(r[0]) == 4 for r in app.state.teaching.recorder.rows)
