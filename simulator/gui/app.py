"""The simulator window: the car driving in its world, the table it was taught, the
network thinking, retraining live, teach mode, world editing and files.

``App`` owns the window's state (a ``WindowState``), runs the frame loop and draws the
frame. A key runs the function the key table (``keymap``) names for it; those commands
live with their concern (``global_commands``, ``panel_commands``, ``world_commands``,
``teach_commands``, ``training``, ``files``), the autosave in ``session``, and what is
drawn in ``worldview``, ``panels`` and ``overlay``. ``main(argv)`` is what ``neurocar``
with no command runs; ``App.run(frames=N)`` runs a bounded number of frames, so tests
and benchmarks end.
"""
import io
import sys
import time
from pathlib import Path

import pygame

from brain.atomic import atomic_write_bytes
from brain.brainfile import load_brain
from brain.errors import NeurocarError
from brain.table import load_table
from brain.i18n import _, language_option, set_language
from simulator.assets import asset
from simulator.cli.crash import report_crash
from simulator.simulation import Simulation
from simulator.gui import firstrun, keymap, overlay, simlink, teach_commands, theme as th
from simulator.gui.camera import Camera
from simulator.gui.hyper import FIELDS, HyperParams
from simulator.gui.launch import (DEFAULT_BRAIN, DEFAULT_WORLD, MIN_SIZE, StopSignals, build_parser, check_args,
                                  parse_size, require_display, set_minimum_size)
from simulator.gui.layout import layout
from simulator.gui.pacing import BLINK_HZ, Idle, Pacing
from simulator.gui.dialogs import DoubleClick
from simulator.gui.files import SKETCHES
from simulator.gui.panel_commands import entry_key, table_click
from simulator.gui.panels import NetworkView, TableView, draw_cost, draw_hyper
from simulator.gui.session import Session
from simulator.gui.state import WindowState
from simulator.gui.tablefor import table_for
from simulator.gui.tablemodel import TableEditor
from simulator.gui.text import Text
from simulator.gui.training import RowsRight, shown, train_slice
from simulator.gui.world_commands import check_world, drive_in
from simulator.gui.worldedit import EditorHooks, WorldEditor
from simulator.gui.worldview import draw_beam, draw_car, draw_scale_bar, draw_trail, draw_world
from simulator.episode import check_model
from simulator.measured import DEFAULT_MODEL
from simulator.profile import default_profile, load_profile
from simulator.world import load_world

DEFAULT_SIZE = (1280, 720)
FPS = 60
FRAME_S = 1.0 / FPS
MAX_FRAME_S = 0.1             # a longer stall (a dragged window) counts as this much
TRAIL_EVERY_TICKS = 4
FLASH_S = 0.45
WHEEL_ROWS = 3
MOUSE_EVENTS = (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION, pygame.MOUSEWHEEL)


def start_state(world_path=None, brain_path=None, table_path=None, robot_path=None, seed: int = 0,
                model: str = DEFAULT_MODEL):
    """(state, shipped): the window's state at the start, from the files given or the
    shipped defaults; ``shipped`` is False when the brain's table was not found. A world
    the car cannot start in is refused as eval refuses it."""
    profile = load_profile(robot_path) if robot_path else default_profile()
    world = load_world(world_path or asset("worlds", DEFAULT_WORLD))
    check_world(profile, world)
    brain = load_brain(brain_path or asset("brains", DEFAULT_BRAIN))
    if table_path:
        table, shipped = load_table(table_path), True
    else:
        table, shipped = table_for(brain)
    check_model(profile, model)
    state = WindowState(profile=profile, sim=Simulation(world, profile, brain, seed=seed, model=model),
                        editor=TableEditor(table), model=model,
                        hyper=HyperParams.for_brain(brain),
                        brain_name=Path(brain_path or DEFAULT_BRAIN).name, seed=seed,
                        export_dir=Path.cwd() / SKETCHES)
    return state, shipped


