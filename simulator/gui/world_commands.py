"""Commands of the world view: move, resize, add, delete and select obstacles from the
keyboard, pan, and a new random world with its seed. Mixed into ``App``."""
import pygame

from simulator.episode import Simulation
from simulator.gui import keymap

PAN_PX = 40
GROW = 1.15


class WorldCommands:
    def cmd_world_move(self, event):
        dx, dy = keymap.ARROWS[event.key]
        if not self.world_edit.nudge(dx, dy):
            self.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)

    def cmd_world_pan(self, event):
        dx, dy = keymap.ARROWS[event.key]
        self.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)

    def cmd_world_select(self, event):
        if not self.world_edit.select_next(-1 if event.key == pygame.K_PAGEUP else 1):
            self.say("this world has no obstacles; A adds one")

    def cmd_world_add_obstacle(self, event=None):
        self.world_edit.add_at(self.camera.to_world(*self.camera.viewport.center))

    def cmd_world_delete_obstacle(self, event=None):
        if not self.world_edit.delete_selected():
            self.say("select an obstacle first (PageDown, or click it)")

    def cmd_world_resize(self, event):
        grow = getattr(event, "unicode", "") == "]" or event.key == pygame.K_RIGHTBRACKET
        if not self.world_edit.resize_selected(GROW if grow else 1 / GROW):
            self.say("select an obstacle first (PageDown, or click it)")

    def cmd_new_world(self, event=None):
        from simulator.worldgen import random_world
        self.world_seed = 0 if self.world_seed is None else self.world_seed + 1
        self.set_world(random_world(self.world_seed))
        self.say(f"new random world, seed {self.world_seed}")

    def set_world(self, world) -> None:
        """Drive in another world: the car at its start, the same brain, world undo cleared."""
        self.sim = Simulation(world, self.profile, self.sim.brain, seed=self.seed)
        self.world_edit.reset()
        self.trail.clear()
        self._collisions_seen = 0
        self.history = [k for k in self.history if k != "world"]
        self.redo_history = [k for k in self.redo_history if k != "world"]
        self.fit_world()

    def fit_world(self) -> None:
        w = self.sim.world
        self.camera.fit(-w.wall_cm, -w.wall_cm, w.width_cm + w.wall_cm, w.height_cm + w.wall_cm)
