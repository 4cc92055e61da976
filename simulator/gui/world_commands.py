"""Commands of the world view: move, resize, add, delete and select obstacles from the
keyboard, make one soft or hard, pan, and a new random world with its seed. Each command takes the window and
the key event.

A world the car cannot start in (its start covered by an obstacle or the arena wall) is
refused with the message ``neurocar eval`` gives for it, wherever it comes from."""
import math
from dataclasses import replace

import pygame

from simulator.episode import EpisodeSpec, check_start
from simulator.simulation import Simulation
from simulator.gui.keys import ARROWS
from simulator.gui.worldedit import center, extent
from simulator.world import WorldError
from simulator.worldgen import random_world

PAN_PX = 40
GROW = 1.15
REACH_MARGIN_CM = 1.0
NEW_WORLD_TRIES = 20        # seeds G tries when a random world leaves this robot no room to start
NO_SELECTION = "select an obstacle first (PageDown, or click it)"


def world_move(app, event):
    dx, dy = ARROWS[event.key]
    if not app.world_edit.nudge(dx, dy):
        app.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)


def world_pan(app, event):
    dx, dy = ARROWS[event.key]
    app.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)


def world_select(app, event):
    if not app.world_edit.select_next(-1 if event.key == pygame.K_PAGEUP else 1):
        app.state.say("this world has no obstacles; A adds one")


def world_add_obstacle(app, event=None):
    app.world_edit.add_at(app.camera.to_world(*app.camera.viewport.center))


def world_delete_obstacle(app, event=None):
    if not app.world_edit.delete_selected():
        app.state.say(NO_SELECTION)


def world_toggle_surface(app, event=None):
    if not app.world_edit.toggle_surface():
        app.state.say(NO_SELECTION)


def world_resize(app, event):
    grow = getattr(event, "unicode", "") == "]" or event.key == pygame.K_RIGHTBRACKET
    if not app.world_edit.resize_selected(GROW if grow else 1 / GROW):
        app.state.say(NO_SELECTION)


def new_world(app, event=None):
    """The random world of the next seed, as an edit Ctrl+Z takes back."""
    seed = app.world_edit.seed
    first = 0 if seed is None else seed + 1
    for seed in range(first, first + NEW_WORLD_TRIES):
        world = random_world(seed)
        try:
            check_world(app.state.profile, world)
        except WorldError as e:
            refused = e
            continue
        app.world_edit.replace_world(world, seed)
        app.state.say(f"new random world, seed {seed} (Ctrl+Z brings the last world back)")
        return
    app.state.error(f"{refused}; no random world of seeds {first}..{seed} leaves this car room to start")


def check_world(profile, world) -> None:
    """Raise WorldError when this robot, at the world's start, would overlap a solid.
    Only obstacles that could reach the car are handed on, so a huge world checks fast."""
    body = profile.body
    reach = math.hypot(body.length_cm, body.width_cm) + REACH_MARGIN_CM     # the car, whatever its origin
    near = [o for o in world.obstacles if math.dist(center(o), (world.start.x_cm, world.start.y_cm))
            <= extent(o) + reach]
    check_start(EpisodeSpec(replace(world, obstacles=near)), profile)


def set_world(app, world, seed=None) -> None:
    """Drive in another world for good: checked, then the car at its start, world undo cleared."""
    check_world(app.state.profile, world)
    drive_in(app, world)
    app.world_edit.reset(world, seed)
    app.state.forget_edits("world")


def drive_in(app, world) -> None:
    """The car at the world's start, with the same brain (world undo is the caller's)."""
    s = app.state
    s.sim = Simulation(world, s.profile, s.sim.brain, seed=s.seed, model=s.model)
    s.trail.clear()
    s.collisions_seen = 0
    app.fit_world()
