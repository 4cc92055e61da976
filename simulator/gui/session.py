"""The window's session: autosaved about once a second when something changed (table,
settings, brain, world), and offered back on the next start: Enter restores it, Esc
keeps it for later, D discards it (the backup of the session before stays)."""
import time

import pygame

from brain.brainfile import brain_from_dict
from brain.errors import NeurocarError
from brain.table import parse_table
from brain.i18n import _
from simulator.gui import theme as th
from simulator.gui.autosave import Autosave
from simulator.gui.dialogs import Choice, Prompt
from simulator.gui.tablemodel import TableEditor
from simulator.gui.world_commands import set_world
from simulator.world import WorldError, world_from_dict

AUTOSAVE_EVERY_S = 1.0
CSV_ROWS = 250                # table rows made into CSV text between two looks at the clock
CSV_SLICE_S = 0.002           # a frame's share of that work
PARTS = (("table_csv", str), ("brain", dict), ("world", dict))     # what a session cannot do without


class Session:
    """Autosaves a window's state (``WindowState`` and its world editor) when it changed,
    and offers the last session back."""

    def __init__(self, autosave: Autosave | None = None):
        self.autosave = autosave or Autosave()
        self.saved_versions = None
        self.last_save_s = 0.0
        self._csv = (None, "")                 # (table, its CSV text): a big table's costs tens of ms
        self._csv_parts: tuple = (None, [], iter(()))     # (table, parts so far, parts to come)

    @staticmethod
    def versions(app):
        """What the session is made of: edit counters, and the objects they count edits of."""
        s = app.state
        return ((s.editor.version, s.hyper.version, app.world_edit.version),
                (s.editor, s.hyper, s.sim.brain, s.sim.world))

    def changed(self, app) -> bool:
        if self.saved_versions is None:
            return True
        (counters, objects), (saved_counters, saved_objects) = self.versions(app), self.saved_versions
        return counters != saved_counters or any(a is not b for a, b in zip(objects, saved_objects))

    def mark_saved(self, app) -> None:
        self.saved_versions = self.versions(app)

    def table_csv(self, table) -> str:
        """The table's CSV text, worked out again only for another table (an edit makes one)."""
        self.csv_ready(table)
        return self._csv[1]

    def csv_ready(self, table, seconds: float | None = None) -> bool:
        """Work on the table's CSV text for about ``seconds`` (None: to the end), a few
        hundred rows at a time; True once it is there."""
        if self._csv[0] is table:
            return True
        if self._csv_parts[0] is not table:
            self._csv_parts = (table, [], table.csv_parts(CSV_ROWS))
        deadline = None if seconds is None else time.perf_counter() + seconds
        _table, parts, coming = self._csv_parts
        for part in coming:
            parts.append(part)
            if deadline is not None and time.perf_counter() >= deadline:
                return False
        self._csv, self._csv_parts = (table, "".join(parts)), (None, [], iter(()))
        return True

    def contents(self, app) -> dict:
        s = app.state
        return {
            "edited": s.edited_session,
            "table_csv": self.table_csv(s.editor.table),
            "table_name": s.editor.table.name,
            "hyper": s.hyper.to_dict(),
            "brain": s.sim.brain.to_dict(),
            "brain_name": s.brain_name,
            "world": s.sim.world.to_dict(),
            "world_seed": app.world_edit.seed,
        }

    def save_if_due(self, app) -> None:
        """Autosave when a second has passed and something changed; a big table's CSV text
        is first made over a few frames, CSV_SLICE_S of each."""
        if app.state.wall_time - self.last_save_s >= AUTOSAVE_EVERY_S and self.changed(app):
            if self.csv_ready(app.state.editor.table, CSV_SLICE_S):
                self.last_save_s = app.state.wall_time
                self.save(app)

    def save(self, app) -> None:
        """Write the session once anything was changed since the start."""
        if not app.state.edited_session and not self.changed(app):
            return
        app.state.edited_session = True
        if not self.autosave.save(self.contents(app)):
            app.state.error(self.autosave.error)
        self.mark_saved(app)

    # -- offering the last session back ------------------------------------------------------
    def offer_restore(self, app) -> None:
        """Offer the last session; else (missing, unusable or discarded) the backup of the one before."""
        problems = []
        for path in (self.autosave.path, self.autosave.backup):
            data = self.autosave.load(path)
            if self.autosave.error:
                problems.append(self.autosave.error)
            if data and data.get("edited"):
                self._offer(app, path, data)
                break
        if problems:
            app.state.error("; ".join(problems))

    def _offer(self, app, path, data: dict) -> None:
        try:
            table = _("a table of {count} rows").format(count=len(parse_table(_parts(data)[0], _("autosaved table"))))
        except NeurocarError:                  # told, and set aside, if restored
            table = _("a table")
        try:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        except OSError:
            when = _("an earlier window")
        lines = [_("Unsaved edits from {when} are kept in {path}:").format(when=when, path=path),
                 _("{table}, the brain and the world.").format(table=table)]
        if path == self.autosave.backup:
            lines.insert(0, _("There is no usable last session; this is the backup of the one before it."))
        app.state.modal = Prompt(_("Restore your last session?"), lines, [
            Choice(pygame.K_RETURN, _("Enter: restore"), lambda: self._restore(app, path, data)),
            Choice(pygame.K_ESCAPE, _("Esc: not now (kept for later)"), lambda: self._not_now(app, path)),
            Choice(pygame.K_d, _("D: discard it"), lambda: self._discard(app, path), also=(pygame.K_DELETE,))])

    @staticmethod
    def _not_now(app, path) -> None:
        app.state.say(_("started fresh; the autosaved session is kept in {parent} for a later start").format(
            parent=path.parent))

    def _discard(self, app, path) -> None:
        backup = self.autosave.backup
        if not self.autosave.discard(path):
            app.state.error(self.autosave.error)
            return
        kept = path != backup and backup.is_file()
        before = _(" (the one before it stays as {name})").format(name=backup.name) if kept else ""
        app.state.say(_("started fresh; the autosaved session was discarded{value}").format(value=before))

    def _restore(self, app, path, data: dict) -> None:
        s = app.state
        try:
            table_csv, brain_data, world_data = _parts(data)
            table = parse_table(table_csv, _("autosaved table"), data.get("table_name", "table"))
            brain = brain_from_dict(brain_data, _("autosaved brain"))
            world = world_from_dict(world_data, _("autosaved world"))
        except IncompleteSession as e:
            self._failed(app, path, str(e))
            return
        except NeurocarError as e:
            self._failed(app, path, _("cannot be used: {error}").format(error=e))
            return
        try:
            s.sim.brain = brain
        except NeurocarError as e:
            self._failed(app, path, _("holds a brain that cannot drive this robot: {error}").format(error=e))
            return
        s.brain_name = str(data.get("brain_name", "restored"))
        s.editor = TableEditor(table)
        s.forget_edits("table")
        _restore_rest(app, data, world)

    def _failed(self, app, path, problem: str) -> None:
        self.autosave.set_aside(path, problem)
        app.state.error(self.autosave.error)


