"""The window's command line: its options, checked before a window opens."""
import argparse
import os

import pygame

from simulator.errors import UserError

DEFAULT_WORLD = "living_room.json"
DEFAULT_BRAIN = "default.json"
MIN_SIZE, MAX_SIZE = (960, 600), (8000, 8000)     # below MIN_SIZE the panels crowd


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="neurocar", description="The neurocar simulator window.")
    p.add_argument("--world", help=f"world file (JSON); default assets/worlds/{DEFAULT_WORLD}")
    p.add_argument("--brain", help=f"brain file (JSON); default assets/brains/{DEFAULT_BRAIN}")
    p.add_argument("--table", help="training table to edit (CSV); default: the one the brain was trained on")
    p.add_argument("--robot", help="robot profile (TOML); default the Elegoo V3")
    p.add_argument("--seed", type=int, default=0, help="seed of the simulation (sensor effects)")
    p.add_argument("--size", default="1280x720", help="window size WIDTHxHEIGHT (default 1280x720)")
    p.add_argument("--frames", type=int, help="render this many frames, then exit")
    p.add_argument("--screenshot", metavar="FILE.png", help="save a screenshot when exiting")
    p.add_argument("--no-restore", action="store_true", help="do not offer to restore the autosaved session")
    return p


def check_args(args) -> None:
    if args.frames is not None and args.frames < 1:
        raise UserError(f"--frames {args.frames}: must be 1 or more")
    if args.screenshot and not args.screenshot.lower().endswith(".png"):
        raise UserError(f"--screenshot {args.screenshot}: the file name must end in .png")


def parse_size(text: str):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size {text!r}: expected WIDTHxHEIGHT such as 1280x720") from None
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise UserError(f"--size {text!r}: width {MIN_SIZE[0]}..{MAX_SIZE[0]} and "
                        f"height {MIN_SIZE[1]}..{MAX_SIZE[1]} pixels")
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
        raise UserError("no display to open the window on (set DISPLAY, or run on a desktop); "
                        "headless work needs no window: 'neurocar eval', 'neurocar train', 'neurocar export', "
                        "or 'neurocar --frames N --screenshot FILE.png'")
