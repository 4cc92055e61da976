"""The window's layout at any size: the minimum enforced while resizing, panels that
never overlap, text that stays inside its panel, and a big window drawn larger.

Each size runs in English, in Spanish, and with every English string made longer by a
factor (``STRETCH``), as a still longer language's would be."""
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import warnings

import pygame
import pytest

from brain import i18n
from simulator.gui import theme as th
from simulator.gui.app import App
from simulator.gui.launch import MIN_SIZE
from tests.gui_helpers import frames, key

SIZES = [(960, 600), (1280, 720), (1920, 1080), (2560, 1440)]
STRETCH = 1.4                      # Spanish runs about a third longer than English
LANGUAGES = {"en": ("en", 1.0), "es": ("es", 1.0), "long": ("en", STRETCH)}     # (catalog, stretch)
PANELS = ("world", "hint", "table", "net", "hyper", "cost")
MESSAGE = "retrained in 412 ms: 68/69 rows right; the car now uses the new weights"     # over the world, by design


@pytest.fixture
def window(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    deep = tmp_path.joinpath(*["a-working-folder-with-a-long-name"] * 6)     # any machine's path fits
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    made = []

    monkeypatch.setenv("LANGUAGE", os.environ.get("LANGUAGE", ""))      # set_language sets it
    before = i18n.language()

    def open_at(size, stretch=1.0, language="en"):
        i18n.set_language(language)
        app = App(realtime=False, restore=False, size=size)
        app.text.stretch = stretch
        made.append(app)
        return app
    yield open_at
    for app in made:
        app.close()
    pygame.quit()
    i18n.set_language(before)


def display_window():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pygame.Window.from_display_module()


def drawn_text(app, focus_presses=4):
    """The texts drawn in each of a few frames, with each focus in turn (Tab moves it)
    and a message up."""
    app.state.say(MESSAGE)
    shown = []
    for _ in range(focus_presses + 1):
        app.text.drawn = []
        frames(app)
        shown.append(app.text.drawn)
        key(pygame.K_TAB)
    app.text.drawn = None
    return shown


def check_layout(app, size):
    box = app.layout
    rects = {name: getattr(box, name) for name in PANELS}
    screen = pygame.Rect((0, 0), size)
    for name, r in rects.items():
        assert r.w > 0 and r.h > 0 and screen.contains(r), (name, r)
    for a in PANELS:
        for b in PANELS:
            assert a == b or not rects[a].colliderect(rects[b]), f"{a} {rects[a]} overlaps {b} {rects[b]}"
    for name in ("table", "net", "hyper", "cost"):
        assert box.panel.contains(rects[name]), name
    return rects


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_panel_overlaps_and_no_text_leaves_its_panel(window, size, lang):
    language, stretch = LANGUAGES[lang]
    app = window(size, stretch, language)
    assert app.screen.get_size() == size
    rects = check_layout(app, size)
    shown = drawn_text(app)
    assert all(len(drawn) > 40 for drawn in shown)
    for drawn in shown:
        for text, r in drawn:
            assert any(p.contains(r) for p in rects.values()), f"{text!r} at {r} is in no panel of {rects}"
        for name in PANELS:
            inside = [(t, r) for t, r in drawn if rects[name].contains(r) and not t.startswith(MESSAGE[:20])]
            for i, (a, ra) in enumerate(inside):
                for b, rb in inside[i + 1:]:
                    assert not ra.colliderect(rb), f"in the {name} panel {a!r} at {ra} overlaps {b!r} at {rb}"


def test_a_big_window_draws_the_layout_larger(window):
    small = window((1280, 720))
    row, font, panel_w = th.ROW_H, small.text.height(th.FONT), small.layout.panel.w
    big = window((2560, 1440))
    assert th.ROW_H == 2 * row and big.text.height(th.FONT) >= 1.9 * font
    assert big.layout.panel.w >= 1.9 * panel_w
    assert window((1920, 1080)).text.scale == 1.5


def test_the_window_cannot_be_made_smaller_than_the_minimum(window):
    app = window((1280, 720))
    win = display_window()
    assert tuple(win.minimum_size) == MIN_SIZE
    win.size = (600, 380)                          # as dragging its corner would ask
    frames(app, 2)
    assert app.screen.get_size() == MIN_SIZE
    check_layout(app, MIN_SIZE)
    assert app.camera.viewport == app.layout.world
