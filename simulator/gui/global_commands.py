"""Commands that act wherever the focus is: help, the message log, pause and step,
speeds, focus, the camera, undo and redo, quit. Each takes the window and the key event; the key table
(``keymap``) names them."""
import pygame

from simulator.gui.pacing import SPEEDS
from simulator.gui.panel_commands import clear_flags
from brain.i18n import _

FOCUSES = ("world", "table", "hyper")
ZOOM_STEP = 1.25
SPEED_KEYS = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3,
              pygame.K_KP1: 0, pygame.K_KP2: 1, pygame.K_KP3: 2, pygame.K_KP4: 3}


def toggle_help(app, event=None):
    app.state.help = not app.state.help
    app.state.log_shown = False


def toggle_log(app, event=None):
    app.state.log_shown = not app.state.log_shown
    app.state.help = False


def pause(app, event=None):
    app.pacing.paused = not app.pacing.paused
    app.state.say(_("paused: N steps one control tick") if app.pacing.paused else _("running"))


def step(app, event=None):
    if not app.pacing.paused:
        app.pacing.paused = True
        app.state.say(_("paused; N (or .) steps one control tick"))
    else:
        app.pacing.pending_steps += 1


def speed(app, event):
    i = SPEED_KEYS[event.key]
    app.pacing.set_speed(i)
    app.state.say(_("speed {value}").format(value=SPEEDS[i][0]))


def focus_next(app, event=None):
    set_focus(app.state, FOCUSES[(FOCUSES.index(app.state.focus) + 1) % len(FOCUSES)])


def focus_prev(app, event=None):
    set_focus(app.state, FOCUSES[(FOCUSES.index(app.state.focus) - 1) % len(FOCUSES)])


def set_focus(s, focus: str) -> None:
    """Move the focus; a refused value's outline goes with leaving its panel."""
    if focus != s.focus:
        clear_flags(s)
    s.focus = focus


def zoom_in(app, event=None):
    app.camera.zoom(ZOOM_STEP)


def zoom_out(app, event=None):
    app.camera.zoom(1 / ZOOM_STEP)


def fit_view(app, event=None):
    app.state.follow = False
    app.fit_world()


def follow(app, event=None):
    s = app.state
    s.follow = not s.follow
    s.say(_("camera follows the car") if s.follow else _("camera stays put"))


def reset_car(app, event=None):
    s = app.state
    s.sim.reset()
    s.trail.clear()
    s.collisions_seen = 0
    s.say(_("car back at the start, collisions cleared"))


def escape(app, event=None):
    s = app.state
    if s.help or s.log_shown:
        s.help = s.log_shown = False
    elif app.world_edit.selected is not None:
        app.world_edit.selected = None
    elif s.focus != "world":
        set_focus(s, "world")


def quit_window(app, event=None):
    app.state.running = False


# -- undo and redo, across the table and the world ----------------------------------------
def undo(app, event=None):
    _undo_redo(app, app.state.history, app.state.redo_history, "undo")


def redo(app, event=None):
    _undo_redo(app, app.state.redo_history, app.state.history, "redo")


def _undo_redo(app, source, dest, what):
    s = app.state
    if not source:
        s.say(_("nothing to {what}").format(what=what))
        return
    kind = source.pop()
    if kind == "table":
        ok = s.editor.undo() if what == "undo" else s.editor.redo()
    else:
        ok = app.world_edit.undo_redo(what)
    if ok:
        dest.append(kind)
        s.say(_("{what}: {kind} edit").format(what=what, kind=kind))