class IncompleteSession(NeurocarError):
    """An autosaved session missing one of its parts."""


def _parts(data: dict) -> tuple:
    """The session's table (CSV text), brain and world (objects), each of its type."""
    missing = [key for key, kind in PARTS if not isinstance(data.get(key), kind)]
    if missing:
        raise IncompleteSession(_("is incomplete (no usable {parts})").format(parts=", ".join(missing)))
    return tuple(data[key] for key, _ in PARTS)


def _restore_rest(app, data: dict, world) -> None:
    """The settings and the world of a session whose table and brain are restored: what
    cannot be used is left out and named."""
    s = app.state
    left_out = []
    hyper = data.get("hyper")
    bad = s.hyper.load_dict(hyper if isinstance(hyper, dict) else {})
    if bad:
        left_out.append(_("these settings: {settings}").format(settings=bad))
    seed = data.get("world_seed")
    try:
        set_world(app, world, seed if isinstance(seed, int) else None)
    except WorldError as e:                      # the car could not start in it: keep the current world
        left_out.append(_("its world: {error}").format(error=e))
    s.edited_session = True
    if left_out:
        s.error(_("restored your last session, but not {parts}").format(parts=_("; nor ").join(left_out)))
    else:
        s.say(_("restored your last session"), th.TEXT_OK)
