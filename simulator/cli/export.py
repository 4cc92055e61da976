"""``neurocar export`` and ``neurocar import-sketch``.

    neurocar export --brain B.json --out DIR [--name NAME] [--robot R.toml]
                    [--fixed-point [--allow-different-decisions]]
                    [--telemetry] [--check] [--verify] [--json REPORT.json] [--upload --port PORT [--dry-run]]
    neurocar import-sketch SKETCH.ino --out BRAIN.json [--table TABLE.csv] [--activation tanh|sigmoid]

Exit 0 when everything asked for succeeded, 1 when verification found a difference,
2 on bad input or a missing toolchain (one line naming the fix).
"""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from brain import Brain, load_brain, load_table
from brain.brainfile import brain_json
from brain.fixedpoint import FORMAT
from brain.outputs import Outputs
from brain.training import check_fit
from brain.i18n import _
from simulator.assets import asset
from simulator.controller import check_brain
from simulator.profile import default_profile, load_profile

from firmware_export.avr_build import require_libsimavr
from firmware_export.avr_verify import whole_sketch_loop, with_whole_sketch
from firmware_export.errors import ExportError
from firmware_export.fixed import check_decisions, check_inputs, decision_differences
from firmware_export.harness import require_simavr
from firmware_export.limits import FLASH_LIMIT, RAM_LIMIT, check_sizes
from firmware_export.names import check_identifier
from firmware_export.sketch import HEADER_NAME, TELEMETRY_NAME, generate, telemetry_header
from firmware_export.telemetry import TIMING_TICKS, measure
from firmware_export.telemetry_format import BAUD
from firmware_export.toolchain import build_sketch, require_toolchain
from firmware_export.tutorial_reader import network_from_sketch
from firmware_export.upload import check_port, upload
from firmware_export.verify import (FAR_TICKS, RANDOM_TICKS, closed_loop, episode_sequences, far_sequence,
                                    json_report, open_loop, random_sequence)

TABLE_FOR_OUTPUTS = {2: "seed_turn_direction.csv", 4: "seed_motors.csv"}


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help=_("write the brain as an Arduino sketch for the real car"),
                              description=_("Write an Arduino sketch (DIR/NAME/NAME.ino) that runs the brain "
                                          "with the robot profile's control tick; optionally compile, verify "
                                          "and upload it."))
    p.add_argument("--brain", required=True, metavar="BRAIN", help=_("a brain file (JSON)"))
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML (default: the Elegoo V3)"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write the sketch folder into"))
    p.add_argument("--name", default="neurocar", help=_("sketch name, a C identifier (default neurocar)"))
    p.add_argument("--check", action="store_true", help=_("compile for the Uno and print flash and RAM used"))
    p.add_argument("--verify", action="store_true",
                   help=_("compare the firmware with the simulator's controller (simavr and host runs)"))
    p.add_argument("--seed", type=int, default=0, help=_("seed of the verification's sequences and worlds"))
    p.add_argument("--fixed-point", action="store_true",
                   help=_("run the network in int16 Q13 fixed point (brain.fixedpoint), no floats: refused when "
                        "its decisions differ from the float brain's anywhere on the controller's input grid; "
                        "--verify then compares with the simulator driven by the same fixed-point arithmetic"))
    p.add_argument("--allow-different-decisions", action="store_true",
                   help=_("with --fixed-point: export even where its decisions differ from the float brain's"))
    p.add_argument("--telemetry", action="store_true",
                   help=_("log every tick over serial at {BAUD} baud (neurocar listen reads it), beside a header "
                        "naming the brain and profile; --verify then times the tick with the log in simavr").format(
                            BAUD=BAUD))
    p.add_argument("--json", metavar="REPORT", help=_("write sizes and verification figures as JSON"))
    p.add_argument("--upload", action="store_true", help=_("upload the compiled sketch with avrdude"))
    p.add_argument("--port", help=_("serial port of the board, e.g. /dev/ttyACM0 (with --upload)"))
    p.add_argument("--dry-run", action="store_true", help=_("with --upload: print the avrdude command only"))
    p.set_defaults(run=run_export)

    q = subparsers.add_parser("import-sketch", help=_("read a tutorial-style sketch's weights into a brain file"),
                              description=_("Read HiddenWeights[inputs+1][hidden+1] and OutputWeights[hidden+1]"
                                          "[outputs] from a sketch in the tutorial's layout and write a brain "
                                          "file that computes exactly what the sketch computes."))
    q.add_argument("sketch", metavar="SKETCH.ino")
    q.add_argument("--out", required=True, metavar="BRAIN", help=_("brain file to write (JSON)"))
    q.add_argument("--table", metavar="TABLE",
                   help=_("the table the sketch was trained on (default: the tutorial's table with as many outputs)"))
    q.add_argument("--activation", choices=("tanh", "sigmoid"), help=_("override the activation found in the sketch"))
    q.set_defaults(run=run_import)


