"""Teach mode: drive by hand with the arrows; every control tick records the inputs the
brain reads (the sweep's memory included) and the chosen action; on leaving, the rows
join the table (every row, or one per new situation) and the brain is retrained. The commands take
the window and the key event; the frame loop calls ``before_tick`` and ``after_tick``
around each control tick in teach mode."""
import pygame

from simulator.gui import simlink, theme as th
from simulator.gui.dialogs import Choice, Prompt
from simulator.gui.state import Teaching
from simulator.gui.teach import TeachRecorder
from simulator.gui.training import retrain
from brain.i18n import N_, _

DRIVE_KEYS = {pygame.K_UP: "forward", pygame.K_DOWN: "backward", pygame.K_LEFT: "left", pygame.K_RIGHT: "right"}


def teach(app, event=None):
    """Enter teach mode, or leave it and offer to keep what was recorded."""
    s = app.state
    if s.teaching is not None:
        _leave(app)
        return
    s.teaching = Teaching(TeachRecorder())
    app.pacing.paused = False
    mismatch = _mismatch(s)
    if not mismatch:
        s.say(_("teach mode: hold the arrow keys to drive; every control tick is recorded"), th.TEACH)
    else:
        s.error(_("teach mode drives but records nothing: {mismatch}").format(mismatch=mismatch))


def teach_drive(app, event):
    keys = app.state.teaching.keys
    action = DRIVE_KEYS[event.key]
    if action in keys:
        keys.remove(action)
    keys.append(action)                              # the last key pressed wins


def key_up(state, event) -> None:
    action = DRIVE_KEYS.get(event.key)
    if action in state.teaching.keys:
        state.teaching.keys.remove(action)


def before_tick(state) -> None:
    keys, profile = state.teaching.keys, state.profile
    pins = simlink.action_pins(profile, keys[-1]) if keys else (0,) * len(profile.motors.pin_order)
    state.sim.set_manual(pins)


def after_tick(state) -> None:
    keys = state.teaching.keys
    if not keys or _mismatch(state):
        return
    sim, action = state.sim, keys[-1]
    targets = simlink.action_targets(sim.brain, state.profile, action)
    label = simlink.action_label(state.editor.table, targets, action)
    state.teaching.recorder.record(sim.sensed_inputs(), targets, label)     # every input the brain reads


def _mismatch(state) -> str:
    """Why the table cannot take the rows teach mode records (the brain's inputs, memory
    ones included, and its outputs); '' when it can."""
    t, b = state.editor.table, state.sim.brain
    for what, table_names, brain_names in ((N_("inputs"), t.input_names, b.input_names),
                                           (N_("outputs"), t.output_names, b.output_names)):
        if list(table_names) != list(brain_names):
            return _("the table's {what} ({table}) are not the brain's ({brain})").format(
                what=_(what), table=", ".join(table_names), brain=", ".join(brain_names))
    return ""


def _leave(app) -> None:
    s = app.state
    recorder, s.teaching = s.teaching.recorder, None
    s.sim.set_manual(None)
    if not len(recorder):
        s.say(_("left teach mode: nothing was recorded"))
        return
    table = s.editor.table
    merged, dedup = recorder.merged(table), recorder.deduplicated(table)
    n_all, n_new = len(merged) - len(table), len(dedup) - len(table)

    def add(new_table, how):
        def go():
            s.editor.replace(new_table)
            s.edited("table")
            s.say(_("added {value} rows ({how}); retraining").format(
                value=len(new_table) - len(table), how=how), th.TEXT_OK)
            retrain(app)
        return go

    s.modal = Prompt(_("Teach mode: keep what you showed?"), [
        _("{n_all} control ticks were recorded, a row each.").format(n_all=n_all),
        _("M: add every recorded row ({n_all}); a situation you drove through longer counts more").format(
            n_all=n_all),
        _("D: add one row per situation the table does not have yet ({n_new}), "
          "with the action you chose most there").format(
            n_new=n_new),
        _("Either way the brain is then retrained on the table."),
    ], [Choice(pygame.K_m, _("M: add all {n_all} rows").format(n_all=n_all), add(merged, _("every recorded row"))),
        Choice(pygame.K_d, _("D: add {n_new} new situations").format(
            n_new=n_new), add(dedup, _("one per new situation"))),
        Choice(pygame.K_ESCAPE, _("Esc: discard"), lambda: s.say(_("recorded rows discarded")))])
