"""What is drawn over the world view and along the bottom: the status box (speed, time,
collisions, world and seed, servo, echo, action, the sweep's memory for a brain that
reads it, and the working folder), the teach banner, the message (wrapped), the hint bar, the help overlay and
the message log. Reads the window; changes nothing."""
import math
from pathlib import Path

import pygame

from simulator.gui import keymap, simlink, theme as th
from simulator.gui.messages import wrap, wrap_at_most
from brain.i18n import N_, _

LINE_H = 18
HELP_LINE_H = 17
MESSAGE_LINES = 4
STATUS_BG = (20, 22, 28, 190)
MESSAGE_BOX = (20, 22, 28, 215)
HELP_BG = (10, 12, 16, 242)
FOCUS_NAMES = {"world": N_("world"), "table": N_("table"), "hyper": N_("hyper")}   # what the hint bar calls them
ENTRY_HINT = N_("typing: Enter accepts · Esc cancels · Left/Right move the cursor")


def shade(surface, rect, rgba) -> None:
    s = pygame.Surface(rect.size, pygame.SRCALPHA)
    s.fill(rgba)
    surface.blit(s, rect.topleft)


def draw_status(app, car) -> None:
    s, v, text, screen = app.state, app.camera.viewport, app.text, app.screen
    sim, profile = s.sim, s.profile
    state = _("paused") if app.pacing.paused else _("running")
    seed = _(" · seed {seed}").format(seed=app.world_edit.seed) if app.world_edit.seed is not None else ""
    line1 = _("{state} · {speed} · t {time:.1f} s · collisions {collisions}").format(
        state=state, speed=app.pacing.label, time=sim.time_s, collisions=sim.collisions)
    line2 = f"{sim.world.name}{seed} · {profile.name}"
    dist = f"{car.echo_cm:.0f} cm" if math.isfinite(car.echo_cm) else _("no echo")
    doing = simlink.doing(profile, sim.pins)
    hold = _(" (hold {hold})").format(hold=sim.hold) if sim.hold and s.teaching is None else ""
    line3 = _("servo {angle}° · echo {distance} · doing: {doing}{hold}").format(
        angle=car.servo_deg, distance=dist, doing=doing, hold=hold)
    flashing = s.flash_until > s.wall_time
    lines = [(line1, th.TEXT_ERROR if flashing else th.TEXT), (line2, th.TEXT_DIM), (line3, th.TEXT)]
    memory = sim.memory_cm()                       # what a brain reading the sweep's memory sees of it
    if memory:
        lines.append((_("memory: ") + " · ".join(f"{name} {cm} cm" for name, cm in memory.items()), th.INPUT_HUE))
    px, line_h = th.px, th.px(LINE_H)
    w = min(max(text.width(line, th.FONT) for line, _ in lines) + px(20), v.w - px(20))
    box = pygame.Rect(v.x + px(10), v.y + px(10), w, line_h * (len(lines) + 1) + px(10))
    shade(screen, box, STATUS_BG)
    for i, (line, color) in enumerate(lines):
        text.draw(screen, text.fit(line, w - px(20), th.FONT), (box.x + px(10), box.y + px(6) + line_h * i), th.FONT,
                  color)
    text.draw(screen, working_folder_line(text, w - px(20)), (box.x + px(10), box.y + px(8) + line_h * len(lines)),
              th.FONT_SMALL, th.TEXT_DIM)
    if s.teaching is not None:
        _teach_banner(screen, text, v, len(s.teaching.recorder))
    elif app.pacing.paused:
        text.draw(screen, _("❚❚ PAUSED"), (v.right - 14, v.y + 12), th.FONT_TITLE, (250, 250, 250),
                  bold=True, anchor="topright")


def working_folder_line(text, room: int) -> str:
    """Where the dialogs start and sketches go, its path cut at the start to fit ``room``."""
    label = _("working folder: {folder}")
    folder_room = room - text.width(label.format(folder=""), th.FONT_SMALL)
    return label.format(folder=text.fit_end(str(Path.cwd()), folder_room, th.FONT_SMALL))


