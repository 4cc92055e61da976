"""Retraining inside the window: ``brain.Trainer`` advanced a few milliseconds per frame.

The car keeps its current brain while a job runs; ``result()`` hands over the new one
only when training has ended well. A diverged run yields no brain and a message. The
table's hash, which the new brain's provenance records, is worked out in the first slices,
a hundred rows at a time before training starts, so a big table never holds up a frame.
"""
import hashlib
import time

from brain.brainfile import Brain
from brain.i18n import _
from brain.table import Table
from brain.training import TrainConfig, Trainer, check_fit, new_network, trained_brain

HASH_ROWS = 100               # table rows hashed between two looks at the clock


class RetrainJob:
    def __init__(self, table: Table, config: TrainConfig):
        network = new_network(table, config)        # raises TrainingError for bad settings
        check_fit(network, table, config)
        self.table = table
        self.config = config
        self.network = network
        self.trainer = Trainer(network, table.inputs, table.targets, config, table.decoders)
        self.started = time.perf_counter()
        self.wall_seconds = 0.0
        self._parts, self._hash, self.table_sha256 = table.csv_parts(HASH_ROWS), hashlib.sha256(), None

    @property
    def done(self) -> bool:
        return self.trainer.done

    @property
    def status(self) -> str:
        return self.trainer.status_

    @property
    def losses(self) -> list[float]:
        return self.trainer.loss_curve_

    def step(self, seconds: float) -> None:
        """Train for about ``seconds`` of wall time (the slice may end inside an epoch)."""
        deadline = time.perf_counter() + seconds
        if self.table_sha256 is None:
            self._hash_table(deadline)
        if self.table_sha256 is not None and not self.done and time.perf_counter() < deadline:
            self.trainer.run(seconds=deadline - time.perf_counter())
        self.wall_seconds = time.perf_counter() - self.started

    def _hash_table(self, deadline: float | None = None) -> None:
        for part in self._parts:
            self._hash.update(part.encode())
            if deadline is not None and time.perf_counter() >= deadline:
                return
        self.table_sha256 = self._hash.hexdigest()

    def result(self) -> Brain | None:
        """The trained brain, or None while running or after divergence."""
        if not self.done or self.status == "diverged":
            return None
        if self.table_sha256 is None:                 # trained without step()
            self._hash_table()
        return trained_brain(self.network, self.table, self.config, self.trainer, self.table_sha256)

    def summary(self) -> str:
        t = self.trainer
        loss = f"{t.loss_curve_[-1]:.4g}" if t.loss_curve_ else "-"
        if self.status == "diverged":
            return t.message_
        right = int(t.final_rows_right().sum()) if self.done else t.rows_right_
        return _("{state}: epoch {epoch}, cost {cost}, {right}/{count} rows right").format(
            state=t.status_words, epoch=t.epochs_, cost=loss, right=right, count=len(self.table))
