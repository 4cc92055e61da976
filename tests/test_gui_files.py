"""Opening and saving from the window: each Save lists only its own kind, asks before
replacing a file or writing among the shipped files, and a bad file gives one message."""
import json
import shutil
from pathlib import Path

import pygame
import pytest

from simulator.episode import EpisodeSpec, check_start
from simulator.gui import files
from simulator.gui.dialogs import FileDialog, Prompt
from simulator.world import WorldError, load_world
from tests.gui_helpers import clear_entry, frames, key, type_text

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A working folder holding one file of each kind and a JSON file of another program."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(ASSETS / "brains" / "default.json", folder / "my_brain.json")
    shutil.copy(ASSETS / "worlds" / "corridor.json", folder / "my_world.json")
    shutil.copy(ASSETS / "tables" / "improved.csv", folder / "my_table.csv")
    (folder / "package.json").write_text('{"name": "something else", "format": "npm"}')
    monkeypatch.chdir(folder)
    return folder


def save_dialog(app, tabs=0):
    key(pygame.K_s)
    for _ in range(tabs):                                          # brain -> table -> world
        key(pygame.K_TAB, mod=pygame.KMOD_CTRL)
    frames(app)
    assert isinstance(app.state.modal, FileDialog)
    return app.state.modal


def save_as(app, path, tabs=0):
    save_dialog(app, tabs)
    clear_entry()
    type_text(str(path))
    key(pygame.K_RETURN)
    frames(app)


def names(dialog):
    return {f.name for f in dialog.files}


def test_each_save_dialog_lists_only_files_of_its_kind(app, here):
    dialog = save_dialog(app)
    assert dialog.kind == "brain"
    assert {"my_brain.json", "default.json", "improved.json"} <= names(dialog)
    assert not names(dialog) & {"my_world.json", "living_room.json", "package.json", "my_table.csv"}
    key(pygame.K_TAB, mod=pygame.KMOD_CTRL)
    frames(app)
    assert dialog.kind == "table" and {"my_table.csv", "improved.csv"} <= names(dialog)
    assert all(name.endswith(".csv") for name in names(dialog))
    key(pygame.K_TAB, mod=pygame.KMOD_CTRL)
    frames(app)
    assert dialog.kind == "world"
    assert {"my_world.json", "living_room.json"} <= names(dialog)
    assert not names(dialog) & {"my_brain.json", "default.json", "package.json"}
    key(pygame.K_ESCAPE)
    key(pygame.K_o)                                                # open still lists every kind
    frames(app)
    assert {"my_brain.json", "my_world.json", "my_table.csv",
            "default.json", "living_room.json"} <= names(app.state.modal)


def test_saving_the_world_over_a_brain_asks_and_esc_writes_nothing(app, here):
    brain = here / "my_brain.json"
    before = brain.read_bytes()
    save_as(app, brain, tabs=2)
    assert isinstance(app.state.modal, Prompt) and app.state.modal.title == "Replace my_brain.json?"
    assert any("neurocar brain" in line for line in app.state.modal.lines)
    key(pygame.K_RETURN)                                           # Enter is no answer: the prompt stays
    frames(app)
    assert isinstance(app.state.modal, Prompt)
    key(pygame.K_ESCAPE)
    frames(app)
    assert app.state.modal is None and "not saved" in app.state.message.text
    assert brain.read_bytes() == before
    save_as(app, brain, tabs=2)
    key(pygame.K_n)                                                # N cancels too
    frames(app)
    assert brain.read_bytes() == before


def test_replacing_a_file_of_the_same_kind_takes_an_explicit_yes(app, here):
    table = here / "my_table.csv"
    save_as(app, table, tabs=1)
    assert isinstance(app.state.modal, Prompt) and "already exists" in app.state.modal.lines[0]
    key(pygame.K_y)
    frames(app)
    assert app.state.modal is None and "saved the table" in app.state.message.text
    assert table.read_text() == app.state.editor.table.to_csv()


def test_a_new_file_is_saved_without_a_question(app, here):
    save_as(app, here / "new_world.json", tabs=2)
    assert app.state.modal is None and "saved the world" in app.state.message.text
    assert load_world(here / "new_world.json").to_dict()["obstacles"] == app.state.sim.world.to_dict()["obstacles"]


def test_saving_among_the_shipped_files_asks_first(app, tmp_path, monkeypatch):
    shipped = tmp_path / "assets"
    shutil.copytree(ASSETS, shipped, ignore=shutil.ignore_patterns("*.png"))
    monkeypatch.setattr(files, "assets_dir", lambda: shipped)
    new = shipped / "brains" / "mine.json"
    save_as(app, new)
    assert isinstance(app.state.modal, Prompt) and any("shipped" in line for line in app.state.modal.lines)
    key(pygame.K_ESCAPE)
    frames(app)
    assert not new.exists()
    save_as(app, new)
    key(pygame.K_y)
    frames(app)
    assert new.exists() and "saved the brain" in app.state.message.text


def test_deeply_nested_json_opened_from_the_window_gives_one_message(app, tmp_path):
    for name, text in (("nested.json", "[" * 100_000 + "]" * 100_000),
                       ("nested_object.json", '{"format": ' * 100_000 + "1" + "}" * 100_000)):
        path = tmp_path / name
        path.write_text(text)
        key(pygame.K_o)
        frames(app)
        type_text(str(path))
        key(pygame.K_RETURN)
        frames(app)
        assert app.state.running and app.state.modal is None
        assert str(path) in app.state.message.text and "nested too deeply" in app.state.message.text


def covered_start_world(tmp_path) -> Path:
    """The living room with a box on the car's start."""
    data = json.loads((ASSETS / "worlds" / "living_room.json").read_text())
    start = data["start"]
    data["obstacles"].append({"type": "box", "x_cm": start["x_cm"], "y_cm": start["y_cm"],
                              "width_cm": 30, "height_cm": 30})
    path = tmp_path / "covered.json"
    path.write_text(json.dumps(data))
    return path


def test_opening_a_world_whose_start_is_covered_keeps_the_current_world(app, tmp_path):
    path = covered_start_world(tmp_path)
    with pytest.raises(WorldError) as refused:                     # what eval says of it
        check_start(EpisodeSpec(load_world(path)), app.state.profile)
    world, obstacles = app.state.sim.world, list(app.state.sim.world.obstacles)
    key(pygame.K_o)
    type_text(str(path))
    key(pygame.K_RETURN)
    frames(app, 5)
    assert app.state.message.text == str(refused.value)
    assert app.state.sim.world is world and app.state.sim.world.obstacles == obstacles and app.state.sim.collisions == 0


def test_opening_a_world_is_undone_by_ctrl_z(app):
    world = app.state.sim.world
    files.open_file(app, ASSETS / "worlds" / "corridor.json")
    assert app.state.sim.world is not world and "opened world corridor.json" in app.state.message.text
    key(pygame.K_z, mod=pygame.KMOD_CTRL)
    frames(app)
    assert app.state.sim.world is world


def test_saving_over_a_pipe_asks_without_reading_it(app, here):
    import os
    os.mkfifo(here / "pipe.json")                                  # opening it to read would block
    save_as(app, here / "pipe.json", tabs=2)
    assert isinstance(app.state.modal, Prompt) and "does not recognise" in app.state.modal.lines[0]
    key(pygame.K_ESCAPE)
    frames(app)
    assert (here / "pipe.json").is_fifo()
