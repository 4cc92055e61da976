"""`neurocar train` and `neurocar weights`: the brain package from the command line."""
import json
import math
import sys
import time
from pathlib import Path

from brain import TrainConfig, load_brain, load_table, train
from brain.activations import ACTIVATIONS
from brain.brainfile import brain_json
from brain.errors import TrainingError
from brain.losses import LOSSES
from brain.network import INITIALISERS
from brain.outputs import Outputs
from brain.report import rows_report, weights_report
from brain.training import OPTIMIZERS
from brain.i18n import _

PROGRESS_AFTER_S = 0.5   # long runs show a progress line; short ones stay quiet


def register(sub) -> None:
    p = sub.add_parser("train", help=_("train a brain on a table"),
                       description=_("Train a network on a training table and save it as a brain file."))
    p.add_argument("table", help=_("training table (CSV with a role header, see assets/tables/)"))
    p.add_argument("--out", required=True, help=_("brain file to write (JSON)"))
    p.add_argument("--hidden", type=int, action="append", metavar="N",
                   help=_("neurons in a hidden layer; repeat for more layers (default: one layer of 3)"))
    p.add_argument("--activation", default="tanh", choices=sorted(ACTIVATIONS))
    p.add_argument("--output-activation", choices=sorted(ACTIVATIONS),
                   help=_("activation of the output layer (default: the same as --activation)"))
    p.add_argument("--optimizer", default="adam", choices=OPTIMIZERS,
                   help=_("adam, gd (full batch), sgd (a random row per update, the tutorial's way), momentum"))
    p.add_argument("--lr", type=float, help=_("learning rate (default depends on the optimizer)"))
    p.add_argument("--epochs", type=int, default=TrainConfig.epochs, help=_("most epochs to train"))
    p.add_argument("--batch-size", type=int, help=_("rows per update (default: all; sgd: 1)"))
    p.add_argument("--init", default="xavier", choices=INITIALISERS)
    p.add_argument("--loss", default="mse", choices=sorted(LOSSES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-weight", type=float, metavar="W",
                   help=_("keep every weight and bias within -W..W (1.86 keeps a 4-input brain within the "
                          "bounds neurocar evolve searches)"))
    p.add_argument("--fixed-point-bounds", action="store_true",
                   help=_("keep each layer's weights and biases within the bounds where the brain's fixed-point "
                          "twin always exists, the bounds neurocar evolve searches"))
    p.add_argument("--no-early-stop", action="store_true",
                   help=_("train all epochs even when every row is already right"))
    p.add_argument("--plot", metavar="COST.png", help=_("write the cost curve as a PNG"))
    p.add_argument("--json", metavar="RESULT.json", help=_("write a summary of the run as JSON"))
    p.set_defaults(run=run_train)

    w = sub.add_parser("weights", help=_("print a brain's weights"),
                       description=_("Print each layer's weights and biases with their shapes named."))
    w.add_argument("brain", help=_("brain file (JSON)"))
    w.set_defaults(run=lambda args: print(weights_report(load_brain(args.brain))))


def _config(args) -> TrainConfig:
    return TrainConfig(hidden=args.hidden or [3], activation=args.activation,
                       output_activation=args.output_activation, optimizer=args.optimizer, lr=args.lr,
                       epochs=args.epochs, batch_size=args.batch_size, init=args.init, loss=args.loss,
                       seed=args.seed, stop_when_right=not args.no_early_stop, max_weight=args.max_weight,
                       fixed_point_bounds=args.fixed_point_bounds)


def _check_numbers(args) -> None:
    """Numbers the parser let through that no run can use, named by their option."""
    checks = [("--seed", args.seed, args.seed >= 0, _("a whole number, 0 or more")),
              ("--epochs", args.epochs, args.epochs >= 1, _("a whole number, 1 or more")),
              ("--batch-size", args.batch_size, args.batch_size is None or args.batch_size >= 1,
               _("a whole number, 1 or more")),
              ("--lr", args.lr, args.lr is None or (math.isfinite(args.lr) and args.lr > 0),
               _("a positive finite number")),
              ("--max-weight", args.max_weight,
               args.max_weight is None or (math.isfinite(args.max_weight) and args.max_weight > 0),
               _("a positive finite number"))]
    checks += [("--hidden", h, 1 <= h <= 1024, _("a whole number from 1 to 1024")) for h in args.hidden or []]
    if args.max_weight is not None and args.fixed_point_bounds:
        raise TrainingError(_("--max-weight and --fixed-point-bounds both bound the weights: give one"))
    for option, value, ok, accepted in checks:
        if not ok:
            raise TrainingError(_("{option} {value}: must be {accepted}").format(
                option=option, value=value, accepted=accepted))


def run_train(args) -> int:
    _check_numbers(args)
    with Outputs(inputs={"TABLE": args.table}) as out:
        out.add("--out", args.out)
        out.add("--plot", args.plot)
        out.add("--json", args.json)
        table = load_table(args.table)
        config = _config(args)
        config.validate()
        plot_png = _plot_module() if args.plot else None     # pygame only when a plot is asked for
        started = time.perf_counter()
        brain, trainer = train(table, config, progress=lambda t: _progress(t, started))
        if time.perf_counter() - started > PROGRESS_AFTER_S:
            print(file=sys.stderr)
        if trainer.status_ == "diverged":
            raise TrainingError(_("{table}: {message}; nothing was written").format(
                table=args.table, message=trainer.message_))
        out.write_text(args.out, brain_json(brain))
        if args.plot:
            out.write_bytes(args.plot, plot_png(trainer.loss_curve_, _("cost: {table}, seed {seed}").format(
                table=Path(args.table).name, seed=args.seed)))
        if args.json:
            out.write_text(args.json, json.dumps(_summary(args, table, brain, trainer, config), indent=1) + "\n")
        out.commit()
    print(rows_report(table, brain.forward(table.inputs)))
    print(_("{status} after {epochs} epochs ({iterations} updates) "
          "in {value:.1f} ms of training; final loss {loss_curve:.3g}").format(
            status=trainer.status_words, epochs=trainer.epochs_, iterations=trainer.iterations_,
            value=trainer.train_seconds_ * 1000, loss_curve=trainer.loss_curve_[-1]))
    print(_("wrote {files}").format(files=", ".join(str(p) for p in (args.out, args.plot, args.json) if p)))
    return 0


def _plot_module():
    from simulator.gui.plot import cost_plot_png
    return cost_plot_png


def _summary(args, table, brain, trainer, config) -> dict:
    return {"rows": len(table), "rows_right": brain.provenance["rows_right"], "epochs": trainer.epochs_,
            "iterations": trainer.iterations_, "train_seconds": trainer.train_seconds_,
            "final_loss": trainer.loss_curve_[-1], "status": trainer.status_,
            "brain": str(args.out), "config": config.to_dict()}


def _progress(trainer, started) -> None:
    if time.perf_counter() - started > PROGRESS_AFTER_S:
        total = trainer.config.epochs
        print("\r" + _("training: epoch {epoch}/{total}  loss {loss:.4g}").format(
            epoch=trainer.epochs_, total=total, loss=trainer.loss_curve_[-1]) if trainer.loss_curve_ else "",
              end="", file=sys.stderr, flush=True)
