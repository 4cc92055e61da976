"""A search's checkpoint: one file, ``checkpoint.pkl`` in the folder given, rewritten
atomically after every generation, so an interrupted run loses at most the generation
in progress.

It holds the run key (``simulator.evolution.run_key``: the settings, the starting brain
and the profile), the optimizer (pycma pickles whole), numpy's global generator state
that pycma draws from, every generation's figures and the chosen weights. Resuming
from it gives exactly what the uninterrupted run would have given, on the same machine.
The file is a pickle: resume only checkpoints you wrote.
"""
import pickle
from pathlib import Path

from brain.atomic import atomic_write_bytes
from brain.i18n import _
from simulator.evolution import EvolveError, State, load_cma

NAME = "checkpoint.pkl"
FORMAT = "neurocar-evolve-checkpoint"
VERSION = 1


def path_in(folder) -> Path:
    return Path(folder) / NAME


def save(folder, key: str, state: State) -> None:
    data = {"format": FORMAT, "version": VERSION, "key": key, "es": state.es, "rng_state": state.rng_state,
            "history": state.history, "chosen": state.chosen}
    atomic_write_bytes(path_in(folder), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def load(folder, key: str) -> State:
    """The state saved in ``folder``, refused in one line when it is missing, unreadable
    or from another run."""
    path = path_in(folder)
    if not path.is_file():
        raise EvolveError(_("--resume: {path} does not exist; run without --resume to start a search there").format(
            path=path))
    load_cma()                           # the optimizer unpickles into pycma, quietly
    try:
        data = pickle.loads(path.read_bytes())
        fmt, version = data["format"], data["version"]
    except Exception:                    # pylint: disable=broad-except  # any damage reads as one line
        raise EvolveError(_("--resume: {path} is not a readable neurocar evolve checkpoint").format(
            path=path)) from None
    if (fmt, version) != (FORMAT, VERSION):
        raise EvolveError(_("--resume: {path} is a {fmt} version {version} file; this neurocar reads {FORMAT} "
                          "version {VERSION}").format(
                              path=path, fmt=fmt, version=version, FORMAT=FORMAT, VERSION=VERSION))
    if data["key"] != key:
        raise EvolveError(_("--resume: {path} belongs to another run (its settings, starting brain or profile "
                          "differ); resume with the same options, or give a new --checkpoint folder").format(path=path))
    return State(data["es"], data["rng_state"], data["history"], data["chosen"])


def check_fresh(folder) -> None:
    """A new search must not silently replace another's checkpoint."""
    path = path_in(folder)
    if path.exists():
        raise EvolveError(_("--checkpoint: {path} already holds a search; add --resume to continue it, "
                          "or give another folder").format(path=path))
    if Path(folder).exists() and not Path(folder).is_dir():
        raise EvolveError(_("--checkpoint {folder} is a file; give a folder").format(folder=folder))
