"""The simulator window: the car driving in its world, the table it was taught, the
network thinking, retraining live, teach mode, world editing and files.

``App`` holds the window's state, runs the frame loop and lays out the panels; what
each key does lives with its concern (``global_commands``, ``panel_commands``,
``world_commands``, ``teach_commands``, ``training``, ``files``, ``session``), and what
is drawn lives in ``worldview``, ``panels`` and ``overlay``. ``main(argv)`` is what
``neurocar`` with no command runs; ``App.run(frames=N)`` runs a bounded number of frames,
so tests and benchmarks end.
"""
import io
import sys
import time
from collections import deque
from pathlib import Path

import pygame

from brain.atomic import atomic_write_bytes
from brain.brainfile import load_brain
from brain.errors import NeurocarError
from brain.table import load_table
from simulator.assets import asset
from simulator.episode import Simulation
from simulator.gui import keymap, overlay, simlink, theme as th
from simulator.cli.state import state_dir
from simulator.gui.autosave import Autosave
from simulator.gui.camera import Camera
from simulator.gui.files import USER_ERRORS, FileActions
from simulator.gui.global_commands import GlobalCommands
from simulator.gui.hyper import FIELDS, HyperParams
from simulator.gui.launch import (DEFAULT_BRAIN, DEFAULT_WORLD, StopSignals, build_parser, check_args, parse_size,
                                  require_display)
from simulator.gui.pacing import Pacing
from simulator.gui.panel_commands import PanelCommands
from simulator.gui.panels import NetworkView, TableView, draw_cost, draw_hyper
from simulator.gui.session import Session
from simulator.gui.tablefor import table_for
from simulator.gui.tablemodel import TableEditor
from simulator.gui.teach_commands import TeachCommands
from simulator.gui.text import Text
from simulator.gui.training import Training
from simulator.gui.world_commands import WorldCommands
from simulator.gui.worldedit import WorldEditor
from simulator.gui.worldview import draw_beam, draw_car, draw_scale_bar, draw_trail, draw_world
from simulator.profile import default_profile, load_profile
from simulator.world import load_world

DEFAULT_SIZE = (1280, 720)
FPS = 60
FRAME_S = 1.0 / FPS
MAX_FRAME_S = 0.1             # a longer stall (a dragged window) counts as this much
TRAIL_EVERY_TICKS = 4
TRAIL_POINTS = 900
FLASH_S = 0.45
MESSAGE_S = 8.0
WHEEL_ROWS = 3
PAD = 8


