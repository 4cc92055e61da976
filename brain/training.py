"""Training by backpropagation: per-sample SGD (the tutorial's way), mini-batch and
full-batch gradient descent, momentum and Adam.

A ``Trainer`` advances in slices (``run(max_epochs=..., seconds=...)``) so a window
can retrain without freezing: a slice of time may end inside an epoch (the next one goes
on from there, with the same result); ``train`` does a whole run for the command line.
"""
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from brain.activations import ACTIVATIONS
from brain.brainfile import Brain
from brain.decoders import decode_all
from brain.distinct_rows import DistinctRows
from brain.errors import TrainingError
from brain.fixedpoint import twin_limits
from brain.losses import LOSSES, get_loss
from brain.network import INITIALISERS, Network
from brain.optimizers import Adam, Bounded, GradientDescent, Momentum, clip
from brain.i18n import N_, _

OPTIMIZERS = ("adam", "gd", "sgd", "momentum")
DEFAULT_LR = {"adam": 0.05, "gd": 0.5, "sgd": 0.03, "momentum": 0.2}
# A run that ends with its loss this many times the first epoch's has run away, even if
# every number is still finite (noisy per-sample SGD stays within a few times its first).
DIVERGED_RATIO = 1000.0
# Bigger tables are trained block by block: each block's arrays stay in the CPU's cache and
# its products small enough for BLAS to keep to one thread (threads cost more than they save).
BLOCK_ROWS = 4096
CLOCK_EVERY = 16              # updates between two looks at the clock in a timed slice
STATUS_WORDS = {"running": N_("training"), "solved": N_("solved"), "converged": N_("converged"),
                "finished": N_("finished"), "diverged": N_("diverged")}      # status_ as people read it


@dataclass
class TrainConfig:
    """Every setting of a training run. ``sgd`` is the tutorial's per-sample SGD (a random
    row per update); the others use the whole table per update unless ``batch_size`` is set.
    An epoch is one pass's worth of rows: for sgd, as many single-row updates as rows."""
    hidden: list[int] = field(default_factory=lambda: [3])
    activation: str = "tanh"
    output_activation: str | None = None      # None: the same as the hidden layers
    optimizer: str = "adam"
    lr: float | None = None                   # None: DEFAULT_LR[optimizer]
    epochs: int = 2000
    batch_size: int | None = None
    momentum: float = 0.9
    init: str = "xavier"
    loss: str = "mse"
    tolerance: float = 1e-5                   # stop when the loss falls below it
    stop_when_right: bool = True              # stop when every row decodes right
    seed: int = 0
    max_weight: float | None = None           # keep every weight and bias within +-max_weight
    fixed_point_bounds: bool = False          # keep each layer within brain.fixedpoint.twin_limits

    def learning_rate(self) -> float:
        return DEFAULT_LR.get(self.optimizer, 0.0) if self.lr is None else self.lr

    def validate(self) -> None:
        lr = self.learning_rate()
        checks = [
            (self.optimizer in OPTIMIZERS, f"optimizer {self.optimizer!r}; accepted: {', '.join(OPTIMIZERS)}"),
            (self.activation in ACTIVATIONS, f"activation {self.activation!r}; accepted: {', '.join(ACTIVATIONS)}"),
            (self.output_activation in (None, *ACTIVATIONS),
             f"output activation {self.output_activation!r}; accepted: {', '.join(ACTIVATIONS)}"),
            (self.loss in LOSSES, f"loss {self.loss!r}; accepted: {', '.join(LOSSES)}"),
            (self.init in INITIALISERS, f"initialiser {self.init!r}; accepted: {', '.join(INITIALISERS)}"),
            (all(isinstance(h, int) and 1 <= h <= 1024 for h in self.hidden),
             f"hidden layer sizes {self.hidden}; each must be a whole number from 1 to 1024"),
            (isinstance(self.epochs, int) and self.epochs >= 1, f"epochs {self.epochs}; must be 1 or more"),
            (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0,
             f"learning rate {lr:g}; must be a positive number"),
            (self.batch_size is None or self.batch_size >= 1, f"batch size {self.batch_size}; must be 1 or more"),
            (isinstance(self.seed, int) and 0 <= self.seed < 2**63,
             f"seed {self.seed}; must be a whole number, 0 or more"),
            (self.max_weight is None or (np.isfinite(self.max_weight) and self.max_weight > 0),
             f"largest weight {self.max_weight}; must be a positive number"),
            (self.max_weight is None or not self.fixed_point_bounds,
             "pair of bounds (a largest weight and fixed-point bounds); give one"),
        ]
        for ok, what in checks:
            if not ok:
                raise TrainingError(_("unsupported {what}").format(what=what))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["lr"] = self.learning_rate()
        for name in ("max_weight", "fixed_point_bounds"):   # unbounded runs record what they always have
            if not d[name]:
                del d[name]
        return d


