"""Editing in the window as a spreadsheet and a drawing program would: typing into a
selected cell replaces it, a double-click edits a cell; [ and ] resize in proportional
steps, a new obstacle lands on free floor, and a dragged corner keeps the opposite one."""
import math

import numpy as np
import pygame
import pytest

from simulator.gui import world_commands
from tests.gui_helpers import frames, key, type_text


def click(pos, button=1):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))


def drag(start, end, button=1):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(end[0] - start[0], end[1] - start[1]),
                                         buttons=(1, 0, 0)))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=button))


def screen_of(app, x, y):
    sx, sy = app.camera.to_screen(x, y)
    return round(sx), round(sy)


def free_of_others(world, box, index) -> bool:
    """Every point of ``box`` on a 1 cm grid is outside every other obstacle of ``world``."""
    others = world.copy()
    del others.obstacles[index]
    xs = np.arange(box.x_cm - box.width_cm / 2, box.x_cm + box.width_cm / 2 + 1e-9, 1.0)
    ys = np.arange(box.y_cm - box.height_cm / 2, box.y_cm + box.height_cm / 2 + 1e-9, 1.0)
    points = np.array([(x, y) for x in xs for y in ys])
    inside = (0 < points[:, 0]) & (points[:, 0] < world.width_cm) & \
        (0 < points[:, 1]) & (points[:, 1] < world.height_cm)
    return bool(inside.all() and (others.clearance(points) > 0).all())


# -- the world -------------------------------------------------------------------------------
def test_brackets_resize_in_proportional_steps_and_back(app):
    key(pygame.K_PAGEDOWN)                                         # obstacle 1: the 200 x 80 cm sofa
    frames(app)
    world = app.state.sim.world
    sofa = world.obstacles[0]
    assert (sofa.width_cm, sofa.height_cm) == (200, 80)
    for _ in range(4):
        key(pygame.K_RIGHTBRACKET, unicode="]")
    frames(app)
    grown = world.obstacles[0]
    assert grown.width_cm == pytest.approx(200 * 1.05 ** 4) and grown.height_cm == pytest.approx(80 * 1.05 ** 4)
    assert grown.width_cm < 250                                    # four presses are a nudge, not half the room
    assert (grown.x_cm, grown.y_cm) == (sofa.x_cm, sofa.y_cm)
    assert "243 x 97 cm" in app.state.message.text
    for _ in range(4):
        key(pygame.K_LEFTBRACKET, unicode="[")
    frames(app)
    assert world.obstacles[0].width_cm == pytest.approx(200) and world.obstacles[0].height_cm == pytest.approx(80)


@pytest.mark.parametrize("where", ["table", "sofa", "corner"])
def test_a_new_obstacle_lands_on_free_floor(app, where):
    world = app.state.sim.world
    aim = {"table": (250, 230), "sofa": (250, 355), "corner": (470, 110)}[where]
    assert world.clearance(np.array([aim]))[0] <= 0               # the view's centre is on an obstacle
    app.camera.cx, app.camera.cy = aim
    n = len(world.obstacles)
    for k in range(4):
        key(pygame.K_a)
        frames(app)
        assert len(world.obstacles) == n + k + 1, app.state.message.text
        new = world.obstacles[-1]
        assert (new.width_cm, new.height_cm) == (30, 30)
        assert free_of_others(world, new, len(world.obstacles) - 1)
        assert math.dist((new.x_cm, new.y_cm), aim) < 120          # near where the user looks
        x, y, _ = app.state.sim.pose
        assert math.dist((new.x_cm, new.y_cm), (x, y)) > 30        # not on the car


def test_no_free_floor_says_so(app):
    world = app.state.sim.world
    assert world_commands.free_spot(world, (250, 200), 600) is None
    spot = world_commands.free_spot(world, (250, 230), 30)
    assert spot is not None and world.clearance(np.array([spot]))[0] > 15


