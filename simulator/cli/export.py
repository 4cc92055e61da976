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
    p = subparsers.add_parser("export", help="write the brain as an Arduino sketch for the real car",
                              description="Write an Arduino sketch (DIR/NAME/NAME.ino) that runs the brain "
                                          "with the robot profile's control tick; optionally compile, verify "
                                          "and upload it.")
    p.add_argument("--brain", required=True, metavar="BRAIN", help="a brain file (JSON)")
    p.add_argument("--robot", metavar="PROFILE", help="robot profile TOML (default: the Elegoo V3)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the sketch folder into")
    p.add_argument("--name", default="neurocar", help="sketch name, a C identifier (default neurocar)")
    p.add_argument("--check", action="store_true", help="compile for the Uno and print flash and RAM used")
    p.add_argument("--verify", action="store_true",
                   help="compare the firmware with the simulator's controller (simavr and host runs)")
    p.add_argument("--seed", type=int, default=0, help="seed of the verification's sequences and worlds")
    p.add_argument("--fixed-point", action="store_true",
                   help="run the network in int16 Q13 fixed point (brain.fixedpoint), no floats: refused when "
                        "its decisions differ from the float brain's anywhere on the controller's input grid; "
                        "--verify then compares with the simulator driven by the same fixed-point arithmetic")
    p.add_argument("--allow-different-decisions", action="store_true",
                   help="with --fixed-point: export even where its decisions differ from the float brain's")
    p.add_argument("--telemetry", action="store_true",
                   help=f"log every tick over serial at {BAUD} baud (neurocar listen reads it), beside a header "
                        f"naming the brain and profile; --verify then times the tick with the log in simavr")
    p.add_argument("--json", metavar="REPORT", help="write sizes and verification figures as JSON")
    p.add_argument("--upload", action="store_true", help="upload the compiled sketch with avrdude")
    p.add_argument("--port", help="serial port of the board, e.g. /dev/ttyACM0 (with --upload)")
    p.add_argument("--dry-run", action="store_true", help="with --upload: print the avrdude command only")
    p.set_defaults(run=run_export)

    q = subparsers.add_parser("import-sketch", help="read a tutorial-style sketch's weights into a brain file",
                              description="Read HiddenWeights[inputs+1][hidden+1] and OutputWeights[hidden+1]"
                                          "[outputs] from a sketch in the tutorial's layout and write a brain "
                                          "file that computes exactly what the sketch computes.")
    q.add_argument("sketch", metavar="SKETCH.ino")
    q.add_argument("--out", required=True, metavar="BRAIN", help="brain file to write (JSON)")
    q.add_argument("--table", metavar="TABLE",
                   help="the table the sketch was trained on (default: the tutorial's table with as many outputs)")
    q.add_argument("--activation", choices=("tanh", "sigmoid"), help="override the activation found in the sketch")
    q.set_defaults(run=run_import)


def _check_args(args) -> None:
    """Every option a run could trip on, before anything is built or written."""
    if args.upload and not args.port:
        raise ExportError("--upload needs --port, the board's serial port (for example /dev/ttyACM0)")
    if (args.dry_run or args.port) and not args.upload:
        raise ExportError("--port and --dry-run go with --upload")
    if args.upload:
        check_port(args.port, args.dry_run)
    if args.allow_different_decisions and not args.fixed_point:
        raise ExportError("--allow-different-decisions goes with --fixed-point")
    if args.seed < 0:
        raise ExportError(f"--seed {args.seed}: must be a whole number, 0 or more")
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
        for label, path in (("sketch", ino), ("sketch header", header), ("telemetry header", logged),
                            ("HEX file", hex_out if building else None), ("--json", args.json)):
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
    print("wrote " + ", ".join(str(p) for p in (ino, header, logged, hex_out if build else None, args.json) if p))
    if args.upload and status != 0:
        print("not uploading: the firmware does not behave like the simulator (see above)", file=sys.stderr)
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
    timing, _ = measure(brain, profile, readings, brain_sha256)
    print(f"tick with telemetry (simavr, {BAUD} baud, longest echo wait, {timing.ticks} ticks): worst "
          f"{timing.worst_cycles:,} cycles = {timing.worst_us:,.0f} us (the tick leaves {timing.budget_us:,.0f} us), "
          f"mean {timing.mean_us:,.0f} us; log lines dropped {timing.lines_dropped}, differing from the Python "
          f"controller {timing.log_mismatches}; ticks begun while the UART sent {timing.uart_busy_at_ping}")
    if not timing.ok:
        print("the sketch with telemetry does not fit its tick (see above)", file=sys.stderr)
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
    print(f"flash {build.flash_bytes:,} of {FLASH_LIMIT:,} bytes ({100 * build.flash_bytes / FLASH_LIMIT:.1f} %), "
          f"RAM {build.ram_bytes:,} of {RAM_LIMIT:,} bytes ({100 * build.ram_bytes / RAM_LIMIT:.1f} %) "
          f"for the ATmega328P (Arduino Uno)")
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
    print(f"open loop (simavr, ATmega328P at 16 MHz): {opened.ticks_compared:,} ticks "
          f"({opened.decisions_compared:,} decisions) and {opened.grid_points} grid points compared; "
          f"pin mismatches {opened.pin_mismatches} (grid {opened.grid_pin_mismatches}), "
          f"other state mismatches {opened.state_mismatches}, max output error {opened.max_output_error:.2e}, "
          f"decisions near a decoder edge {opened.near_edge_decisions}")
    print(f"time per decision {opened.cycles_per_inference:,.0f} cycles = {opened.us_per_inference:.0f} us "
          f"(the tick leaves {opened.decision_budget_us:,.0f} us); "
          f"full forward pass {opened.cycles_per_forward:,.0f} cycles = {opened.us_per_forward:.0f} us")
    for ex in opened.first_mismatches:
        print(f"  tick {ex['tick']}: python pins {ex['python']}, firmware {ex['firmware']}", file=sys.stderr)
    closed = closed_loop(brain, profile, seed)
    print(f"closed loop (host C vs Python controller): {closed.episodes} episodes of {closed.seconds:.0f} s, "
          f"{closed.ticks_compared:,} ticks compared, {closed.tick_mismatches} differ; "
          f"metrics {'identical' if closed.metrics_equal else 'DIFFERENT'}")
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
    print(f"wrote {args.out}: network {'-'.join(map(str, brain.network.sizes))} "
          f"({brain.network.layers[0].activation.name}), {right} of {len(table)} rows of {table.name} right")
    return 0


def _imported(args):
    """The sketch's network as a brain, with the table it was trained on."""
    network = network_from_sketch(args.sketch, args.activation)
    if args.table:
        table = load_table(args.table)
    elif network.n_outputs in TABLE_FOR_OUTPUTS:
        table = load_table(asset("tables", TABLE_FOR_OUTPUTS[network.n_outputs]))
    else:
        raise ExportError(f"{args.sketch}: the network has {network.n_outputs} outputs; name its table with --table")
    check_fit(network, table)
    provenance = {"imported_from": Path(args.sketch).name, "table": table.name, "table_sha256": table.sha256()}
    return Brain.from_table(network, table, provenance), table