def _check_args(args) -> None:
    """Every option a run could trip on, before anything is built or written."""
    if args.upload and not args.port:
        raise ExportError(_("--upload needs --port, the board's serial port (for example /dev/ttyACM0)"))
    if (args.dry_run or args.port) and not args.upload:
        raise ExportError(_("--port and --dry-run go with --upload"))
    if args.upload:
        check_port(args.port, args.dry_run)
    if args.allow_different_decisions and not args.fixed_point:
        raise ExportError(_("--allow-different-decisions goes with --fixed-point"))
    if args.seed < 0:
        raise ExportError(_("--seed {seed}: must be a whole number, 0 or more").format(seed=args.seed))
    check_identifier(args.name)
    if args.verify:
        require_simavr()
    if args.check or args.verify or args.upload:
        require_toolchain()


def run_export(args) -> int:
    """Check every option and destination, generate, build and verify in a private
    folder, and only then write the sketch, its build and the report together."""
    _check_args(args)
    folder = Path(args.out) / args.name
    ino, header, hex_out = folder / f"{args.name}.ino", folder / HEADER_NAME, folder / "build" / f"{args.name}.hex"
    logged = folder / TELEMETRY_NAME if args.telemetry else None
    building = args.check or args.verify or args.upload
    with Outputs(inputs={"--brain": args.brain, "--robot": args.robot}) as out:
        for label, path in ((_("sketch"), ino), (_("sketch header"), header), (_("telemetry header"), logged),
                            (_("HEX file"), hex_out if building else None), ("--json", args.json)):
            out.add(label, path)
        brain = load_brain(args.brain)
        brain_sha256 = brain.sha256()        # the file's brain: the fixed-point sketch logs it too
        profile = load_profile(args.robot) if args.robot else default_profile()
        if args.fixed_point:
            brain = _fixed_point(brain, profile, args.allow_different_decisions)
        logging = telemetry_header(brain, profile, brain_sha256) if args.telemetry else None
        sketch = generate(brain, profile, args.name, args.brain, logging)
        with tempfile.TemporaryDirectory(prefix="neurocar-export-") as work:
            build = _build(sketch.write(work), args) if building else None
            status, opened, closed, timing = 0, None, None, None
            if args.verify:
                opened, closed = _verify(brain, profile, args.seed, logging)
                exact = opened.max_output_error == 0.0 or not args.fixed_point   # fixed point: equal, not close
                status = 0 if (opened.ok and closed.ok and exact) else 1
                timing = _verify_telemetry(brain, profile, brain_sha256, args.seed) if args.telemetry else None
                status = 1 if timing and not timing.ok else status
            out.write_text(ino, sketch.ino)
            out.write_text(header, sketch.header)
            if logged:
                out.write_text(logged, sketch.telemetry)
            if build:
                out.write_bytes(hex_out, build.hex.read_bytes())
            if args.json:
                report = _report(build, opened, closed, brain, profile, args) | _timing_report(timing)
                out.write_text(args.json, json.dumps(report, indent=1) + "\n")
            out.commit()
    print(_("wrote {files}").format(files=", ".join(str(p) for p in (ino, header, logged, hex_out if build else None,
                                                              args.json) if p)))
    if args.upload and status != 0:
        print(_("not uploading: the firmware does not behave like the simulator (see above)"), file=sys.stderr)
    if args.upload and status == 0:
        upload(hex_out, args.port, dry_run=args.dry_run)
    return status


