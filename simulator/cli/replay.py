"""``neurocar replay``: a run played back in the window, tick by tick.

    neurocar replay RUN.log [--robot R.toml] [--size WxH] [--frames N --screenshot FILE.png]
    neurocar replay runs/episode-000003.npz
    neurocar replay runs/ --episode 3

RUN.log is a real car's telemetry log (``neurocar export --telemetry``, saved by
``neurocar listen --out``). It holds what the car sensed and decided but not where it
was: the window shows the sweep, the decisions and their timing. A recording (``neurocar
eval --record DIR``: one file per episode, holding its own world, profile and brain)
shows the world with the car, its trail, beam and collisions, and the metrics as they
accumulate up to the playhead; a folder of recordings opens the episode ``--episode``
names (default: the first). The file is read before any window opens, so a bad one is
one line and exit 2.
"""
from simulator.gui.replay_source import open_replay
from simulator.profile import default_profile, load_profile
from brain.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("replay", help=_("play a real car's telemetry log or a simulator recording "
                                               "back in the window"),
                              description=_("Open the window on a run: a telemetry log of a sketch exported with "
                                          "--telemetry, or a recording written by 'neurocar eval --record' (a "
                                          "file, or the folder with --episode K). Space plays and pauses, the arrows "
                                          "step, Shift+arrows, Page Up/Down, Home and End jump, + and - change the "
                                          "speed, a click on the timeline goes there, Esc or Q quits."))
    p.add_argument("file", metavar="FILE", help=_("a telemetry log (text, one line per control tick), a recording "
                                                "(.npz), or a folder of recordings"))
    p.add_argument("--episode", type=int, metavar="K",
                   help=_("with a folder of recordings: the episode to show (default: the first there)"))
    p.add_argument("--robot", metavar="PROFILE",
                   help=_("robot profile TOML the sketch was built from (default: the Elegoo V3); "
                        "names the actions from its motor patterns (a recording holds its own)"))
    p.add_argument("--size", default="1280x720", help=_("window size WIDTHxHEIGHT (default 1280x720)"))
    p.add_argument("--frames", help=_("render this many frames without waiting for real time, then exit"))
    p.add_argument("--screenshot", metavar="FILE.png", help=_("save a screenshot when exiting"))
    p.set_defaults(run=run)


def run(args) -> int:
    profile = load_profile(args.robot) if args.robot else default_profile()
    replay = open_replay(args.file, profile, args.episode)
    return _window(replay, args)


def _window(replay, args) -> int:
    from simulator.gui import replay_window     # pygame loads only when the window opens
    return replay_window.main(replay, args.size, args.frames, args.screenshot)