class Trainer:
    """Trains ``network`` in place on (inputs, targets). Learned state ends in ``_``."""

    def __init__(self, network: Network, inputs, targets, config: TrainConfig, decoders=None,
                 rows: "DistinctRows | None" = None):
        """``rows``: the table's distinct rows when already worked out (``DistinctRows.in_steps``)."""
        config.validate()
        self.network = network
        self.x = np.asarray(inputs, dtype=float)
        self.y = np.asarray(targets, dtype=float)
        self.config = config
        self.decoders = decoders
        self._decoded_y = decode_all(decoders, self.y) if decoders else None
        if rows is None:
            rows = (DistinctRows.of(self.x, self.y, decoders) if len(self.x) > BLOCK_ROWS
                    else DistinctRows(self.x, self.y, self._decoded_y, None))
        self._rows = rows
        self.loss = get_loss(config.loss)
        self.rng = np.random.default_rng(config.seed)
        self.params = _parameters(network)
        limits = _limits(network, config)
        self.optimizer = _make_optimizer(config, limits)
        if limits is not None:                    # a bounded run starts within its bounds too
            clip(self.params, limits)
        self._good = [p.copy() for p in self.params]
        self.epochs_ = 0
        self.iterations_ = 0
        self.loss_curve_: list[float] = []
        self.rows_right_ = 0
        self.status_ = "running"          # running, solved, converged, finished, diverged
        self.message_ = ""
        self.train_seconds_ = 0.0
        self._epoch_in_hand = None            # the generator of an epoch a timed slice left unfinished
        self._final_right = None              # final_rows_right() once training has ended

    @property
    def done(self) -> bool:
        return self.status_ != "running"

    def run(self, max_epochs: int | None = None, seconds: float | None = None) -> str:
        """Train until done, or for at most ``max_epochs`` more epochs or ``seconds`` of
        wall time, whichever comes first (time may run out inside an epoch, even inside its
        pass over the whole table); call again to resume. Returns the status."""
        start = time.perf_counter()
        deadline = None if seconds is None else start + seconds
        stop_at = self.epochs_ + (max_epochs if max_epochs is not None else self.config.epochs)
        with np.errstate(over="ignore", invalid="ignore"):    # non-finite results are caught below
            while not self.done and self.epochs_ < stop_at:
                if not self._go_on(deadline) or (deadline is not None and time.perf_counter() >= deadline):
                    break
        self.train_seconds_ += time.perf_counter() - start
        return self.status_

    @property
    def status_words(self) -> str:
        """The status as people read it, in their language."""
        return _(STATUS_WORDS[self.status_])

    # -- one epoch -------------------------------------------------------------------
    def _go_on(self, deadline: float | None) -> bool:
        """Go on with the epoch in hand until it ends (True) or ``deadline`` passes (False)."""
        if self._epoch_in_hand is None:
            self._epoch_in_hand = self._epoch()
        for _pause in self._epoch_in_hand:
            if deadline is not None and time.perf_counter() >= deadline:
                return False
        self._epoch_in_hand = None
        return True

    def _epoch(self):
        """One epoch, as a generator that pauses where a timed slice may stop: every
        CLOCK_EVERY updates and after each block of the pass over the whole table."""
        n = len(self.x)
        batch = self.config.batch_size or (1 if self.config.optimizer == "sgd" else n)
        if batch >= n:
            loss, right = yield from self._whole_table(step=True)      # full batch: measured before the step
        else:
            order = (self.rng.integers(0, n, n) if batch == 1     # the tutorial: a random row each time
                     else self.rng.permutation(n))
            for i, start in enumerate(range(0, n, batch), 1):
                idx = order[start:start + batch]
                self._update(self.x[idx], self.y[idx])
                if i % CLOCK_EVERY == 0:
                    yield
            loss, right = yield from self._whole_table(step=False)
        self.epochs_ += 1
        yield from self._record(loss, right)

    def _update(self, x, y):
        zs, acts = self.network.trace(x)
        self.optimizer.update(self.params, backprop(self.network, zs, acts, y, self.loss))
        self.iterations_ += 1

    def _whole_table(self, step: bool):
        """The loss over every row and how many rows decode right, both for the weights
        before the update that ``step`` asks for (a generator that pauses after each block).
        A table of up to BLOCK_ROWS rows is one block (exactly the textbook arithmetic); a
        bigger one goes block by block over its distinct rows, each counted as often as it
        occurs."""
        rows = self._rows
        n, total, grads, right = len(self.x), 0.0, None, 0
        for start in range(0, len(rows.x), BLOCK_ROWS):
            block = slice(start, start + BLOCK_ROWS)
            x, y, counts = rows.x[block], rows.y[block], rows.counts_column(block)
            zs, acts = self.network.trace(x)
            total += self.loss.total(zs[-1], acts[-1], y, counts)
            right += rows.right(self.decoders, acts[-1], block)
            if step:
                g = backprop(self.network, zs, acts, y, self.loss, n, counts)
                grads = g if grads is None else [a + b for a, b in zip(grads, g)]
            yield
        if step:
            self.optimizer.update(self.params, grads)
            self.iterations_ += 1
        return total / n, right

    def _record(self, loss: float, rows_right: int):
        """Keep or undo the epoch's weights and decide whether training has ended (a
        generator: confirming that every row is right pauses between blocks)."""
        if not (np.isfinite(loss) and all(np.isfinite(p).all() for p in self.params)):
            for p, good in zip(self.params, self._good):
                p[...] = good
            self.status_ = "diverged"
            self.message_ = _("training diverged at epoch {epoch} (the loss became non-finite); kept the last "
                              "good weights. Try a smaller learning rate (now {lr:g})").format(
                epoch=self.epochs_, lr=self.config.learning_rate())
            return
        for p, good in zip(self.params, self._good):
            good[...] = p
        self.loss_curve_.append(loss)
        self.rows_right_ = rows_right
        cfg = self.config
        if self._decoded_y is not None and cfg.stop_when_right and self.rows_right_ == len(self.x):
            # counted before this epoch's last step: confirm on the current weights
            if (yield from self._all_right_now()):
                self.status_ = "solved"
                return
        if loss < cfg.tolerance:
            self.status_ = "converged"
        elif self.epochs_ >= cfg.epochs and loss > DIVERGED_RATIO * self.loss_curve_[0]:
            self.status_ = "diverged"
            self.message_ = _("training diverged: after {epochs} epochs the loss is {loss:.3g}, more than "
                              "{ratio:,.0f} times the first epoch's {first:.3g}. Try a smaller learning rate "
                              "(now {lr:g})").format(epochs=self.epochs_, loss=loss, ratio=DIVERGED_RATIO,
                                                     first=self.loss_curve_[0], lr=self.config.learning_rate())
        elif self.epochs_ >= cfg.epochs:
            self.status_ = "finished"

    def _all_right_now(self):
        """Whether the current weights get every row right, block by block (a generator)."""
        for i in range(0, len(self.x), BLOCK_ROWS):
            outputs = self.network.forward(self.x[i:i + BLOCK_ROWS])
            if not (decode_all(self.decoders, outputs) == self._decoded_y[i:i + BLOCK_ROWS]).all():
                return False
            yield
        return True

    def final_rows_right(self) -> np.ndarray:
        """Which rows the current weights get right (needs decoders); worked out once
        training has ended."""
        if self._final_right is not None:
            return self._final_right
        outputs = np.vstack([self.network.forward(self.x[i:i + BLOCK_ROWS])
                             for i in range(0, len(self.x), BLOCK_ROWS)])
        right = (decode_all(self.decoders, outputs) == self._decoded_y).all(axis=1)
        if self.done:
            self._final_right = right
        return right


