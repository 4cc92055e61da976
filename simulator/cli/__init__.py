"""The ``neurocar`` command: one entry point, a subcommand per job; with no command, the window.

This package and ``simulator.gui`` are the application layer: they may import everything
below them (``firmware_export``, the ``simulator`` core, ``brain``), and nothing below
imports them. Each command module defines ``register(subparsers)``, and each subcommand
sets ``args.run(args) -> exit code``.

Exit statuses: 0 done, 1 a check failed (eval's --max-collision-rate, export's --verify),
2 bad input (a ``NeurocarError``, or a file that cannot be read or written: one line),
70 a bug (one line naming the crash log), 130 Ctrl-C, 143 SIGTERM.
"""
import argparse
import signal
import sys
import threading

from brain.errors import NeurocarError
from brain.i18n import LANGUAGES, _, language_option, set_language
from simulator.cli import calibrate, compare, evaluation, evolve, export, listen, plot, replay, training, video
from simulator.cli.crash import report_crash
from simulator.cli.signals import interrupted, raise_terminated

COMMANDS = (training, evaluation, evolve, export, listen, compare, replay, calibrate, video, plot)


def build_parser() -> argparse.ArgumentParser:
    """The parser in the current language (set it first: argparse's help is made here)."""
    parser = argparse.ArgumentParser(
        prog="neurocar",
        description=_("Watch a tiny neural network drive a robot car. With no command, opens the simulator window."))
    parser.add_argument("--lang", choices=LANGUAGES,
                        help=_("language of messages and help, before the command (default: the locale's)"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if threading.current_thread() is not threading.main_thread():   # signals reach the main thread only
        return _dispatch(argv)
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        return _dispatch(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dispatch(argv) -> int:
    try:
        language, argv = language_option(argv)
        set_language(language)
    except NeurocarError as e:
        print(_("neurocar: {e}").format(e=e), file=sys.stderr)
        return 2
    if not argv or argv[0].startswith("--") and argv[0] not in ("--help",):
        return _guarded("neurocar", argv, _run_gui)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return _guarded(f"neurocar {args.command}", argv, lambda _: args.run(args))


def _guarded(prefix: str, argv, run) -> int:
    """Run a command: a user's error is one line and exit 2, a bug one line and exit 70."""
    try:
        return int(run(argv) or 0)
    except NeurocarError as e:
        print(f"{prefix}: {e}", file=sys.stderr)
        return 2
    except OSError as e:            # a file the command was told to read or write cannot be
        where = f"{e.filename}: " if e.filename else ""
        print(f"{prefix}: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        return interrupted(e, prefix)
    except Exception as e:          # anything else is neurocar's fault
        return report_crash(e, prefix, argv)


def _run_gui(argv) -> int:
    from simulator.gui import app       # pygame loads only when the window opens
    return app.main(argv)


if __name__ == "__main__":
    sys.exit(main())
