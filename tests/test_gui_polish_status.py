"""The window tells the truth and tells it whole: the first-run card, status lines about
the brain and table there are now, red outlines that go with their problem, wrapped
messages and their log, a learning rate per optimizer. Driven by real key events."""
import json
import shutil

import pygame
import pytest

from simulator.assets import asset
from simulator.gui import keymap
from simulator.gui.app import App
from simulator.gui.dialogs import Prompt
from tests.gui_helpers import clear_entry, edit_cell, frames, key, type_text

SIGMOID_ERROR = "only reaches 0..1"


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(folder))
    return folder


def first_window(welcome=True) -> App:
    pygame.quit()                                                  # one window at a time, as a user has
    return App(realtime=False, restore=True, welcome=welcome)


def drawn(app) -> list:
    """(text, rect) of every string the next frame draws."""
    app.text.drawn = []
    frames(app)
    shown, app.text.drawn = app.text.drawn, None
    return shown


def inside(app, rect, strings=None) -> list[str]:
    """The strings drawn inside ``rect``, after checking that none is cut with '…' and
    none crosses its edge."""
    found = []
    for s, r in strings if strings is not None else drawn(app):
        if rect.colliderect(r):
            assert rect.contains(r), (s, r, rect)
            assert "…" not in s, s
            found.append(s)
    return found


def toast(app, strings) -> list[str]:
    """The lines of the message box: centred low in the world view."""
    v = app.layout.world
    return [s for s, r in strings if v.contains(r) and r.y > v.centery and abs(r.centerx - v.centerx) <= 1]


def wait_training(app, most=900):
    for _ in range(most):
        if app.state.training.job is None:
            return
        frames(app)
    raise AssertionError("retraining did not end")


def open_by_keys(app, path):
    key(pygame.K_o)
    frames(app)
    clear_entry()
    type_text(str(path))
    key(pygame.K_RETURN)
    frames(app)


def hyper_focus(app, field: str):
    key(pygame.K_TAB)
    key(pygame.K_TAB)
    frames(app)
    while app.state.hyper.field.key != field:
        key(pygame.K_DOWN)
        frames(app)


# -- the first-run card -------------------------------------------------------------------
def test_the_first_window_shows_a_card_once_and_it_fits(state):
    app = first_window()
    card = app.state.modal
    assert isinstance(card, Prompt) and card.title.startswith("Welcome")
    text = " ".join(card.lines)
    assert "turns late" in text and "improved.json" in text and "teach" in text and "R retrains" in text
    assert app.state.editor.table.name == "seed_turn_direction.csv"          # the tutorial's table stays first
    shown = [s for s, _ in drawn(app)]
    assert all(line in shown for line in card.lines if line)              # every line whole on screen
    assert not any("…" in s for s in shown if s in card.lines or "Esc: close" in s)
    key(pygame.K_ESCAPE)
    frames(app)
    assert app.state.modal is None
    assert json.loads((state / "window.json").read_text())["first_run_card"] is True
    assert first_window().state.modal is None                             # not shown again
    pygame.quit()


def test_the_cards_keys_open_the_improved_brain_the_table_or_teach_mode(state):
    app = first_window()
    key(pygame.K_o)
    frames(app)
    s = app.state
    assert s.modal is None and s.brain_name == "improved.json" and s.editor.table.name == "improved.csv"
    assert s.editor.row == 0 and app.table_view.scroll == 0 and (0, 0) in app.table_view.cell_rects
    shutil.rmtree(state)                                                  # as if it were the first window again
    app = first_window()
    key(pygame.K_t)
    frames(app)
    assert app.state.modal is None and app.state.teaching is not None
    shutil.rmtree(state)
    app = first_window()
    key(pygame.K_TAB)
    frames(app)
    assert app.state.modal is None and app.state.focus == "table"
    pygame.quit()


def test_no_card_over_another_brain_or_for_screenshots(state):
    pygame.quit()
    app = App(realtime=False, restore=True, welcome=True, brain_path=asset("brains", "improved.json"))
    assert app.state.modal is None
    assert first_window(welcome=False).state.modal is None
    assert not (state / "window.json").exists()
    pygame.quit()


# -- status lines about what there is now -------------------------------------------------
def test_after_retraining_then_opening_a_brain_the_status_is_about_that_brain(app):
    key(pygame.K_r)
    frames(app)
    wait_training(app)
    cost = app.layout.cost
    assert "drives with it" in " ".join(inside(app, cost))
    open_by_keys(app, asset("brains", "improved.json"))
    assert app.state.brain_name == "improved.json"
    said = " ".join(inside(app, cost))
    assert "drives with it" not in said and "finished" not in said
    assert "improved.json gets" in said and "seed_turn_direction.csv" in said
    assert "press R to retrain" in said                                  # the old run's curve is gone


def test_opening_a_table_shows_it_from_row_one(app):
    open_by_keys(app, asset("tables", "evolved_2in.csv"))
    key(pygame.K_TAB)
    for _ in range(8):
        key(pygame.K_PAGEDOWN)
    frames(app)
    assert app.table_view.scroll > 40
    open_by_keys(app, asset("tables", "seed_motors.csv"))
    frames(app)
    assert app.state.editor.row == 0 and app.table_view.scroll == 0
    assert (0, 0) in app.table_view.cell_rects


def test_a_refused_cells_outline_goes_when_the_focus_leaves(app):
    key(pygame.K_TAB)
    frames(app)
    edit_cell(app, "7")
    assert app.state.editor.flag is not None
    key(pygame.K_TAB)
    frames(app)
    assert app.state.editor.flag is None


