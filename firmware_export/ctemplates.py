"""The C of the sketch lives in real files under ``firmware_export/templates/``; the
generator only fills in data and constants (weights, sizes, pins, profile values).

A template is C (or an Arduino .ino) with ``${name}`` fields, filled by
``string.Template``: one field syntax for every file, no doubled braces, and a field
left unfilled is an error rather than a silent gap. The files ship inside the package
(pyproject.toml's package-data), and every export assembles them into one
self-contained sketch, so the Arduino IDE needs nothing beside it.

The servo driver (``servo_timer2.h``, in ``sketch.ino`` and ``calibration.ino``) is the
sketch's own. Debian's Arduino core (what ``--check`` builds with) has no Servo library,
while the Arduino IDE bundles one; a driver of its own compiles in both and behaves the
same in both. It uses Timer2 in CTC
mode at 4 us per count: the compare interrupt raises the servo pin for the pulse width
and lowers it for the rest of a 20 ms frame, in chunks of at most 255 counts. Timer0
(millis, PWM on pins 5 and 6) and Timer1 (PWM on 9 and 10) stay free, so the motors'
enable pins keep their PWM; only pins 3 and 11 lose analogWrite, which the sketch never
uses on them.
"""
from functools import cache
from pathlib import Path
from string import Template

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def source(name: str) -> str:
    """A template's text as shipped (a file with no fields is plain C)."""
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def piece(name: str) -> str:
    """A template shared by others (``servo_timer2.h``: the servo driver of the export and
    calibration sketches), for a field on a line of its own: that line ends it."""
    return source(name).removesuffix("\n")


def fill(template: str, /, **values) -> str:
    """A template with every field filled; a missing value raises KeyError."""
    return Template(source(template)).substitute({k: str(v) for k, v in values.items()})
