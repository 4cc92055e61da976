"""A recording's replay drawn in the world, as the main window draws a car driving: the
floor and obstacles, the trail so far, a ring where each collision began, the last
echoes fading, the beam of the tick shown (up to its echo when it pinged, a thin line
along the sensor when it did not) and the car, red while it touches something. Beside
it, the recording's card: what ran, and the metrics as they stood at the end of the
tick shown, which at the last tick are the eval row's."""
import math

import pygame

from simulator.gui import theme as th
from simulator.gui.camera import Camera
from simulator.gui.panels import section
from simulator.gui.replay_sweep import NO_ECHO_MARK, sweep_span
from simulator.gui.simlink import CarState
from simulator.gui.worldview import draw_beam, draw_car, draw_scale_bar, draw_trail, draw_world
from brain.i18n import N_, _

COLLISION = (225, 50, 45)
OLD_ECHO = th.FLOOR
MARGIN_PX = 30
# (metric, label shown through _(), format) shown in the card
SHOWN = (("collisions", N_("collisions"), "{:d}"), ("contact_s", N_("in contact"), "{:.2f} s"),
         ("distance_cm", N_("distance"), "{:.1f} cm"), ("coverage", N_("coverage"), "{:.1%}"),
         ("stuck_s", N_("stuck"), "{:.2f} s"), ("closest_cm", N_("closest"), "{:.1f} cm"))
SENSOR_OPTIONS = {"noise": N_("noise"), "missed_echoes": N_("missed echoes")}     # a recording's, shown


def world_camera(rect, world) -> Camera:
    cam = Camera(rect)
    t = world.wall_cm
    cam.fit(-t, -t, world.width_cm + t, world.height_cm + t, MARGIN_PX)
    return cam


def car_at(run, index: int) -> CarState:
    p, t = run.track, run.ticks[index]
    echo = float(p.echo_cm[index]) if p.pinged[index] else math.inf
    return CarState(float(p.x[index]), float(p.y[index]), float(p.heading[index]), t.servo_deg,
                    (float(p.beam_x[index]), float(p.beam_y[index])), float(p.beam_axis[index]), echo)


def draw_world_view(surface, text, rect, run, view) -> None:
    """The world in ``rect`` with the car where it was on the tick shown."""
    world, profile, index = run.recording.world, run.profile, view.index
    cam = world_camera(rect, world)
    draw_world(surface, cam, world)
    draw_trail(surface, cam, run.trail(index))
    ring = max(4, round(cam.length(profile.body.width_cm / 2)))
    for x, y in run.collisions_until(index):
        pygame.draw.circle(surface, COLLISION, cam.to_screen(x, y), ring, 2)
    dot = max(2, round(cam.length(1.5)))
    for x, y, age in run.echoes(index, sweep_span(profile)):
        color = tuple(int(c + (o - c) * age) for c, o in zip(th.ECHO, OLD_ECHO))
        pygame.draw.circle(surface, color, cam.to_screen(x, y), dot)
    car = car_at(run, index)
    clamp = profile.control.distance_clamp_cm
    if run.track.pinged[index]:
        draw_beam(surface, cam, car, profile, clamp, run.recording.meta["model"])
    else:
        ox, oy = car.beam_origin
        tip = (ox + clamp * math.cos(car.beam_axis), oy + clamp * math.sin(car.beam_axis))
        pygame.draw.line(surface, NO_ECHO_MARK, cam.to_screen(ox, oy), cam.to_screen(*tip), 1)
    draw_car(surface, cam, car, profile, flash=1.0 if run.track.touching[index] else 0.0)
    draw_scale_bar(surface, cam, text)


def recording_lines(run) -> list[tuple[str, tuple]]:
    """What ran: the file, the episode and its world, the brain, the car and the version."""
    m = run.recording.meta
    car = m.get("car")
    drawn = _(" · car drawn (battery {volts:.2f} V)").format(volts=car["battery_v"]) if car else ""
    options = [_(SENSOR_OPTIONS.get(k, k)) for k, on in (m.get("sensor_options") or {}).items() if on]
    model = _("measured car") if m["model"] == "measured" else _("ideal car") if m["model"] == "ideal" else m["model"]
    return [(f"{_(run.kind)}: {run.name}", th.TEXT),
            (_("episode {episode} · world {world!r} · seed {seed}").format(
                episode=m["episode"], world=m.get("world_name", "?"), seed=m["seed"]), th.TEXT),
            (_("brain sha256 {sha}… · {controller}").format(sha=m["brain_sha256"][:16],
                                                           controller=m.get("controller", "?")), th.TEXT),
            (model + drawn + "".join(f" · {o}" for o in options), th.TEXT),
            (_("profile {profile} · neurocar {version}").format(profile=run.profile.name,
                                                                version=m.get("neurocar", "?")), th.TEXT_DIM)]


def draw_recording(surface, text, rect, run, view) -> None:
    """The recording's card: what ran, then the metrics up to the tick shown."""
    inner = section(surface, text, rect, _("Recording"), note=_("{count:,} ticks").format(
        count=run.recording.n_ticks))
    x, y = inner.x + 4, inner.y + 2
    for line, color in recording_lines(run):
        text.draw(surface, text.fit(line, inner.w - 8, th.FONT_SMALL), (x, y), th.FONT_SMALL, color)
        y += th.ROW_H
    now, row = run.metrics[view.index], run.recording.row
    at_end = view.index == len(run.ticks) - 1
    title = _("metrics at {seconds:.2f} s").format(seconds=now["seconds"]) + \
        (_(" = the eval row") if at_end and _equal(now, row) else "")
    text.draw(surface, title, (x, y + 4), th.FONT, th.TEXT_OK if at_end and _equal(now, row) else th.TEXT, bold=True)
    y += th.ROW_H + 8
    for key, label, fmt in SHOWN:
        if y + th.ROW_H > inner.bottom:
            return
        text.draw(surface, _(label), (x, y), th.FONT_SMALL, th.TEXT_DIM)
        text.draw(surface, _shown(fmt, now[key]), (x + 90, y), th.FONT_SMALL, th.TEXT)
        text.draw(surface, _("row {value}").format(
            value=_shown(fmt, row[key])), (inner.right - 4, y), th.FONT_SMALL, th.TEXT_DIM,
                  anchor="topright")
        y += th.ROW_H


def _shown(fmt: str, value) -> str:
    """A metric as the card shows it; the closest gap before it was first measured is a dash."""
    return "—" if isinstance(value, float) and math.isinf(value) else fmt.format(value)


def _equal(now: dict, row: dict) -> bool:
    return all(now[k] == row[k] for k, *_shown in SHOWN)
