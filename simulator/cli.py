"""The ``neurocar`` command: one entry point, a subcommand per job.

Each package adds its own subcommands through a ``register(subparsers)`` function;
bad input raised as one of ``USER_ERRORS`` is printed as one line and exits 2.
"""
import argparse
import importlib
import signal
import sys
import threading

from brain.errors import BrainError
from simulator.errors import Terminated, UserError

# Modules that define register(subparsers); each subcommand sets args.run(args) -> exit code.
COMMAND_MODULES = [
    "simulator.train_cli",
    "simulator.eval_cli",
    "firmware_export.cli",
]
# The GUI is imported only when it runs, so headless commands never load pygame.
GUI_MODULE = "simulator.gui.app"


USER_ERRORS = (BrainError, UserError)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurocar",
        description="Watch a tiny neural network drive a robot car. With no command, opens the simulator window.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _terminate(signum, frame):
    raise Terminated()


def _interrupted(e: KeyboardInterrupt, prefix: str) -> int:
    """Ctrl-C or SIGTERM: one line, and the shell's status for the signal."""
    terminated = isinstance(e, Terminated)
    print(f"{prefix}: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
    return 128 + (signal.SIGTERM if terminated else signal.SIGINT)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if threading.current_thread() is not threading.main_thread():   # signals reach the main thread only
        return _dispatch(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _dispatch(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dispatch(argv) -> int:
    if not argv or argv[0].startswith("--") and argv[0] not in ("--help",):
        return _run_gui(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except USER_ERRORS as e:
        print(f"neurocar {args.command}: {e}", file=sys.stderr)
        return 2
    except OSError as e:            # a file the command was told to write cannot be written
        where = f"{e.filename}: " if e.filename else ""
        print(f"neurocar {args.command}: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        return _interrupted(e, f"neurocar {args.command}")


def _run_gui(argv) -> int:
    try:
        app = importlib.import_module(GUI_MODULE)     # inside the try: Ctrl-C while pygame loads is one line too
        return int(app.main(argv) or 0)
    except USER_ERRORS as e:
        print(f"neurocar: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        return _interrupted(e, "neurocar")


if __name__ == "__main__":
    sys.exit(main())
