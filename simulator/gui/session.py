"""The window's session: autosaved about once a second when something changed (table,
settings, brain, world), and offered back on the next start: Enter restores it, Esc
keeps it for later, D discards it (the backup of the session before stays). Mixed into
``App``."""
import time

import pygame

from brain.brainfile import brain_from_dict
from brain.errors import NeurocarError
from brain.table import parse_table
from simulator.gui import theme as th
from simulator.gui.dialogs import Choice, Prompt
from simulator.gui.files import USER_ERRORS
from simulator.gui.tablemodel import TableEditor
from simulator.world import WorldError, world_from_dict

AUTOSAVE_EVERY_S = 1.0


class Session:
    def _versions(self):
        """What the session is made of: edit counters, and the objects they count edits of."""
        return ((self.editor.version, self.hyper.version, self.world_edit.version),
                (self.editor, self.hyper, self.sim.brain, self.sim.world))

    def _changed(self) -> bool:
        if self._saved_versions is None:
            return True
        (counters, objects), (saved_counters, saved_objects) = self._versions(), self._saved_versions
        return counters != saved_counters or any(a is not b for a, b in zip(objects, saved_objects))

    def session(self) -> dict:
        return {
            "edited": self.edited_session,
            "table_csv": self.editor.table.to_csv(),
            "table_name": self.editor.table.name,
            "hyper": self.hyper.to_dict(),
            "brain": self.sim.brain.to_dict(),
            "brain_name": self.brain_name,
            "world": self.sim.world.to_dict(),
            "world_seed": self.world_seed,
        }

    def autosave_due(self) -> None:
        if self.wall_time - self._last_autosave >= AUTOSAVE_EVERY_S:
            self._last_autosave = self.wall_time
            if self._changed():
                self.save_session()

    def save_session(self) -> None:
        """Write the session once anything was changed since the start."""
        if not self.edited_session and not self._changed():
            return
        self.edited_session = True
        if not self.autosave.save(self.session()):
            self.error(self.autosave.error)
        self._saved_versions = self._versions()

    def offer_restore(self) -> None:
        """Offer the last session; else (missing, unusable or discarded) the backup of the one before."""
        problems = []
        for path in (self.autosave.path, self.autosave.backup):
            data = self.autosave.load(path)
            if self.autosave.error:
                problems.append(self.autosave.error)
            if data and data.get("edited"):
                self._offer(path, data)
                break
        if problems:
            self.error("; ".join(problems))

    def _offer(self, path, data: dict) -> None:
        try:
            table = f"a table of {len(parse_table(data['table_csv'], 'autosaved table'))} rows"
        except (KeyError, TypeError, AttributeError, *USER_ERRORS):   # told, and set aside, if restored
            table = "a table"
        try:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        except OSError:
            when = "an earlier window"
        lines = [f"Unsaved edits from {when} are kept in {path}:",
                 f"{table}, the brain and the world."]
        if path == self.autosave.backup:
            lines.insert(0, "There is no usable last session; this is the backup of the one before it.")
        self.modal = Prompt("Restore your last session?", lines, [
            Choice(pygame.K_RETURN, "Enter: restore", lambda: self._restore(path, data)),
            Choice(pygame.K_ESCAPE, "Esc: not now (kept for later)", lambda: self._not_now(path)),
            Choice(pygame.K_d, "D: discard it", lambda: self._discard_session(path), also=(pygame.K_DELETE,))])

    def _not_now(self, path) -> None:
        self.say(f"started fresh; the autosaved session is kept in {path.parent} for a later start")

    def _discard_session(self, path) -> None:
        if not self.autosave.discard(path):
            self.error(self.autosave.error)
            return
        kept = path != self.autosave.backup and self.autosave.backup.is_file()
        self.say(f"started fresh; the autosaved session was discarded"
                 f"{f' (the one before it stays as {self.autosave.backup.name})' if kept else ''}")

    def _restore(self, path, data: dict) -> None:
        try:
            table = parse_table(data["table_csv"], "autosaved table", data.get("table_name", "table"))
            brain = brain_from_dict(data["brain"], "autosaved brain")
            world = world_from_dict(data["world"], "autosaved world")
        except (KeyError, TypeError, AttributeError) as e:
            self._restore_failed(path, f"is incomplete ({e})")
            return
        except USER_ERRORS as e:
            self._restore_failed(path, f"cannot be used: {e}")
            return
        try:
            self.sim.brain = brain
        except NeurocarError as e:
            self._restore_failed(path, f"holds a brain that cannot drive this robot: {e}")
            return
        self.brain_name = str(data.get("brain_name", "restored"))
        self.editor = TableEditor(table)
        self.history = [k for k in self.history if k != "table"]
        self.redo_history = [k for k in self.redo_history if k != "table"]
        left_out = []
        bad = self.hyper.load_dict(data.get("hyper") or {})
        if bad:
            left_out.append(f"these settings: {bad}")
        try:
            self.set_world(world)
        except WorldError as e:                      # the car could not start in it: keep the current world
            left_out.append(f"its world: {e}")
        else:
            seed = data.get("world_seed")
            self.world_seed = seed if isinstance(seed, int) else None
        self.edited_session = True
        if left_out:
            self.error(f"restored your last session, but not {'; nor '.join(left_out)}")
        else:
            self.say("restored your last session", th.TEXT_OK)

    def _restore_failed(self, path, problem: str) -> None:
        self.autosave.set_aside(path, problem)
        self.error(self.autosave.error)
