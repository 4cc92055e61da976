"""Retraining inside the window: ``brain.Trainer`` advanced a few milliseconds per frame.

The car keeps its current brain while a job runs; ``result()`` hands over the new one
only when training has ended well. A diverged run yields no brain and a message. What a
big table costs before training starts (its hash, which the new brain's provenance
records, and its distinct rows) is worked out in the first slices, a few hundred rows at
a time, so that a big table never holds up a frame: pressing R only checks the settings.
"""
import hashlib
import time

from brain.brainfile import Brain
from brain.i18n import _
from brain.table import Table
from brain.distinct_rows import DistinctRows
from brain.training import (BLOCK_ROWS, TrainConfig, Trainer, check_fit, new_network,
                            trained_brain)

HASH_ROWS = 100               # table rows hashed between two looks at the clock
DISTINCT_ROWS = 500           # table rows sorted into distinct ones between two looks at the clock


class RetrainJob:
    def __init__(self, table: Table, config: TrainConfig):
        network = new_network(table, config)        # raises TrainingError for bad settings
        check_fit(network, table, config)
        self.table = table
        self.config = config
        self.network = network
        self.trainer: Trainer | None = None         # made once the table is prepared
        self.started = time.perf_counter()
        self.wall_seconds = 0.0
        self.table_sha256 = None
        self._preparing = self._prepare()

    @property
    def done(self) -> bool:
        return self.trainer is not None and self.trainer.done

    @property
    def status(self) -> str:
        return self.trainer.status_ if self.trainer is not None else "running"

    @property
    def losses(self) -> list[float]:
        return self.trainer.loss_curve_ if self.trainer is not None else []

    @property
    def epochs(self) -> int:
        return self.trainer.epochs_ if self.trainer is not None else 0

    def step(self, seconds: float) -> None:
        """Train for about ``seconds`` of wall time (the slice may end inside an epoch)."""
        deadline = time.perf_counter() + seconds
        if self._preparing is not None:
            self._prepare_until(deadline)
        if self.trainer is not None and not self.done and time.perf_counter() < deadline:
            self.trainer.run(seconds=deadline - time.perf_counter())
        self.wall_seconds = time.perf_counter() - self.started

    def prepare(self) -> None:
        """Do at once what the first slices would (then ``trainer`` is there)."""
        if self._preparing is not None:
            self._prepare_until(None)

    def _prepare_until(self, deadline: float | None) -> None:
        for _pause in self._preparing:
            if deadline is not None and time.perf_counter() >= deadline:
                return
        self._preparing = None

    def _prepare(self):
        """The table's hash, then its distinct rows, then the trainer (a generator that
        pauses between steps)."""
        table, digest = self.table, hashlib.sha256()
        for part in table.csv_parts(HASH_ROWS):
            digest.update(part.encode())
            yield
        self.table_sha256 = digest.hexdigest()
        rows = None
        if len(table) > BLOCK_ROWS:                 # as Trainer would, without one long pause
            rows = yield from DistinctRows.in_steps(table.inputs, table.targets, table.decoders, DISTINCT_ROWS)
            yield
        self.trainer = Trainer(self.network, table.inputs, table.targets, self.config, table.decoders, rows)

    def result(self) -> Brain | None:
        """The trained brain, or None while running or after divergence."""
        if not self.done or self.status == "diverged":
            return None
        return trained_brain(self.network, self.table, self.config, self.trainer, self.table_sha256)

    def summary(self) -> str:
        t = self.trainer
        if t is None:
            return _("preparing the table's {count} rows").format(count=len(self.table))
        loss = f"{t.loss_curve_[-1]:.4g}" if t.loss_curve_ else "-"
        if self.status == "diverged":
            return t.message_
        right = int(t.final_rows_right().sum()) if self.done else t.rows_right_
        return _("{state}: epoch {epoch}, cost {cost}, {right}/{count} rows right").format(
            state=t.status_words, epoch=t.epochs_, cost=loss, right=right, count=len(self.table))
