"""``neurocar plot``: brains compared, side by side, from their ``neurocar eval --json`` files.

    neurocar plot default.json improved.json --out summary.png [--size WxH] [--force]

One panel per metric (collisions per minute, floor covered, time in contact, time stuck),
a bar per file with its value, and a dot per episode where the file holds its rows
(not with ``--no-rows``). Drawn with pygame in the window's colours, without a window
(``simulator.gui.plot_summary``). A file that is not an eval summary is one line naming
it; the PNG is written whole or not at all, never over an existing file without --force.
"""
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError, SettingError
from brain.fileio import read_json
from brain.outputs import OutputError, Outputs
from brain.i18n import N_, _

EXPECTED = N_("expected the JSON that 'neurocar eval --json' writes")      # shown through _()
MAX_FILES = 12
MIN_SIZE, MAX_SIZE = (480, 320), (4096, 4096)
# (panel title, shown through _(); the summary's value, an episode row's value)
METRICS = (
    (N_("collisions per minute"), lambda s: s["collisions_per_minute"], lambda r: r["collisions_per_minute"]),
    (N_("floor covered, %"), lambda s: 100 * s["mean_coverage"], lambda r: 100 * r["coverage"]),
    (N_("time in contact, %"), lambda s: 100 * s["contact_fraction"], lambda r: 100 * r["contact_s"] / r["seconds"]),
    (N_("time stuck, %"), lambda s: 100 * s["stuck_fraction"], lambda r: 100 * r["stuck_s"] / r["seconds"]),
)


class PlotError(NeurocarError):
    """An eval file that cannot be compared."""


@dataclass
class Compared:
    """One eval file: its label, a line about the run, and per metric the summary's value
    and the episodes' values (empty when the file has no rows)."""
    label: str
    detail: str
    values: list
    episodes: list


def register(subparsers) -> None:
    p = subparsers.add_parser("plot", help=_("compare brains from their 'neurocar eval --json' files in one PNG"),
                              description=_("Draw the metrics of eval JSON files side by side: a bar per file and "
                                          "a dot per episode (when the file has its rows)."))
    p.add_argument("files", nargs="+", metavar="EVAL.json", help=_("files written by 'neurocar eval --json' "
                                                                  "(at most {MAX_FILES})").format(MAX_FILES=MAX_FILES))
    p.add_argument("--out", required=True, metavar="FILE.png", help=_("the picture to write"))
    p.add_argument("--size", default="960x640", metavar="WxH", help=_("picture size in pixels (default 960x640)"))
    p.add_argument("--force", action="store_true", help=_("write over an existing --out"))
    p.set_defaults(run=run)


def run(args) -> int:
    size = _check_options(args)
    compared = [read_eval(path) for path in args.files]
    inputs = {f"EVAL #{i + 1}": path for i, path in enumerate(args.files)}
    with Outputs(inputs=inputs) as out:
        out.add("--out", args.out)
        out.write_bytes(args.out, _draw(compared, size))
        out.commit()
    print(_("{out}: {count} brain(s) compared").format(out=args.out, count=len(compared)))
    return 0


def _draw(compared, size) -> bytes:
    from simulator.gui.plot_summary import summary_png     # pygame loads only to draw
    return summary_png(compared, [_(metric[0]) for metric in METRICS], size)


def _check_options(args) -> tuple[int, int]:
    if len(args.files) > MAX_FILES:
        raise SettingError(_("{count} files: at most {MAX_FILES} fit in one plot").format(
            count=len(args.files), MAX_FILES=MAX_FILES))
    if not args.out.lower().endswith(".png"):
        raise SettingError(_("--out {out}: the file name must end in .png").format(out=args.out))
    if (Path(args.out).exists() or Path(args.out).is_symlink()) and not args.force:
        raise OutputError(_("--out {out}: already exists; give another name, or --force to write over it").format(
            out=args.out))
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SettingError(_("--size {size!r}: expected WIDTHxHEIGHT such as 960x640").format(
            size=args.size)) from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise SettingError(_("--size {size!r}: width {MIN_SIZE}..{MAX_SIZE} and height "
                           "{MIN_SIZE2}..{MAX_SIZE2} pixels").format(
                size=args.size, MIN_SIZE=MIN_SIZE[0], MAX_SIZE=MAX_SIZE[0], MIN_SIZE2=MIN_SIZE[1],
                MAX_SIZE2=MAX_SIZE[1]))
    return w, h


def read_eval(path) -> Compared:
    """An eval JSON file's metrics, or PlotError naming the file and what is wrong."""
    data = read_json(path, _("eval file"), PlotError, _(EXPECTED))
    if not isinstance(data, dict) or "episodes" not in data:
        raise PlotError(_("{path}: has no eval summary; {EXPECTED}").format(path=path, EXPECTED=_(EXPECTED)))
    try:
        values = [_number(summary(data)) for _title, summary, _row in METRICS]
        rows = data.get("rows") or []
        if not isinstance(rows, list):
            raise TypeError("rows")
        episodes = [np.array([_number(row(r)) for r in rows], dtype=float) for _title, _summary, row in METRICS]
    except (KeyError, TypeError, ZeroDivisionError) as e:
        what = f"'{e.args[0]}'" if isinstance(e, KeyError) else _("a value that is not a number")
        raise PlotError(_("{path}: {what} missing or wrong in its summary or rows; {EXPECTED}").format(
            path=path, what=what, EXPECTED=_(EXPECTED))) from None
    model = data.get("car_model", "?")
    car = _("measured car") if model == "measured" else _("ideal car") if model == "ideal" else model
    detail = _("{brain} · {episodes} episode(s) of {seconds} s · {car}").format(
        brain=data.get("brain", "?"), episodes=data["episodes"], seconds=data.get("seconds_per_episode", "?"), car=car)
    return Compared(Path(path).stem, detail, values, episodes)


def _number(value) -> float:
    """A finite number from the file (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(value)
    return float(value)
