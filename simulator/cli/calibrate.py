"""``neurocar calibrate``: measure your own car and write its profile.

    neurocar calibrate sketch [--robot R.toml] --out DIR [--name NAME] [--check]
    neurocar calibrate fit RUN.log --measurements M.toml [--robot R.toml] --out MY_CAR.toml [--force]

``sketch`` writes the calibration sketch (no brain) and a measurements file with blanks,
and prints what to measure; it never writes over an existing file. ``fit`` fits the
measured car model to the sketch's log and the tape readings (``simulator.calibration``),
prints the profile's values beside the fitted ones, and writes a new profile with each
fitted value marked measured, checked by loading it. It never writes over the shipped
profiles, nor over any existing file without ``--force``.
"""
import datetime
import tempfile
import tomllib
from pathlib import Path

from brain.errors import NeurocarError
from brain.fileio import read_text
from brain.outputs import OutputError, Outputs
from brain.i18n import N_, _
from simulator.assets import asset
from simulator.calibration import CalibrationError, plan_for, read_tape
from simulator.calibration_profile import fit_car, measured_profile, old_and_new
from simulator.measured import CarParams
from simulator.motors import physics_steps
from simulator.profile import DEFAULT_PROFILE, default_profile, load_profile, profile_from_dict

from firmware_export.calibration_log import parse_log
from firmware_export.calibration_sketch import generate
from firmware_export.toolchain import build_sketch, require_toolchain


def register(subparsers) -> None:
    p = subparsers.add_parser("calibrate", help=_("measure your car: a calibration sketch, then fit its profile"),
                              description=_("Calibrate the measured car model to your own car."))
    sub = p.add_subparsers(dest="calibrate_command", metavar="STEP", required=True)
    s = sub.add_parser("sketch", help=_("write the calibration sketch and the measurements file"),
                       description=_("Write DIR/NAME/NAME.ino (drives, ramps, turns, sweeps; logs over serial at "
                                   "115200 baud) and DIR/measurements.toml with blanks for what to measure."))
    s.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML (default: the Elegoo V3)"))
    s.add_argument("--out", required=True, metavar="DIR", help=_("folder to write into"))
    s.add_argument("--name", default="neurocar_calibration", help=_("sketch name (default neurocar_calibration)"))
    s.add_argument("--check", action="store_true", help=_("compile the sketch for the Uno first"))
    s.set_defaults(run=run_sketch)
    f = sub.add_parser("fit", help=_("fit the car model to a calibration log and tape readings"),
                       description=_("Fit battery voltage, speed per volt, start threshold, wheel travel per degree, "
                                   "beam and incidence limits; write them as a new profile."))
    f.add_argument("log", metavar="RUN.log", help=_("the calibration sketch's serial log"))
    f.add_argument("--measurements", required=True, metavar="M.toml", help=_("the filled-in measurements file"))
    f.add_argument("--robot", metavar="PROFILE", help=_("the profile the sketch was written for (default: Elegoo V3)"))
    f.add_argument("--out", required=True, metavar="MY_CAR.toml", help=_("the new profile to write"))
    f.add_argument("--force", action="store_true", help=_("write over an existing --out (never a shipped profile)"))
    f.set_defaults(run=run_fit)


OUTPUT_WORDS = {"sketch folder": N_("sketch folder"), "sketch": N_("sketch"),
                "measurements file": N_("measurements file")}      # the calibration sketch's paths, as people read them


def _profile(robot):
    return load_profile(robot) if robot else default_profile()


def _refuse_existing(label: str, path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise OutputError(_("{label} {path}: already exists; neurocar calibrate never writes over a file").format(
            label=label, path=path))


def run_sketch(args) -> int:
    profile = _profile(args.robot)
    sketch = generate(profile, args.name)
    paths = sketch.paths(args.out)
    for key, path in [("sketch folder", paths["sketch"].parent)] + list(paths.items()):
        _refuse_existing(_(OUTPUT_WORDS[key]), path)
    with Outputs(inputs={"--robot": args.robot}) as out:
        for key, path in paths.items():
            out.add(_(OUTPUT_WORDS[key]), path)
        if args.check:
            require_toolchain()
            with tempfile.TemporaryDirectory(prefix="neurocar-calibrate-") as work:
                build = build_sketch(sketch.write(work), Path(work) / "build")
            print(_("compiled for the Uno: {flash_bytes} bytes of flash, {ram_bytes} of RAM").format(
                flash_bytes=build.flash_bytes, ram_bytes=build.ram_bytes))
        out.write_text(paths["sketch"], sketch.ino)
        out.write_text(paths["measurements file"], sketch.measurements)
        out.commit()
    print(_("wrote {paths} and {paths2}").format(paths=paths['sketch'], paths2=paths['measurements file']))
    print(sketch.instructions)
    return 0


def _check_fit_out(path: Path, force: bool) -> None:
    shipped = Path(asset("robots", DEFAULT_PROFILE)).resolve().parent
    if path.resolve().parent == shipped:
        raise OutputError(_("--out {path}: is in neurocar's shipped profiles ({shipped}); "
                            "write your car elsewhere").format(
            path=path, shipped=shipped))
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputError(_("--out {path}: already exists; give another name, or --force to write over it").format(
            path=path))


def run_fit(args) -> int:
    out_path = Path(args.out)
    _check_fit_out(out_path, args.force)
    profile = _profile(args.robot)
    robot_path = Path(args.robot) if args.robot else asset("robots", DEFAULT_PROFILE)
    if profile.measured is None:
        raise CalibrationError(_("{source}: has no [measured] tables to fit; start from a profile that has").format(
            source=profile.source))
    with Outputs(inputs={"RUN.log": args.log, "--measurements": args.measurements, "--robot": robot_path}) as out:
        out.add("--out", out_path)
        plan = plan_for(profile)
        tape = read_tape(args.measurements, plan)
        log = parse_log(read_text(Path(args.log), _("calibration log"), CalibrationError), profile, plan, args.log)
        values = fit_car(profile, log, tape, args.log)
        date = datetime.date.today().isoformat()
        text = _new_profile(read_text(robot_path, _("robot profile"), CalibrationError), profile, values, date,
                            args.log, out_path)
        print("\n".join(old_and_new(profile, values)))
        out.write_text(out_path, text)
        out.commit()
    print(_("wrote {out_path}: the fitted values are marked 'measured {date}'").format(out_path=out_path, date=date))
    return 0


def _new_profile(text: str, profile, values: dict, date: str, log: str, out_path: Path) -> str:
    """The new profile's text, which must load and simulate as any profile does; the
    [drive] estimates follow the fit unless the ideal model's bounds refuse them."""
    name = Path(log).name
    try:
        return _loads(measured_profile(text, profile, values, date, name), out_path)
    except NeurocarError as e:
        kept = measured_profile(text, profile, values, date, name, drive=False)
        try:
            _loads(kept, out_path)
        except NeurocarError as again:
            raise CalibrationError(_("the fitted profile would not load: {again}").format(again=again)) from None
        print(_("the [drive] estimates stay as they were: the fitted ones do not load ({e})").format(e=e))
        return kept


def _loads(text: str, out_path: Path) -> str:
    profile = profile_from_dict(tomllib.loads(text), str(out_path))
    physics_steps(profile, CarParams.nominal(profile.measured, profile.sensor, 1), drawn=True)
    return text