def _report(build, opened, closed, brain, profile, args) -> dict:
    report = json_report(build, opened, closed)
    if "whole_sketch" in report.get("closed_loop", {}):
        report["whole_sketch_loop"] = report["closed_loop"].pop("whole_sketch")
    if args.fixed_point:
        report["arithmetic"] = FORMAT
        report["grid_decisions_differing_from_float"] = decision_differences(brain, profile)[0]
    return report


def _timing_report(timing) -> dict:
    return {"telemetry": timing.to_dict()} if timing else {}


def _verify_telemetry(brain, profile, brain_sha256: str, seed: int):
    """The tick with its log, timed in simavr over mostly far readings (a decision
    nearly every tick), and the log checked line by line against the Python controller."""
    readings = far_sequence(np.random.default_rng(seed), TIMING_TICKS, profile.control.distance_clamp_cm)
    timing, _trace = measure(brain, profile, readings, brain_sha256)
    print(_("tick with telemetry (simavr, {BAUD} baud, longest echo wait, {ticks} ticks): worst "
          "{worst_cycles:,} cycles = {worst_us:,.0f} us (the tick leaves {budget_us:,.0f} us), "
          "mean {mean_us:,.0f} us; log lines dropped {lines_dropped}, differing from the Python "
          "controller {log_mismatches}; ticks begun while the UART sent {uart_busy_at_ping}").format(
            BAUD=BAUD, ticks=timing.ticks, worst_cycles=timing.worst_cycles, worst_us=timing.worst_us,
            budget_us=timing.budget_us, mean_us=timing.mean_us, lines_dropped=timing.lines_dropped,
            log_mismatches=timing.log_mismatches, uart_busy_at_ping=timing.uart_busy_at_ping))
    if not timing.ok:
        print(_("the sketch with telemetry does not fit its tick (see above)"), file=sys.stderr)
    return timing


def _fixed_point(brain, profile, allow: bool):
    """The brain's fixed-point twin, or a refusal: a brain Q13 cannot hold, inputs the
    sketch would encode differently, or decisions that differ from the float brain's."""
    check_brain(brain, profile)
    twin = check_inputs(brain, profile)
    print(check_decisions(brain, profile, allow))
    return twin


def _build(folder: Path, args):
    build = build_sketch(folder, folder / "build")
    print(_("flash {flash_bytes:,} of {FLASH_LIMIT:,} bytes ({value:.1f} %), "
          "RAM {ram_bytes:,} of {RAM_LIMIT:,} bytes ({value2:.1f} %) "
          "for the ATmega328P (Arduino Uno)").format(flash_bytes=build.flash_bytes, FLASH_LIMIT=FLASH_LIMIT,
            value=100 * build.flash_bytes / FLASH_LIMIT, ram_bytes=build.ram_bytes, RAM_LIMIT=RAM_LIMIT,
            value2=100 * build.ram_bytes / RAM_LIMIT))
    check_sizes(build.flash_bytes, build.ram_bytes)
    return build


