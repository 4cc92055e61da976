"""Commands of the world view: move, resize, add, delete and select obstacles from the
keyboard, make one soft or hard, pan, and a new random world with its seed. Each command takes the window and
the key event.

A world the car cannot start in (its start covered by an obstacle or the arena wall) is
refused with the message ``neurocar eval`` gives for it, wherever it comes from."""
import math
from dataclasses import replace

import pygame
import pymunk

from simulator.episode import EpisodeSpec, check_start
from simulator.physics import add_world, new_space
from simulator.simulation import Simulation
from simulator.gui.keys import ARROWS
from simulator.gui.worldedit import center, extent
from simulator.world import Box, WorldError
from simulator.worldgen import random_world
from brain.i18n import N_, _

PAN_PX = 40
GROW = 1.05                 # [ and ] change every size by 5 %: a sofa and a table leg alike
NEW_BOX_CM = 30.0
FREE_GAP_CM = 2.0           # a new obstacle keeps this far from every other solid
REACH_MARGIN_CM = 1.0
NEW_WORLD_TRIES = 20        # seeds G tries when a random world leaves this robot no room to start
NO_SELECTION = N_("select an obstacle first (PageDown, or click it)")


def world_move(app, event):
    dx, dy = ARROWS[event.key]
    if not app.world_edit.nudge(dx, dy):
        app.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)


def world_pan(app, event):
    dx, dy = ARROWS[event.key]
    app.camera.pan_pixels(-dx * PAN_PX, dy * PAN_PX)


def world_select(app, event):
    if not app.world_edit.select_next(-1 if event.key == pygame.K_PAGEUP else 1):
        app.state.say(_("this world has no obstacles; A adds one"))


def world_add_obstacle(app, event=None):
    """A box on the free floor nearest the middle of the view, clear of the car and its start."""
    s = app.state
    spot = free_spot(s.sim.world, app.camera.to_world(*app.camera.viewport.center), NEW_BOX_CM,
                     avoid=[s.sim.pose[:2], (s.sim.world.start.x_cm, s.sim.world.start.y_cm)],
                     avoid_cm=car_reach(s.profile))
    if spot is None:
        s.say(_("no free floor for a {NEW_BOX_CM:g} cm box; drag on empty floor to draw a smaller one").format(
            NEW_BOX_CM=NEW_BOX_CM))
        return
    app.world_edit.add(Box(spot[0], spot[1], NEW_BOX_CM, NEW_BOX_CM))


def free_spot(world, xy, size_cm: float, avoid=(), avoid_cm: float = 0.0):
    """The centre nearest ``xy`` of a size_cm square clear (by FREE_GAP_CM) of every solid
    and of circles of radius avoid_cm around the ``avoid`` points; None when there is none.
    Candidates lie on a grid of half the square's size over the whole arena."""
    space = new_space()
    add_world(space, world, (0.0, 0.0))
    space.add(*[pymunk.Circle(space.static_body, avoid_cm, (float(x), float(y))) for x, y in avoid])
    half = size_cm / 2 + FREE_GAP_CM
    step = size_cm / 2
    xs = [half + step * i for i in range(int((world.width_cm - 2 * half) // step) + 1)]
    ys = [half + step * j for j in range(int((world.height_cm - 2 * half) // step) + 1)]
    body = pymunk.Body(body_type=pymunk.Body.KINEMATIC)          # a shape needs a body to be placed
    square = pymunk.Poly.create_box(body, (2 * half, 2 * half))
    for x, y in sorted(((x, y) for x in xs for y in ys), key=lambda p: (math.dist(p, xy), p)):
        body.position = (x, y)
        if not space.shape_query(square):
            return x, y
    return None


def car_reach(profile) -> float:
    """How far the car reaches from its origin, whatever its heading."""
    return math.hypot(profile.body.length_cm, profile.body.width_cm) + REACH_MARGIN_CM


def world_delete_obstacle(app, event=None):
    if not app.world_edit.delete_selected():
        app.state.say(_(NO_SELECTION))


def world_toggle_surface(app, event=None):
    if not app.world_edit.toggle_surface():
        app.state.say(_(NO_SELECTION))


def world_resize(app, event):
    grow = getattr(event, "unicode", "") == "]" or event.key == pygame.K_RIGHTBRACKET
    if not app.world_edit.resize_selected(GROW if grow else 1 / GROW):
        app.state.say(_(NO_SELECTION))


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
        app.state.say(_("new random world, seed {seed} (Ctrl+Z brings the last world back)").format(seed=seed))
        return
    app.state.error(_("{refused}; no random world of seeds {first}..{seed} leaves this car room to start").format(
        refused=refused, first=first, seed=seed))


def check_world(profile, world) -> None:
    """Raise WorldError when this robot, at the world's start, would overlap a solid.
    Only obstacles that could reach the car are handed on, so a huge world checks fast."""
    reach = car_reach(profile)
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
