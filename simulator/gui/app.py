"""The simulator window: the car driving in its world, the table it was taught, the
network thinking, retraining live, teach mode, world editing and files.

``main(argv)`` is what ``neurocar`` with no command runs. ``App.run(frames=N)`` runs a
bounded number of frames, so tests and benchmarks end.
"""
import argparse
import importlib
import json
import math
import os
import sys
import time
from collections import deque
from pathlib import Path

import pygame

from brain.atomic import atomic_write_text
from brain.brainfile import brain_from_dict, load_brain, save_brain
from brain.errors import BrainError
from brain.table import load_table, parse_table
from simulator.assets import asset, assets_dir
from simulator.errors import UserError
from simulator.episode import Simulation
from simulator.gui import keymap, simlink, theme as th
from simulator.gui.autosave import Autosave, state_dir
from simulator.gui.camera import Camera
from simulator.gui.dialogs import Choice, FileDialog, Prompt
from simulator.gui.hyper import HyperParams
from simulator.gui.panels import NetworkView, TableView, draw_cost, draw_hyper
from simulator.gui.retrain import RetrainJob
from simulator.gui.tablemodel import TableEditor
from simulator.gui.teach import TeachRecorder
from simulator.gui.text import Text
from simulator.gui.textentry import TextEntry
from simulator.gui.worldedit import WorldEditor
from simulator.gui.worldview import draw_beam, draw_car, draw_scale_bar, draw_trail, draw_world
from simulator.profile import default_profile, load_profile
from simulator.world import load_world, save_world, world_from_dict

DEFAULT_SIZE = (1280, 720)
DEFAULT_WORLD = "living_room.json"
DEFAULT_BRAIN = "default.json"
FPS = 60
FRAME_S = 1.0 / FPS
SPEEDS = (("x1", 1.0), ("x4", 4.0), ("x16", 16.0), ("max", None))
SIM_BUDGET_S = 0.012          # most wall time per frame spent stepping the simulation
TRAIN_SLICE_S = 0.006         # wall time per frame given to retraining
MAX_TICKS_PER_FRAME = 400
TRAIL_EVERY_TICKS = 4
TRAIL_POINTS = 900
FLASH_S = 0.45
MESSAGE_S = 8.0
AUTOSAVE_EVERY_S = 1.0
FOCUSES = ("world", "table", "hyper")
USER_ERRORS = (BrainError, ValueError, OSError, UserError)


