"""``neurocar eval --maps DIR``: one PNG per world (``map-<world>.png``) with every episode
driven in it (``simulator.gui.maps_render``), all or none.

The maps need the episodes' ticks, so eval runs a recorded job (``Job(record=True)``):
``take`` is handed each row with its ticks, keeps the path and collision points, hands
the row on to the recordings' folder if ``--record`` was given too, and returns the row
as eval reports it. A world's map is drawn, into a hidden folder in DIR, as soon as its
last episode is in, so memory holds only the worlds still being driven; ``commit``
moves the maps into place, and leaving without it removes them. Maps already in DIR
under the same names are refused before the run.
"""
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_bytes
from brain.errors import NeurocarError
from brain.i18n import _
from simulator.batch_job import RECORDED
from simulator.world import world_from_dict

MAX_MAPS = 200


class MapsError(NeurocarError):
    """A maps folder eval cannot write."""


@dataclass
class Track:
    """One episode's path on a map: its row, the points from its start (k, 2) cm, and
    where each collision began (c, 2) cm."""
    episode: int
    row: dict
    xy: np.ndarray
    hits: np.ndarray


def track_of(row: dict) -> Track:
    """The Track of a recorded row (``Job(record=True)``)."""
    t = row[RECORDED]["ticks"]
    xy = np.column_stack([np.r_[t["start_x_cm"], t["x_cm"]], np.r_[t["start_y_cm"], t["y_cm"]]])
    began = np.flatnonzero(np.diff(np.r_[0, np.asarray(t["collisions"])]) > 0)
    return Track(row["episode"], {k: v for k, v in row.items() if k != RECORDED}, xy, xy[began + 1])


def map_names(specs) -> list[str]:
    """Each episode's map file name: map-<world name>.png, one per distinct world (a name
    two different worlds share gets -2, -3, ...)."""
    names, by_world, used = [], {}, set()
    for spec in specs:
        key = repr(spec.world.to_dict())
        if key not in by_world:
            base = "map-" + (re.sub(r"[^a-z0-9]+", "-", spec.world.name.lower()).strip("-") or "world")
            name, k = base, 1
            while name in used:
                k += 1
                name = f"{base}-{k}"
            used.add(name)
            by_world[key] = name + ".png"
        names.append(by_world[key])
    return names


class MapsFolder:
    """The maps of one eval run (see the module's docstring); ``then``: the recordings'
    folder, handed each row after the maps have taken its path."""

    def __init__(self, folder, specs, then=None):
        self.folder, self.then = Path(folder), then
        worlds = len({repr(s.world.to_dict()) for s in specs}) if isinstance(specs, list) else len(specs)
        if worlds > MAX_MAPS:
            raise MapsError(_("--maps {folder}: {worlds:,} worlds would make as many maps; at most {MAX_MAPS:,} "
                            "(give fewer --worlds)").format(folder=folder, worlds=worlds, MAX_MAPS=MAX_MAPS))
        self.names = map_names(specs)
        self.left = {name: self.names.count(name) for name in set(self.names)}
        self.tracks, self.written = {}, []
        self._check_folder()
        self._made = [p for p in (self.folder, *self.folder.parents) if not p.exists()]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=".maps-", dir=self.folder))
        except OSError as e:
            self._remove_made()
            raise MapsError(_("--maps {folder}: cannot write there ({value})").format(
                folder=folder, value=e.strerror or e)) from None

    def _check_folder(self) -> None:
        if self.folder.exists() and not self.folder.is_dir():
            raise MapsError(_("--maps {folder}: is a file; give a folder for the maps").format(folder=self.folder))
        there = sorted(n for n in self.left if (self.folder / n).exists())
        if there:
            more = _(" and more") if len(there) > 1 else ""
            raise MapsError(_("--maps {folder}: already holds {there}{value}; "
                              "choose another folder, or move them away").format(folder=self.folder, there=there[0],
                                                                               value=more))

    def take(self, row: dict) -> dict:
        """Keep a recorded row's path (drawing its world's map when it is the last there);
        the row as eval reports it."""
        name = self.names[row["episode"]]
        self.tracks.setdefault(name, []).append(track_of(row))
        self.left[name] -= 1
        if self.left[name] == 0:
            self._draw(name, world_from_dict(row[RECORDED]["world"], name), self.tracks.pop(name))
        return self.then.take(row) if self.then is not None else {k: v for k, v in row.items() if k != RECORDED}

    def _draw(self, name: str, world, tracks) -> None:
        from simulator.gui.maps_render import map_png       # pygame loads only to draw
        atomic_write_bytes(self.staging / name, map_png(world, tracks))
        self.written.append(name)

    def commit(self) -> str:
        """Move the maps into place (and the recordings, if any); lines saying where they are."""
        for name in self.written:
            os.replace(self.staging / name, self.folder / name)
        self.staging.rmdir()
        self._made = []
        names = ", ".join(sorted(self.written)[:3]) + (", ..." if len(self.written) > 3 else "")
        line = _("maps: {count} world(s) in {folder} ({names})").format(count=len(self.written), folder=self.folder,
                                                                        names=names)
        return line if self.then is None else f"{self.then.commit()}\n{line}"

    def __enter__(self):
        if self.then is not None:
            self.then.__enter__()
        return self

    def __exit__(self, *exc):
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
            self._remove_made()
        return self.then.__exit__(*exc) if self.then is not None else False

    def _remove_made(self) -> None:
        for folder in self._made:
            try:
                folder.rmdir()
            except OSError:
                break


def with_maps(folder, recordings, specs):
    """eval's ``--maps DIR`` (None: not asked) in front of its recordings' folder, if any."""
    return recordings if folder is None else MapsFolder(folder, specs, then=recordings)
