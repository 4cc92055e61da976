"""The sensor's sweep as the car saw it, drawn around the car (which stays put: the log
has no position): range rings, the clamp circle, the servo's range, the readings of the
last sweep fading with age, marks where a ping had no echo, and the beam of the tick shown."""
import math

import pygame

from simulator.gui import theme as th
from simulator.gui.camera import Camera
from simulator.gui.simlink import CarState
from simulator.gui.worldview import draw_beam, draw_car
from simulator.measured import DEFAULT_MODEL
from brain.i18n import _

RING_COLOR = (205, 199, 186)
SECTOR = (244, 241, 233)
NO_ECHO_MARK = (120, 112, 100)
OLD = th.FLOOR                        # what a reading fades to
MARGIN_PX = 36


def sweep_span(profile) -> int:
    """Readings in one whole sweep there and back: how many stay on screen."""
    s = profile.servo
    return max(2, 2 * (s.max_deg - s.min_deg) // max(1, s.step_deg))


def direction(profile, servo_deg: float) -> float:
    """The beam's direction in radians, the car facing up (+y), left counter-clockwise."""
    return math.pi / 2 + profile.servo.left_sign * math.radians(servo_deg - 90)


def sweep_camera(rect, profile, reach_cm: float) -> Camera:
    """A view with the servo's axis at (0, 0), fitting the car and the sweep out to ``reach_cm``."""
    s = profile.servo
    half = math.radians(max(abs(s.max_deg - 90), abs(s.min_deg - 90)) + 8)
    side = reach_cm * math.sin(min(half, math.pi / 2))
    behind = profile.body.length_cm / 2 + profile.sensor.mount_forward_cm
    cam = Camera(rect)
    cam.fit(-side, -behind - 4, side, reach_cm * 1.1, MARGIN_PX)   # room above for the status
    return cam


def _fade(color, age: float):
    return tuple(int(c + (o - c) * age) for c, o in zip(color, OLD))


def draw_sweep(surface, text, rect, run, view) -> None:
    """The whole sweep view in ``rect``: floor, rings, readings, the car and its beam."""
    profile, reach = run.profile, run.reading_range_cm()
    pygame.draw.rect(surface, th.FLOOR, rect)
    cam = sweep_camera(rect, profile, reach)
    _draw_rings(surface, cam, profile, reach, profile.control.distance_clamp_cm)
    for deg, cm, age in run.sweep(view.index, sweep_span(profile)):
        _draw_reading(surface, cam, profile, deg, cm, age, reach)
    t = view.tick
    echo = t.reading_cm if t.reading_cm is not None else math.inf
    car = CarState(0.0, -profile.sensor.mount_forward_cm, math.pi / 2, t.servo_deg, (0.0, 0.0),
                   direction(profile, t.servo_deg), min(echo, reach))
    if t.reading_cm is not None:
        draw_beam(surface, cam, car, profile, profile.control.distance_clamp_cm, DEFAULT_MODEL)
    else:
        tip = cam.to_screen(*_at(profile, t.servo_deg, profile.control.distance_clamp_cm))
        pygame.draw.line(surface, NO_ECHO_MARK, cam.to_screen(0, 0), tip, 1)
    draw_car(surface, cam, car, profile)
    _draw_labels(surface, text, cam, profile, reach, profile.control.distance_clamp_cm)


def _at(profile, deg: float, cm: float) -> tuple[float, float]:
    a = direction(profile, deg)
    return cm * math.cos(a), cm * math.sin(a)


def _arc(cam, profile, cm: float, lo: float, hi: float, n: int = 48):
    return cam.points(_at(profile, lo + (hi - lo) * k / n, cm) for k in range(n + 1))


def _ring_step(reach: float) -> int:
    return 25 if reach <= 150 else 50 if reach <= 300 else 100


def _draw_rings(surface, cam, profile, reach: float, clamp: float) -> None:
    """The servo's range shaded, rings every round distance, and the clamp circle (beyond
    it the brain reads the clamp)."""
    s = profile.servo
    pygame.draw.polygon(surface, SECTOR, [cam.to_screen(0, 0)] + _arc(cam, profile, reach, s.min_deg, s.max_deg))
    for cm in range(_ring_step(reach), int(reach) + 1, _ring_step(reach)):
        pygame.draw.lines(surface, RING_COLOR, False, _arc(cam, profile, cm, 0, 180), 1)
    for deg in (s.min_deg, s.max_deg):
        pygame.draw.line(surface, RING_COLOR, cam.to_screen(0, 0), cam.to_screen(*_at(profile, deg, reach)), 1)
    pygame.draw.lines(surface, th.BEAM_EDGE, False, _arc(cam, profile, clamp, 0, 180), 2)


def _draw_labels(surface, text, cam, profile, reach: float, clamp: float) -> None:
    """The rings' distances, the clamp, and the two ends of the sweep named, over the readings."""
    for cm in range(_ring_step(reach), int(reach) + 1, _ring_step(reach)):
        x, y = cam.to_screen(*_at(profile, 90, cm))
        text.draw(surface, _("{cm} cm").format(
            cm=cm), (x + 4, y - 2), th.FONT_SMALL, th.TEXT_DIM, anchor="bottomleft")
    x, y = cam.to_screen(*_at(profile, 90, clamp))
    text.draw(surface, _("clamp {clamp:g} cm").format(
        clamp=clamp), (x - 4, y - 2), th.FONT_SMALL, (170, 130, 40), anchor="bottomright")
    for deg in (profile.servo.min_deg, profile.servo.max_deg):
        left = direction(profile, deg) > math.pi / 2
        x, y = cam.to_screen(*_at(profile, deg, reach))
        side = _("left {deg}°") if left else _("right {deg}°")
        text.draw(surface, side.format(deg=deg), (x + (-6 if left else 6), y),
                  th.FONT_SMALL, th.TEXT_DIM, anchor="bottomright" if left else "bottomleft")


def _draw_reading(surface, cam, profile, deg: int, cm: float, age: float, reach: float) -> None:
    """A reading as a dot (a triangle at the edge when beyond the view), a ping with no
    echo as a cross at the edge; older ones paler and smaller."""
    r = max(2, round(5 - 3 * age))
    if math.isinf(cm):
        x, y = cam.to_screen(*_at(profile, deg, reach))
        c = _fade(NO_ECHO_MARK, age)
        pygame.draw.line(surface, c, (x - r, y - r), (x + r, y + r), 2)
        pygame.draw.line(surface, c, (x - r, y + r), (x + r, y - r), 2)
        return
    color = _fade(th.ECHO, age)
    if cm > reach:
        tip = cam.to_screen(*_at(profile, deg, reach))
        back = [cam.to_screen(*_at(profile, deg + d, reach - 8)) for d in (-3, 3)]
        pygame.draw.polygon(surface, color, [tip, *back])
        return
    pygame.draw.circle(surface, color, cam.to_screen(*_at(profile, deg, cm)), r)
