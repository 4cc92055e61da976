"""The window of ``neurocar replay``: a run played back tick by tick. On the left the sweep
around the car (a telemetry log: no position) or the world with the car in it (a
recording), on the right the decision and the log (or the recording and its metrics so
far), the timeline along the bottom and the keys in the hint bar.
``ReplayWindow.run(frames=N)`` runs a bounded number of frames, so tests end; ``main`` is
what the command runs once the file has been read."""
import io

import pygame

from brain.atomic import atomic_write_bytes
from simulator.gui import theme as th
from simulator.gui.keymap import Binding, short_keys
from simulator.gui.keys import matches
from simulator.gui.launch import MAX_FRAMES, StopSignals, check_screenshot, parse_size, require_display, whole_number
from simulator.gui.layout import PAD
from simulator.gui.overlay import shade, STATUS_BG
from simulator.gui.replay_cards import draw_decision, draw_log
from simulator.gui.replay_model import NO_POSE_NOTE
from simulator.gui.replay_sweep import draw_sweep
from simulator.gui.replay_timeline import Timeline
from simulator.gui.replay_world import draw_recording, draw_world_view
from simulator.gui.replay_view import JUMP_TICKS, PAGE_TICKS, ReplayView
from simulator.gui.text import Text
from brain.i18n import N_, _

FPS = 60
FRAME_S = 1.0 / FPS
MAX_FRAME_S = 0.1
TIMELINE_H = 150
DECISION_H = 226

# run(window, d): d is -1 for a binding's first key and +1 for its second; the words are shown through _()
BINDINGS = (
    Binding(("Space",), "replay", lambda w, d: w.view.toggle_play(), N_("play / pause"), N_("play")),
    Binding(("Left", "Right"), "replay", lambda w, d: w.view.step(d), N_("one tick back / on (pauses)"),
            N_("step")),
    Binding(("Shift+Left", "Shift+Right"), "replay", lambda w, d: w.view.jump(d * JUMP_TICKS),
            N_("one second back / on"), "1 s"),
    Binding(("PageUp", "PageDown"), "replay", lambda w, d: w.view.jump(d * PAGE_TICKS), N_("ten seconds back / on"),
            "10 s"),
    Binding(("Home",), "replay", lambda w, d: w.view.home(), N_("the first tick"), N_("start")),
    Binding(("End",), "replay", lambda w, d: w.view.end(), N_("the last tick"), N_("end")),
    Binding(("-", "+", "="), "replay", lambda w, d: w.view.faster(d), N_("slower / faster (x0.25 to x16)"),
            N_("speed")),
    Binding(("Esc", "Q"), "replay", lambda w, d: w.quit(), N_("quit"), N_("quit")),
)


def _keys_label(keys) -> str:
    if keys[0].startswith("Shift+"):
        return "Shift+" + "/".join(k[len("Shift+"):] for k in keys)
    return "/".join(keys[:2]) if keys[0] in ("Esc", "-") else short_keys(keys)


def hint_line() -> str:
    """The hint bar, in the language in use."""
    return " · ".join(f"{_keys_label(b.keys)} {_(b.hint)}" for b in BINDINGS) + _(" · click the timeline")


