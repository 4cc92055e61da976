"""``neurocar compare``: a car's telemetry against what its brain and profile decide.

    neurocar compare run.log --brain B.json [--robot R.toml] [--json REPORT.json]

Feeds the logged readings through the Python controller (``firmware_export.compare``) and
lists the ticks where the car decided otherwise. Exit 0 when none differ, 1 when some do,
2 on bad input (another brain's log, no header, an unreadable file: one line).
"""
import json

from brain import load_brain
from brain.outputs import Outputs
from brain.i18n import _
from simulator.profile import default_profile, load_profile

from firmware_export.compare import SHOWN, compare_log
from firmware_export.telemetry_log import read_log


def register(subparsers) -> None:
    p = subparsers.add_parser("compare", help=_("compare the car's telemetry with the brain's decisions"),
                              description=_("Feed the readings a car logged (neurocar export --telemetry) through "
                                          "the Python controller and report every tick where the car's decision, "
                                          "PWM, hold, servo angle or memory inputs differ from the brain's."))
    p.add_argument("log", metavar="LOG", help=_("the car's telemetry log (neurocar listen --out)"))
    p.add_argument("--brain", required=True, metavar="BRAIN", help=_("the brain file the sketch was exported from"))
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML it was exported with (default: Elegoo V3)"))
    p.add_argument("--json", metavar="REPORT", help=_("write the counts and every differing tick as JSON"))
    p.add_argument("--show", type=int, default=SHOWN, metavar="N",
                   help=_("differing ticks listed (default {SHOWN})").format(
                       SHOWN=SHOWN))
    p.set_defaults(run=run_compare)


def run_compare(args) -> int:
    with Outputs(inputs={"LOG": args.log, "--brain": args.brain, "--robot": args.robot}) as out:
        out.add("--json", args.json)
        brain = load_brain(args.brain)
        profile = load_profile(args.robot) if args.robot else default_profile()
        log = read_log(args.log, profile=profile)
        result = compare_log(log, brain, profile, args.brain)
        if args.json:
            out.write_text(args.json, json.dumps(result.to_json(), indent=1) + "\n")
            out.commit()
    print("\n".join(result.lines(max(0, args.show))))
    if args.json:
        print(_("wrote {json}").format(json=args.json))
    return 0 if result.ok else 1