@pytest.mark.parametrize("index,corner", [(0, 2), (2, 0), (2, 1), (3, 3)])
def test_dragging_a_corner_keeps_the_opposite_corner(app, index, corner):
    world = app.state.sim.world
    box = world.obstacles[index]                                   # the sofa, and two turned armchairs
    click(screen_of(app, box.x_cm, box.y_cm))                      # a click selects it
    frames(app)
    assert app.world_edit.selected == index
    corners = box.corners()
    fixed = corners[(corner + 2) % 4]
    grab = screen_of(app, *corners[corner])
    away = corners[corner] - fixed
    target = corners[corner] + 0.25 * away                        # outwards along the diagonal
    drag(grab, screen_of(app, *target))
    frames(app)
    new = world.obstacles[index]
    assert new.angle_deg == box.angle_deg
    assert np.allclose(new.corners()[(corner + 2) % 4], fixed, atol=1e-6)
    assert np.allclose(new.corners()[corner], target, atol=1.5 / app.camera.scale)
    assert new.width_cm > box.width_cm and new.height_cm > box.height_cm
    key(pygame.K_z, mod=pygame.KMOD_CTRL)                          # one undoable edit
    frames(app)
    assert world.obstacles[index] == box


def test_dragging_a_corner_past_the_opposite_one_keeps_it_fixed(app):
    world = app.state.sim.world
    box = world.obstacles[1]                                       # the 110 x 60 cm table
    click(screen_of(app, box.x_cm, box.y_cm))
    frames(app)
    corners = box.corners()
    drag(screen_of(app, *corners[2]), screen_of(app, *(corners[0] - 20)))
    frames(app)
    new = world.obstacles[1]
    assert np.allclose(new.corners()[0], corners[0], atol=1e-6)
    assert (new.width_cm, new.height_cm) == (4.0, 4.0)              # the smallest box, grown from that corner


# -- the table -------------------------------------------------------------------------------
def focus_cell(app, col_name):
    key(pygame.K_TAB)                                              # focus the table
    frames(app)
    ed = app.state.editor
    while ed.columns[ed.col].name != col_name:
        key(pygame.K_RIGHT)
        frames(app)
    return ed


def test_typing_a_number_on_a_selected_cell_replaces_it(app):
    ed = focus_cell(app, "turn")
    assert ed.cell_text(0, ed.col) == "0"
    speed = app.pacing.label
    type_text("1")                                                 # no Enter first, as in a spreadsheet
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "1" and app.pacing.label == speed   # "1" was typed, not speed x1
    type_text("-1")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "-1"


def test_enter_then_typing_replaces_the_cell_and_arrows_keep_it(app):
    ed = focus_cell(app, "turn")
    key(pygame.K_RETURN)                                           # Enter on 0, then 1: 1, not 01
    type_text("1")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "1"
    key(pygame.K_RETURN)                                           # Enter on 1, then 0: 0, not 10
    type_text("0")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "0" and ed.flag is None
    type_text("1")
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    key(pygame.K_HOME)                                             # Home keeps the text: the cursor before it
    type_text("-")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "-1"
    key(pygame.K_RETURN)
    key(pygame.K_BACKSPACE)                                        # Backspace clears the selected text
    type_text("0")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(0, ed.col) == "0"


def test_a_click_selects_a_cell_and_a_double_click_edits_it(app):
    frames(app)
    rects = app.table_view.cell_rects
    ed = app.state.editor
    turn = next(c for c in range(len(ed.columns)) if ed.columns[c].name == "turn")
    click(rects[(2, turn)].center)
    frames(app)
    assert app.state.focus == "table" and (ed.row, ed.col) == (2, turn) and app.state.entry is None
    click(rects[(2, turn)].center)
    click(rects[(2, turn)].center)                                 # a double-click
    frames(app)
    assert app.state.entry is not None and app.state.entry.selected
    type_text("1")
    key(pygame.K_RETURN)
    frames(app)
    assert ed.cell_text(2, turn) == "1"