class ReplayWindow:
    def __init__(self, run, size=(1280, 720), realtime: bool = True):
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(_("neurocar replay · {name}").format(name=run.name))
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.clock = pygame.time.Clock()
        self.text = Text()
        self.run_, self.view = run, ReplayView(run)
        self.timeline = Timeline()
        self.realtime, self.running, self.frame = realtime, True, 0
        self.dragging = False

    def quit(self) -> None:
        self.running = False

    def run(self, frames: int | None = None, screenshot=None, stop: StopSignals | None = None) -> int:
        """Run until closed, until frame number ``frames`` or a signal; then save a screenshot if asked."""
        while self.running and (frames is None or self.frame < frames) and not (stop and stop.caught):
            if self.realtime:
                dt = min(self.clock.tick(FPS) / 1000.0, MAX_FRAME_S)
            else:
                dt = FRAME_S
            for event in pygame.event.get():
                self.handle(event)
            self.view.advance(dt)
            self.draw()
            pygame.display.flip()
            self.frame += 1
        if screenshot and not (stop and stop.caught):
            png = io.BytesIO()
            pygame.image.save(self.screen, png, "png")
            atomic_write_bytes(screenshot, png.getvalue())
        return 0

    def handle(self, event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
        elif event.type == pygame.VIDEORESIZE:
            self.screen = pygame.display.get_surface()
        elif event.type == pygame.KEYDOWN:
            self.key(event)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.dragging = self._seek(event.pos)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self.dragging = False
        elif event.type == pygame.MOUSEMOTION and self.dragging:
            self._seek(event.pos)

    def key(self, event) -> None:
        for b in BINDINGS:
            for k, spec in enumerate(b.keys):
                if matches(spec, event):
                    b.run(self, -1 if k == 0 else 1)
                    return

    def _seek(self, pos) -> bool:
        slot = self.timeline.click(pos, self.run_)
        if slot is not None:
            self.view.seek(slot)
        return slot is not None

    # -- drawing -----------------------------------------------------------------------
    def areas(self):
        """(sweep, decision, log, timeline, hint) rectangles for the window's size."""
        w, h = self.screen.get_size()
        hint = pygame.Rect(0, h - th.HINT_H, w, th.HINT_H)
        timeline = pygame.Rect(PAD, hint.y - TIMELINE_H - PAD, w - 2 * PAD, TIMELINE_H)
        pw = min(max(int(w * 0.34), 400), 520)
        sweep = pygame.Rect(0, 0, w - pw, timeline.y - PAD)
        decision = pygame.Rect(sweep.right + PAD, PAD, pw - 2 * PAD, DECISION_H)
        log = pygame.Rect(decision.x, decision.bottom + PAD, decision.w, sweep.bottom - decision.bottom - PAD)
        return sweep, decision, log, timeline, hint

    def draw(self) -> None:
        screen, text, run, view = self.screen, self.text, self.run_, self.view
        sweep, decision, log, timeline, hint = self.areas()
        screen.fill(th.PANEL_BG)
        screen.set_clip(sweep)
        (draw_world_view if run.has_pose else draw_sweep)(screen, text, sweep, run, view)
        self._draw_status(sweep)
        screen.set_clip(None)
        draw_decision(screen, text, decision, run, view)
        if run.has_pose:
            draw_recording(screen, text, log, run, view)
        else:
            draw_log(screen, text, log, run)
        self.timeline.draw(screen, text, timeline, run, view)
        pygame.draw.rect(screen, th.HINT_BG, hint)
        text.draw(screen, text.fit(hint_line(), hint.w - 20, th.FONT), (hint.x + 10, hint.centery), th.FONT,
                  th.TEXT_DIM, anchor="midleft")

    def _draw_status(self, v) -> None:
        """Where the replay is (top left), and what the log cannot say (along the bottom)."""
        screen, text, view, run = self.screen, self.text, self.view, self.run_
        state = _("▶ playing") if view.playing else _("❚❚ paused")
        if run.has_pose:
            line = _("{state} · x{speed:g} · tick {tick:,} of {ticks:,} · {seconds:.2f} s of {total:.1f} s").format(
                state=state, speed=view.speed, tick=view.tick.tick, ticks=len(run.ticks),
                seconds=view.slot * run.tick_s, total=run.time_s(len(run.ticks) - 1))
        else:
            line = _("{state} · x{speed:g} · tick {tick} · {seconds:.2f} s of {total:.1f} s · "
                     "line {line:,} of {lines:,}").format(
                state=state, speed=view.speed, tick=view.tick.tick, seconds=view.slot * run.tick_s,
                total=(run.n_slots - 1) * run.tick_s, line=view.index + 1, lines=len(run.ticks))
        w = min(text.width(line, th.FONT) + 20, v.w - 20)
        box = pygame.Rect(v.x + 10, v.y + 10, w, 28)
        shade(screen, box, STATUS_BG)
        text.draw(screen, text.fit(line, w - 20, th.FONT), (box.x + 10, box.y + 6), th.FONT, th.TEXT)
        if run.has_pose:
            return
        note = text.fit(_(NO_POSE_NOTE), v.w - 40, th.FONT_SMALL)
        nw = text.width(note, th.FONT_SMALL) + 20
        box = pygame.Rect(v.centerx - nw // 2, v.bottom - 30, nw, 22)
        shade(screen, box, STATUS_BG)
        text.draw(screen, note, box.center, th.FONT_SMALL, th.TEXT, anchor="center")


def main(run, size: str = "1280x720", frames: int | None = None, screenshot=None) -> int:
    """Open the window on ``run`` and play it until closed (or for ``frames`` frames,
    without waiting for real time, then save ``screenshot``)."""
    pixels = parse_size(size)
    if frames is not None:
        frames = whole_number("--frames", frames, 1, MAX_FRAMES)
    if screenshot:
        check_screenshot(screenshot)
    if frames is None:
        require_display()
    with StopSignals() as stop:
        try:
            code = ReplayWindow(run, pixels, realtime=frames is None).run(frames, screenshot, stop)
        finally:
            pygame.quit()
    stop.raise_caught()
    return code
