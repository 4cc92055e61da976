"""The world view: the floor and obstacles drawn once and reused, drawn again when the
world, the zoom or the view changes, and only what shows is drawn."""
from dataclasses import replace

import pygame
import pytest

from simulator.gui import theme as th
from simulator.gui import worldview
from simulator.gui.camera import Camera
from simulator.world import Box, Cylinder, Pose, World
from simulator.worldgen import WorldGenConfig, random_world


@pytest.fixture
def view(monkeypatch):
    monkeypatch.setattr(worldview, "_layer", worldview.StaticLayer())
    drawn = []
    real = worldview.Outlines.draw
    monkeypatch.setattr(worldview.Outlines, "draw", lambda self, s, cam: (drawn.append(cam), real(self, s, cam))[1])
    surface = pygame.Surface((400, 300))
    return surface, Camera(surface.get_rect(), (150, 100), 1.0), drawn


def colour_at(surface, cam, x, y):
    sx, sy = cam.to_screen(x, y)
    return tuple(surface.get_at((round(sx), round(sy))))[:3]


def test_the_static_layer_is_reused_until_the_world_changes(view):
    surface, cam, drawn = view
    world = World("one box", 300, 200, Pose(20, 20), [Box(150, 100, 40, 40)])
    worldview.draw_world(surface, cam, world)
    worldview.draw_world(surface, cam, world)
    assert len(drawn) == 1 and colour_at(surface, cam, 150, 100) == th.OBSTACLE
    world.move_obstacle(0, 60, 150)
    worldview.draw_world(surface, cam, world)
    assert len(drawn) == 2
    assert colour_at(surface, cam, 160, 110) == th.FLOOR and colour_at(surface, cam, 60, 150) == th.OBSTACLE
    world.add_obstacle(Cylinder(240, 60, 15))
    worldview.draw_world(surface, cam, world)
    assert len(drawn) == 3 and colour_at(surface, cam, 240, 60) == th.OBSTACLE


def test_panning_within_the_margin_blits_and_beyond_it_draws_again(view):
    surface, cam, drawn = view
    world = World("one box", 300, 200, Pose(20, 20), [Box(150, 100, 40, 40)])
    worldview.draw_world(surface, cam, world)
    for dx in (30, 60, 90):               # within a quarter of the 400 px view
        cam.cx = 150 + dx
        worldview.draw_world(surface, cam, world)
        assert colour_at(surface, cam, 150, 100) == th.OBSTACLE and colour_at(surface, cam, 160, 135) == th.FLOOR
    assert len(drawn) == 1
    cam.cx = 150 + 120
    worldview.draw_world(surface, cam, world)
    assert len(drawn) == 2 and colour_at(surface, cam, 150, 100) == th.OBSTACLE
    cam.cx = 160
    cam.zoom(2.0)
    worldview.draw_world(surface, cam, world)
    assert len(drawn) == 3 and colour_at(surface, cam, 150, 100) == th.OBSTACLE


def test_the_selected_obstacle_is_drawn_on_top_of_the_layer(view):
    surface, cam, _ = view
    world = World("one box", 300, 200, Pose(20, 20), [Box(150, 100, 40, 40)])
    worldview.draw_world(surface, cam, world, selected=0)
    assert colour_at(surface, cam, 130.5, 100) == th.OBSTACLE_SELECTED    # its outline
    worldview.draw_world(surface, cam, world, selected=None)
    assert colour_at(surface, cam, 130.5, 100) == th.OBSTACLE_EDGE


def test_only_obstacles_on_the_layer_are_drawn(view, monkeypatch):
    surface, cam, _ = view
    config = replace(WorldGenConfig(), obstacles=(3000, 3000), width_cm=(6000.0, 6000.0), height_cm=(6000.0, 6000.0))
    world = random_world(3, config)
    polygons = []
    real = pygame.draw.polygon
    monkeypatch.setattr(pygame.draw, "polygon", lambda *a, **k: (polygons.append(1), real(*a, **k))[1])
    cam.cx, cam.cy, cam.scale = 3000, 3000, 2.0
    worldview.draw_world(surface, cam, world)
    assert 0 < len(polygons) < 100          # a 300 x 225 cm patch of a 60 x 60 m world


def test_the_beam_drawn_is_the_measured_sensors_at_its_distance():
    import math
    from simulator.gui.worldview import beam_half_rad
    from simulator.profile import default_profile
    profile = default_profile()
    assert math.degrees(beam_half_rad(profile, "ideal", 40.0)) == pytest.approx(profile.sensor.beam_deg / 2)
    assert math.degrees(beam_half_rad(profile, "measured", 200.0)) == pytest.approx(23.5)   # level beyond 1.25 m
    assert math.degrees(beam_half_rad(profile, "measured", 60.0)) == pytest.approx(13.75)
