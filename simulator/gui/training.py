"""Retraining from the window: ``R`` starts a job on the table and the settings; each
frame gives it a slice of wall time; when it ends well the car drives with the new
weights, and a diverged run leaves the last good ones in place. Mixed into ``App``."""
from brain.errors import NeurocarError
from simulator.gui import theme as th
from simulator.gui.retrain import RetrainJob

TRAIN_SLICE_S = 0.006         # wall time per frame given to retraining


class Training:
    def cmd_retrain(self, event=None):
        table = self.editor.table
        try:
            config = self.hyper.config()
            self.job = RetrainJob(table, config)
        except (NeurocarError, ValueError) as e:
            self.job = None
            self.train_status, self.train_color = str(e), th.TEXT_ERROR
            self.error(f"cannot retrain: {e}")
            return
        self.losses = []
        self.train_status, self.train_color = "training…", th.TEXT
        self.say(f"retraining on {len(table)} rows ({config.optimizer}, lr {config.learning_rate():g}); "
                 f"the car keeps driving with the old weights until it ends")

    def train_slice(self) -> None:
        job = self.job
        job.step(TRAIN_SLICE_S)
        self.losses = job.losses
        self.train_status, self.train_color = job.summary(), th.TEXT
        self.cost_note = f"epoch {job.trainer.epochs_}"
        if job.done:
            self.job = None
            self._training_ended(job)

    def _training_ended(self, job) -> None:
        brain = job.result()
        if brain is None:
            self.train_status, self.train_color = job.summary(), th.TEXT_ERROR
            self.error("retraining diverged: the car keeps its last good weights")
            return
        try:
            self.sim.brain = brain
        except NeurocarError as e:
            self.train_status, self.train_color = job.summary(), th.TEXT_ERROR
            self.error(f"the new brain cannot drive this robot: {e}")
            return
        self.brain_name = "retrained (unsaved)"
        right = brain.provenance.get("rows_right")
        color = th.TEXT_OK if right == len(job.table) else th.OUTPUT_HUE
        self.train_status, self.train_color = job.summary() + "; the car drives with it", color
        took = f"{job.wall_seconds * 1000:.0f} ms" if job.wall_seconds < 1 else f"{job.wall_seconds:.1f} s"
        self.say(f"retrained in {took}: {right}/{len(job.table)} rows right; "
                 f"the car now uses the new weights", color)

    def rows_right_now(self):
        """Which table rows the car's brain gets right (None when their columns differ);
        worked out again only when the table or the brain changes."""
        brain, t = self.sim.brain, self.editor.table
        seen = self._rows_right_for
        if seen is not None and seen[0] == self.editor.version and seen[1] is brain:
            return self._rows_right
        self._rows_right_for = (self.editor.version, brain)
        self._rows_right = None
        if t.input_names == list(brain.input_names) and t.output_names == list(brain.output_names):
            self._rows_right = t.rows_right(brain.forward(t.inputs))
        return self._rows_right
