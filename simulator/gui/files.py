"""Files from the window: open a brain, table or world (shipped, saved or any path),
save them atomically, and export the firmware sketch. Mixed into ``App``.

A save never replaces a file unasked: an existing file, or any file in the shipped
assets folder, is written only after Y in a prompt naming what would be replaced."""
import os
from pathlib import Path

import pygame

from brain.atomic import atomic_write_text
from brain.brainfile import brain_from_dict, save_brain
from brain.errors import NeurocarError
from brain.fileio import read_json
from brain.table import load_table
from firmware_export.sketch import generate as generate_sketch
from simulator.assets import assets_dir
from simulator.gui import theme as th
from simulator.cli.state import state_dir
from simulator.gui.dialogs import Choice, FileDialog, Prompt
from simulator.gui.filekind import kind_of
from simulator.gui.hyper import HyperParams
from simulator.gui.tablefor import same_columns, table_for
from simulator.world import save_world, world_from_dict

USER_ERRORS = (NeurocarError, OSError)
SAVE_NAMES = {"brain": "my_brain.json", "table": "my_table.csv", "world": "my_world.json"}
SUFFIXES = {"brain": ".json", "table": ".csv", "world": ".json"}
OPEN_EXPECTED = 'a brain or world file is JSON with "format": "neurocar-brain" or "neurocar-world"'


def folders() -> dict:
    """Where the file dialog lists files of each kind: shipped, saved from the window, here."""
    saved, a = state_dir() / "saved", assets_dir()
    return {kind: [a / sub, saved, Path.cwd()] for kind, sub in
            (("brain", "brains"), ("table", "tables"), ("world", "worlds"))}


def shipped(path: Path) -> Path | None:
    """The shipped assets folder, when ``path`` (links followed) lies inside it."""
    try:
        folder = assets_dir().resolve()
    except FileNotFoundError:
        return None
    return folder if Path(os.path.realpath(path)).is_relative_to(folder) else None


def save_warnings(kind: str, path: Path) -> list[str]:
    """What saving the ``kind`` to ``path`` would do that the user should confirm: none
    for a new file of their own."""
    lines = []
    if path.exists():
        held = kind_of(path)
        what = f"a neurocar {held}" if held else "a file neurocar does not recognise"
        lines.append(f"{path.absolute()} already exists: it holds {what}.")
        lines.append(f"Saving the {kind} there replaces it{'' if held == kind else f' with a {kind}'}; "
                     f"this cannot be undone.")
    folder = shipped(path)
    if folder is not None:
        lines.append(f"{folder} is neurocar's shipped assets folder:")
        lines.append("these are the shipped files neurocar starts with.")
    return lines


class FileActions:
    def cmd_open(self, event=None):
        self.modal = FileDialog("open", folders(), self.open_file)

    def cmd_save(self, event=None):
        self.modal = FileDialog("save", folders(), self.save_file, kind="brain", default_names=SAVE_NAMES)

    def open_file(self, kind: str, path: Path) -> None:
        try:
            if path.suffix.lower() == ".csv":
                self._open_table(path)
                return
            data = read_json(path, "file", NeurocarError, OPEN_EXPECTED)
            fmt = data.get("format") if isinstance(data, dict) else None
            if fmt == "neurocar-brain":
                self._open_brain(path, data)
            elif fmt == "neurocar-world":
                self._open_world(path, data)
            else:
                self.error(f"{path}: neither a neurocar brain nor a world (no \"format\" of either)")
        except USER_ERRORS as e:
            self.error(str(e))

    def _open_world(self, path: Path, data: dict) -> None:
        world = world_from_dict(data, str(path))
        self.check_world(world)                     # refused, the current world kept, as eval refuses it
        self.world_edit.replace_world(world, None)
        self.say(f"opened world {path.name} (Ctrl+Z brings the last world back)")

    def _open_table(self, path: Path) -> None:
        table = load_table(path)
        self.editor.replace(table)
        self.edited("table")
        note = "" if same_columns(table, self.sim.brain) else \
            " (its columns are not the brain's: R trains a brain with the table's columns)"
        self.say(f"opened table {path.name} ({len(table)} rows); press R to train on it{note}")

    def _open_brain(self, path: Path, data: dict) -> None:
        brain = brain_from_dict(data, str(path))
        self.sim.brain = brain                      # refused (ControllerError) if it cannot drive this robot
        self.brain_name = path.name
        self.hyper = HyperParams.from_provenance(brain.provenance)
        note = ""
        if not same_columns(self.editor.table, brain):
            table, shipped = table_for(brain)
            self.editor.replace(table)
            self.edited("table")
            note = f"; its table {table.name}" if shipped else "; its table was not found, so the table holds its decisions"
        self.say(f"opened brain {path.name}; the car drives with it now{note}")

    def save_file(self, kind: str, path: Path) -> None:
        """Save now, or first ask when that would replace a file or write into the shipped assets."""
        path = path if path.suffix else path.with_suffix(SUFFIXES[kind])
        if path.is_dir():
            self.error(f"{path}: is a folder; type a file name to save the {kind} in")
            return
        warnings = save_warnings(kind, path)
        if not warnings:
            self._write(kind, path)
            return
        title = f"Replace {path.name}?" if path.exists() else f"Save the {kind} among the shipped files?"
        self.modal = Prompt(title, warnings, [
            Choice(pygame.K_y, f"Y: save the {kind} there", lambda: self._write(kind, path)),
            Choice(pygame.K_ESCAPE, "Esc: cancel", lambda: self.say(f"not saved; {path} is unchanged"),
                   also=(pygame.K_n,))])

    def _write(self, kind: str, path: Path) -> None:
        try:
            if kind == "brain":
                save_brain(path, self.sim.brain)
                self.brain_name = path.name
            elif kind == "table":
                atomic_write_text(path, self.editor.table.to_csv())
            else:
                save_world(path, self.sim.world)
            self.say(f"saved the {kind} to {path}", th.TEXT_OK)
        except OSError as e:
            self.error(f"{path}: could not save ({e.strerror or e})")

    def cmd_export(self, event=None):
        """Write the Arduino sketch for the current brain."""
        try:
            folder = generate_sketch(self.sim.brain, self.profile, "neurocar", self.brain_name).write(self.export_dir)
        except OSError as e:
            self.error(f"could not write the sketch to {self.export_dir}: {e.strerror or e}")
            return
        self.say(f"firmware sketch written to {folder} (neurocar export --check builds it)", th.TEXT_OK)
