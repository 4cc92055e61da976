"""The autosaved session: Esc on the restore prompt keeps it for later, only D discards
it, the session before stays as a backup the next start offers, and an unusable file
never ends a start."""
import json

import pygame
import pytest

from simulator.gui.app import App
from simulator.gui.dialogs import Prompt
from tests.gui_helpers import frames, key


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(folder))
    return folder


def start(restore=True) -> App:
    pygame.quit()                                                  # one window at a time, as a user has
    return App(realtime=False, restore=restore)


def delete_rows(app, n):
    """Delete n table rows by keys, and close the window as a user would (it autosaves)."""
    key(pygame.K_TAB)
    for _ in range(n):
        key(pygame.K_DELETE)
    frames(app, 2)
    app.session.save(app)
    return app.state.editor.n_rows


def answer(app, k):
    assert isinstance(app.state.modal, Prompt)
    key(k)
    frames(app)


def test_esc_means_not_now_and_keeps_the_session(state):
    rows = delete_rows(start(restore=False), 1)
    saved = (state / "session.json").read_bytes()
    b = start()
    assert isinstance(b.state.modal, Prompt) and any("D: discard" in c.label for c in b.state.modal.choices)
    answer(b, pygame.K_ESCAPE)
    assert b.state.modal is None and "kept" in b.state.message.text
    frames(b, 90)                                                  # no edits: nothing is autosaved over it
    b.session.save(b)
    assert (state / "session.json").read_bytes() == saved
    c = start()                                                    # offered again, and restored
    answer(c, pygame.K_RETURN)
    assert c.state.editor.n_rows == rows
    pygame.quit()


def test_only_d_discards_and_the_session_before_is_offered_next(state):
    first = delete_rows(start(restore=False), 1)                   # session 1
    b = start()
    answer(b, pygame.K_ESCAPE)                                     # not now, then other edits: session 2
    second = delete_rows(b, 3)
    assert (state / "session.previous.json").exists()              # session 1 kept as the backup
    c = start()
    assert f"a table of {second} rows" in " ".join(c.state.modal.lines)
    answer(c, pygame.K_d)
    assert not (state / "session.json").exists() and "discarded" in c.state.message.text
    assert "session.previous.json" in c.state.message.text
    pygame.quit()
    d = start()                                                    # the backup is offered now
    assert any("backup" in line for line in d.state.modal.lines)
    answer(d, pygame.K_RETURN)
    assert d.state.editor.n_rows == first and "restored" in d.state.message.text
    pygame.quit()


def test_delete_discards_the_backup_too(state):
    delete_rows(start(restore=False), 1)
    (state / "session.json").rename(state / "session.previous.json")
    b = start()
    answer(b, pygame.K_DELETE)
    assert not (state / "session.previous.json").exists()
    assert start().state.modal is None
    pygame.quit()


def test_an_unusable_session_is_kept_aside_and_the_backup_offered(state):
    rows = delete_rows(start(restore=False), 2)
    (state / "session.json").rename(state / "session.previous.json")
    (state / "session.json").write_text('{"format": "neurocar-session", "vers')
    b = start()
    assert isinstance(b.state.modal, Prompt) and "cannot be read" in b.state.message.text and \
        "kept as" in b.state.message.text
    assert (state / "session.unusable-1.json").read_text().endswith('"vers')
    answer(b, pygame.K_RETURN)
    assert b.state.editor.n_rows == rows
    pygame.quit()


def test_a_deeply_nested_autosave_gives_one_message(state):
    state.mkdir()
    (state / "session.json").write_text("[" * 100_000 + "]" * 100_000)
    a = start()
    assert a.state.modal is None and "nested too deeply" in a.state.message.text and "kept as" in a.state.message.text
    assert (state / "session.unusable-1.json").exists()
    frames(a)
    pygame.quit()


def test_a_session_whose_world_covers_the_start_restores_all_but_the_world(state):
    a = start(restore=False)
    rows = delete_rows(a, 1)
    data = json.loads((state / "session.json").read_text())
    start_pose = data["world"]["start"]
    data["world"]["obstacles"].append({"type": "box", "x_cm": start_pose["x_cm"], "y_cm": start_pose["y_cm"],
                                       "width_cm": 30, "height_cm": 30})
    (state / "session.json").write_text(json.dumps(data))
    b = start()
    world = b.state.sim.world
    answer(b, pygame.K_RETURN)
    assert b.state.editor.n_rows == rows                                 # the table is restored
    assert b.state.sim.world is world                                    # the world is not
    assert "not its world" in b.state.message.text and "overlaps an obstacle" in b.state.message.text
    pygame.quit()


def test_a_big_table_is_autosaved_over_several_frames_exactly(state, monkeypatch):
    """Its CSV text is made a few hundred rows a frame (not one long frame), then saved."""
    from simulator.gui import session as session_module
    from simulator.gui.tablemodel import TableEditor
    from tests.test_gui_polish_frames import big_table
    monkeypatch.setattr(session_module, "CSV_SLICE_S", 0.0)         # one part a frame, whatever the machine
    app = start(restore=False)
    table = big_table(rows=2000)
    app.state.editor = TableEditor(table)
    parts = -(-len(table) // session_module.CSV_ROWS) + 1          # the rows' parts and the header's
    app._loop(app.frame + 60 + parts - 1, None)                    # the window's frames (run() saves at its end)
    assert not (state / "session.json").exists()
    app._loop(app.frame + 1, None)
    saved = json.loads((state / "session.json").read_text(encoding="utf-8"))
    assert saved["table_csv"] == table.to_csv()
    pygame.quit()
