"""``neurocar listen``: the car's telemetry, live from its serial port or from a saved log.

    neurocar listen --port /dev/ttyACM0 [--baud 115200] [--out run.log [--force]] [--seconds S]
    neurocar listen run.log | -            (a saved log; - reads standard input)

Shows ticks, decisions, readings and the actions decided, refreshed in place a few times
a second on a terminal (one summary at the end otherwise). Ctrl-C ends listening with the
summary. ``--out`` writes every line as it arrives, garbled ones too. Exit 0, or 2 on bad
input (one line).
"""
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from brain.errors import NeurocarError
from brain.outputs import Outputs
from brain.i18n import _
from simulator.cli.signals import Terminated
from simulator.profile import default_profile, load_profile

from firmware_export.telemetry_format import BAUD
from firmware_export.telemetry_log import LogSummary, check_whole

REFRESH_S = 0.25                   # at most four redraws a second
PORT_TIMEOUT_S = 0.1               # a read returns this often, so the view and --seconds keep time
INSTALL = "pip install 'neurocar[serial]'"


class ListenError(NeurocarError):
    """A port, input or output that listen cannot use."""


def register(subparsers) -> None:
    p = subparsers.add_parser("listen", help=_("read the car's telemetry live or from a log, with a summary"),
                              description=_("Read the serial log of a sketch exported with --telemetry: live from "
                                          "the car's port, from a saved log, or from standard input (-); show "
                                          "ticks, decisions, readings and the actions decided."))
    p.add_argument("log", nargs="?", metavar="LOG", help=_("a saved log to read, or - for standard input"))
    p.add_argument("--port", help=_("the car's serial port, e.g. /dev/ttyACM0 (needs {install})").format(
        install=INSTALL))
    p.add_argument("--baud", type=int, default=BAUD, help=_("baud rate of --port (default {BAUD})").format(BAUD=BAUD))
    p.add_argument("--out", metavar="LOG", help=_("write every line received to this file, as it arrives"))
    p.add_argument("--force", action="store_true", help=_("let --out replace an existing file"))
    p.add_argument("--seconds", type=float, help=_("stop after this many seconds (default: at the end or Ctrl-C)"))
    p.add_argument("--robot", metavar="PROFILE", help=_("robot profile TOML naming the actions (default: Elegoo V3)"))
    p.set_defaults(run=run_listen)


def _check_args(args) -> None:
    if (args.log is None) == (args.port is None):
        raise ListenError(_("give one source: a LOG file, - for standard input, or --port PORT"))
    if args.baud <= 0:
        raise ListenError(_("--baud {baud}: must be a positive number of bits a second, e.g. {BAUD}").format(
            baud=args.baud, BAUD=BAUD))
    if args.seconds is not None and not args.seconds > 0:
        raise ListenError(_("--seconds {seconds}: must be more than 0").format(seconds=args.seconds))
    if args.force and not args.out:
        raise ListenError(_("--force goes with --out"))
    if args.log not in (None, "-") and not Path(args.log).is_file():
        raise ListenError(_("{log}: no such log file").format(log=args.log))


def check_out(args) -> None:
    """Refuse --out before anything is opened or read: the input itself, a folder, a folder
    that takes no file, or an existing file (unless --force)."""
    if not args.out:
        return
    Outputs(inputs={"LOG": None if args.log == "-" else args.log}).add("--out", args.out)
    if Path(args.out).exists() and not args.force:
        raise ListenError(_("--out {out} exists; give another name, or --force to replace it").format(out=args.out))


def port_lines(port):
    """Lines (bytes) from an open serial port as they complete; b"" whenever a read times
    out, so the caller keeps time."""
    pending = b""
    while True:
        try:
            chunk = port.read(max(1, port.in_waiting))
        except OSError as e:           # pyserial's SerialException is one: the car was unplugged
            raise ListenError(_("{name}: the port stopped answering ({value})").format(
                name=port.name, value=' '.join(str(e).split()))) from None
        if not chunk:
            yield b""
            continue
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line + b"\n"


def open_port(name: str, baud: int):
    try:
        import serial            # optional extra: only --port needs it
    except ImportError:
        raise ListenError(_("--port needs pyserial: {INSTALL}").format(INSTALL=INSTALL)) from None
    try:
        return serial.serial_for_url(name, baudrate=baud, timeout=PORT_TIMEOUT_S)
    except (serial.SerialException, ValueError) as e:
        reason = " ".join(str(e).split())
        raise ListenError(_("--port {name}: cannot open it ({reason}); is the car plugged in, and no serial "
                          "monitor holding the port?").format(name=name, reason=reason)) from None


class LiveView:
    """The summary on a terminal, redrawn in place at most every REFRESH_S; elsewhere
    printed once at the end."""

    def __init__(self, name: str, stream=None):
        self.name, self.stream = name, stream or sys.stdout
        self.live = self.stream.isatty()
        self.shown, self.last = 0, 0.0

    def update(self, summary: LogSummary, final: bool = False) -> None:
        now = time.monotonic()
        if not (final or self.live and now - self.last >= REFRESH_S):
            return
        self.last = now
        lines = summary.lines(self.name)
        clear = f"\x1b[{self.shown}F\x1b[J" if self.live and self.shown else ""
        self.stream.write(clear + "\n".join(lines) + "\n")
        self.stream.flush()
        self.shown = len(lines)


def listen(lines, summary: LogSummary, view: LiveView, out=None, seconds=None) -> LogSummary:
    """Feed lines (bytes or str) into the summary, writing each to ``out``, until they end,
    ``seconds`` pass or Ctrl-C; the view shows the summary as it goes and at the end."""
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        for line in lines:
            if line:
                if out is not None:
                    out.write(line if isinstance(line, bytes) else line.encode("utf-8", "replace"))
                    out.flush()          # on disk as it arrives, whatever ends the run
                summary.feed(line)
            view.update(summary)
            if deadline is not None and time.monotonic() >= deadline:
                break
    except KeyboardInterrupt as e:   # Ctrl-C is how listening ends; SIGTERM still exits 143
        if isinstance(e, Terminated):
            raise
    finally:
        view.update(summary, final=True)
    return summary


def run_listen(args) -> int:
    _check_args(args)
    profile = load_profile(args.robot) if args.robot else default_profile()
    check_out(args)
    with ExitStack() as stack:
        if args.port:
            port = stack.enter_context(open_port(args.port, args.baud))
            lines, name = port_lines(port), args.port
        elif args.log == "-":
            lines, name = sys.stdin.buffer, _("standard input")
        else:
            lines, name = stack.enter_context(open(args.log, "rb")), args.log
        out = stack.enter_context(open(args.out, "wb" if args.force else "xb")) if args.out else None
        summary = listen(lines, LogSummary(profile), LiveView(name), out, args.seconds)
    if not args.port:
        check_whole(summary, name)           # a port may just not have spoken yet
    if args.out:
        print(_("wrote {out}").format(out=args.out))
    return 0
