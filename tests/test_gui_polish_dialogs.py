"""The Open and Save dialogs and where files go, driven by real keys and clicks in a
window started in a temporary working folder."""
import shutil
from pathlib import Path

import pygame
import pytest

from simulator.gui.app import App
from simulator.gui.dialogs import DOUBLE_CLICK_MS, FileDialog, Prompt
from tests.gui_helpers import frames, key, type_text

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A window started in a working folder holding a few files and a subfolder."""
    folder = tmp_path / "work"
    (folder / "maps" / "deep").mkdir(parents=True)
    shutil.copy(ASSETS / "brains" / "improved.json", folder / "zebra_brain.json")
    shutil.copy(ASSETS / "tables" / "improved.csv", folder / "alpha_table.csv")
    shutil.copy(ASSETS / "worlds" / "corridor.json", folder / "maps" / "hall.json")
    (folder / "package.json").write_text('{"format": "npm"}')
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    window = App(realtime=False, restore=False)
    yield window, folder
    pygame.quit()


def open_dialog(app, letter=pygame.K_o) -> FileDialog:
    key(letter)
    frames(app)
    assert isinstance(app.state.modal, FileDialog)
    return app.state.modal


def shown(dialog):
    return [(r.name, r.kind) for r in dialog.rows]


def click(pos):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))


def test_open_lists_the_folder_then_the_usual_files_each_with_its_kind_in_a_stable_order(work):
    app, folder = work
    dialog = open_dialog(app)
    rows = shown(dialog)
    assert rows[:4] == [("..", "up"), ("maps", "folder"), ("alpha_table.csv", "table"), ("zebra_brain.json", "brain")]
    assert ("package.json", None) not in rows and all(kind for _, kind in rows)
    assert {("improved.json", "brain"), ("improved.csv", "table"), ("living_room.json", "world")} <= set(rows)
    key(pygame.K_ESCAPE)
    assert shown(open_dialog(app)) == rows                          # the same order every time


def test_typing_filters_tab_completes_and_enter_opens_the_only_match(work):
    app, folder = work
    dialog = open_dialog(app)
    type_text("corr")
    frames(app)
    assert shown(dialog) == [("corridor.json", "world")]
    key(pygame.K_RETURN)                                           # a partial name: the only match opens
    frames(app)
    assert app.state.modal is None and "opened world corridor.json" in app.state.message.text
    dialog = open_dialog(app)
    type_text("impro")
    key(pygame.K_TAB)
    frames(app)
    assert dialog.entry.text == "improved." and len(dialog.rows) == 2
    key(pygame.K_RETURN)                                           # two match: it says so and stays
    frames(app)
    assert app.state.modal is dialog and "2 names" in dialog.error
    type_text("j")
    key(pygame.K_TAB)
    frames(app)
    assert dialog.entry.text == "improved.json"
    key(pygame.K_RETURN)
    frames(app)
    assert app.state.modal is None and app.state.brain_name == "improved.json"


def test_folders_are_navigated_by_keys_and_paths(work):
    app, folder = work
    dialog = open_dialog(app)
    type_text("ma")
    key(pygame.K_TAB)                                              # the folder completes with its slash
    frames(app)
    assert dialog.entry.text == "maps/" and shown(dialog)[:2] == [("..", "up"), ("deep", "folder")]
    assert ("hall.json", "world") in shown(dialog)
    type_text("h")
    key(pygame.K_RETURN)
    frames(app)
    assert "opened world hall.json" in app.state.message.text
    dialog = open_dialog(app)
    key(pygame.K_DOWN)
    key(pygame.K_DOWN)                                             # .. then maps
    key(pygame.K_RETURN)
    frames(app)
    assert dialog.folder == folder / "maps" and app.state.modal is dialog
    key(pygame.K_DOWN)
    key(pygame.K_RETURN)                                           # .. goes back up
    frames(app)
    assert dialog.folder == folder and ("zebra_brain.json", "brain") in shown(dialog)


def test_a_click_picks_and_a_double_click_opens(work):
    app, folder = work
    dialog = open_dialog(app)
    frames(app)
    rect = next(r for r, i in dialog.row_rects if dialog.rows[i].name == "zebra_brain.json")
    click(rect.center)
    frames(app)
    assert app.state.modal is dialog and dialog.rows[dialog.index].name == "zebra_brain.json"
    pygame.time.wait(DOUBLE_CLICK_MS + 50)                         # two slow clicks are not a double-click
    click(rect.center)
    frames(app)
    assert app.state.modal is dialog
    click(rect.center)                                             # this and the last: a double-click
    frames(app)
    assert app.state.modal is None and app.state.brain_name == "zebra_brain.json"
    dialog = open_dialog(app)
    frames(app)
    maps = next(r for r, i in dialog.row_rects if dialog.rows[i].name == "maps")
    click(maps.center)
    click(maps.center)
    frames(app)
    assert dialog.folder == folder / "maps"


def test_save_takes_the_typed_name_and_never_an_existing_file_silently(work):
    app, folder = work
    before = (folder / "zebra_brain.json").read_bytes()
    dialog = open_dialog(app, pygame.K_s)
    assert dialog.kind == "brain" and dialog.entry.text == "my_brain.json" and dialog.entry.selected
    type_text("zeb")                                               # replaces the suggested name
    frames(app)
    assert shown(dialog) == [("zebra_brain.json", "brain")]
    key(pygame.K_RETURN)                                           # saves zeb.json, not the file it matches
    frames(app)
    assert (folder / "zeb.json").is_file() and (folder / "zebra_brain.json").read_bytes() == before
    assert f"saved the brain to {folder / 'zeb.json'}" in app.state.message.text    # the full path
    dialog = open_dialog(app, pygame.K_s)
    type_text("zebr")
    key(pygame.K_TAB)
    key(pygame.K_RETURN)                                           # completed to an existing file: it asks
    frames(app)
    assert isinstance(app.state.modal, Prompt) and app.state.modal.title == "Replace zebra_brain.json?"
    key(pygame.K_ESCAPE)
    frames(app)
    assert (folder / "zebra_brain.json").read_bytes() == before


def test_save_switches_kind_with_ctrl_tab_or_a_click_and_saves_into_a_folder(work):
    app, folder = work
    dialog = open_dialog(app, pygame.K_s)
    key(pygame.K_TAB, mod=pygame.KMOD_CTRL)
    frames(app)
    assert dialog.kind == "table" and dialog.entry.text == "my_table.csv"
    assert [n for n, k in shown(dialog) if k in ("brain", "world")] == []
    world_tab = next(r for r, kind in dialog.kind_rects if kind == "world")
    click(world_tab.center)
    frames(app)
    assert dialog.kind == "world" and dialog.entry.text == "my_world.json"
    type_text("maps/room")
    key(pygame.K_RETURN)
    frames(app)
    assert (folder / "maps" / "room.json").is_file() and "saved the world" in app.state.message.text


def test_export_writes_into_sketches_under_the_working_folder_and_keeps_the_path_up(work):
    app, folder = work
    frames(app)
    key(pygame.K_e)
    frames(app)
    ino = folder / "sketches" / "neurocar" / "neurocar.ino"
    assert ino.is_file()
    prompt = app.state.modal
    assert isinstance(prompt, Prompt) and any(str(ino.parent) in line for line in prompt.lines)
    frames(app, 60 * 20)                                           # 20 s later it is still there
    assert app.state.modal is prompt
    key(pygame.K_RETURN)
    frames(app)
    assert app.state.modal is None
    ino.write_text("// my own changes\n")
    key(pygame.K_e)                                                # a sketch that differs: asked first
    frames(app)
    assert isinstance(app.state.modal, Prompt) and app.state.modal.title.startswith("Replace the sketch")
    key(pygame.K_ESCAPE)
    frames(app)
    assert ino.read_text() == "// my own changes\n"
    key(pygame.K_e)
    key(pygame.K_y)
    frames(app)
    assert ino.read_text().startswith("/* Generated by neurocar") and "my own changes" not in ino.read_text()


def test_the_window_shows_the_working_folder(work):
    app, folder = work
    app.text.drawn = []
    frames(app)
    line = next(text for text, _ in app.text.drawn if text.startswith("working folder: "))
    assert str(folder).endswith(line.removeprefix("working folder: ").lstrip("…"))
    assert line.endswith("/work") and len(line) > 30
