"""Commands of the world view: move, resize, add, delete and select obstacles from the
keyboard, pan, and a new random world with its seed. Mixed into ``App``.

A world the car cannot start in (its start covered by an obstacle or the arena wall) is
refused with the message ``neurocar eval`` gives for it, wherever it comes from."""
import math
from dataclasses import replace

import pygame

from simulator.episode import EpisodeSpec, Simulation, check_start
from simulator.gui import keymap
from simulator.gui.worldedit import center, extent
from simulator.world import WorldError

PAN_PX = 40
GROW = 1.15
REACH_MARGIN_CM = 1.0
NEW_WORLD_TRIES = 20        # seeds G tries when a random world leaves this robot no room to start


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
        """The random world of the next seed, as an edit Ctrl+Z takes back."""
        from simulator.worldgen import random_world
        first = 0 if self.world_seed is None else self.world_seed + 1
        for seed in range(first, first + NEW_WORLD_TRIES):
            world = random_world(seed)
            try:
                self.check_world(world)
            except WorldError as e:
                refused = e
                continue
            self.world_edit.replace_world(world, seed)
            self.say(f"new random world, seed {seed} (Ctrl+Z brings the last world back)")
            return
        self.error(f"{refused}; no random world of seeds {first}..{seed} leaves this car room to start")

    def check_world(self, world) -> None:
        """Raise WorldError when this robot, at the world's start, would overlap a solid.
        Only obstacles that could reach the car are handed on, so a huge world checks fast."""
        body = self.profile.body
        reach = math.hypot(body.length_cm, body.width_cm) + REACH_MARGIN_CM     # the car, whatever its origin
        near = [o for o in world.obstacles if math.dist(center(o), (world.start.x_cm, world.start.y_cm))
                <= extent(o) + reach]
        check_start(EpisodeSpec(replace(world, obstacles=near)), self.profile)

    def set_world(self, world) -> None:
        """Drive in another world for good: checked, then the car at its start, world undo cleared."""
        self.check_world(world)
        self.drive_in(world)
        self.world_edit.reset()
        self.history = [k for k in self.history if k != "world"]
        self.redo_history = [k for k in self.redo_history if k != "world"]

    def drive_in(self, world) -> None:
        """The car at the world's start, with the same brain (world undo is the caller's)."""
        self.sim = Simulation(world, self.profile, self.sim.brain, seed=self.seed)
        self.trail.clear()
        self._collisions_seen = 0
        self.fit_world()

    def fit_world(self) -> None:
        w = self.sim.world
        self.camera.fit(-w.wall_cm, -w.wall_cm, w.width_cm + w.wall_cm, w.height_cm + w.wall_cm)
