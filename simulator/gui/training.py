"""Retraining from the window: ``R`` starts a job on the table and the settings; each
frame gives it a slice of wall time; when it ends well the car drives with the new
weights, and a diverged run leaves the last good ones in place.

``shown`` is what the cost card says: the running job, else the last run or refusal
while it still describes the car's brain, the table and the settings, else a line about
the brain and table there are now."""
import time
from dataclasses import dataclass

from brain.errors import NeurocarError
from brain.training import check_fit, new_network
from brain.i18n import _
from simulator.gui import theme as th
from simulator.gui.retrain import RetrainJob

# Each frame gives retraining what its other work leaves of a 60 fps frame, less some
# headroom (a slice may overrun by one block of work, and the job's last slice makes the
# brain), within these bounds.
FRAME_S = 1 / 60
HEADROOM_S = 0.004
MOST_SLICE_S = 0.006
LEAST_SLICE_S = 0.001


def retrain(app, event=None):
    s, t = app.state, app.state.training
    table = s.editor.table
    try:
        config = s.hyper.config()
        t.job = RetrainJob(table, config)
    except NeurocarError as e:
        t.job = None
        _refused(s, str(e))
        s.error(_("cannot retrain: {e}").format(e=e))
        return
    t.losses = []
    t.status, t.color = _("training…"), th.TEXT
    s.say(_("retraining on {count} rows ({optimizer}, lr {learning_rate:g}); "
          "the car keeps driving with the old weights until it ends").format(
              count=len(table), optimizer=config.optimizer, learning_rate=config.learning_rate()))


def slice_for(frame_s: float, last_slice_s: float) -> float:
    """This frame's slice, from the last frame's wall time and its slice's."""
    return min(MOST_SLICE_S, max(LEAST_SLICE_S, FRAME_S - HEADROOM_S - (frame_s - last_slice_s)))


def train_slice(state, frame_s: float = 0.0) -> None:
    """Give the running job its slice of this frame; ``frame_s`` is the last frame's wall time."""
    t = state.training
    job = t.job
    start = time.perf_counter()
    job.step(slice_for(frame_s, t.slice_s))
    t.losses = job.losses
    t.status, t.color = job.summary(), th.TEXT
    t.cost_note = _("epoch {epoch}").format(epoch=job.epochs)
    if job.done:
        t.job = None
        _ended(state, job)
    t.slice_s = time.perf_counter() - start


def _ended(state, job) -> None:
    brain = job.result()
    if brain is None:
        _ran(state, _("{summary}; the car keeps its last good weights").format(summary=job.summary()), th.TEXT_ERROR,
             job.table)
        state.error(_("retraining diverged: the car keeps its last good weights"))
        return
    try:
        state.sim.brain = brain
    except NeurocarError as e:
        _ran(state, job.summary(), th.TEXT_ERROR, job.table)
        state.error(_("the new brain cannot drive this robot: {e}").format(e=e))
        return
    state.brain_name = _("retrained (unsaved)")
    right = brain.provenance.get("rows_right")
    color = th.TEXT_OK if right == len(job.table) else th.OUTPUT_HUE
    _ran(state, _("{summary}; the car drives with it").format(summary=job.summary()), color, job.table)
    took = f"{job.wall_seconds * 1000:.0f} ms" if job.wall_seconds < 1 else f"{job.wall_seconds:.1f} s"
    state.say(_("retrained in {took}: {right}/{count} rows right; the car now uses the new weights").format(
        took=took, right=right, count=len(job.table)), color)


def _ran(state, status: str, color, table) -> None:
    """A run's last word, about the brain the car has after it and the table it trained on."""
    t = state.training
    t.status, t.color, t.about = status, color, ("ran", state.sim.brain, table)


def _refused(state, problem: str) -> None:
    """Why R cannot train: about this table and these settings."""
    t = state.training
    t.losses, t.cost_note = [], ""
    t.status, t.color, t.about = problem, th.TEXT_ERROR, ("refused", state.editor.table, state.hyper.version)


@dataclass
class Shown:
    """What the cost card shows."""
    losses: list
    note: str
    status: str
    color: tuple


def shown(state, rows_right) -> Shown:
    """The cost card's curve and status line, each about the brain, table and settings
    there are now; ``rows_right`` is ``RowsRight``'s answer for them."""
    t = state.training
    if t.job is not None:
        return Shown(t.losses, t.cost_note, t.status, t.color)
    about = t.about
    if about[:1] == ("ran",) and about[1] is state.sim.brain and about[2] is state.editor.table:
        return Shown(t.losses, t.cost_note, t.status, t.color)
    if about[:1] == ("refused",):
        if about[1:] != (state.editor.table, state.hyper.version):
            _recheck(state)
        if t.about[:1] == ("refused",):
            return Shown([], "", t.status, t.color)
    return Shown([], "", *describe(state, rows_right))


def _recheck(state) -> None:
    """After a refusal, the table or the settings changed: refused again, or fixed."""
    t = state.training
    try:
        table = state.editor.table
        config = state.hyper.config()
        check_fit(new_network(table, config), table, config)
    except NeurocarError as e:
        _refused(state, str(e))
        return
    t.about = ()


def describe(state, rows_right) -> tuple[str, tuple]:
    """(line, colour) saying how the car's brain does on the table."""
    name, table = state.brain_name, state.editor.table
    if rows_right is None:
        return (_("{brain} was trained on other columns than {table}'s; R trains a brain on this table").format(
            brain=name, table=table.name), th.OUTPUT_HUE)
    right, n = int(sum(rows_right)), len(rows_right)
    if right == n:
        return _("{brain} gets all {count} rows of {table} right").format(brain=name, count=n, table=table.name), \
            th.TEXT_OK
    return _("{brain} gets {right}/{count} rows of {table} right; R retrains on the table").format(
        brain=name, right=right, count=n, table=table.name), th.OUTPUT_HUE


class RowsRight:
    """Which table rows the car's brain gets right (None when their columns differ);
    worked out again only when the table or the brain changes."""

    def __init__(self):
        self._for = None
        self._rows = None

    def __call__(self, editor, brain):
        key = (editor, editor.version, brain)
        if self._for is not None and all(a is b or a == b for a, b in zip(key, self._for)):
            return self._rows
        t = editor.table
        self._for = key
        self._rows = None
        if t.input_names == list(brain.input_names) and t.output_names == list(brain.output_names):
            self._rows = t.rows_right(brain.forward(t.inputs))
        return self._rows
