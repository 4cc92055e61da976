"""The simulator window, driven headless by real key events (SDL's dummy video driver)."""
import inspect
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from pathlib import Path

import numpy as np
import pygame
import pytest

from brain.brainfile import load_brain
from simulator.gui import files, keymap
from simulator.gui.app import App, main
from simulator.gui.dialogs import Prompt
from simulator.gui.training import retrain
from simulator.gui.world_commands import check_world
from tests.gui_helpers import edit_cell, frames, key, type_text

ROOT = Path(__file__).resolve().parent.parent


def test_screenshot_option_writes_a_png(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    out = tmp_path / "shot.png"
    assert main(["--frames", "3", "--screenshot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pygame.image.load(str(out)).get_size() == (1280, 720)


def test_edit_a_cell_retrain_and_the_car_uses_the_new_weights(app):
    old = app.state.sim.brain
    assert old.decide([0.5, 1.0])[0].tolist() == [-1, 1]          # obstacle on the right: turn left
    key(pygame.K_TAB)                                              # focus the table
    for _ in range(3):
        key(pygame.K_DOWN)
    for _ in range(2):
        key(pygame.K_RIGHT)                                        # row 4, column "turn"
    frames(app)
    assert app.state.focus == "table" and app.state.editor.columns[app.state.editor.col].name == "turn"
    edit_cell(app, "1")
    assert app.state.editor.table.targets[3].tolist() == [1.0, 1.0]
    assert app.state.editor.table.labels[3] == "turn right"              # named after the rows like it
    key(pygame.K_r)
    frames(app)
    assert app.state.training.job is not None and app.state.sim.brain is old           # the car keeps driving meanwhile
    for _ in range(600):
        if app.state.training.job is None:
            break
        frames(app)
    new = app.state.sim.brain
    assert new is not old
    assert not np.allclose(new.network.layers[0].weights, old.network.layers[0].weights)
    assert new.decide([0.5, 1.0])[0].tolist() == [1, 1]           # the edited row is learned
    frames(app, 20)                                                # the controller decides with it
    assert np.allclose(app.state.sim.outputs, new.forward(app.state.sim.inputs))
    assert "now uses the new weights" in app.state.message.text


def test_a_bad_edit_is_refused_with_a_message(app):
    key(pygame.K_TAB)
    frames(app)
    before = app.state.editor.table.to_csv()
    edit_cell(app, "abc")
    assert app.state.editor.table.to_csv() == before
    assert app.state.editor.flag is not None and app.state.editor.flag[:2] == (0, 0)
    assert "refused" in app.state.message.text and "not a number" in app.state.message.text
    edit_cell(app, "7")
    assert app.state.editor.table.to_csv() == before
    assert "out of range" in app.state.message.text
    key(pygame.K_DOWN)
    frames(app)
    assert app.state.editor.flag is None                                 # moving on clears the flag


def test_rows_add_duplicate_delete_and_undo(app):
    key(pygame.K_TAB)
    n = app.state.editor.n_rows
    key(pygame.K_a)
    key(pygame.K_d)
    frames(app)
    assert app.state.editor.n_rows == n + 2
    key(pygame.K_DELETE)
    frames(app)
    assert app.state.editor.n_rows == n + 1
    for _ in range(3):
        key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.state.editor.n_rows == n


def test_pause_and_single_step(app):
    frames(app, 30)
    key(pygame.K_SPACE)
    frames(app)
    assert app.pacing.paused
    t = app.state.sim.time_s
    frames(app, 10)
    assert app.state.sim.time_s == t
    key(pygame.K_n)
    frames(app)
    assert app.state.sim.time_s == pytest.approx(t + app.state.profile.control.tick_s)
    key(pygame.K_SPACE)
    frames(app, 10)
    assert app.state.sim.time_s > t + app.state.profile.control.tick_s


def test_speeds_run_more_ticks_per_frame(app):
    t0 = app.state.sim.time_s
    frames(app, 12)
    x1 = app.state.sim.time_s - t0
    key(pygame.K_3)
    frames(app)
    t0 = app.state.sim.time_s
    frames(app, 12)
    assert app.state.sim.time_s - t0 == pytest.approx(16 * x1, rel=0.1)


def test_teach_mode_records_rows_and_adds_them(app):
    n = app.state.editor.n_rows
    key(pygame.K_t)
    frames(app)
    assert app.state.teaching is not None
    key(pygame.K_UP)
    frames(app, 30)
    recorded = len(app.state.teaching.recorder)
    assert recorded >= 15
    assert app.state.sim.pins == tuple(app.state.profile.motors.patterns["forward"])
    key(pygame.K_UP, up=True)
    key(pygame.K_LEFT)
    frames(app, 10)
    key(pygame.K_LEFT, up=True)
    frames(app, 5)
    assert len(app.state.teaching.recorder) > recorded
    rows = app.state.teaching.recorder.rows
    assert {r[2] for r in rows} == {"forward", "turn left"}
    assert all(-1 <= v <= 1 for r in rows for v in r[0])
    key(pygame.K_t)
    frames(app)
    assert isinstance(app.state.modal, Prompt)
    total = len(rows)
    key(pygame.K_m)                                                # merged: every recorded tick
    frames(app)
    assert app.state.editor.n_rows == n + total
    assert app.state.training.job is not None                                     # retraining started


def test_help_overlay_and_key_map(app):
    key(pygame.K_h)
    frames(app)
    assert app.state.help
    key(pygame.K_ESCAPE)
    frames(app)
    assert not app.state.help
    for b in keymap.BINDINGS:                                      # every key runs a command of (app, event)
        assert callable(b.run) and list(inspect.signature(b.run).parameters)[:2] == ["app", "event"], b
    assert "| `Space` |" in keymap.markdown_table()


def test_m_makes_the_selected_obstacle_soft_and_undo_makes_it_hard_again(app):
    n = len(app.state.sim.world.obstacles)
    key(pygame.K_a)
    frames(app)
    assert app.state.sim.world.obstacles[n].surface == "hard"
    key(pygame.K_m)
    frames(app)
    assert app.state.sim.world.obstacles[n].surface == "soft" and "soft now" in app.state.message.text
    assert app.state.sim._ep.worlds[0].obstacles[n].surface == "soft"         # the simulation drives in it
    key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.state.sim.world.obstacles[n].surface == "hard"


def test_world_editing_by_keyboard(app):
    n = len(app.state.sim.world.obstacles)
    key(pygame.K_a)                                                # world has the focus at start
    frames(app)
    assert len(app.state.sim.world.obstacles) == n + 1 and app.world_edit.selected == n
    x = app.state.sim.world.obstacles[n].x_cm
    key(pygame.K_RIGHT)
    key(pygame.K_RIGHTBRACKET, unicode="]")
    frames(app)
    o = app.state.sim.world.obstacles[n]
    assert o.x_cm == x + 5 and o.width_cm > 30
    key(pygame.K_DELETE)
    frames(app)
    assert len(app.state.sim.world.obstacles) == n
    key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert len(app.state.sim.world.obstacles) == n + 1


def test_new_random_world_shows_its_seed(app):
    key(pygame.K_g)
    frames(app)
    assert app.world_edit.seed == 0 and "seed 0" in app.state.message.text
    key(pygame.K_g)
    frames(app)
    assert app.world_edit.seed == 1


def test_a_diverging_run_keeps_the_last_good_weights(app):
    old = app.state.sim.brain
    app.state.hyper.values.update(activation="linear", optimizer="gd", lr=50.0, epochs=500)
    key(pygame.K_r)
    for _ in range(200):
        frames(app)
        if app.state.training.job is None:
            break
    assert app.state.sim.brain is old
    assert "diverged" in app.state.message.text


def test_sigmoid_on_minus_one_targets_is_refused_with_advice(app):
    app.state.hyper.values.update(activation="sigmoid")
    key(pygame.K_r)
    frames(app)
    assert app.state.training.job is None
    assert "sigmoid" in app.state.message.text and "tanh" in app.state.message.text


def test_autosave_and_restore(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    a = App(realtime=False, restore=True)
    assert a.state.modal is None                                         # nothing to restore yet
    key(pygame.K_TAB)
    key(pygame.K_DELETE)
    frames(a, 70)                                                  # autosave runs about once a second
    assert (tmp_path / "state" / "session.json").exists()
    pygame.quit()
    b = App(realtime=False, restore=True)
    assert isinstance(b.state.modal, Prompt)
    key(pygame.K_RETURN)
    frames(b)
    assert b.state.editor.n_rows == 11
    pygame.quit()


def test_open_a_file_typed_by_path(app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ nope")
    key(pygame.K_o)
    frames(app)
    type_text(str(bad).replace("/", ""))                           # an unreadable path first
    key(pygame.K_RETURN)
    frames(app)
    assert app.state.modal is None and "no such file" in app.state.message.text
    files.open_file(app, bad)
    assert "not valid JSON" in app.state.message.text


def test_export_key_writes_the_sketch(app, tmp_path):
    app.state.export_dir = tmp_path / "fw"
    key(pygame.K_e)
    frames(app)
    assert list((tmp_path / "fw").glob("*/*.ino")) and "written to" in app.state.message.text


def test_the_layout_follows_a_resized_window(app):
    pygame.display.set_mode((960, 600), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(960, 600), w=960, h=600))
    frames(app, 2)
    assert app.layout.panel.right == 960 and app.layout.hint.bottom == 600
    assert app.camera.viewport.right == app.layout.panel.left


def test_save_and_open_by_keyboard(app, tmp_path):
    brain_file, table_file = tmp_path / "b.json", tmp_path / "t.csv"
    key(pygame.K_s)
    frames(app)
    for _ in range(20):
        key(pygame.K_BACKSPACE)
    type_text(str(brain_file))
    key(pygame.K_RETURN)
    frames(app)
    assert brain_file.exists() and "saved the brain" in app.state.message.text
    key(pygame.K_s)
    key(pygame.K_TAB, mod=pygame.KMOD_CTRL)                        # brain -> table
    frames(app)
    for _ in range(20):
        key(pygame.K_BACKSPACE)
    type_text(str(table_file))
    key(pygame.K_RETURN)
    frames(app)
    assert table_file.read_text() == app.state.editor.table.to_csv()
    key(pygame.K_o)
    type_text(str(brain_file))
    key(pygame.K_RETURN)
    frames(app)
    assert "opened brain b.json" in app.state.message.text


def test_the_readme_key_table_is_the_key_table():
    assert keymap.markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_hint_bar_and_help_are_read_from_the_key_table(app):
    for b in keymap.BINDINGS:
        assert callable(b.run), b
        if b.hint:
            line = keymap.hint_line("teach" if b.context == "teach" else
                                    b.context if b.context != "global" else "world")
            assert f"{keymap.short_keys(b.keys)} {b.hint}" in line
    helped = [what for _, rows in keymap.help_rows() for _, what in rows]
    assert helped == [b.help for b in keymap.BINDINGS]


def test_a_corrupt_autosave_is_kept_aside_with_a_message(tmp_path, monkeypatch):
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(state))
    (state / "session.json").write_text('{"format": "neurocar-session", "vers')
    a = App(realtime=False, restore=True)
    assert a.state.modal is None and "cannot be read" in a.state.message.text and "kept as" in a.state.message.text
    kept = state / "session.unusable-1.json"
    assert kept.read_text().endswith('"vers')                      # the user's bytes, untouched
    pygame.quit()


def test_a_session_of_an_older_table_shape_is_refused_without_losing_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    a = App(realtime=False, restore=False)
    a.state.edited_session = True
    data = a.session.contents(a)
    pygame.quit()
    data.update(table_csv="distance,position,turn\n0,0,1\n", hyper={"hidden": "0,abc", "epochs": 10})
    a.session.autosave.save(data)
    b = App(realtime=False, restore=True)
    key(pygame.K_RETURN)
    frames(b)
    assert "cannot be used" in b.state.message.text and "kept as" in b.state.message.text
    assert b.state.editor.n_rows == 12                                   # the shipped table, not a half-restored one
    assert (tmp_path / "state" / "session.unusable-1.json").exists()
    pygame.quit()


def test_restored_settings_are_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    a = App(realtime=False, restore=False)
    a.state.edited_session = True
    data = a.session.contents(a)
    pygame.quit()
    data["hyper"] = {"hidden": "0,abc", "epochs": 10, "optimizer": "nope"}
    a.session.autosave.save(data)
    b = App(realtime=False, restore=True)
    key(pygame.K_RETURN)
    frames(b)
    assert b.state.hyper.values["epochs"] == 10 and b.state.hyper.values["hidden"] == "3"
    assert "hidden layers" in b.state.message.text and "optimizer" in b.state.message.text
    retrain(b)
    assert b.state.training.job is not None
    pygame.quit()


def test_undo_after_an_unchanged_cell_undoes_the_right_edit(app):
    key(pygame.K_TAB)
    frames(app)
    before = app.state.editor.table.to_csv()
    edit_cell(app, "0.25")                                         # row 1, distance: a real change
    app.state.editor.select(0, len(app.state.editor.columns) - 1)
    edit_cell(app, app.state.editor.cell_text(0, len(app.state.editor.columns) - 1))   # the same label again
    key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.state.editor.table.to_csv() == before


def test_obstacles_picked_and_moved_by_keyboard_only(app):
    key(pygame.K_PAGEDOWN)
    frames(app)
    assert app.world_edit.selected == 0
    before = app.state.sim.world.obstacles[0]
    key(pygame.K_UP)
    frames(app)
    assert app.state.sim.world.obstacles[0] != before
    key(pygame.K_PAGEUP)
    frames(app)
    assert app.world_edit.selected == len(app.state.sim.world.obstacles) - 1


def test_long_tables_scroll_by_keys_and_wheel(app):
    table = app.state.editor.table
    app.state.editor.replace(table.with_rows(np.tile(table.inputs, (7, 1)), np.tile(table.targets, (7, 1)),
                                       list(table.labels) * 7))
    key(pygame.K_TAB)
    for _ in range(9):
        key(pygame.K_PAGEDOWN)
    frames(app)
    assert app.state.editor.row == 83
    shown = {r for r, _ in app.table_view.cell_rects}
    assert 83 in shown and 0 not in shown
    assert all(app.layout.table.contains(rect) for rect in app.table_view.cell_rects.values())
    pygame.mouse.set_pos(app.layout.table.center)
    app.mouse(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, pos=app.layout.table.center))
    assert app.state.editor.row == 77


def test_a_brain_whose_table_is_missing_opens_with_its_decisions(tmp_path, monkeypatch):
    from simulator.gui import tablefor
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(tablefor, "assets_dir", lambda: tmp_path)          # no shipped tables at all
    a = App(realtime=False, restore=False)
    frames(a, 3)
    t = a.state.editor.table
    assert t.output_names == a.state.sim.brain.output_names and len(t) == 25 and "not found" in a.state.message.text
    assert a.rows_right(a.state.editor, a.state.sim.brain).all()              # the table is what the brain does
    assert set(t.labels) <= {"forward", "backward", "turn left", "turn right", ""}
    pygame.quit()


def test_an_evolved_brain_opens_the_table_evolve_wrote_for_it(tmp_path, monkeypatch):
    from simulator.gui import tablefor
    brain = load_brain(ROOT / "assets" / "brains" / "evolved_2in.json")
    for name in ("a_first.csv", "mine.csv"):          # both have its columns; the first sorts first
        (tmp_path / "tables").mkdir(exist_ok=True)
        (tmp_path / "tables" / name).write_text((ROOT / "assets" / "tables" / "improved.csv").read_text())
    monkeypatch.setattr(tablefor, "assets_dir", lambda: tmp_path)
    brain.provenance["evolution"]["table_out"] = "mine.csv"
    table, shipped = tablefor.table_for(brain)
    assert shipped and table.name == "mine.csv"
    del brain.provenance["evolution"]["table_out"]
    assert tablefor.table_for(brain)[0].name == "a_first.csv"


def test_the_hyperparameters_start_from_an_evolved_brains_own_shape():
    from simulator.gui.hyper import HyperParams
    evolved = HyperParams.for_brain(load_brain(ROOT / "assets" / "brains" / "evolved.json"))   # no training settings
    assert (evolved.values["hidden"], evolved.values["activation"], evolved.values["output"]) == ("8", "tanh", "same")
    assert evolved.config().hidden == [8] and evolved.values["bound"] == "fixed-point"   # what evolve searched within
    trained = HyperParams.for_brain(load_brain(ROOT / "assets" / "brains" / "sweep_backup_ahead.json"))
    assert (trained.values["hidden"], trained.values["epochs"]) == ("8", 6000)          # its own settings
    assert trained.values["bound"] == "fixed-point" and trained.config().fixed_point_bounds


def test_a_retrain_keeps_the_weight_bound_the_panel_shows(app):
    from brain.fixedpoint import twin_limits
    from simulator.gui.hyper import FIELDS
    from simulator.gui.retrain import RetrainJob
    hyper = app.state.hyper
    hyper.index = [f.key for f in FIELDS].index("bound")
    assert hyper.values["bound"] == "none" and "fixed-point" in hyper.set_text("fixed point")   # refused, says what is
    hyper.adjust(+1)
    assert hyper.values["bound"] == "fixed-point"
    hyper.values.update(hidden="4", lr=0.5, epochs=300)                  # a steep rate pushes weights to the bound
    job = RetrainJob(app.state.editor.table, hyper.config())
    _train_to_the_end(job)
    limits = twin_limits(job.result().network)
    assert all(np.abs(layer.weights).max() <= limit for layer, limit in zip(job.result().network.layers, limits))
    assert job.result().provenance["hyperparameters"]["fixed_point_bounds"]
    assert hyper.set_text("1.5") is None and hyper.config().max_weight == 1.5 and not hyper.config().fixed_point_bounds


@pytest.mark.parametrize("brain, robot", [("seed_motors.json", None), ("default.json", "two_wheel.toml")])
def test_motor_pin_brains_and_the_two_wheel_robot_work_in_every_panel(tmp_path, monkeypatch, brain, robot):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    a = App(realtime=False, restore=False, brain_path=ROOT / "assets" / "brains" / brain,
            robot_path=ROOT / "assets" / "robots" / robot if robot else None)
    n = a.state.editor.n_rows
    assert a.state.editor.table.output_names == a.state.sim.brain.output_names
    key(pygame.K_t)
    key(pygame.K_LEFT)
    frames(a, 20)
    key(pygame.K_LEFT, up=True)
    recorded = len(a.state.teaching.recorder)
    assert recorded >= 8
    key(pygame.K_t)
    frames(a)
    key(pygame.K_d)                                                # de-duplicated
    frames(a)
    assert n < a.state.editor.n_rows <= n + recorded and a.state.training.job is not None
    _train_to_the_end(a.state.training.job)
    frames(a, 2)
    assert a.state.training.job is None and a.state.sim.brain.output_names == a.state.editor.table.output_names
    for k in (pygame.K_TAB, pygame.K_TAB, pygame.K_h):             # table, settings, help: all drawn
        key(k)
        frames(a)
    pygame.quit()


def _train_to_the_end(job):
    """What the window's frames do a few milliseconds at a time, all at once."""
    job.prepare()
    while not job.done:
        job.trainer.run()


@pytest.mark.parametrize("hidden", ["5", "8,8", "16,16,16,16", "64"])
def test_the_network_view_draws_any_shape_inside_its_card(app, hidden):
    from simulator.gui.retrain import RetrainJob
    app.state.hyper.values.update(hidden=hidden, epochs=5)
    job = RetrainJob(app.state.editor.table, app.state.hyper.config())
    _train_to_the_end(job)
    app.state.sim.brain = job.result()
    frames(app)
    view = app.net_view
    assert [len(layer) for layer in view._nodes] == [2, *map(int, hidden.split(",")), 2]
    assert all(app.layout.net.collidepoint(p) for layer in view._nodes for p in layer)
    for layer, r in zip(view._nodes, view.radii):                  # neighbours never overlap
        ys = [p[1] for p in layer]
        assert r >= 2 and all(b - a >= min(2 * r, b - a + 1) - 1 for a, b in zip(ys, ys[1:]))


def test_opening_a_brain_of_other_outputs_brings_its_table_and_undo_returns(app):
    before = app.state.editor.table.to_csv()
    files.open_file(app, ROOT / "assets" / "brains" / "seed_motors.json")
    assert app.state.editor.table.output_names == ["IN1", "IN2", "IN3", "IN4"]
    assert "drives with it now" in app.state.message.text
    key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.state.editor.table.to_csv() == before


def test_teach_mode_with_a_table_of_other_outputs_records_nothing_and_never_crashes(app):
    files.open_file(app, ROOT / "assets" / "tables" / "seed_motors.csv")
    key(pygame.K_t)
    key(pygame.K_UP)
    frames(app, 10)
    assert len(app.state.teaching.recorder) == 0 and "records nothing" in app.state.message.text
    key(pygame.K_t)
    frames(app)
    assert app.state.teaching is None and app.state.modal is None


def test_an_edit_that_would_make_a_degenerate_wall_is_refused(app):
    from simulator.world import Wall
    app.world_edit.add(Wall(100.0, 100.0, 160.0, 100.0, 4.0))
    index = len(app.state.sim.world.obstacles) - 1
    count = len(app.state.sim.world.obstacles)
    app.world_edit.replace_selected(Wall(100.0, 100.0, 100.0, 100.0, 4.0))     # both ends dragged together
    frames(app)
    assert len(app.state.sim.world.obstacles) == count
    assert app.state.sim.world.obstacles[index] == Wall(100.0, 100.0, 160.0, 100.0, 4.0)
    assert "the edit was not made" in app.state.message.text


def test_a_new_random_world_is_undone_and_redone(app):
    living_room = app.state.sim.world
    key(pygame.K_a)                                                # an edit of the world first
    frames(app)
    edited = list(living_room.obstacles)
    key(pygame.K_g)
    frames(app)
    assert app.state.sim.world is not living_room and app.world_edit.seed == 0
    random_obstacles = list(app.state.sim.world.obstacles)
    key(pygame.K_z, mod=pygame.KMOD_CTRL)                          # the edited world is back, edit and all
    frames(app)
    assert app.state.sim.world is living_room and living_room.obstacles == edited and app.world_edit.seed is None
    key(pygame.K_z, mod=pygame.KMOD_CTRL)                          # then the edit before it
    frames(app)
    assert len(living_room.obstacles) == len(edited) - 1
    key(pygame.K_y, mod=pygame.KMOD_CTRL)
    key(pygame.K_y, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.world_edit.seed == 0 and app.state.sim.world.obstacles == random_obstacles
    key(pygame.K_g)                                                # G still counts on from the world shown
    frames(app)
    assert app.world_edit.seed == 1


def start_refusal(app, obstacle) -> str:
    """What eval says of this world with the obstacle added."""
    from simulator.episode import EpisodeSpec, check_start
    from simulator.world import WorldError
    world = app.state.sim.world.copy()
    world.obstacles.append(obstacle)
    with pytest.raises(WorldError) as refused:
        check_start(EpisodeSpec(world), app.state.profile)
    return f"{refused.value}; the edit was not made"


def test_an_edit_covering_the_cars_start_is_refused_with_evals_message(app):
    from simulator.world import Box
    start = app.state.sim.world.start
    before = list(app.state.sim.world.obstacles)
    app.world_edit.add(Box(start.x_cm, start.y_cm, 30.0, 30.0))
    frames(app)
    assert app.state.sim.world.obstacles == before
    assert app.state.message.text == start_refusal(app, Box(start.x_cm, start.y_cm, 30.0, 30.0))
    app.camera.cx, app.camera.cy = start.x_cm, start.y_cm           # A puts its box on free floor, off the start
    key(pygame.K_a)
    frames(app)
    assert app.state.sim.world.obstacles[:-1] == before and "added a box" in app.state.message.text
    app.world_edit.add(Box(start.x_cm + 100, start.y_cm + 100, 30.0, 30.0))   # one clear of the start
    frames(app)
    box = app.state.sim.world.obstacles[-1]
    grab, drop = app.camera.to_screen(box.x_cm, box.y_cm), app.camera.to_screen(start.x_cm, start.y_cm)
    pygame.mouse.set_pos(grab)
    for event in (pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=grab),
                  pygame.event.Event(pygame.MOUSEMOTION, pos=drop, rel=(drop[0] - grab[0], drop[1] - grab[1]),
                                     buttons=(1, 0, 0)),
                  pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=drop)):
        pygame.event.post(event)
    frames(app)
    assert app.state.sim.world.obstacles[-1] == box                      # dragged over the start: not moved
    moved = box.moved(*app.camera.to_world(*drop))
    assert app.state.message.text == start_refusal(app, moved)


def test_the_windows_start_check_agrees_with_evals_on_obstacles_near_the_start(app):
    """The window hands check_start only the obstacles that could reach the car (fast on
    huge worlds); the verdict and message must be eval's, obstacle by obstacle."""
    import random
    from simulator.episode import EpisodeSpec, check_start
    from simulator.world import Box, Cylinder, Wall, WorldError
    from simulator.worldgen import random_world

    def verdict(check):
        try:
            check()
        except WorldError as e:
            return str(e)
        return None

    rng, refused = random.Random(1), 0
    for seed in range(120):
        world = random_world(seed).copy()
        x, y = world.start.x_cm + rng.uniform(-40, 40), world.start.y_cm + rng.uniform(-40, 40)
        world.obstacles.append(rng.choice([
            Box(x, y, rng.uniform(4, 40), rng.uniform(4, 40), rng.uniform(0, 90)), Cylinder(x, y, rng.uniform(2, 20)),
            Wall(x, y, x + rng.uniform(-50, 50), y + rng.uniform(-50, 50), 4.0)]))
        expected = verdict(lambda: check_start(EpisodeSpec(world), app.state.profile))
        assert verdict(lambda: check_world(app.state.profile, world)) == expected, seed
        refused += expected is not None
    assert 10 < refused < 110                                      # both verdicts were tried


def test_g_skips_random_worlds_this_car_cannot_start_in(app):
    from dataclasses import replace
    from simulator.episode import EpisodeSpec, check_start
    from simulator.world import WorldError
    from simulator.worldgen import random_world
    body = app.state.profile.body
    app.state.profile = replace(app.state.profile,
                                body=replace(body, length_cm=4 * body.length_cm, width_cm=4 * body.width_cm))

    def fits(seed):
        try:
            check_start(EpisodeSpec(random_world(seed)), app.state.profile)
        except WorldError:
            return False
        return True
    first = next(seed for seed in range(50) if fits(seed))
    assert first > 0                                               # seed 0 leaves the big car no room
    key(pygame.K_g)
    frames(app)
    assert app.world_edit.seed == first and f"seed {first}" in app.state.message.text


def test_world_undo_keeps_a_bounded_history_of_whole_worlds(app):
    from simulator.gui.worldedit import UNDO_LIMIT
    first = app.state.sim.world
    for _ in range(UNDO_LIMIT + 5):
        key(pygame.K_g)
    frames(app)
    assert len(app.world_edit._undo) == UNDO_LIMIT
    assert all(w is not first for w, _, _ in app.world_edit._undo)   # the oldest worlds were let go
