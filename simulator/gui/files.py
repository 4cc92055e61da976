"""Files from the window: open a brain, table or world (shipped, saved or any path),
save them atomically, and export the firmware sketch into ``sketches/`` under the
working folder (the folder the window was started in, shown in the window). The
commands take the window and the key event.

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
from brain.i18n import N_, _
from firmware_export.sketch import generate as generate_sketch
from simulator.assets import assets_dir
from simulator.gui import theme as th
from simulator.cli.state import state_dir
from simulator.gui.dialogs import Choice, FileDialog, Prompt
from simulator.gui.filekind import kind_of
from simulator.gui.hyper import HyperParams
from simulator.gui.tablefor import table_for
from simulator.gui.world_commands import check_world
from simulator.world import save_world, world_from_dict

SAVE_NAMES = {"brain": "my_brain.json", "table": "my_table.csv", "world": "my_world.json"}
SUFFIXES = {"brain": ".json", "table": ".csv", "world": ".json"}
SKETCH_NAME = "neurocar"
SKETCHES = "sketches"              # under the working folder: where E writes
OPEN_EXPECTED = N_('a brain or world file is JSON with "format": "neurocar-brain" or "neurocar-world"')  # through _()


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
        what = _("a neurocar {kind}").format(kind=held) if held else _("a file neurocar does not recognise")
        lines.append(_("{path} already exists: it holds {what}.").format(path=path.absolute(), what=what))
        lines.append((_("Saving the {kind} there replaces it; this cannot be undone.") if held == kind else
                      _("Saving the {kind} there replaces it with a {kind}; this cannot be undone.")).format(
                          kind=kind))
    folder = shipped(path)
    if folder is not None:
        lines.append(_("{folder} is neurocar's shipped assets folder:").format(folder=folder))
        lines.append(_("these are the shipped files neurocar starts with."))
    return lines


def open_dialog(app, event=None):
    app.state.modal = FileDialog("open", folders(), lambda kind, path: open_file(app, path), start=Path.cwd())


def save_dialog(app, event=None):
    """Save the brain, or the table when the table has the focus."""
    kind = "table" if app.state.focus == "table" else "brain"
    app.state.modal = FileDialog("save", folders(), lambda kind, path: save_file(app, kind, path), kind=kind,
                                 default_names=SAVE_NAMES, start=Path.cwd())


def open_file(app, path: Path) -> None:
    """Open a brain, table or world, told apart by its contents; a file that cannot be
    used is a message."""
    try:
        if path.suffix.lower() == ".csv":
            _open_table(app.state, path)
            return
        data = read_json(path, _("file"), NeurocarError, _(OPEN_EXPECTED))
        fmt = data.get("format") if isinstance(data, dict) else None
        if fmt == "neurocar-brain":
            _open_brain(app.state, path, data)
        elif fmt == "neurocar-world":
            _open_world(app, path, data)
        else:
            app.state.error(_("{path}: neither a neurocar brain nor a world (no \"format\" of either)").format(
                path=path))
    except (NeurocarError, OSError) as e:           # the user's file
        app.state.error(str(e))


def _open_world(app, path: Path, data: dict) -> None:
    world = world_from_dict(data, str(path))
    check_world(app.state.profile, world)       # refused, the current world kept, as eval refuses it
    app.world_edit.replace_world(world, None)
    app.state.say(_("opened world {name} (Ctrl+Z brings the last world back)").format(name=path.name))


def _open_table(s, path: Path) -> None:
    table = load_table(path)
    s.editor.replace(table)
    s.editor.select(0, 0)                       # another table: from its first row
    s.edited("table")
    note = "" if s.sim.brain.same_columns(table) else \
        _(" (its columns are not the brain's: R trains a brain with the table's columns)")
    s.say(_("opened table {name} ({count} rows); press R to train on it{note}").format(
        name=path.name, count=len(table), note=note))


def _open_brain(s, path: Path, data: dict) -> None:
    brain = brain_from_dict(data, str(path))
    s.sim.brain = brain                         # refused (ControllerError) if it cannot drive this robot
    s.brain_name = path.name
    s.hyper = HyperParams.for_brain(brain)
    note = ""
    if not brain.same_columns(s.editor.table):
        table, found = table_for(brain)
        s.editor.replace(table)
        s.editor.select(0, 0)                   # another table: from its first row
        s.edited("table")
        note = _("; its table {name}").format(name=table.name) if found else \
            _("; its table was not found, so the table holds its decisions")
    s.say(_("opened brain {name}; the car drives with it now{note}").format(name=path.name, note=note))


def save_file(app, kind: str, path: Path) -> None:
    """Save now, or first ask when that would replace a file or write into the shipped assets."""
    s = app.state
    path = path if path.suffix else path.with_suffix(SUFFIXES[kind])
    if path.is_dir():
        s.error(_("{path}: is a folder; type a file name to save the {kind} in").format(path=path, kind=kind))
        return
    warnings = save_warnings(kind, path)
    if not warnings:
        _write(s, kind, path)
        return
    title = _("Replace {name}?").format(name=path.name) if path.exists() else \
        _("Save the {kind} among the shipped files?").format(kind=kind)
    s.modal = Prompt(title, warnings, [
        Choice(pygame.K_y, _("Y: save the {kind} there").format(kind=kind), lambda: _write(s, kind, path)),
        Choice(pygame.K_ESCAPE, _("Esc: cancel"), lambda: s.say(_("not saved; {path} is unchanged").format(
            path=path)),
               also=(pygame.K_n,))])


def _write(s, kind: str, path: Path) -> None:
    try:
        if kind == "brain":
            save_brain(path, s.sim.brain)
            s.brain_name = path.name
        elif kind == "table":
            atomic_write_text(path, s.editor.table.to_csv())
        else:
            save_world(path, s.sim.world)
        s.say(_("saved the {kind} to {absolute}").format(kind=kind, absolute=path.absolute()), th.TEXT_OK)
    except OSError as e:
        s.error(_("{path}: could not save ({value})").format(path=path, value=e.strerror or e))


def export(app, event=None):
    """Write the Arduino sketch for the current brain into the sketches folder; a sketch
    there that differs (an older export, or one edited by hand) is replaced only after Y."""
    s = app.state
    sketch = generate_sketch(s.sim.brain, s.profile, SKETCH_NAME, s.brain_name)
    ino = s.export_dir.absolute() / SKETCH_NAME / f"{SKETCH_NAME}.ino"
    try:
        same = ino.read_text() == sketch.ino
    except (OSError, UnicodeDecodeError):
        same = not ino.exists()
    if same:
        _write_sketch(s, sketch)
        return
    s.modal = Prompt(_("Replace the sketch in {name}/?").format(name=ino.parent.name), [
        _("{ino} already exists and differs from the sketch of {brain_name}.").format(
            ino=ino, brain_name=s.brain_name),
        _("Exporting replaces the sketch folder's files; this cannot be undone.")], [
        Choice(pygame.K_y, _("Y: replace it"), lambda: _write_sketch(s, sketch)),
        Choice(pygame.K_ESCAPE, _("Esc: cancel"), lambda: s.say(_("not exported; {parent} is unchanged").format(
            parent=ino.parent)),
               also=(pygame.K_n,))])


def _write_sketch(s, sketch) -> None:
    """Write it, and keep where it went on screen until Enter or Esc."""
    out = s.export_dir.absolute()
    try:
        folder = sketch.write(out)
    except OSError as e:
        s.error(_("could not write the sketch to {out}: {value}").format(out=out, value=e.strerror or e))
        return
    s.say(_("firmware sketch written to {folder}").format(folder=folder), th.TEXT_OK)
    s.modal = Prompt(_("Firmware sketch written"), [
        _("folder: {folder}").format(folder=folder),
        _("sketch: {value} with {value2}").format(value=folder / (sketch.name + '.ino'),
                value2=', '.join(sorted((p.name for p in folder.glob('*.h'))))),
        _("Open it in the Arduino IDE and upload it (neurocar export --check builds it).")],
        [Choice(pygame.K_RETURN, _("Enter: close"), lambda: None, also=(pygame.K_ESCAPE,))])
