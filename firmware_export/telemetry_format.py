"""The serial log of a sketch exported with ``neurocar export --telemetry``: one text line
per control tick, and a header line at the start and every ``HEADER_EVERY_TICKS`` ticks,
at ``BAUD`` baud. Every line ends in ``*`` and a checksum, then CR LF::

    @NC,1,<brain sha256>,<profile hash>,<version>,<float|fixed>,<input+input...>,<pin+pin...>*CC
    <tick>,<servo deg>,<D|H>,<reading>,<memory cm>...,<hold>,<pins>,<pwm>*CC

- ``@NC,1``: a header, of format 1. The brain's SHA-256 (``Brain.sha256`` of the brain
  file exported, float or fixed point alike), the hash of the profile's firmware settings
  (``profile_hash``), the sketch's version, its arithmetic, the brain's inputs in order
  and the motor pins in the order the ``pins`` field lists them.
- ``tick``: the control tick, from 0 at the first tick after reset.
- ``servo deg``: where the servo was sent this tick.
- ``D`` when the car decided this tick, ``H`` when it held an action.
- ``reading``: the whole-cm reading taken this tick, ``n`` when nothing echoed in time (the
  brain reads the clamp), ``-`` when it did not ping. The brain's ``distance`` and
  ``position`` inputs are this reading and the servo angle, encoded.
- ``memory cm``: one field per memory input the brain reads (``simulator.sweep_memory``),
  in its input order, as whole cm: what the decision on this tick read (none for the
  tutorial's 2-input brains).
- ``hold``: ticks left before the next decision, after this tick.
- ``pins``: the motor pins set, as 0/1 digits; ``pwm``: the duty on both enable pins.
- ``CC``: CRC-8 (polynomial 0x07, initial 0: avr-libc's ``_crc8_ccitt_update``) of every
  character before the ``*``, in two upper-case hex digits.

The car has no odometry: nothing in the log says where it is.
"""
import hashlib
import json
import math
from dataclasses import asdict, dataclass

from brain.errors import NeurocarError

FORMAT = 1
BAUD = 115200
HEADER_EVERY_TICKS = 200          # 5 s at 25 ms a tick: a reader joining mid-run soon knows the brain
HEADER_TAG = "@NC"
NOT_READ, NO_ECHO = "-", "n"
ARITHMETIC = ("float", "fixed")


class TelemetryLineError(NeurocarError):
    """A line that is not a well-formed telemetry line (garbled, cut short, bad checksum)."""


@dataclass(frozen=True)
class Header:
    brain_sha256: str
    profile_hash: str
    version: str
    arithmetic: str               # "float" or "fixed"
    inputs: tuple
    pin_order: tuple


@dataclass(frozen=True)
class Tick:
    tick: int
    servo_deg: int
    decided: bool
    reading_cm: float | None      # None: no ping this tick; math.inf: no echo
    memory_cm: tuple              # one whole-cm value per memory input
    hold: int
    pins: tuple
    pwm: int


def crc8(text: str) -> int:
    """CRC-8, polynomial 0x07, initial value 0, most significant bit first."""
    crc = 0
    for byte in text.encode("ascii"):
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def profile_hash(profile) -> str:
    """16 hex digits naming what the sketch is built from in a profile: the motor pins and
    patterns, the PWM duties, the sensor's pins and timing, the servo and the control
    tick. A profile that differs only in the car model's figures has the same hash."""
    firmware = {"motors": asdict(profile.motors), "servo": asdict(profile.servo), "control": asdict(profile.control),
                "pwm": [profile.drive.reference_pwm, profile.drive.turn_pwm],
                "sensor": [profile.sensor.trig_pin, profile.sensor.echo_pin, profile.sensor.us_per_cm]}
    return hashlib.sha256(json.dumps(firmware, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _sealed(body: str) -> str:
    return f"{body}*{crc8(body):02X}"


def format_header(header: Header) -> str:
    """The header line, without its line ending."""
    return _sealed(",".join([HEADER_TAG, str(FORMAT), header.brain_sha256, header.profile_hash, header.version,
                             header.arithmetic, "+".join(header.inputs), "+".join(header.pin_order)]))


def format_tick(t: Tick) -> str:
    """A tick line, without its line ending."""
    if t.reading_cm is None:
        reading = NOT_READ
    else:
        reading = NO_ECHO if math.isinf(t.reading_cm) else str(int(t.reading_cm))
    fields = [str(t.tick), str(t.servo_deg), "D" if t.decided else "H", reading, *map(str, t.memory_cm),
              str(t.hold), "".join(map(str, t.pins)), str(t.pwm)]
    return _sealed(",".join(fields))


def parse_line(line: str) -> Header | Tick:
    """A header or a tick, or TelemetryLineError saying what is wrong with the line."""
    text = line.rstrip("\r\n")
    body, star, check = text.rpartition("*")
    if not star or len(check) != 2:
        raise TelemetryLineError("no checksum at the end of the line")
    try:
        if int(check, 16) != crc8(body):
            raise TelemetryLineError("checksum does not match")
    except (ValueError, UnicodeEncodeError):
        raise TelemetryLineError("checksum is not two hex digits, or the line is not ASCII") from None
    fields = body.split(",")
    return _header(fields) if fields[0] == HEADER_TAG else _tick(fields)


def _header(fields) -> Header:
    if len(fields) != 8 or fields[1] != str(FORMAT) or fields[5] not in ARITHMETIC:
        raise TelemetryLineError(f"a header of another format (neurocar reads format {FORMAT})")
    return Header(fields[2], fields[3], fields[4], fields[5], tuple(fields[6].split("+")),
                  tuple(fields[7].split("+")))


def _tick(fields) -> Tick:
    if len(fields) < 7 or fields[2] not in ("D", "H"):
        raise TelemetryLineError("a tick line with missing fields")
    try:
        reading = fields[3]
        cm = None if reading == NOT_READ else math.inf if reading == NO_ECHO else float(_natural(reading))
        pins = tuple(int(c) for c in fields[-2])
        if not pins or any(p not in (0, 1) for p in pins):
            raise ValueError
        return Tick(_natural(fields[0]), _natural(fields[1]), fields[2] == "D", cm,
                    tuple(_natural(f) for f in fields[4:-3]), _natural(fields[-3]), pins, _natural(fields[-1]))
    except ValueError:
        raise TelemetryLineError("a tick line with a field that is not a number") from None


def _natural(text: str) -> int:
    if not text.isdigit() or not text.isascii():
        raise ValueError(text)
    return int(text)
