"""The files ``neurocar replay`` opens, told apart by their first bytes: a real car's
telemetry log (text lines of ``firmware_export.telemetry_format``) and a simulator
recording (``simulator.recording``, written by ``neurocar eval --record``), or a folder of
recordings with the episode to show. Headless: a bad file is refused in one line before
any window opens."""
from pathlib import Path

from brain.errors import NeurocarError
from brain.i18n import N_, _
from firmware_export.telemetry_log import read_log
from simulator.gui.replay_model import ReplayRun, run_from_log
from simulator.gui.replay_recording import run_from_recording
from simulator.recording import find_recording, load_recording

HEAD_BYTES = 4096
ACCEPTED = N_("a telemetry log from a sketch exported with 'neurocar export --telemetry', or a recording "
               "(or a folder of them) written by 'neurocar eval --record'")        # shown through _()


class ReplayFileError(NeurocarError):
    """A file ``neurocar replay`` cannot show."""


def kind_of(head: bytes) -> str:
    """'recording' for a JSON or zipped file, else 'telemetry' (text; the reader judges its lines)."""
    stripped = head.lstrip()
    return "recording" if stripped[:1] in (b"{", b"[") or head[:2] == b"PK" else "telemetry"


def open_replay(path, profile, episode: int | None = None) -> ReplayRun:
    """The run a file holds (a folder: its recording of ``episode``, default the first),
    or ReplayFileError naming the file and what is accepted. A recording holds its own
    profile; ``profile`` names a telemetry log's actions."""
    path = Path(path)
    if path.is_dir():
        path = find_recording(path, episode)
    elif not path.is_file():
        raise ReplayFileError(_("{path}: no such file; expected {ACCEPTED}").format(path=path, ACCEPTED=_(ACCEPTED)))
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    if kind_of(head) == "recording":
        rec = load_recording(path)
        if episode is not None and episode != rec.episode:
            raise ReplayFileError(_("{path}: holds episode {episode}, not {episode2}; give the folder it is in "
                                  "with --episode {episode2}, or leave --episode out").format(
                                      path=path, episode=rec.episode, episode2=episode))
        return run_from_recording(rec, str(path))
    if episode is not None:
        raise ReplayFileError(_("{path}: a telemetry log is one run; --episode is for recordings").format(path=path))
    log = read_log(path, name=str(path), profile=profile)
    if not log.ticks:
        raise ReplayFileError(_("{path}: no tick lines ({garbled} garbled lines, {count} headers); "
                              "expected {ACCEPTED}").format(
                                  path=path, garbled=log.garbled, count=len(log.headers), ACCEPTED=_(ACCEPTED)))
    return run_from_log(log, profile, path.name)