class App(GlobalCommands, PanelCommands, WorldCommands, TeachCommands, Training, FileActions, Session):
    def __init__(self, *, world_path=None, brain_path=None, table_path=None, robot_path=None, seed: int = 0,
                 size=DEFAULT_SIZE, realtime: bool = True, restore: bool = True):
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("neurocar")
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.clock = pygame.time.Clock()
        self.text = Text()
        self.realtime = realtime
        self.running = True
        self.frame = 0
        self.frame_ms: list[float] = []
        self.wall_time = 0.0
        self.message, self.message_color, self.message_until = "", th.TEXT, 0.0
        self.focus = "world"
        self.help = False
        self.modal = None                            # a Prompt or FileDialog taking the keys
        self.entry = None                            # a cell or setting being typed
        self.follow = False
        self.flash_until = 0.0
        self.trail: deque = deque(maxlen=TRAIL_POINTS)
        self.teach = None                            # a TeachRecorder while in teach mode
        self.teach_keys: list[str] = []
        self.job = None                              # a RetrainJob while retraining
        self.losses: list[float] = []
        self.cost_note = ""
        self.train_status, self.train_color = "", th.TEXT
        self.history: list[str] = []                # which editor each undoable edit went to
        self.redo_history: list[str] = []
        self.table_view = TableView()
        self.net_view = NetworkView()
        self.autosave = Autosave()
        self._saved_versions = None
        self._last_autosave = 0.0
        self.edited_session = False
        self.export_dir = state_dir() / "firmware"
        self._collisions_seen = 0
        self._rows_right_for = None
        self._rows_right = None

        self.profile = load_profile(robot_path) if robot_path else default_profile()
        self.pacing = Pacing(self.profile.control.tick_s, realtime)
        self.world_seed = None
        world = load_world(world_path or asset("worlds", DEFAULT_WORLD))
        self.check_world(world)                     # refused as eval refuses it: the car starts in a solid
        self.brain_name = Path(brain_path or DEFAULT_BRAIN).name
        brain = load_brain(brain_path or asset("brains", DEFAULT_BRAIN))
        if table_path:
            table, shipped = load_table(table_path), True
        else:
            table, shipped = table_for(brain)
        self.editor = TableEditor(table)
        self.hyper = HyperParams.from_provenance(brain.provenance)
        self.seed = seed
        self.sim = Simulation(world, self.profile, brain, seed=seed)
        self.world_edit = WorldEditor(self)
        self.layout()
        self.fit_world()
        if not shipped:
            self.say(f"the table {self.brain_name} was trained on was not found; the table shows the "
                     f"brain's own decisions", th.OUTPUT_HUE)
        if restore:
            self.offer_restore()
        self._saved_versions = self._versions()

    def layout(self) -> None:
        """Split the window: the world view on the left; table, network, settings and
        cost on the right; the hint bar along the bottom."""
        w, h = self.screen.get_size()
        pw = min(max(int(w * 0.4), 440), 600) if w >= 980 else w // 2
        self.hint_rect = pygame.Rect(0, h - th.HINT_H, w, th.HINT_H)
        world = pygame.Rect(0, 0, w - pw, h - th.HINT_H)
        self.panel_rect = pygame.Rect(w - pw, 0, pw, h - th.HINT_H)
        inner = self.panel_rect.inflate(-2 * PAD, -2 * PAD)
        hyper_h = 26 + th.ROW_H * len(FIELDS) + 56           # every setting, its help and the status
        rest = min(hyper_h, max(0, inner.h - 2 * PAD - 160))
        net_h = int((inner.h - rest - 2 * PAD) * 0.35)
        table_h = inner.h - rest - net_h - 2 * PAD
        self.table_rect = pygame.Rect(inner.x, inner.y, inner.w, table_h)
        self.net_rect = pygame.Rect(inner.x, self.table_rect.bottom + PAD, inner.w, net_h)
        hw = (inner.w - PAD) // 2
        self.hyper_rect = pygame.Rect(inner.x, self.net_rect.bottom + PAD, hw, rest)
        self.cost_rect = pygame.Rect(self.hyper_rect.right + PAD, self.hyper_rect.y, inner.w - hw - PAD, rest)
        if hasattr(self, "camera"):
            self.camera.viewport = world
        else:
            self.camera = Camera(world)

    def resize(self) -> None:
        """Lay out the resized window; the world view keeps showing the same part of the world."""
        old = pygame.Rect(self.camera.viewport)
        self.screen = pygame.display.get_surface()
        self.layout()
        new = self.camera.viewport
        if old.w > 0 and old.h > 0 and new.size != old.size:
            self.camera.zoom(min(new.w / old.w, new.h / old.h))

    def say(self, message: str, color=None) -> None:
        self.message, self.message_color = message, color or th.TEXT
        self.message_until = self.wall_time + MESSAGE_S

    def error(self, message: str) -> None:
        self.say(message, th.TEXT_ERROR)

    # -- the loop ----------------------------------------------------------------------
    def run(self, frames: int | None = None, screenshot=None, stop: StopSignals | None = None) -> int:
        """Run until closed, until frame number ``frames``, or until ``stop`` caught a
        signal; then save a screenshot if asked (not after a signal) and the session."""
        try:
            self._loop(frames, stop)
            if screenshot and not (stop and stop.caught):
                self.save_screenshot(screenshot)
        finally:
            self.save_session()
        return 0

    def _loop(self, frames, stop) -> None:
        while self.running and (frames is None or self.frame < frames) and not (stop and stop.caught):
            if self.realtime:
                dt = min(self.clock.tick(FPS) / 1000.0, MAX_FRAME_S)
            else:
                self.clock.tick()
                dt = FRAME_S
            start = time.perf_counter()
            self.wall_time += dt
            for event in pygame.event.get():
                self.handle(event)
            self.update(dt)
            self.draw()
            pygame.display.flip()
            if frames is not None:                   # an open-ended run would grow this without end
                self.frame_ms.append((time.perf_counter() - start) * 1000.0)
            self.frame += 1

    def update(self, dt: float) -> None:
        if self.job is not None:
            self.train_slice()
        self.pacing.run(dt, self.tick)
        if self.sim.collisions > self._collisions_seen:
            self.flash_until = self.wall_time + FLASH_S
        self._collisions_seen = self.sim.collisions
        self.autosave_due()

    def tick(self) -> None:
        """One control tick of the simulation, with teach mode's driving and recording."""
        sim = self.sim
        if self.teach is not None:
            self.teach_before_tick()
        sim.step_tick()
        if round(sim.time_s / self.profile.control.tick_s) % TRAIL_EVERY_TICKS == 0:
            x, y, _ = sim.pose
            self.trail.append((x, y))
        if self.teach is not None:
            self.teach_after_tick()

    def save_screenshot(self, path) -> None:
        """The window as a PNG, written atomically (never half a picture)."""
        png = io.BytesIO()
        try:
            pygame.image.save(self.screen, png, "png")
            atomic_write_bytes(path, png.getvalue())
        except OSError as e:
            raise NeurocarError(f"--screenshot {path}: could not be written ({e.strerror or e})") from None
        except pygame.error as e:
            raise NeurocarError(f"--screenshot {path}: could not be made ({e})") from None

    def close(self) -> None:
        pygame.display.quit()

    # -- events ------------------------------------------------------------------------
    def handle(self, event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE:
            self.resize()
        elif event.type == pygame.KEYDOWN:
            self.key(event)
        elif event.type == pygame.KEYUP:
            if self.teach is not None:
                self.teach_key_up(event)
        elif event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION, pygame.MOUSEWHEEL):
            if self.modal is None and not self.help:
                self.mouse(event)

    def key(self, event) -> None:
        """A key goes to the open dialog, else the value being typed, else the key table."""
        if self.modal is not None:
            self.modal.handle(event)
            if self.modal is not None and self.modal.closed:
                self.modal = None
            return
        if self.entry is not None:
            self.entry_key(event)
            return
        if self.help and event.key in (pygame.K_ESCAPE, pygame.K_h, pygame.K_F1):
            self.help = False
            return
        contexts = (["teach"] if self.teach is not None else []) + [self.focus, "global"]
        binding = keymap.lookup(event, contexts)
        if binding is None:
            return
        try:
            self.handler(binding)(event)
        except USER_ERRORS as e:
            self.error(str(e))

    def handler(self, binding):
        """The method a binding runs: ``cmd_<context>_<command>``, else ``cmd_<command>``."""
        return getattr(self, f"cmd_{binding.context}_{binding.command}", None) or \
            getattr(self, f"cmd_{binding.command}")

    def mouse(self, event) -> None:
        pos = getattr(event, "pos", None) or pygame.mouse.get_pos()
        if self.camera.viewport.collidepoint(pos) or event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONUP):
            self.world_edit.mouse(event, pos)
        elif event.type == pygame.MOUSEWHEEL and self.table_rect.collidepoint(pos):
            self.editor.move(drow=-WHEEL_ROWS * event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._click_panel(pos)

    def _click_panel(self, pos) -> None:
        for (r, c), rect in self.table_view.cell_rects.items():
            if rect.collidepoint(pos):
                self.focus = "table"
                self.editor.select(r, c)
                return
        if self.hyper_rect.collidepoint(pos):
            self.focus = "hyper"
            row = (pos[1] - self.hyper_rect.y - 26) // th.ROW_H
            if 0 <= row < len(FIELDS):
                self.hyper.index = row

    # -- drawing -----------------------------------------------------------------------
    def draw(self) -> None:
        screen, sim = self.screen, self.sim
        car = simlink.car_state(sim)
        if self.follow:
            self.camera.cx, self.camera.cy = car.x, car.y
        screen.set_clip(self.camera.viewport)
        draw_world(screen, self.camera, sim.world, self.world_edit.selected)
        draw_trail(screen, self.camera, self.trail)
        draw_beam(screen, self.camera, car, self.profile, self.profile.control.distance_clamp_cm)
        flash = max(0.0, (self.flash_until - self.wall_time) / FLASH_S)
        draw_car(screen, self.camera, car, self.profile, flash, teach=self.teach is not None)
        self.world_edit.draw_overlay(screen)
        draw_scale_bar(screen, self.camera, self.text)
        overlay.draw_status(self, car)
        overlay.draw_message(self)
        screen.set_clip(None)
        self.draw_panel()
        overlay.draw_hint(self)
        if self.help:
            overlay.draw_help(screen, self.text)
        if self.modal is not None:
            self.modal.draw(screen, self.text, self.blink)

    @property
    def blink(self) -> bool:
        return (self.frame // 20) % 2 == 0

    def draw_panel(self) -> None:
        screen, text, sim = self.screen, self.text, self.sim
        pygame.draw.rect(screen, th.PANEL_BG, self.panel_rect)
        inputs = sim.sensed_inputs()
        self.table_view.draw(screen, text, self.table_rect, self.editor, focused=self.focus == "table",
                             entry=self.entry if self.focus == "table" else None, rows_right=self.rows_right_now(),
                             blink=self.blink, title_note=f"{self.editor.table.name} · {self.editor.n_rows} rows")
        decided = sim.brain.decide(inputs)[0]
        label = sim.brain.action_label(decided) or "-"
        self.net_view.draw(screen, text, self.net_rect, sim.brain, inputs, decoded=decided,
                           action=f"sees now → {label}", title_note=self.brain_name)
        draw_hyper(screen, text, self.hyper_rect, self.hyper, focused=self.focus == "hyper",
                   entry=self.entry if self.focus == "hyper" else None, blink=self.blink,
                   status=self.train_status, status_color=self.train_color)
        draw_cost(screen, text, self.cost_rect, self.losses, self.cost_note)


def main(argv=None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    check_args(args)
    if args.frames is None:
        require_display()
    size = parse_size(args.size)
    with StopSignals() as stop:
        try:
            app = App(world_path=args.world, brain_path=args.brain, table_path=args.table, robot_path=args.robot,
                      seed=args.seed, size=size, realtime=args.frames is None,
                      restore=not args.no_restore and args.frames is None)
        except USER_ERRORS as e:                 # a bad world, brain, robot or table file on the command line
            pygame.quit()
            raise NeurocarError(str(e)) from None
        try:
            code = app.run(frames=args.frames, screenshot=args.screenshot, stop=stop)
        finally:
            pygame.quit()
    stop.raise_caught()                          # the command line prints one line: exit 130 or 143
    return code
