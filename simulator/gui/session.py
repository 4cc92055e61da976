"""The window's session: autosaved about once a second when something changed (table,
settings, brain, world), and offered back on the next start. Mixed into ``App``."""
import pygame

from brain.brainfile import brain_from_dict
from brain.table import parse_table
from simulator.gui import theme as th
from simulator.gui.dialogs import Choice, Prompt
from simulator.gui.files import USER_ERRORS
from simulator.gui.tablemodel import TableEditor
from simulator.world import world_from_dict

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
        data = self.autosave.load()
        if self.autosave.error:
            self.error(self.autosave.error)
        if not data or not data.get("edited"):
            return
        rows = str(data.get("table_csv", "")).count("\n") - 1
        self.modal = Prompt("Restore your last session?", [
            f"Unsaved edits from last time were kept in {self.autosave.path.parent}:",
            f"a table of {rows} lines, the brain and the world.",
        ], [Choice(pygame.K_RETURN, "Enter: restore", lambda: self._restore(data)),
            Choice(pygame.K_ESCAPE, "Esc: start fresh", self._discard_session)])

    def _discard_session(self) -> None:
        self.autosave.clear()
        self.say("started fresh (the autosaved session was discarded)")

    def _restore(self, data: dict) -> None:
        try:
            table = parse_table(data["table_csv"], "autosaved table", data.get("table_name", "table"))
            brain = brain_from_dict(data["brain"], "autosaved brain")
            world = world_from_dict(data["world"], "autosaved world")
        except (KeyError, TypeError, AttributeError) as e:
            self._restore_failed(f"is incomplete ({e})")
            return
        except USER_ERRORS as e:
            self._restore_failed(f"cannot be used: {e}")
            return
        try:
            self.sim.brain = brain
        except ValueError as e:
            self._restore_failed(f"holds a brain that cannot drive this robot: {e}")
            return
        self.brain_name = str(data.get("brain_name", "restored"))
        self.editor = TableEditor(table)
        self.history = [k for k in self.history if k != "table"]
        self.redo_history = [k for k in self.redo_history if k != "table"]
        bad = self.hyper.load_dict(data.get("hyper") or {})
        self.set_world(world)
        seed = data.get("world_seed")
        self.world_seed = seed if isinstance(seed, int) else None
        self.edited_session = True
        if bad:
            self.error(f"restored your last session, but not these settings: {bad}")
        else:
            self.say("restored your last session", th.TEXT_OK)

    def _restore_failed(self, problem: str) -> None:
        self.autosave.set_aside(problem)
        self.error(self.autosave.error)
