"""``neurocar video``: a brain driving in a world, rendered to MP4 or GIF without a window.

    neurocar video --brain assets/brains/improved.json --world assets/worlds/living_room.json \\
        --seconds 20 --out run.gif [--fps N] [--size WxH] [--robot R] [--seed K] [--ideal] [--force]

Frames come from the window's own renderer (``simulator.gui.render_scene``), drawn off
screen. MP4 needs imageio and imageio-ffmpeg, GIF needs Pillow: the extra ``video``
(``pip install 'neurocar[video]'``). Every option, file and the extra are checked before
the first frame; the video is written whole or not at all, and never over an existing
file without ``--force``.
"""
import math
from pathlib import Path

from brain.brainfile import load_brain
from brain.errors import SettingError
from brain.outputs import OutputError, Outputs
from brain.i18n import _
from simulator.assets import asset
from simulator.baselines import BASELINES, baseline
from simulator.controller import check_brain
from simulator.episode import EpisodeSpec, check_model, check_start
from simulator.measured import DEFAULT_MODEL
from simulator.profile import default_profile, load_profile
from simulator.simulation import Simulation
from simulator.world import load_world
from simulator.gui.video_writer import INSTALL, SUFFIXES, require_extra, write_video

DEFAULT_WORLD = "living_room.json"
DEFAULT_SIZE = {".mp4": "800x600", ".gif": "480x360"}
DEFAULT_FPS = {".mp4": 25, ".gif": 10}
MAX_FPS = 50                    # a GIF counts its frame times in hundredths of a second
MIN_SIDE, MAX_SIDE = 64, 4096
MAX_SECONDS = 3600.0
MAX_GIF_FRAMES = 3000           # a GIF's frames are all held until it is written


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "video", help=_("render a brain driving in a world to MP4 or GIF (headless)"),
        description=_("Drive a brain in a world and render the run with the window's renderer, without a window: "
                    "the world, the car, its beam and trail, the time and the metrics. Needs {INSTALL}.").format(
                        INSTALL=INSTALL))
    p.add_argument("--brain", required=True, metavar="BRAIN",
                   help=_("a brain file, or a baseline: {names}").format(names=", ".join(BASELINES)))
    p.add_argument("--world", metavar="FILE", help=_("world file (JSON); default assets/worlds/{DEFAULT_WORLD}").format(
        DEFAULT_WORLD=DEFAULT_WORLD))
    p.add_argument("--seconds", type=float, default=20.0, metavar="S", help=_("simulated seconds (default 20)"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the video: a .mp4 or .gif file"))
    p.add_argument("--fps", type=int, metavar="N",
                   help=_("frames per simulated second (default 25 for MP4, 10 for GIF)"))
    p.add_argument("--size", metavar="WxH", help=_("picture size in pixels (default 800x600 for MP4, 480x360 for GIF)"))
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML (default: the Elegoo V3)"))
    p.add_argument("--seed", type=int, default=0, metavar="K", help=_("seed of the sensor's noise (default 0)"))
    p.add_argument("--ideal", action="store_true", help=_("the idealised car of the profile's estimates instead of "
                                                        "the measured model"))
    p.add_argument("--force", action="store_true", help=_("write over an existing --out"))
    p.set_defaults(run=run)


def run(args) -> int:
    suffix, size, fps = _check_options(args)
    require_extra(suffix)
    profile = load_profile(args.robot) if args.robot else default_profile()
    world = load_world(args.world or asset("worlds", DEFAULT_WORLD))
    brain = baseline(args.brain, args.seed) if args.brain in BASELINES else load_brain(args.brain)
    check_brain(brain, profile)
    model = "ideal" if args.ideal else DEFAULT_MODEL
    check_model(profile, model)
    check_start(EpisodeSpec(world), profile)
    inputs = {"--brain": None if args.brain in BASELINES else args.brain, "--world": args.world, "--robot": args.robot}
    with Outputs(inputs=inputs) as out:
        out.add("--out", args.out)
        sim = Simulation(world, profile, brain, seed=args.seed, model=model)
        label = _("{brain} · {world} · seed {seed}").format(brain=Path(args.brain).name, world=world.name,
                                                            seed=args.seed)
        count = _render(sim, size, fps, args.seconds, label, suffix, out.open(args.out))
        out.commit()
    print(_("{out}: {count} frames of {size}x{size2} at {fps} fps ({seconds:g} simulated s)").format(
        out=args.out, count=count, size=size[0], size2=size[1], fps=fps, seconds=args.seconds))
    return 0


def _render(sim, size, fps: int, seconds: float, label: str, suffix: str, staged) -> int:
    from simulator.gui.render_scene import SceneRenderer, film     # pygame loads only to draw
    renderer = SceneRenderer(sim.world, sim.profile, size, sim.model)
    return write_video(film(sim, renderer, seconds, fps, label), suffix, fps, staged)


def _check_options(args):
    """(suffix, (w, h), fps) once every option makes sense, or one line saying which does not."""
    suffix = Path(args.out).suffix.lower()
    if suffix not in SUFFIXES:
        raise SettingError(_("--out {out}: the file name must end in .mp4 or .gif").format(out=args.out))
    if (Path(args.out).exists() or Path(args.out).is_symlink()) and not args.force:
        raise OutputError(_("--out {out}: already exists; give another name, or --force to write over it").format(
            out=args.out))
    if not (math.isfinite(args.seconds) and 0 < args.seconds <= MAX_SECONDS):
        raise SettingError(_("--seconds {seconds:g}: expected simulated seconds above 0, at most "
                           "{MAX_SECONDS:g}").format(seconds=args.seconds, MAX_SECONDS=MAX_SECONDS))
    if args.seed < 0:
        raise SettingError(_("--seed {seed}: expected a whole number 0 or more").format(seed=args.seed))
    fps = DEFAULT_FPS[suffix] if args.fps is None else args.fps
    if not 1 <= fps <= MAX_FPS:
        raise SettingError(_("--fps {fps}: expected a whole number of frames per second from 1 to {MAX_FPS}").format(
            fps=fps, MAX_FPS=MAX_FPS))
    if suffix == ".gif" and round(args.seconds * fps) + 1 > MAX_GIF_FRAMES:
        raise SettingError(_("--out {out}: a GIF of {value:,} frames would be huge; "
                           "at most {MAX_GIF_FRAMES:,} (fewer --seconds or --fps, or an .mp4)").format(
                               out=args.out, value=round(args.seconds * fps) + 1, MAX_GIF_FRAMES=MAX_GIF_FRAMES))
    return suffix, parse_video_size(args.size or DEFAULT_SIZE[suffix]), fps


def parse_video_size(text: str) -> tuple[int, int]:
    """WIDTHxHEIGHT, each even (H.264's colour planes are half size) and within limits."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SettingError(_("--size {text!r}: expected WIDTHxHEIGHT such as 800x600").format(text=text)) from None
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE and w % 2 == 0 and h % 2 == 0):
        raise SettingError(_("--size {text!r}: expected even widths and heights "
                             "from {MIN_SIDE} to {MAX_SIDE} pixels").format(
            text=text, MIN_SIDE=MIN_SIDE, MAX_SIDE=MAX_SIDE))
    return w, h
