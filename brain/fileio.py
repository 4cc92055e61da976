"""Reading the user's files: one clear message for a missing, unreadable or malformed file."""
import json
from pathlib import Path


def read_text(path, kind: str, error: type[Exception]) -> str:
    """The file's text; ``error`` names the file when it is missing or not UTF-8 text.
    ``kind`` says what the file should be, e.g. "brain file"."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")      # a byte-order mark is not part of the text
    except FileNotFoundError:
        raise error(f"{path}: no such {kind}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {kind}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{path}: cannot be read as a UTF-8 text file ({e})") from None


def read_json(path, kind: str, error: type[Exception], expected: str):
    """The parsed JSON document; ``expected`` tells what a good file looks like."""
    text = read_text(path, kind, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise error(f"{path}, line {e.lineno}: not valid JSON ({e.msg}); {expected}") from None
    except RecursionError:
        raise error(f"{path}: nested too deeply to be read; {expected}") from None
