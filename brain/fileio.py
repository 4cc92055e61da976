"""Reading the user's files: one clear message for a missing, unreadable or malformed file."""
import json
from pathlib import Path

from brain.i18n import _


def read_text(path, kind: str, error: type[Exception]) -> str:
    """The file's text; ``error`` names the file when it is missing or not UTF-8 text.
    ``kind`` says what the file should be, e.g. _("brain file"), in the language in use."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")      # a byte-order mark is not part of the text
    except FileNotFoundError:
        raise error(_("{path}: no such {kind}").format(path=path, kind=kind)) from None
    except IsADirectoryError:
        raise error(_("{path}: is a folder, not a {kind}").format(path=path, kind=kind)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise error(_("{path}: cannot be read as a UTF-8 text file ({error})").format(path=path, error=e)) from None


def read_json(path, kind: str, error: type[Exception], expected: str):
    """The parsed JSON document; ``expected`` tells what a good file looks like."""
    text = read_text(path, kind, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise error(_("{path}, line {line}: not valid JSON ({reason}); {expected}").format(
            path=path, line=e.lineno, reason=e.msg, expected=expected)) from None
    except RecursionError:
        raise error(_("{path}: nested too deeply to be read; {expected}").format(
            path=path, expected=expected)) from None