class App:
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
        self.message, self.message_color, self.message_until = "", th.TEXT, 0.0
        self.focus = "world"
        self.help = False
        self.modal = None
        self.entry: TextEntry | None = None          # a cell or setting being typed
        self.speed = 0
        self.paused = False
        self.pending_steps = 0
        self.acc = 0.0
        self.follow = False
        self.flash_until = 0.0
        self.wall_time = 0.0
        self.trail: deque = deque(maxlen=TRAIL_POINTS)
        self.teach: TeachRecorder | None = None
        self.teach_keys: list[str] = []
        self.job: RetrainJob | None = None
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
        self.edited = False
        self.export_dir = state_dir() / "firmware"

        self.profile = load_profile(robot_path) if robot_path else default_profile()
        self.world_seed = None
        world = load_world(world_path or asset("worlds", DEFAULT_WORLD))
        self.brain_name = Path(brain_path or DEFAULT_BRAIN).name
        brain = load_brain(brain_path or asset("brains", DEFAULT_BRAIN))
        table = load_table(table_path) if table_path else self._table_for(brain)
        self.editor = TableEditor(table)
        self.hyper = HyperParams.from_provenance(brain.provenance)
        self.seed = seed
        self.sim = Simulation(world, self.profile, brain, seed=seed)
        self.world_edit = WorldEditor(self)
        self.layout()
        self.camera.fit(-world.wall_cm, -world.wall_cm, world.width_cm + world.wall_cm,
                        world.height_cm + world.wall_cm)
        self._collisions_seen = 0
        self._rows_right_key = None
        self._rows_right = None
        if restore:
            self._offer_restore()
        self._saved_versions = self._versions()

    # -- setup helpers -----------------------------------------------------------------
    def _table_for(self, brain):
        """The table a brain was trained on, when it ships with neurocar, else a shipped
        table with the same columns."""
        tables = assets_dir() / "tables"
        name = (brain.provenance or {}).get("table")
        candidates = ([tables / Path(name).name] if name else []) + sorted(tables.glob("*.csv"))
        for path in candidates:
            try:
                t = load_table(path)
            except (BrainError, OSError):
                continue
            if t.input_names == brain.input_names and t.output_names == brain.output_names:
                return t
        raise UserError(f"no training table in {tables} has the columns of the brain "
                        f"({', '.join(brain.input_names)} -> {', '.join(brain.output_names)}); "
                        f"pass one with --table")

    def layout(self) -> None:
        w, h = self.screen.get_size()
        pw = min(max(int(w * 0.4), 440), 600) if w >= 980 else w // 2
        self.hint_rect = pygame.Rect(0, h - th.HINT_H, w, th.HINT_H)
        world = pygame.Rect(0, 0, w - pw, h - th.HINT_H)
        self.panel_rect = pygame.Rect(w - pw, 0, pw, h - th.HINT_H)
        pad = 8
        inner = self.panel_rect.inflate(-2 * pad, -2 * pad)
        table_h = int(inner.h * 0.42)
        net_h = int(inner.h * 0.26)
        rest = inner.h - table_h - net_h - 2 * pad
        self.table_rect = pygame.Rect(inner.x, inner.y, inner.w, table_h)
        self.net_rect = pygame.Rect(inner.x, self.table_rect.bottom + pad, inner.w, net_h)
        hw = (inner.w - pad) // 2
        self.hyper_rect = pygame.Rect(inner.x, self.net_rect.bottom + pad, hw, rest)
        self.cost_rect = pygame.Rect(self.hyper_rect.right + pad, self.hyper_rect.y, inner.w - hw - pad, rest)
        if hasattr(self, "camera"):
            self.camera.viewport = world
        else:
            self.camera = Camera(world)

    def say(self, message: str, color=None) -> None:
        self.message, self.message_color = message, color or th.TEXT
        self.message_until = self.wall_time + MESSAGE_S

    def error(self, message: str) -> None:
        self.say(message, th.TEXT_ERROR)

    # -- the loop ----------------------------------------------------------------------
    def run(self, frames: int | None = None, screenshot=None) -> int:
        """Run until closed, or for ``frames`` frames; then save a screenshot if asked."""
        while self.running and (frames is None or self.frame < frames):
            if self.realtime:
                dt = min(self.clock.tick(FPS) / 1000.0, 0.1)
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
            self.frame_ms.append((time.perf_counter() - start) * 1000.0)
            self.frame += 1
        if screenshot:
            self.save_screenshot(screenshot)
        self.save_session()
        return 0

    def save_screenshot(self, path) -> None:
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise UserError(f"{path}: the folder {path.parent} does not exist")
        tmp = path.with_name(f".{path.name}.tmp.png")
        pygame.image.save(self.screen, str(tmp))
        os.replace(tmp, path)

    def close(self) -> None:
        pygame.display.quit()

    def update(self, dt: float) -> None:
        if self.job is not None:
            self._train_slice()
        self._step_sim(dt)
        if self.sim.collisions > self._collisions_seen:
            self.flash_until = self.wall_time + FLASH_S
        self._collisions_seen = self.sim.collisions
        if self.wall_time - self._last_autosave >= AUTOSAVE_EVERY_S:
            self._last_autosave = self.wall_time
            if self._versions() != self._saved_versions:
                self.edited = True
                self.save_session()

    def _step_sim(self, dt: float) -> None:
        tick = self.profile.control.tick_s
        if self.paused:
            self.acc = 0.0
            while self.pending_steps:
                self.pending_steps -= 1
                self._tick()
            return
        label, factor = SPEEDS[self.speed]
        start = time.perf_counter()
        if factor is None:                               # as fast as the budget allows
            n = 0
            while n < MAX_TICKS_PER_FRAME and (n % 8 or time.perf_counter() - start < SIM_BUDGET_S):
                self._tick()
                n += 1
            return
        self.acc += dt * factor
        n = min(int(self.acc / tick + 1e-9), MAX_TICKS_PER_FRAME)
        self.acc -= n * tick
        for i in range(n):
            self._tick()
            if self.realtime and time.perf_counter() - start > SIM_BUDGET_S:
                self.acc = 0.0                           # cannot keep up: run slower, never stall
                break

    def _tick(self) -> None:
        sim = self.sim
        if self.teach is not None:
            action = self.teach_keys[-1] if self.teach_keys else None
            sim.set_manual(simlink.action_pins(self.profile, action) if action else (0,) * len(
                self.profile.motors.pin_order))
        sim.step_tick()
        ticks = round(sim.time_s / self.profile.control.tick_s)
        if ticks % TRAIL_EVERY_TICKS == 0:
            x, y, _ = sim.pose
            self.trail.append((x, y))
        if self.teach is not None and self.teach_keys:
            action = self.teach_keys[-1]
            inputs = sim.sensed_inputs()
            targets = simlink.action_targets(sim.brain, self.profile, action)
            label = simlink.action_label(self.editor.table, targets, action)
            self.teach.record(inputs, targets, label)

    def _train_slice(self) -> None:
        job = self.job
        job.step(TRAIN_SLICE_S)
        self.losses = job.losses
        self.train_status, self.train_color = job.summary(), th.TEXT
        self.cost_note = f"epoch {job.trainer.epochs_}"
        if not job.done:
            return
        self.job = None
        brain = job.result()
        if brain is None:
            self.train_status, self.train_color = job.summary(), th.TEXT_ERROR
            self.error("retraining diverged: the car keeps its last good weights")
            return
        try:
            self.sim.brain = brain
        except ValueError as e:
            self.error(f"the new brain cannot drive this robot: {e}")
            return
        self.brain_name = "retrained (unsaved)"
        right = brain.provenance.get("rows_right")
        color = th.TEXT_OK if right == len(job.table) else th.OUTPUT_HUE
        self.train_status, self.train_color = job.summary() + "; the car drives with it", color
        self.say(f"retrained in {job.wall_seconds:.1f} s: {right}/{len(job.table)} rows right; "
                 f"the car now uses the new weights", color)

    # -- events --------------------------------------------------------------------------
    def handle(self, event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE:
            self.screen = pygame.display.get_surface()
            self.layout()
        elif event.type == pygame.KEYDOWN:
            self._key(event)
        elif event.type == pygame.KEYUP:
            if self.teach is not None:
                name = _TEACH_KEYS.get(event.key)
                if name in self.teach_keys:
                    self.teach_keys.remove(name)
        elif event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION, pygame.MOUSEWHEEL):
            if self.modal is None and not self.help:
                self._mouse(event)

    def _key(self, event) -> None:
        if self.modal is not None:
            self.modal.handle(event)
            if self.modal is not None and self.modal.closed:
                self.modal = None
            return
        if self.entry is not None:
            self._entry_key(event)
            return
        if self.help and event.key in (pygame.K_ESCAPE, pygame.K_h, pygame.K_F1):
            self.help = False
            return
        contexts = (["teach"] if self.teach is not None else []) + [self.focus, "global"]
        binding = keymap.lookup(event, contexts)
        if binding is None:
            return
        handler = getattr(self, f"cmd_{binding.context}_{binding.command}", None) or \
            getattr(self, f"cmd_{binding.command}")
        try:
            handler(event)
        except USER_ERRORS as e:
            self.error(str(e))

    def _entry_key(self, event) -> None:
        result = self.entry.handle(event)
        if result == "cancel":
            self.entry = None
            self.say("edit cancelled")
        elif result == "accept":
            text = self.entry.text
            if self.focus == "table":
                error = self.editor.set_cell(text)
                if error:
                    self.error(f"refused: {error}")
                else:
                    self._edited("table")
                    self.say(f"row {self.editor.row + 1}, {self.editor.columns[self.editor.col].name} = "
                             f"{self.editor.cell_text(self.editor.row, self.editor.col)}; press R to retrain")
            else:
                error = self.hyper.set_text(text)
                if error:
                    self.error(f"refused: {error}")
                else:
                    self.say(f"{self.hyper.field.label} = {self.hyper.text(self.hyper.field.key)}")
            self.entry = None

    def _mouse(self, event) -> None:
        pos = getattr(event, "pos", None) or pygame.mouse.get_pos()
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not self.camera.viewport.collidepoint(pos):
            for (r, c), rect in self.table_view.cell_rects.items():
                if rect.collidepoint(pos):
                    self.focus = "table"
                    self.editor.select(r, c)
                    return
            if self.hyper_rect.collidepoint(pos):
                self.focus = "hyper"
                row = (pos[1] - self.hyper_rect.y - 26) // th.ROW_H
                if 0 <= row < 7:
                    self.hyper.index = row
            return
        self.world_edit.mouse(event, pos)

    def _edited(self, kind: str) -> None:
        self.history.append(kind)
        self.redo_history.clear()
        self._rows_right_key = None

    # -- commands: anywhere -------------------------------------------------------------
    def cmd_help(self, event=None):
        self.help = not self.help

    def cmd_pause(self, event=None):
        self.paused = not self.paused
        self.say("paused: N steps one control tick" if self.paused else "running")

    def cmd_step(self, event=None):
        if not self.paused:
            self.paused = True
            self.say("paused; N (or .) steps one control tick")
        else:
            self.pending_steps += 1

    def _set_speed(self, i):
        self.speed = i
        self.acc = 0.0
        self.say(f"speed {SPEEDS[i][0]}")

    def cmd_speed_1(self, event=None):
        self._set_speed(0)

    def cmd_speed_4(self, event=None):
        self._set_speed(1)

    def cmd_speed_16(self, event=None):
        self._set_speed(2)

    def cmd_speed_max(self, event=None):
        self._set_speed(3)

    def cmd_focus_next(self, event=None):
        self.focus = FOCUSES[(FOCUSES.index(self.focus) + 1) % len(FOCUSES)]

    def cmd_focus_prev(self, event=None):
        self.focus = FOCUSES[(FOCUSES.index(self.focus) - 1) % len(FOCUSES)]

    def cmd_retrain(self, event=None):
        table = self.editor.table
        config = self.hyper.config()
        try:
            self.job = RetrainJob(table, config)
        except (BrainError, ValueError) as e:
            self.job = None
            self.train_status, self.train_color = str(e), th.TEXT_ERROR
            self.error(f"cannot retrain: {e}")
            return
        self.losses = []
        self.train_status, self.train_color = "training…", th.TEXT
        self.say(f"retraining on {len(table)} rows ({config.optimizer}, lr {config.learning_rate():g}); "
                 f"the car keeps driving with the old weights until it ends")

    def cmd_teach(self, event=None):
        if self.teach is None:
            self.teach = TeachRecorder()
            self.teach_keys = []
            self.paused = False
            self.say("teach mode: hold the arrow keys to drive; every control tick is recorded", th.TEACH)
            return
        recorder, self.teach = self.teach, None
        self.teach_keys = []
        self.sim.set_manual(None)
        if not len(recorder):
            self.say("left teach mode: nothing was recorded")
            return
        table = self.editor.table
        merged, dedup = recorder.merged(table), recorder.deduplicated(table)
        n_all, n_new = len(merged) - len(table), len(dedup) - len(table)

        def add(new_table, how):
            def go():
                self.editor.replace(new_table)
                self._edited("table")
                self.say(f"added {len(new_table) - len(table)} rows ({how}); retraining", th.TEXT_OK)
                self.cmd_retrain()
            return go

        self.modal = Prompt("Teach mode: keep what you showed?", [
            f"{n_all} ticks were recorded.",
            f"M: add all {n_all} rows (merged)",
            f"D: add {n_new} de-duplicated rows (one per new situation, the most frequent action)",
            "Either way the brain is then retrained on the table.",
        ], [Choice(pygame.K_m, "M: merged", add(merged, "merged")),
            Choice(pygame.K_d, "D: de-duplicated", add(dedup, "de-duplicated")),
            Choice(pygame.K_ESCAPE, "Esc: discard", lambda: self.say("recorded rows discarded"))])

    def cmd_new_world(self, event=None):
        from simulator.worldgen import random_world
        self.world_seed = 0 if self.world_seed is None else self.world_seed + 1
        world = random_world(self.world_seed)
        self._set_world(world)
        self.say(f"new random world, seed {self.world_seed}")

    def _set_world(self, world) -> None:
        self.sim = Simulation(world, self.profile, self.sim.brain, seed=self.seed)
        self.world_edit.reset()
        self.trail.clear()
        self._collisions_seen = 0
        self.history = [k for k in self.history if k != "world"]
        self.camera.fit(-world.wall_cm, -world.wall_cm, world.width_cm + world.wall_cm,
                        world.height_cm + world.wall_cm)

    def cmd_reset_car(self, event=None):
        self.sim.reset()
        self.trail.clear()
        self._collisions_seen = 0
        self.say("car back at the start, collisions cleared")

    def cmd_open(self, event=None):
        self.modal = FileDialog("open", self._folders(), self._open_file)

    def cmd_save(self, event=None):
        names = {"brain": "my_brain.json", "table": "my_table.csv", "world": "my_world.json"}
        self.modal = FileDialog("save", self._folders(), self._save_file, kind="brain", default_names=names)

    def _folders(self) -> dict:
        saved = state_dir() / "saved"
        a = assets_dir()
        return {"brain": [a / "brains", saved, Path.cwd()], "table": [a / "tables", saved, Path.cwd()],
                "world": [a / "worlds", saved, Path.cwd()]}

    def _open_file(self, kind: str, path: Path) -> None:
        try:
            if path.suffix.lower() == ".csv":
                table = load_table(path)
                self.editor.replace(table)
                self._edited("table")
                self.say(f"opened table {path.name} ({len(table)} rows); press R to train on it")
                return
            data = json.loads(path.read_text(encoding="utf-8"))
            fmt = data.get("format") if isinstance(data, dict) else None
            if fmt == "neurocar-brain":
                brain = brain_from_dict(data, str(path))
                self.sim.brain = brain
                self.brain_name = path.name
                self.hyper = HyperParams.from_provenance(brain.provenance)
                if brain.output_names != self.editor.table.output_names:
                    self.editor.replace(self._table_for(brain))
                self.say(f"opened brain {path.name}; the car drives with it now")
            elif fmt == "neurocar-world":
                self._set_world(world_from_dict(data, str(path)))
                self.world_seed = None
                self.say(f"opened world {path.name}")
            else:
                self.error(f"{path}: neither a neurocar brain nor a world (no \"format\" of either)")
        except FileNotFoundError:
            self.error(f"{path}: no such file")
        except json.JSONDecodeError as e:
            self.error(f"{path}, line {e.lineno}: not valid JSON ({e.msg})")
        except UnicodeDecodeError:
            self.error(f"{path}: not a UTF-8 text file")
        except USER_ERRORS as e:
            self.error(str(e))

    def _save_file(self, kind: str, path: Path) -> None:
        try:
            if kind == "brain":
                path = path if path.suffix else path.with_suffix(".json")
                save_brain(path, self.sim.brain)
                self.brain_name = path.name
            elif kind == "table":
                path = path if path.suffix else path.with_suffix(".csv")
                atomic_write_text(path, self.editor.table.to_csv())
            else:
                path = path if path.suffix else path.with_suffix(".json")
                save_world(path, self.sim.world)
            self.say(f"saved the {kind} to {path}", th.TEXT_OK)
        except OSError as e:
            self.error(f"{path}: could not save ({e.strerror or e})")

    def cmd_export(self, event=None):
        """Write the Arduino sketch for the current brain, when the exporter is installed."""
        try:
            sketch = importlib.import_module("firmware_export.sketch")
        except ImportError:
            sketch = None
        generate = getattr(sketch, "generate", None)
        if generate is None:
            self.say("firmware export is not available yet in this neurocar", th.OUTPUT_HUE)
            return
        try:
            folder = generate(self.sim.brain, self.profile, "neurocar", self.brain_name).write(self.export_dir)
        except OSError as e:
            self.error(f"could not write the sketch to {self.export_dir}: {e.strerror or e}")
            return
        self.say(f"firmware sketch written to {folder} (neurocar export --check builds it)", th.TEXT_OK)

    def cmd_undo(self, event=None):
        self._undo_redo(self.history, self.redo_history, "undo")

    def cmd_redo(self, event=None):
        self._undo_redo(self.redo_history, self.history, "redo")

    def _undo_redo(self, source, dest, what):
        if not source:
            self.say(f"nothing to {what}")
            return
        kind = source.pop()
        ok = (self.editor.undo() if what == "undo" else self.editor.redo()) if kind == "table" else \
            self.world_edit.undo_redo(what)
        if ok:
            dest.append(kind)
            self._rows_right_key = None
            self.say(f"{what}: {kind} edit")

    def cmd_zoom_in(self, event=None):
        self.camera.zoom(1.25)

    def cmd_zoom_out(self, event=None):
        self.camera.zoom(0.8)

    def cmd_fit_view(self, event=None):
        w = self.sim.world
        self.follow = False
        self.camera.fit(-w.wall_cm, -w.wall_cm, w.width_cm + w.wall_cm, w.height_cm + w.wall_cm)

    def cmd_follow(self, event=None):
        self.follow = not self.follow
        self.say("camera follows the car" if self.follow else "camera stays put")

    def cmd_escape(self, event=None):
        if self.help:
            self.help = False
        elif self.world_edit.selected is not None:
            self.world_edit.selected = None
        elif self.focus != "world":
            self.focus = "world"

    def cmd_quit(self, event=None):
        self.running = False

    # -- commands: the table -----------------------------------------------------------
    def cmd_table_row(self, event):
        self.editor.move(drow=-1 if event.key == pygame.K_UP else 1)
        self.editor.flag = None

    def cmd_table_column(self, event):
        self.editor.move(dcol=-1 if event.key == pygame.K_LEFT else 1)
        self.editor.flag = None

    def cmd_table_edit(self, event=None):
        self.entry = TextEntry(self.editor.cell_text(self.editor.row, self.editor.col))

    def cmd_table_add_row(self, event=None):
        self.editor.add_row()
        self._edited("table")
        self.say(f"added row {self.editor.row + 1}; Enter edits its cells")

    def cmd_table_duplicate_row(self, event=None):
        self.editor.duplicate_row()
        self._edited("table")
        self.say(f"duplicated into row {self.editor.row + 1}")

    def cmd_table_delete_row(self, event=None):
        error = self.editor.delete_row()
        if error:
            self.error(f"refused: {error}")
        else:
            self._edited("table")
            self.say("row deleted (Ctrl+Z undoes)")

    # -- commands: hyperparameters -----------------------------------------------------
    def cmd_hyper_field(self, event):
        self.hyper.move(-1 if event.key == pygame.K_UP else 1)
        self.hyper.flag = None

    def cmd_hyper_adjust(self, event):
        self.hyper.adjust(-1 if event.key == pygame.K_LEFT else 1)

    def cmd_hyper_edit(self, event=None):
        self.entry = TextEntry(self.hyper.text(self.hyper.field.key))

    # -- commands: the world -----------------------------------------------------------
    def cmd_world_move(self, event):
        dx, dy = keymap.ARROWS[event.key]
        if not self.world_edit.nudge(dx, dy):
            self.camera.pan_pixels(-dx * 40, dy * 40)

    def cmd_world_pan(self, event):
        dx, dy = keymap.ARROWS[event.key]
        self.camera.pan_pixels(-dx * 40, dy * 40)

    def cmd_world_add_obstacle(self, event=None):
        self.world_edit.add_at(self.camera.to_world(*self.camera.viewport.center))

    def cmd_world_delete_obstacle(self, event=None):
        if not self.world_edit.delete_selected():
            self.say("select an obstacle first (click it)")

    def cmd_world_resize(self, event):
        grow = getattr(event, "unicode", "") == "]" or event.key == pygame.K_RIGHTBRACKET
        if not self.world_edit.resize_selected(1.15 if grow else 1 / 1.15):
            self.say("select an obstacle first (click it)")

    def cmd_teach_drive_forward(self, event):
        self._teach_press("forward")

    def cmd_teach_drive_backward(self, event):
        self._teach_press("backward")

    def cmd_teach_drive_left(self, event):
        self._teach_press("left")

    def cmd_teach_drive_right(self, event):
        self._teach_press("right")

    def _teach_press(self, action: str) -> None:
        if action in self.teach_keys:
            self.teach_keys.remove(action)
        self.teach_keys.append(action)

    # -- autosave ----------------------------------------------------------------------
    def _versions(self):
        return (self.editor.version, self.hyper.version, id(self.sim.brain), self.world_edit.version,
                id(self.sim.world))

    def session(self) -> dict:
        return {
            "edited": self.edited,
            "table_csv": self.editor.table.to_csv(),
            "table_name": self.editor.table.name,
            "hyper": self.hyper.to_dict(),
            "brain": self.sim.brain.to_dict(),
            "brain_name": self.brain_name,
            "world": self.sim.world.to_dict(),
            "world_seed": self.world_seed,
        }

    def save_session(self) -> None:
        if not self.edited and self._versions() == self._saved_versions:
            return
        self.edited = True
        if not self.autosave.save(self.session()):
            self.error(self.autosave.error)
        self._saved_versions = self._versions()

    def _offer_restore(self) -> None:
        data = self.autosave.load()
        if self.autosave.error:
            self.error(self.autosave.error)
        if not data or not data.get("edited"):
            return

        def restore():
            try:
                table = parse_table(data["table_csv"], "autosaved table", data.get("table_name", "table"))
                brain = brain_from_dict(data["brain"], "autosaved brain")
                world = world_from_dict(data["world"], "autosaved world")
            except (KeyError, TypeError) as e:
                self.error(f"the autosaved session is incomplete ({e}); starting fresh")
                return
            except USER_ERRORS as e:
                self.error(f"the autosaved session cannot be used: {e}")
                return
            self.editor = TableEditor(table)
            self.hyper.load_dict(data.get("hyper") or {})
            self._set_world(world)
            self.world_seed = data.get("world_seed")
            try:
                self.sim.brain = brain
                self.brain_name = str(data.get("brain_name", "restored"))
            except ValueError as e:
                self.error(f"the autosaved brain cannot drive this robot: {e}")
            self.edited = True
            self.say("restored your last session", th.TEXT_OK)

        def discard():
            self.autosave.clear()
            self.say("started fresh (the autosaved session was discarded)")

        self.modal = Prompt("Restore your last session?", [
            f"Unsaved edits from last time were kept in {self.autosave.path.parent}:",
            f"a table of {data.get('table_csv', '').count(chr(10)) - 1} lines, the brain and the world.",
        ], [Choice(pygame.K_RETURN, "Enter: restore", restore), Choice(pygame.K_ESCAPE, "Esc: start fresh", discard)])

    # -- drawing -----------------------------------------------------------------------
    def draw(self) -> None:
        screen = self.screen
        sim = self.sim
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
        self._draw_status(car)
        screen.set_clip(None)
        pygame.draw.rect(screen, th.PANEL_BG, self.panel_rect)
        blink = (self.frame // 20) % 2 == 0
        inputs = sim.sensed_inputs()
        self.table_view.draw(screen, self.text, self.table_rect, self.editor, focused=self.focus == "table",
                             entry=self.entry if self.focus == "table" else None, rows_right=self._rows_right_now(),
                             blink=blink, title_note=f"{self.editor.table.name} · {self.editor.n_rows} rows")
        decided = sim.brain.decide(inputs)[0]
        label = sim.brain.action_label(decided) or "-"
        self.net_view.draw(screen, self.text, self.net_rect, sim.brain, inputs, decoded=decided,
                           action=f"sees now → {label}", title_note=self.brain_name)
        draw_hyper(screen, self.text, self.hyper_rect, self.hyper, focused=self.focus == "hyper",
                   entry=self.entry if self.focus == "hyper" else None, blink=blink,
                   status=self.train_status, status_color=self.train_color)
        draw_cost(screen, self.text, self.cost_rect, self.losses, self.cost_note)
        self._draw_hint()
        if self.help:
            self._draw_help()
        if self.modal is not None:
            self.modal.draw(screen, self.text, blink)

    def _rows_right_now(self):
        key = (self.editor.version, id(self.sim.brain))
        if key != self._rows_right_key:
            self._rows_right_key = key
            t = self.editor.table
            try:
                self._rows_right = t.rows_right(self.sim.brain.forward(t.inputs)) \
                    if t.output_names == self.sim.brain.output_names else None
            except ValueError:
                self._rows_right = None
        return self._rows_right

    def _draw_status(self, car) -> None:
        sim, v, text = self.sim, self.camera.viewport, self.text
        state = "paused" if self.paused else "running"
        speed = SPEEDS[self.speed][0]
        seed = f" · seed {self.world_seed}" if self.world_seed is not None else ""
        line1 = f"{state} · {speed} · t {sim.time_s:.1f} s · collisions {sim.collisions}"
        line2 = f"{sim.world.name}{seed} · {self.profile.name}"
        dist = f"{car.echo_cm:.0f} cm" if math.isfinite(car.echo_cm) else "no echo"
        doing = simlink.doing(self.profile, sim.pins)
        hold = f" (hold {sim.hold})" if sim.hold and self.teach is None else ""
        line3 = f"servo {car.servo_deg}° · echo {dist} · doing: {doing}{hold}"
        lines = [(line1, th.TEXT_ERROR if self.flash_until > self.wall_time else th.TEXT), (line2, th.TEXT_DIM),
                 (line3, th.TEXT)]
        w = max(text.width(s, th.FONT) for s, _ in lines) + 20
        box = pygame.Rect(v.x + 10, v.y + 10, w, 18 * len(lines) + 10)
        _shade(self.screen, box, (20, 22, 28, 190))
        for i, (s, color) in enumerate(lines):
            text.draw(self.screen, s, (box.x + 10, box.y + 6 + 18 * i), th.FONT, color)
        if self.teach is not None:
            banner = f"TEACH MODE · {len(self.teach)} rows recorded · hold arrows to drive · T to finish"
            tw = text.width(banner, th.FONT_TITLE, bold=True) + 24
            b = pygame.Rect(v.centerx - tw // 2, v.bottom - 64, tw, 28)
            pygame.draw.rect(self.screen, th.TEACH, b, border_radius=6)
            text.draw(self.screen, banner, b.center, th.FONT_TITLE, (255, 255, 255), bold=True, anchor="center")
        elif self.paused:
            text.draw(self.screen, "❚❚ PAUSED", (v.right - 14, v.y + 12), th.FONT_TITLE, (250, 250, 250),
                      bold=True, anchor="topright")
        if self.message and self.wall_time < self.message_until:
            mw = min(text.width(self.message, th.FONT) + 24, v.w - 20)
            b = pygame.Rect(v.centerx - mw // 2, v.bottom - 30, mw, 24)
            _shade(self.screen, b, (20, 22, 28, 215))
            text.draw(self.screen, text.fit(self.message, mw - 16, th.FONT), b.center, th.FONT,
                      self.message_color, anchor="center")

    def _draw_hint(self) -> None:
        r = self.hint_rect
        pygame.draw.rect(self.screen, th.HINT_BG, r)
        context = "teach" if self.teach is not None else self.focus
        hint = keymap.HINTS[context]
        if self.entry is not None:
            hint = "typing: Enter accepts · Esc cancels · Left/Right move the cursor"
        focus = f"focus: {self.focus}"
        self.text.draw(self.screen, focus, (r.x + 10, r.centery), th.FONT, th.SECTION_FOCUS, bold=True,
                       anchor="midleft")
        x = r.x + 24 + self.text.width(focus, th.FONT, bold=True)
        self.text.draw(self.screen, self.text.fit(hint, r.right - x - 10, th.FONT), (x, r.centery), th.FONT,
                       th.TEXT_DIM, anchor="midleft")

    def _draw_help(self) -> None:
        screen, text = self.screen, self.text
        w, h = screen.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((10, 12, 16, 242))
        screen.blit(shade, (0, 0))
        text.draw(screen, "neurocar — keys", (30, 18), 22, th.TEXT, bold=True)
        text.draw(screen, "H, F1 or Esc closes this help · the mouse also works in the world view and panels",
                  (30, 48), th.FONT, th.TEXT_DIM)
        groups = keymap.help_rows()
        col_w = (w - 60) // 2
        x, y, top = 30, 78, 78
        line_h = 17
        for title, rows in groups:
            need = line_h * (len(rows) + 2)
            if y + need > h - 20 and x == 30:
                x, y = 30 + col_w, top
            text.draw(screen, title, (x, y), th.FONT, th.SECTION_FOCUS, bold=True)
            y += line_h + 2
            for keys, what in rows:
                text.draw(screen, keys, (x + 8, y), th.FONT_SMALL, th.OUTPUT_HUE, bold=True)
                text.draw(screen, text.fit(what, col_w - 190, th.FONT_SMALL), (x + 170, y), th.FONT_SMALL, th.TEXT)
                y += line_h
            y += 8


def _shade(surface, rect, rgba) -> None:
    s = pygame.Surface(rect.size, pygame.SRCALPHA)
    s.fill(rgba)
    surface.blit(s, rect.topleft)


_TEACH_KEYS = {pygame.K_UP: "forward", pygame.K_DOWN: "backward", pygame.K_LEFT: "left", pygame.K_RIGHT: "right"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="neurocar", description="The neurocar simulator window.")
    p.add_argument("--world", help=f"world file (JSON); default assets/worlds/{DEFAULT_WORLD}")
    p.add_argument("--brain", help=f"brain file (JSON); default assets/brains/{DEFAULT_BRAIN}")
    p.add_argument("--table", help="training table to edit (CSV); default: the one the brain was trained on")
    p.add_argument("--robot", help="robot profile (TOML); default the Elegoo V3")
    p.add_argument("--seed", type=int, default=0, help="seed of the simulation (sensor effects)")
    p.add_argument("--size", default="1280x720", help="window size WIDTHxHEIGHT (default 1280x720)")
    p.add_argument("--frames", type=int, help="render this many frames, then exit")
    p.add_argument("--screenshot", metavar="FILE.png", help="save a screenshot when exiting")
    p.add_argument("--no-restore", action="store_true", help="do not offer to restore the autosaved session")
    return p


def _size(text: str):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size {text!r}: expected WIDTHxHEIGHT such as 1280x720") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise UserError(f"--size {text!r}: width 320..8000 and height 240..8000 pixels")
    return w, h


def _require_display() -> None:
    """An open-ended run needs a screen: SDL would otherwise fall back, silently, to an
    invisible offscreen window. Asking for a driver by name (SDL_VIDEODRIVER) is respected."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return
    pygame.display.init()
    driver = pygame.display.get_driver()
    pygame.display.quit()
    if driver in ("offscreen", "dummy"):
        raise UserError("no display to open the window on (set DISPLAY, or run on a desktop); "
                        "headless work needs no window: 'neurocar eval', 'neurocar train', 'neurocar export', "
                        "or 'neurocar --frames N --screenshot FILE.png'")


def main(argv=None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.frames is not None and args.frames < 1:
        raise UserError(f"--frames {args.frames}: must be 1 or more")
    if args.screenshot and not args.screenshot.lower().endswith(".png"):
        raise UserError(f"--screenshot {args.screenshot}: the file name must end in .png")
    if args.frames is None:
        _require_display()
    try:
        app = App(world_path=args.world, brain_path=args.brain, table_path=args.table, robot_path=args.robot,
                  seed=args.seed, size=_size(args.size), realtime=args.frames is None,
                  restore=not args.no_restore and args.frames is None)
    except (ValueError, OSError) as e:           # a bad world, robot or table file named on the command line
        pygame.quit()
        raise UserError(str(e)) from None
    try:
        return app.run(frames=args.frames, screenshot=args.screenshot)
    finally:
        pygame.quit()
