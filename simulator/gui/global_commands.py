"""Commands that act wherever the focus is: help, pause and step, speeds, focus, the
camera, undo and redo, quit. Mixed into ``App``; each ``cmd_*`` is named in the key table."""
import pygame

from simulator.gui.pacing import SPEEDS

FOCUSES = ("world", "table", "hyper")
ZOOM_STEP = 1.25
SPEED_KEYS = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3,
              pygame.K_KP1: 0, pygame.K_KP2: 1, pygame.K_KP3: 2, pygame.K_KP4: 3}


class GlobalCommands:
    def cmd_help(self, event=None):
        self.help = not self.help

    def cmd_pause(self, event=None):
        self.pacing.paused = not self.pacing.paused
        self.say("paused: N steps one control tick" if self.pacing.paused else "running")

    def cmd_step(self, event=None):
        if not self.pacing.paused:
            self.pacing.paused = True
            self.say("paused; N (or .) steps one control tick")
        else:
            self.pacing.pending_steps += 1

    def cmd_speed(self, event):
        i = SPEED_KEYS[event.key]
        self.pacing.set_speed(i)
        self.say(f"speed {SPEEDS[i][0]}")

    def cmd_focus_next(self, event=None):
        self.focus = FOCUSES[(FOCUSES.index(self.focus) + 1) % len(FOCUSES)]

    def cmd_focus_prev(self, event=None):
        self.focus = FOCUSES[(FOCUSES.index(self.focus) - 1) % len(FOCUSES)]

    def cmd_zoom_in(self, event=None):
        self.camera.zoom(ZOOM_STEP)

    def cmd_zoom_out(self, event=None):
        self.camera.zoom(1 / ZOOM_STEP)

    def cmd_fit_view(self, event=None):
        self.follow = False
        self.fit_world()

    def cmd_follow(self, event=None):
        self.follow = not self.follow
        self.say("camera follows the car" if self.follow else "camera stays put")

    def cmd_reset_car(self, event=None):
        self.sim.reset()
        self.trail.clear()
        self._collisions_seen = 0
        self.say("car back at the start, collisions cleared")

    def cmd_escape(self, event=None):
        if self.help:
            self.help = False
        elif self.world_edit.selected is not None:
            self.world_edit.selected = None
        elif self.focus != "world":
            self.focus = "world"

    def cmd_quit(self, event=None):
        self.running = False

    # -- undo and redo, across the table and the world ------------------------------------
    def edited(self, kind: str) -> None:
        """Note an undoable edit of the table or the world."""
        self.history.append(kind)
        self.redo_history.clear()

    def cmd_undo(self, event=None):
        self._undo_redo(self.history, self.redo_history, "undo")

    def cmd_redo(self, event=None):
        self._undo_redo(self.redo_history, self.history, "redo")

    def _undo_redo(self, source, dest, what):
        if not source:
            self.say(f"nothing to {what}")
            return
        kind = source.pop()
        if kind == "table":
            ok = self.editor.undo() if what == "undo" else self.editor.redo()
        else:
            ok = self.world_edit.undo_redo(what)
        if ok:
            dest.append(kind)
            self.say(f"{what}: {kind} edit")