def _verify(brain, profile, seed: int, logging=None):
    """The open loop, the host closed loop and the whole-sketch loop (the sketch as
    uploaded: with its telemetry when ``logging`` is its log's header)."""
    require_libsimavr()          # before the open loop's minutes, for the whole-sketch loop after it
    rng = np.random.default_rng(seed)
    clamp = profile.control.distance_clamp_cm
    sequences = ([random_sequence(rng, RANDOM_TICKS, clamp), far_sequence(rng, FAR_TICKS, clamp)]
                 + episode_sequences(profile, brain, seed))
    opened = open_loop(brain, profile, sequences)
    print(_("open loop (simavr, ATmega328P at 16 MHz): {ticks_compared:,} ticks "
          "({decisions_compared:,} decisions) and {grid_points} grid points compared; "
          "pin mismatches {pin_mismatches} (grid {grid_pin_mismatches}), "
          "other state mismatches {state_mismatches}, max output error {max_output_error:.2e}, "
          "decisions near a decoder edge {near_edge_decisions}").format(
            ticks_compared=opened.ticks_compared, decisions_compared=opened.decisions_compared,
            grid_points=opened.grid_points, pin_mismatches=opened.pin_mismatches,
            grid_pin_mismatches=opened.grid_pin_mismatches, state_mismatches=opened.state_mismatches,
            max_output_error=opened.max_output_error, near_edge_decisions=opened.near_edge_decisions))
    print(_("time per decision {cycles_per_inference:,.0f} cycles = {us_per_inference:.0f} us "
          "(the tick leaves {decision_budget_us:,.0f} us); "
          "full forward pass {cycles_per_forward:,.0f} cycles = {us_per_forward:.0f} us").format(
            cycles_per_inference=opened.cycles_per_inference, us_per_inference=opened.us_per_inference,
            decision_budget_us=opened.decision_budget_us, cycles_per_forward=opened.cycles_per_forward,
            us_per_forward=opened.us_per_forward))
    for ex in opened.first_mismatches:
        print(_("  tick {ex}: python pins {ex2}, firmware {ex3}").format(
            ex=ex['tick'], ex2=ex['python'], ex3=ex['firmware']), file=sys.stderr)
    closed = closed_loop(brain, profile, seed)
    print(_("closed loop (host C vs Python controller): {episodes} episodes of {seconds:.0f} s, "
          "{ticks_compared:,} ticks compared, {tick_mismatches} differ; "
          "metrics {value}").format(
            episodes=closed.episodes, seconds=closed.seconds, ticks_compared=closed.ticks_compared,
            tick_mismatches=closed.tick_mismatches,
            value=_("identical") if closed.metrics_equal else _("DIFFERENT")))
    whole = whole_sketch_loop(brain, profile, seed, telemetry=logging)
    print(whole.line())
    return opened, with_whole_sketch(closed, whole)


def run_import(args) -> int:
    with Outputs(inputs={"SKETCH": args.sketch, "--table": args.table}) as out:
        out.add("--out", args.out)
        brain, table = _imported(args)
        out.write_text(args.out, brain_json(brain))
        out.commit()
    right = int(table.rows_right(brain.forward(table.inputs)).sum())
    print(_("wrote {out}: network {value} "
          "({name}), {right} of {count} rows of {name2} right").format(
            out=args.out, value='-'.join(map(str, brain.network.sizes)),
            name=brain.network.layers[0].activation.name, right=right, count=len(table), name2=table.name))
    return 0


def _imported(args):
    """The sketch's network as a brain, with the table it was trained on."""
    network = network_from_sketch(args.sketch, args.activation)
    if args.table:
        table = load_table(args.table)
    elif network.n_outputs in TABLE_FOR_OUTPUTS:
        table = load_table(asset("tables", TABLE_FOR_OUTPUTS[network.n_outputs]))
    else:
        raise ExportError(_("{sketch}: the network has {n_outputs} outputs; name its table with --table").format(
            sketch=args.sketch, n_outputs=network.n_outputs))
    check_fit(network, table)
    provenance = {"imported_from": Path(args.sketch).name, "table": table.name, "table_sha256": table.sha256()}
    return Brain.from_table(network, table, provenance), table
