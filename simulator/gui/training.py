"""Retraining from the window: ``R`` starts a job on the table and the settings; each
frame gives it a slice of wall time; when it ends well the car drives with the new
weights, and a diverged run leaves the last good ones in place."""
from brain.errors import NeurocarError
from simulator.gui import theme as th
from simulator.gui.retrain import RetrainJob

TRAIN_SLICE_S = 0.006         # wall time per frame given to retraining


def retrain(app, event=None):
    s, t = app.state, app.state.training
    table = s.editor.table
    try:
        config = s.hyper.config()
        t.job = RetrainJob(table, config)
    except NeurocarError as e:
        t.job = None
        t.status, t.color = str(e), th.TEXT_ERROR
        s.error(f"cannot retrain: {e}")
        return
    t.losses = []
    t.status, t.color = "training…", th.TEXT
    s.say(f"retraining on {len(table)} rows ({config.optimizer}, lr {config.learning_rate():g}); "
          f"the car keeps driving with the old weights until it ends")


def train_slice(state) -> None:
    """Give the running job its slice of this frame."""
    t = state.training
    job = t.job
    job.step(TRAIN_SLICE_S)
    t.losses = job.losses
    t.status, t.color = job.summary(), th.TEXT
    t.cost_note = f"epoch {job.trainer.epochs_}"
    if job.done:
        t.job = None
        _ended(state, job)


def _ended(state, job) -> None:
    t = state.training
    brain = job.result()
    if brain is None:
        t.status, t.color = job.summary(), th.TEXT_ERROR
        state.error("retraining diverged: the car keeps its last good weights")
        return
    try:
        state.sim.brain = brain
    except NeurocarError as e:
        t.status, t.color = job.summary(), th.TEXT_ERROR
        state.error(f"the new brain cannot drive this robot: {e}")
        return
    state.brain_name = "retrained (unsaved)"
    right = brain.provenance.get("rows_right")
    color = th.TEXT_OK if right == len(job.table) else th.OUTPUT_HUE
    t.status, t.color = job.summary() + "; the car drives with it", color
    took = f"{job.wall_seconds * 1000:.0f} ms" if job.wall_seconds < 1 else f"{job.wall_seconds:.1f} s"
    state.say(f"retrained in {took}: {right}/{len(job.table)} rows right; the car now uses the new weights", color)


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