def backprop(network: Network, zs, acts, y, loss, n=None, counts=None) -> list[np.ndarray]:
    """Gradients of the loss for every trained parameter, in ``_parameters`` order: of the
    mean over n rows (len(y) if None), the rows of y counted ``counts`` times if given."""
    layers = network.layers
    delta = loss.delta(zs[-1], acts[-1], y, layers[-1].activation, n, counts)
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        layer = layers[i]
        if layer.has_bias:
            grads.append(delta.sum(axis=0))
        grads.append(acts[i].T @ delta)
        if i:
            delta = (delta @ layer.weights.T) * layers[i - 1].activation.df(zs[i - 1], acts[i])
    grads.reverse()
    return grads


def _parameters(network: Network) -> list[np.ndarray]:
    params = []
    for layer in network.layers:
        params.append(layer.weights)
        if layer.has_bias:
            params.append(layer.biases)
    return params


def _limits(network: Network, config: TrainConfig) -> list[float] | None:
    """The bound of each of ``_parameters(network)``, or None for an unbounded run."""
    if config.fixed_point_bounds:
        per_layer = twin_limits(network)
    elif config.max_weight is not None:
        per_layer = [config.max_weight] * len(network.layers)
    else:
        return None
    return [limit for layer, limit in zip(network.layers, per_layer)
            for _ in range(2 if layer.has_bias else 1)]