class App:
    def __init__(self, *, world_path=None, brain_path=None, table_path=None, robot_path=None, seed: int = 0,
                 size=DEFAULT_SIZE, realtime: bool = True, restore: bool = True, model: str = DEFAULT_MODEL,
                 welcome: bool = False):
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("neurocar")
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        set_minimum_size(MIN_SIZE)
        self.clock = pygame.time.Clock()
        self.text = Text()
        self.realtime = realtime
        self.frame = 0
        self.frame_ms: list[float] = []
        self.frame_s = 0.0                           # the last frame's wall time (its work, not the wait)
        self.state, shipped = start_state(world_path, brain_path, table_path, robot_path, seed, model)
        self.pacing = Pacing(self.state.profile.control.tick_s, realtime)
        self.idle = Idle()
        self.layout = self._lay_out()
        self.camera = Camera(self.layout.world)
        self.world_edit = WorldEditor(self.state.sim.world, self.camera, self._editor_hooks())
        self.table_view, self.net_view, self.rows_right = TableView(), NetworkView(), RowsRight()
        self.cell_clicks = DoubleClick()
        self.session = Session()
        self.fit_world()
        if not shipped:
            self.state.say(_("the table {brain_name} was trained on was not found; the table shows the "
                           "brain's own decisions").format(brain_name=self.state.brain_name), th.OUTPUT_HUE)
        if restore:
            self.session.offer_restore(self)
        if welcome:
            firstrun.offer(self)
        self.session.mark_saved(self)

    def _editor_hooks(self) -> EditorHooks:
        s = self.state
        return EditorHooks(check_start=lambda world: check_world(s.profile, world), report=s.say,
                           changed=lambda: s.sim.world_changed(), edited=lambda: s.edited("world"),
                           swap=lambda world: drive_in(self, world))

    def resize(self) -> None:
        """Lay out the resized window; the world view keeps showing the same part of the world."""
        old = pygame.Rect(self.camera.viewport)
        self.screen = pygame.display.get_surface()
        self.layout = self._lay_out()
        new = self.camera.viewport = self.layout.world
        if old.w > 0 and old.h > 0 and new.size != old.size:
            self.camera.zoom(min(new.w / old.w, new.h / old.h))

    def _lay_out(self):
        """The layout of the window as it is now, text and panels at its scale."""
        size = self.screen.get_size()
        th.set_scale(th.ui_scale(size))
        self.text.scale = th.SCALE
        return layout(size)

    def fit_world(self) -> None:
        w = self.state.sim.world
        self.camera.fit(-w.wall_cm, -w.wall_cm, w.width_cm + w.wall_cm, w.height_cm + w.wall_cm)

    # -- the loop ----------------------------------------------------------------------
    def run(self, frames: int | None = None, screenshot=None, stop: StopSignals | None = None) -> int:
        """Run until closed, until frame number ``frames``, or until ``stop`` caught a
        signal; then save a screenshot if asked (not after a signal). The session is
        autosaved however the run ends, a bug included."""
        try:
            self._loop(frames, stop)
            if screenshot and not (stop and stop.caught):
                self.save_screenshot(screenshot)
        finally:
            self.session.save(self)
        return 0

    def _loop(self, frames, stop) -> None:
        """Frames at up to FPS; idle (``Idle``), a frame only when something changed."""
        while self.state.running and (frames is None or self.frame < frames) and not (stop and stop.caught):
            idle = Idle.applies(self)
            events = self.idle.wait() if idle else []
            if self.realtime:
                elapsed = self.clock.tick(FPS) / 1000.0
                dt = min(elapsed, MAX_FRAME_S)
            else:
                self.clock.tick()
                elapsed = dt = FRAME_S
            start = time.perf_counter()
            self.state.wall_time += elapsed
            events += pygame.event.get()
            for event in events:
                self.handle(event)
            self.update(dt)
            if idle and not events and not self.idle.changed(self):
                continue
            self.draw()
            pygame.display.flip()
            self.frame_s = time.perf_counter() - start
            if frames is not None:                   # an open-ended run would grow this without end
                self.frame_ms.append(self.frame_s * 1000.0)
            self.frame += 1

    def update(self, dt: float) -> None:
        s = self.state
        if s.training.job is not None:
            train_slice(s, self.frame_s)
        self.pacing.run(dt, self.tick)
        if s.sim.collisions > s.collisions_seen:
            s.flash_until = s.wall_time + FLASH_S
        s.collisions_seen = s.sim.collisions
        self.session.save_if_due(self)

    def tick(self) -> None:
        """One control tick of the simulation, with teach mode's driving and recording."""
        s = self.state
        if s.teaching is not None:
            teach_commands.before_tick(s)
        s.sim.step_tick()
        if round(s.sim.time_s / s.profile.control.tick_s) % TRAIL_EVERY_TICKS == 0:
            x, y, _ = s.sim.pose
            s.trail.append((x, y))
        if s.teaching is not None:
            teach_commands.after_tick(s)

    def save_screenshot(self, path) -> None:
        """The window as a PNG, written atomically (never half a picture)."""
        png = io.BytesIO()
        try:
            pygame.image.save(self.screen, png, "png")
            atomic_write_bytes(path, png.getvalue())
        except OSError as e:
            raise NeurocarError(_("--screenshot {path}: could not be written ({value})").format(
                path=path, value=e.strerror or e)) from None
        except pygame.error as e:
            raise NeurocarError(_("--screenshot {path}: could not be made ({e})").format(path=path, e=e)) from None

    def close(self) -> None:
        pygame.display.quit()
        th.set_scale(1.0)

    # -- events ------------------------------------------------------------------------
    def handle(self, event) -> None:
        s = self.state
        if event.type == pygame.QUIT:
            s.running = False
        elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.resize()
        elif event.type == pygame.KEYDOWN:
            self.key(event)
        elif event.type == pygame.KEYUP:
            if s.teaching is not None:
                teach_commands.key_up(s, event)
        elif event.type in MOUSE_EVENTS:
            if s.modal is not None:
                self._to_modal(s.modal.mouse, event)
            elif not s.help:
                self.mouse(event)

    def _to_modal(self, handler, event) -> None:
        """The open dialog takes the event; it goes once closed (unless it opened another)."""
        modal = self.state.modal
        try:
            handler(event)
        except NeurocarError as e:
            self.state.error(str(e))
        if self.state.modal is modal and modal.closed:
            self.state.modal = None

    def key(self, event) -> None:
        """A key goes to the open dialog, else the value being typed, else the key table.
        An error the user caused is shown as a message; anything else is a bug and ends
        the window (``main`` reports it)."""
        try:
            self._route_key(event)
        except NeurocarError as e:
            self.state.error(str(e))

    def _route_key(self, event) -> None:
        s = self.state
        if s.modal is not None:
            self._to_modal(s.modal.handle, event)
        elif s.entry is not None:
            entry_key(self, event)
        elif s.help and event.key in (pygame.K_ESCAPE, pygame.K_h, pygame.K_F1):
            s.help = False
        else:
            contexts = (["teach"] if s.teaching is not None else []) + [s.focus, "global"]
            binding = keymap.lookup(event, contexts)
            if binding is not None:
                binding.run(self, event)

    def mouse(self, event) -> None:
        pos = getattr(event, "pos", None) or pygame.mouse.get_pos()
        in_world = self.camera.viewport.collidepoint(pos)
        if in_world or event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONUP):
            if event.type == pygame.MOUSEBUTTONDOWN and in_world:
                self.state.focus = "world"
            self.world_edit.mouse(event, pos)
        elif event.type == pygame.MOUSEWHEEL and self.layout.table.collidepoint(pos):
            self.state.editor.move(drow=-WHEEL_ROWS * event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._click_panel(pos)

    def _click_panel(self, pos) -> None:
        s = self.state
        for (r, c), rect in self.table_view.cell_rects.items():
            if rect.collidepoint(pos):
                table_click(self, r, c, self.cell_clicks((r, c)))
                return
        if self.layout.hyper.collidepoint(pos):
            s.focus = "hyper"
            row = (pos[1] - self.layout.hyper.y - th.px(26)) // th.ROW_H
            if 0 <= row < len(FIELDS):
                s.hyper.index = row

    # -- drawing -----------------------------------------------------------------------
    def draw(self) -> None:
        screen, s, cam = self.screen, self.state, self.camera
        car = simlink.car_state(s.sim)
        if s.follow:
            cam.cx, cam.cy = car.x, car.y
        screen.set_clip(cam.viewport)
        draw_world(screen, cam, s.sim.world, self.world_edit.selected)
        draw_trail(screen, cam, s.trail)
        draw_beam(screen, cam, car, s.profile, s.profile.control.distance_clamp_cm, s.model)
        flash = max(0.0, (s.flash_until - s.wall_time) / FLASH_S)
        draw_car(screen, cam, car, s.profile, flash, teach=s.teaching is not None)
        self.world_edit.draw_overlay(screen)
        draw_scale_bar(screen, cam, self.text)
        overlay.draw_status(self, car)
        overlay.draw_message(self)
        screen.set_clip(None)
        self.draw_panel()
        overlay.draw_hint(self)
        if s.help:
            overlay.draw_help(screen, self.text, self.state.model)
        elif s.log_shown:
            overlay.draw_log(screen, self.text, s.log, s.wall_time)
        if s.modal is not None:
            s.modal.draw(screen, self.text, self.blink)

    @property
    def blink(self) -> bool:
        return int(self.state.wall_time * BLINK_HZ) % 2 == 0

    def draw_panel(self) -> None:
        screen, text, s, box = self.screen, self.text, self.state, self.layout
        brain, editor = s.sim.brain, s.editor
        pygame.draw.rect(screen, th.PANEL_BG, box.panel)
        inputs = s.sim.sensed_inputs()
        self.table_view.draw(screen, text, box.table, editor, focused=s.focus == "table",
                             entry=s.entry if s.focus == "table" else None,
                             rows_right=self.rows_right(editor, brain), blink=self.blink,
                             title_note=_("{name} · {count} rows").format(name=editor.table.name, count=editor.n_rows))
        decided = brain.decide(inputs)[0]
        label = brain.action_label(decided) or "-"
        self.net_view.draw(screen, text, box.net, brain, inputs, decoded=decided,
                           action=_("sees now → {action}").format(action=label), title_note=s.brain_name)
        draw_hyper(screen, text, box.hyper, s.hyper, focused=s.focus == "hyper",
                   entry=s.entry if s.focus == "hyper" else None, blink=self.blink)
        draw_cost(screen, text, box.cost, shown(s, self.rows_right(editor, brain)))


def main(argv=None) -> int:
    """The window, from the command line. A user's error (a bad option or file) raises
    NeurocarError for the command line to print; a bug is reported with a crash log
    (after the session was autosaved) and gives exit status 70."""
    argv = sys.argv[1:] if argv is None else list(argv)
    language, argv = language_option(argv)       # before the parser, whose help is in that language
    if language:
        set_language(language)
    args = build_parser().parse_args(argv)
    check_args(args)
    if args.frames is None:
        require_display()
    size = parse_size(args.size)
    with StopSignals() as stop:
        try:
            app = _open(args, size)
            code = _run(app, args, stop, argv)
        finally:
            pygame.quit()
    stop.raise_caught()                          # the command line prints one line: exit 130 or 143
    return code


def _open(args, size) -> App:
    try:
        return App(world_path=args.world, brain_path=args.brain, table_path=args.table, robot_path=args.robot,
                   seed=args.seed, size=size, realtime=args.frames is None, restore=not args.no_restore and
                   args.frames is None, model="ideal" if args.ideal else DEFAULT_MODEL, welcome=args.frames is None)
    except (NeurocarError, OSError) as e:        # a bad world, brain, robot or table file on the command line
        raise NeurocarError(str(e)) from None


def _run(app: App, args, stop, argv) -> int:
    try:
        return app.run(frames=args.frames, screenshot=args.screenshot, stop=stop)
    except NeurocarError:
        raise
    except Exception as e:                       # not the user's doing: a bug (run() autosaved the session)
        return report_crash(e, "neurocar", argv)
