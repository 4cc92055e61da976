"""SIGTERM as an exception, so that cleanup runs as it does for Ctrl-C."""
import signal
import sys

from brain.i18n import _


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that cleanup runs as for Ctrl-C (exit 143)."""


def raise_terminated(signum, frame):
    raise Terminated()


def interrupted(e: KeyboardInterrupt, prefix: str) -> int:
    """Ctrl-C or SIGTERM: one line, and the shell's status for the signal."""
    terminated = isinstance(e, Terminated)
    print((_("{prefix}: terminated") if terminated else _("{prefix}: interrupted")).format(prefix=prefix),
          file=sys.stderr)
    return 128 + (signal.SIGTERM if terminated else signal.SIGINT)