def _teach_banner(screen, text, v, rows: int) -> None:
    banner = text.fit(_("TEACH MODE · {rows} rows recorded · hold arrows to drive · T to finish").format(rows=rows),
                      v.w - 40, th.FONT_TITLE)
    tw = text.width(banner, th.FONT_TITLE, bold=True) + 24
    b = pygame.Rect(v.centerx - tw // 2, v.bottom - th.px(64), tw, th.px(28))
    pygame.draw.rect(screen, th.TEACH, b, border_radius=6)
    text.draw(screen, banner, b.center, th.FONT_TITLE, (255, 255, 255), bold=True, anchor="center")


def draw_message(app) -> None:
    """The last message over the bottom of the world view, wrapped; one too long for
    MESSAGE_LINES lines says that L shows it all."""
    v, text, message, px = app.camera.viewport, app.text, app.state.message, th.px
    if not message.text or app.state.wall_time >= message.until:
        return
    line_h = px(LINE_H)
    lines = wrap_at_most(text, message.text, v.w - px(44), th.FONT, MESSAGE_LINES, _("L shows all"))
    mw = max(text.width(line, th.FONT) for line in lines) + px(24)
    h = line_h * len(lines) + px(8)
    above = px(70) if app.state.teaching is not None else px(40)        # the teach banner, the scale bar
    b = pygame.Rect(v.centerx - mw // 2, v.bottom - above - h, mw, h)
    shade(app.screen, b, MESSAGE_BOX)
    for k, line in enumerate(lines):
        text.draw(app.screen, line, (b.centerx, b.y + px(4) + line_h * k), th.FONT, message.color, anchor="midtop")


def draw_hint(app) -> None:
    """The focus and the keys that act there: as many whole hints as fit (H lists them all)."""
    r, text, screen, s = app.layout.hint, app.text, app.screen, app.state
    pygame.draw.rect(screen, th.HINT_BG, r)
    if s.entry is not None:
        items = _(ENTRY_HINT).split(keymap.HINT_SEP)
    else:
        items = keymap.hint_items("teach" if s.teaching is not None else s.focus)
    focus = _("focus: {panel}").format(panel=_(FOCUS_NAMES.get(s.focus, s.focus)))
    text.draw(screen, focus, (r.x + th.px(10), r.centery), th.FONT, th.SECTION_FOCUS, bold=True, anchor="midleft")
    x = r.x + th.px(24) + text.width(focus, th.FONT, bold=True)
    room = r.right - x - th.px(10)
    while len(items) > 1 and text.width(keymap.HINT_SEP.join(items), th.FONT) > room:
        items = items[:-1]
    text.draw(screen, text.fit(keymap.HINT_SEP.join(items), room, th.FONT), (x, r.centery), th.FONT, th.TEXT_DIM,
              anchor="midleft")


def draw_log(screen, text, log, now_s: float) -> None:
    """The last messages in full, newest at the bottom, as many as fit."""
    w, h = screen.get_size()
    px, line_h = th.px, th.px(LINE_H)
    shade(screen, screen.get_rect(), HELP_BG)
    text.draw(screen, _("neurocar — messages"), (px(30), px(18)), 22, th.TEXT, bold=True)
    text.draw(screen, text.fit(_("the last messages in full, newest at the bottom · L or Esc closes"), w - px(60),
                               th.FONT), (px(30), px(48)), th.FONT, th.TEXT_DIM)
    if not len(log):
        text.draw(screen, _("nothing said yet"), (px(30), px(84)), th.FONT, th.TEXT_DIM)
    y, when_w = h - px(20), text.width(_("0000 s ago"), th.FONT_SMALL) + px(16)
    for entry in reversed(log.entries):
        lines = wrap(text, entry.text, w - px(60) - when_w, th.FONT)
        y -= line_h * len(lines) + px(6)
        if y < px(80):
            break
        text.draw(screen, _("{value:.0f} s ago").format(
            value=now_s - entry.time_s), (px(30), y + px(2)), th.FONT_SMALL, th.TEXT_DIM)
        for k, line in enumerate(lines):
            text.draw(screen, line, (px(30) + when_w, y + line_h * k), th.FONT, entry.color)


MODEL_LINES = {
    "measured": N_("car model: measured (the HC-SR04's beam and incidence, the servo's speed, the motors' "
                   "voltages); start with --ideal for the idealised car"),
    "ideal": N_("car model: ideal (the profile's estimates: a perfect sensor, instant servo, speed in proportion "
                "to PWM); the measured model is the default"),
}


def draw_help(screen, text, model: str) -> None:
    """Every binding of the key table, grouped by where it acts, in as many columns as
    needed, under the car model the window runs."""
    w, h = screen.get_size()
    px, line_h = th.px, th.px(HELP_LINE_H)
    shade(screen, screen.get_rect(), HELP_BG)
    text.draw(screen, _("neurocar — keys"), (px(30), px(18)), 22, th.TEXT, bold=True)
    text.draw(screen, text.fit(_("H, F1 or Esc closes this help · the mouse also works in the world view and panels"),
                               w - px(60), th.FONT), (px(30), px(48)), th.FONT, th.TEXT_DIM)
    text.draw(screen, text.fit(_(MODEL_LINES[model]), w - px(60), th.FONT), (px(30), px(70)), th.FONT, th.TEXT_DIM)
    groups = keymap.help_rows()
    top = px(100)
    n_cols = 2 if w < px(1500) else 3
    col_w = (w - px(60)) // n_cols
    keys_w = min(px(170), col_w // 3)
    x, y = px(30), top
    for title, rows in groups:
        need = line_h * (len(rows) + 1) + px(10)
        if y + need > h - px(20) and y > top and x + 2 * col_w <= w:
            x, y = x + col_w, top                  # next column
        text.draw(screen, title, (x, y), th.FONT, th.SECTION_FOCUS, bold=True)
        y += line_h + px(2)
        for keys, what in rows:
            text.draw(screen, text.fit(keys, keys_w - px(10), th.FONT_SMALL), (x + px(8), y), th.FONT_SMALL,
                      th.OUTPUT_HUE, bold=True)
            text.draw(screen, text.fit(what, col_w - keys_w - px(20), th.FONT_SMALL), (x + keys_w, y),
                      th.FONT_SMALL, th.TEXT)
            y += line_h
        y += 8
