"""The files ``neurocar replay`` opens, told apart by their first bytes: a real car's
telemetry log (text lines of ``firmware_export.telemetry_format``) and, once
``neurocar eval --record`` writes them, a simulator recording. Headless: a bad file is
refused in one line before any window opens."""
from pathlib import Path

from brain.errors import NeurocarError
from firmware_export.telemetry_log import read_log
from simulator.gui.replay_model import ReplayRun, run_from_log

HEAD_BYTES = 4096
ACCEPTED = "a telemetry log from a sketch exported with 'neurocar export --telemetry'"


class ReplayFileError(NeurocarError):
    """A file ``neurocar replay`` cannot show."""


def kind_of(head: bytes) -> str:
    """'recording' for a JSON or zipped file, else 'telemetry' (text; the reader judges its lines)."""
    stripped = head.lstrip()
    return "recording" if stripped[:1] in (b"{", b"[") or head[:2] == b"PK" else "telemetry"


def open_replay(path, profile) -> ReplayRun:
    """The run a file holds, or ReplayFileError naming the file and what is accepted."""
    path = Path(path)
    if not path.is_file():
        raise ReplayFileError(f"{path}: no such file; expected {ACCEPTED}")
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if kind_of(head) == "recording":
        raise ReplayFileError(f"{path}: not a telemetry log (simulator recordings are not replayed yet); "
                              f"expected {ACCEPTED}")
    log = read_log(path, name=str(path), profile=profile)
    if not log.ticks:
        raise ReplayFileError(f"{path}: no tick lines ({log.garbled} garbled lines, {len(log.headers)} headers); "
                              f"expected {ACCEPTED}")
    return run_from_log(log, profile, path.name)
