"""What the window knows, declared in one place: the user's work (the simulation with its
brain and world, the table, the settings), what is shown (focus, help, an open dialog, a
value being typed, the message line), teach mode, retraining and the undo history.

Commands read and change a ``WindowState``; the frame loop and the drawing live in
``app``, the world's obstacle edits in ``worldedit``."""
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from simulator.gui import theme as th
from simulator.gui.hyper import HyperParams
from simulator.gui.messages import MessageLog
from simulator.gui.tablemodel import TableEditor
from simulator.measured import DEFAULT_MODEL

MESSAGE_S = 8.0
WORDS_PER_S = 3.0            # a long message stays up long enough to be read
TRAIL_POINTS = 900


@dataclass
class Message:
    """The line shown over the world view until ``until`` (window seconds)."""
    text: str = ""
    color: tuple = th.TEXT
    until: float = 0.0


@dataclass
class Training:
    """A retraining run in progress (``job``) and what the cost card shows of the last
    run or refusal; ``about`` is what that status describes (``training.shown`` drops it
    once the brain, the table or the settings are others)."""
    job: object = None                       # a RetrainJob while retraining
    losses: list = field(default_factory=list)
    cost_note: str = ""
    status: str = ""
    color: tuple = th.TEXT
    about: tuple = ()
    slice_s: float = 0.0                     # the wall time the last frame's slice took


@dataclass
class Teaching:
    """Teach mode: the rows recorded so far and the arrow keys held, the last one winning."""
    recorder: object                         # a TeachRecorder
    keys: list = field(default_factory=list)


@dataclass
class WindowState:
    profile: object                          # the robot
    sim: object                              # the Simulation: the car, its brain and its world
    editor: TableEditor                      # the training table being edited
    hyper: HyperParams                       # the training settings
    brain_name: str
    seed: int                                # of every Simulation the window makes
    export_dir: Path
    model: str = DEFAULT_MODEL               # the car model every Simulation runs: measured or ideal
    focus: str = "world"                     # world, table or hyper: where panel keys go
    help: bool = False
    log_shown: bool = False                  # the message log covers the window
    modal: object = None                     # a Prompt or FileDialog taking the keys
    entry: object = None                     # a cell or setting being typed
    follow: bool = False                     # the camera follows the car
    running: bool = True
    wall_time: float = 0.0                   # seconds of window time so far
    message: Message = field(default_factory=Message)
    log: MessageLog = field(default_factory=MessageLog)
    trail: deque = field(default_factory=lambda: deque(maxlen=TRAIL_POINTS))
    flash_until: float = 0.0                 # the car flashes red after a collision
    collisions_seen: int = 0
    teaching: Teaching | None = None
    training: Training = field(default_factory=Training)
    history: list = field(default_factory=list)        # which editor ("table", "world") each undoable edit went to
    redo_history: list = field(default_factory=list)
    edited_session: bool = False             # the session differs from a fresh start's

    def say(self, text: str, color=None) -> None:
        shown_s = max(MESSAGE_S, len(text.split()) / WORDS_PER_S)
        self.message = Message(text, color or th.TEXT, self.wall_time + shown_s)
        self.log.add(self.wall_time, text, color or th.TEXT)

    def error(self, text: str) -> None:
        self.say(text, th.TEXT_ERROR)

    def edited(self, kind: str) -> None:
        """Note an undoable edit of the table or the world."""
        self.history.append(kind)
        self.redo_history.clear()

    def forget_edits(self, kind: str) -> None:
        """Drop the undo history of one editor (its edits can no longer be undone)."""
        self.history = [k for k in self.history if k != kind]
        self.redo_history = [k for k in self.redo_history if k != kind]
