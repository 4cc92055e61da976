"""A bug, reported as one: one line naming a crash log that holds the traceback, exit 70.

Errors a user can cause are ``NeurocarError``s and never come here; anything else that
escapes a command or the window is neurocar's fault, and is not dressed up as the user's."""
import sys
import time
import traceback

from brain.atomic import atomic_write_text
from brain.i18n import _
from simulator.cli.state import state_dir

EXIT_BUG = 70          # EX_SOFTWARE (sysexits.h): an internal software error


def report_crash(error: BaseException, prefix: str, argv=()) -> int:
    """Write the traceback to a crash log in the state folder, say so in one line, and
    return the exit status for a bug."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # the log is for the bug report, in English; the line saying where it is is the user's language
    text = (f"neurocar crashed at {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"command: neurocar {' '.join(map(str, argv))}\npython: {sys.version.split()[0]}\n\n"
            + "".join(traceback.format_exception(error)))
    what = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    try:
        path = state_dir() / "crashes" / f"crash-{stamp}.log"
        atomic_write_text(path, text)
        where = _("the traceback is in {path}").format(path=path)
    except OSError as e:
        where = _("no crash log could be written ({error})").format(error=e.strerror or e)
    print(_("{prefix}: internal error, a bug in neurocar ({what}); {where}").format(
        prefix=prefix, what=what, where=where), file=sys.stderr)
    return EXIT_BUG