def test_a_refused_setting_goes_red_and_back_when_the_edit_is_cancelled(app):
    hyper_focus(app, "epochs")
    key(pygame.K_RETURN)
    clear_entry(10)
    type_text("lots")
    key(pygame.K_RETURN)
    frames(app)
    assert app.state.hyper.flag is not None
    key(pygame.K_RETURN)
    key(pygame.K_ESCAPE)
    frames(app)
    assert app.state.hyper.flag is None


def test_the_sigmoid_refusal_is_shown_whole_and_goes_once_fixed(app):
    hyper_focus(app, "output")
    while app.state.hyper.values["output"] != "sigmoid":
        key(pygame.K_RIGHT)
        frames(app)
    key(pygame.K_r)
    strings = drawn(app)
    message = app.state.message.text
    assert SIGMOID_ERROR in message
    assert " ".join(toast(app, strings)) == message                                              # wrapped, never cut
    inside(app, app.layout.world, strings)
    status = " ".join(inside(app, app.layout.cost, strings))
    assert SIGMOID_ERROR in status and app.state.training.status in status     # the whole refusal
    key(pygame.K_LEFT)                                                    # back to what the table can learn
    status = " ".join(inside(app, app.layout.cost))
    assert SIGMOID_ERROR not in status and "default.json gets all 12 rows" in status


# -- messages whole: the hyperparameter help, the hint bar, the log ------------------------
def test_every_settings_help_and_every_hint_bar_fits_at_1280(app):
    assert app.screen.get_size() == (1280, 720)
    for context in ("world", "table"):
        assert inside(app, app.layout.hint)[1:]                           # whole hints, none cut
        assert app.state.focus == context
        key(pygame.K_TAB)
    seen = set()
    for _ in range(7):
        strings = drawn(app)
        help_text = app.state.hyper.field.help
        lines = inside(app, app.layout.hyper, strings)
        assert help_text.split()[-1] in lines[-1] and " ".join(lines).endswith(help_text)
        inside(app, app.layout.hint, strings)
        seen.add(app.state.hyper.field.key)
        key(pygame.K_DOWN)
    assert len(seen) == 7
    key(pygame.K_RETURN)                                                  # typing: the entry's hint
    assert any("Enter accepts" in s for s in inside(app, app.layout.hint))
    key(pygame.K_ESCAPE)
    key(pygame.K_t)                                                       # teach mode's hint
    assert any("hold to drive" in s for s in inside(app, app.layout.hint))


def test_the_message_log_shows_the_last_messages_in_full(app):
    long = "x" * 10 + " and a message long enough to need more than four lines in the toast " * 10
    app.state.error(long)
    lines = toast(app, drawn(app))
    assert len(lines) == 4 and lines[-1].endswith("L shows all")
    key(pygame.K_SPACE)                                                   # another message after it
    key(pygame.K_l)
    strings = drawn(app)
    assert app.state.log_shown
    screen = app.screen.get_rect()
    logged = [s for s, r in strings if screen.contains(r)]
    assert " ".join(logged).count(long.split()[-1]) >= 6 and "paused: N steps one control tick" in logged
    assert not any("…" in s for s in logged)
    key(pygame.K_ESCAPE)
    frames(app)
    assert not app.state.log_shown
    assert ("L", "show or hide the last messages in full") in \
        [row for _, rows in keymap.help_rows() for row in rows]


# -- a learning rate per optimizer ---------------------------------------------------------
def test_each_optimizer_keeps_its_learning_rate_and_the_panel_says_so(app):
    hyper = app.state.hyper
    hyper_focus(app, "optimizer")
    key(pygame.K_RIGHT)                                                   # adam -> gd: gd's default
    frames(app)
    assert hyper.values["optimizer"] == "gd" and hyper.values["lr"] == 0.5
    said = " ".join(inside(app, app.layout.hyper))
    assert "0.05 → 0.5" in said and "gd's default" in said
    key(pygame.K_DOWN)
    key(pygame.K_LEFT)                                                    # gd at 0.3
    frames(app)
    assert hyper.values["lr"] == 0.3 and hyper.note == ""
    key(pygame.K_UP)
    key(pygame.K_LEFT)                                                    # back to adam: its 0.05
    frames(app)
    assert hyper.values["lr"] == 0.05 and "adam's last" in " ".join(inside(app, app.layout.hyper))
    key(pygame.K_RIGHT)                                                   # gd again: the 0.3 set for it
    frames(app)
    assert hyper.values["lr"] == 0.3 and "gd's last" in hyper.note
    assert hyper.to_dict()["rates"] == {"adam": 0.05, "gd": 0.3}


# -- wording ------------------------------------------------------------------------------
def test_teach_modes_prompt_says_what_each_key_adds(app):
    key(pygame.K_t)
    key(pygame.K_UP)
    frames(app, 30)
    key(pygame.K_UP, up=True)
    key(pygame.K_t)
    frames(app)
    prompt = app.state.modal
    labels = [c.label for c in prompt.choices]
    assert not any("merged" in x or "de-duplicated" in x for x in labels + prompt.lines)
    assert labels[0].startswith("M: add all") and "new situations" in labels[1]


def test_the_restore_offer_counts_table_rows_not_lines(state):
    app = first_window(welcome=False)
    key(pygame.K_TAB)
    key(pygame.K_DELETE)
    frames(app, 2)
    app.session.save(app)
    data = json.loads((state / "session.json").read_text())
    assert data["table_csv"].count("\n") > 11                             # comment lines and a header
    offered = first_window(welcome=False)
    assert "a table of 11 rows" in " ".join(offered.state.modal.lines)
    pygame.quit()
