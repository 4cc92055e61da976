"""The window's command line: its options, checked before a window opens, and the
signals (Ctrl-C, SIGTERM) that end a running window as cleanly as closing it."""
import argparse
import os
import signal
import threading
import warnings

import pygame

from brain.atomic import StagedFile
from brain.errors import NeurocarError
from brain.i18n import LANGUAGES, _
from simulator.cli.signals import Terminated

DEFAULT_WORLD = "living_room.json"
DEFAULT_BRAIN = "default.json"
MIN_SIZE, MAX_SIZE = (960, 600), (8000, 8000)     # below MIN_SIZE the panels crowd
MAX_FRAMES = 1_000_000                            # over four hours at 60 frames a second


class WindowParser(argparse.ArgumentParser):
    def error(self, message):
        """One line, as every other bad option gets."""
        raise NeurocarError(message)


def build_parser() -> argparse.ArgumentParser:
    p = WindowParser(prog="neurocar", description=_("The neurocar simulator window."))
    p.add_argument("--world", help=_("world file (JSON); default assets/worlds/{DEFAULT_WORLD}").format(
        DEFAULT_WORLD=DEFAULT_WORLD))
    p.add_argument("--brain", help=_("brain file (JSON); default assets/brains/{DEFAULT_BRAIN}").format(
        DEFAULT_BRAIN=DEFAULT_BRAIN))
    p.add_argument("--table", help=_("training table to edit (CSV); default: the one the brain was trained on"))
    p.add_argument("--robot", help=_("robot profile (TOML); default the Elegoo V3"))
    p.add_argument("--ideal", action="store_true",
                   help=_("drive the idealised car of the profile's estimates instead of the measured model"))
    p.add_argument("--seed", default="0", help=_("seed of the simulation (sensor effects), 0 or more"))
    p.add_argument("--size", default="1280x720", help=_("window size WIDTHxHEIGHT (default 1280x720)"))
    p.add_argument("--frames", help=_("render this many frames (1 to {MAX_FRAMES:,}), then exit").format(
        MAX_FRAMES=MAX_FRAMES))
    p.add_argument("--screenshot", metavar="FILE.png", help=_("save a screenshot when exiting"))
    p.add_argument("--no-restore", action="store_true", help=_("do not offer to restore the autosaved session"))
    p.add_argument("--lang", choices=LANGUAGES, help=_("language of the window and messages (default: the locale's)"))
    return p


def check_args(args) -> None:
    """Turn the numeric options into numbers and check every option, before anything runs."""
    args.seed = whole_number("--seed", args.seed, 0)
    if args.frames is not None:
        args.frames = whole_number("--frames", args.frames, 1, MAX_FRAMES)
    if args.screenshot:
        check_screenshot(args.screenshot)


def whole_number(option: str, text, least: int, most: int | None = None) -> int:
    accepted = _("a whole number {least} or more").format(least=least) if most is None else \
        _("a whole number from {least} to {most:,}").format(least=least, most=most)
    try:
        value = int(str(text).strip())
    except ValueError:
        raise NeurocarError(_("{option} {text!r}: expected {accepted}").format(
            option=option, text=text, accepted=accepted)) from None
    if value < least or (most is not None and value > most):
        raise NeurocarError(_("{option} {value}: expected {accepted}").format(
            option=option, value=value, accepted=accepted))
    return value


def check_screenshot(path: str) -> None:
    """Refuse a screenshot that could not be written, before any frame runs: stage a file
    where it would go (creating its folder as the save would) and take it away again."""
    if not path.lower().endswith(".png"):
        raise NeurocarError(_("--screenshot {path}: the file name must end in .png").format(path=path))
    if os.path.exists(path) and not os.path.isfile(path):
        raise NeurocarError(_("--screenshot {path}: exists and is not a file; give a .png file name").format(
            path=path))
    try:
        StagedFile(path).discard()
    except OSError as e:
        raise NeurocarError(_("--screenshot {path}: cannot be written ({value})").format(
            path=path, value=e.strerror or e)) from None


def parse_size(text: str):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise NeurocarError(_("--size {text!r}: expected WIDTHxHEIGHT such as 1280x720").format(text=text)) from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise NeurocarError(_("--size {text!r}: width {MIN_SIZE}..{MAX_SIZE} and "
                        "height {MIN_SIZE2}..{MAX_SIZE2} pixels").format(
                text=text, MIN_SIZE=MIN_SIZE[0], MAX_SIZE=MAX_SIZE[0], MIN_SIZE2=MIN_SIZE[1],
                MAX_SIZE2=MAX_SIZE[1]))
    return w, h


def require_display() -> None:
    """An open-ended run needs a screen: SDL would otherwise fall back, silently, to an
    invisible offscreen window. Asking for a driver by name (SDL_VIDEODRIVER) is respected."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return
    pygame.display.init()
    driver = pygame.display.get_driver()
    pygame.display.quit()
    if driver in ("offscreen", "dummy"):
        raise NeurocarError(_("no display to open the window on (set DISPLAY, or run on a desktop); "
                        "headless work needs no window: 'neurocar eval', 'neurocar train', 'neurocar export', "
                        "or 'neurocar --frames N --screenshot FILE.png'"))


def set_minimum_size(size) -> None:
    """Ask SDL not to let the window be made smaller than ``size`` (dragging its edge
    stops there)."""
    with warnings.catch_warnings():                 # pygame-ce warns that the display module's window is legacy
        warnings.simplefilter("ignore", DeprecationWarning)
        pygame.Window.from_display_module().minimum_size = size


class StopSignals:
    """While the window runs, Ctrl-C (SIGINT) and SIGTERM ask it to stop after the frame
    in hand, so that the session is autosaved whole; ``raise_caught`` then raises them as
    the command line expects (KeyboardInterrupt, Terminated). A second signal stops at once."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.caught = None
        self._previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        return self

    def __exit__(self, *exc):
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        return False

    def _handle(self, signum, frame):
        if self.caught is not None:
            self._raise(signum)
        self.caught = signum

    def raise_caught(self) -> None:
        if self.caught is not None:
            self._raise(self.caught)

    @staticmethod
    def _raise(signum):
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