def _make_optimizer(config: TrainConfig, limits: list[float] | None):
    lr = config.learning_rate()
    if config.optimizer == "adam":
        rule = Adam(lr)
    elif config.optimizer == "momentum":
        rule = Momentum(lr, config.momentum)
    else:
        rule = GradientDescent(lr)
    return rule if limits is None else Bounded(rule, limits)


def check_fit(network: Network, table, config: TrainConfig | None = None) -> None:
    """Refuse, with a message naming the problem, a network or loss that cannot learn the table."""
    source = table.name
    if network.n_inputs != len(table.input_names):
        raise TrainingError(_("{source}: the network takes {n_inputs} inputs but the table has "
                            "{count} input columns ({value})").format(
                source=source, n_inputs=network.n_inputs, count=len(table.input_names),
                value=', '.join(table.input_names)))
    if network.n_outputs != len(table.output_names):
        raise TrainingError(_("{source}: the network gives {n_outputs} outputs but the table has "
                            "{count} output columns ({value})").format(
                source=source, n_outputs=network.n_outputs, count=len(table.output_names),
                value=', '.join(table.output_names)))
    act = network.layers[-1].activation
    for j, name in enumerate(table.output_names):
        column = table.targets[:, j]
        bad = column[(column < act.low) | (column > act.high)]
        if bad.size:
            advice = ("use a tanh output (--activation tanh, range -1..1) or rescale the targets to 0..1"
                      if act.name == "sigmoid" else "use an output activation whose range holds the targets")
            raise TrainingError(_("{source}: output column {name!r} has target {bad:g}, but a {name2} "
                                "output only reaches {low:g}..{high:g}; {advice}").format(
                                    source=source, name=name, bad=bad[0], name2=act.name, low=act.low, high=act.high,
                                    advice=advice))
    if config is not None and config.loss == "bce":
        if act.name != "sigmoid" or ((table.targets != 0) & (table.targets != 1)).any():
            raise TrainingError(_("{source}: cross-entropy loss (bce) needs a sigmoid output and 0/1 targets; "
                                "use --loss mse otherwise").format(source=source))


def new_network(table, config: TrainConfig) -> Network:
    config.validate()
    sizes = [len(table.input_names), *config.hidden, len(table.output_names)]
    acts = [config.activation] * len(config.hidden) + [config.output_activation or config.activation]
    return Network.create(sizes, acts, seed=config.seed, init=config.init)


PROGRESS_EVERY_S = 0.25      # a long run reports at least this often, however many epochs it has


def train(table, config: TrainConfig, network: Network | None = None, progress=None):
    """Train a network on a table (a new one from ``config`` unless given) and return
    ``(brain, trainer)``. ``progress(trainer)`` is called between slices of a long run."""
    network = network if network is not None else new_network(table, config)
    check_fit(network, table, config)
    trainer = Trainer(network, table.inputs, table.targets, config, table.decoders)
    while not trainer.done:
        trainer.run(max_epochs=max(1, config.epochs // 50), seconds=PROGRESS_EVERY_S) if progress else trainer.run()
        if progress:
            progress(trainer)
    return trained_brain(network, table, config, trainer), trainer


def trained_brain(network: Network, table, config: TrainConfig, trainer: Trainer, table_sha256: str | None = None):
    """The brain a finished training gives, with its provenance: the table and its hash
    (``table_sha256`` when already worked out), the settings, and how the training ended."""
    provenance = {
        "table": table.name,
        "table_sha256": table_sha256 or table.sha256(),
        "hyperparameters": config.to_dict(),
        "seed": config.seed,
        "epochs": trainer.epochs_,
        "iterations": trainer.iterations_,
        "final_loss": trainer.loss_curve_[-1] if trainer.loss_curve_ else None,
        "rows": len(table),
        "rows_right": int(trainer.final_rows_right().sum()),
        "status": trainer.status_,
    }
    return Brain.from_table(network, table, provenance)
