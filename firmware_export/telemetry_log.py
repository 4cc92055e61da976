"""Reading a telemetry log (``firmware_export.telemetry_format``), whole or line by line.

``read_log(source)`` reads a saved log (a path, or any iterable of lines, str or bytes)
into a ``TelemetryLog``: its ticks in order, its headers and where each was seen, and a
``LogSummary``. A line that is not a telemetry line (cut short, a lost byte, a bad
checksum, not ASCII, garbage at the wrong baud rate) is counted as garbled and skipped;
only a file with no telemetry line at all (empty, binary, nothing but garbage) is refused.

``LogSummary`` counts as lines arrive, so ``neurocar listen`` shows it live: ticks,
decisions, readings, the actions decided, garbled lines, ticks lost (gaps in the tick
numbers) and restarts (the tick number going back: the car was reset).
"""
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from brain.errors import NeurocarError
from brain.i18n import _
from simulator.profile import PATTERN_NAMES, PATTERN_WORDS, default_profile

from firmware_export.telemetry_format import BAUD, Header, Tick, TelemetryLineError, parse_line

READING_BINS = 5                  # bins of equal width below the clamp, then the clamp, then no echo
BAR_WIDTH = 30


class TelemetryLogError(NeurocarError):
    """A whole log that cannot be read as telemetry (empty, binary, no telemetry line)."""


def action_name(pins, patterns: dict) -> str:
    """The profile's name for motor pins ('forward', ...), 'stop' when all are low, else the
    pins as digits."""
    pins = tuple(int(p) for p in pins)
    if not any(pins):
        return "stop"
    return patterns.get(pins, "".join(map(str, pins)))


@dataclass
class Readings:
    """Whole-cm readings: count, min, mean, max, those with no echo, and a histogram."""
    clamp: int
    count: int = 0
    no_echo: int = 0
    total: float = 0.0
    low: float = math.inf
    high: float = -math.inf
    bins: Counter = field(default_factory=Counter)

    def add(self, cm: float) -> None:
        if math.isinf(cm):
            self.no_echo += 1
            return
        self.count += 1
        self.total += cm
        self.low, self.high = min(self.low, cm), max(self.high, cm)
        self.bins[self.bin_of(cm)] += 1

    def bin_of(self, cm: float) -> str:
        if cm >= self.clamp:
            return f"{self.clamp}+ cm"
        width = max(1, math.ceil(self.clamp / READING_BINS))
        start = int(cm) // width * width
        return f"{start}-{min(start + width, self.clamp) - 1} cm"

    def bin_names(self) -> list[str]:
        width = max(1, math.ceil(self.clamp / READING_BINS))
        return [self.bin_of(cm) for cm in range(0, self.clamp + 1, width)] + \
            ([self.bin_of(self.clamp)] if self.clamp % width else [])

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else math.nan


class LogSummary:
    """Counts over a log, fed a line at a time (``feed``); ``lines()`` says them."""

    def __init__(self, profile=None):
        profile = profile or default_profile()
        self.patterns = {tuple(profile.motors.patterns[n]): n for n in PATTERN_NAMES}
        self.ticks = self.decisions = self.garbled = self.lost_ticks = self.restarts = 0
        self.blank = self.not_ascii = self.headers = 0
        self.binary = False
        self.header: Header | None = None
        self.last_tick: Tick | None = None
        self.readings = Readings(profile.control.distance_clamp_cm)
        self.actions = Counter()          # decisions per action
        self.action_ticks = Counter()     # ticks spent in each action

    @property
    def lines_read(self) -> int:
        return self.ticks + self.headers + self.garbled

    @property
    def brain_sha256(self) -> str | None:
        return self.header.brain_sha256 if self.header else None

    def feed(self, line) -> Header | Tick | None:
        """Count one line (str or bytes, with or without its line ending); the header or
        tick it holds, or None for a blank or garbled line."""
        text = self._text(line)
        if text is None:
            return None
        try:
            item = parse_line(text)
        except TelemetryLineError:
            self.garbled += 1
            return None
        if isinstance(item, Header):
            self.headers += 1
            self.header = self.header or item
        else:
            self._count(item)
        return item

    def _text(self, line) -> str | None:
        if isinstance(line, (bytes, bytearray)):
            self.binary = self.binary or b"\x00" in line
            try:
                line = bytes(line).decode("ascii")
            except UnicodeDecodeError:
                line = None
        elif not line.isascii():
            line = None
        if line is None:
            self.not_ascii += 1
            self.garbled += 1
            return None
        if not line.strip():
            self.blank += 1
            return None
        return line

    def _count(self, t: Tick) -> None:
        last = self.last_tick
        if last is not None and t.tick <= last.tick:
            self.restarts += 1
        elif last is not None:
            self.lost_ticks += t.tick - last.tick - 1
        self.last_tick = t
        self.ticks += 1
        self.decisions += t.decided
        if t.reading_cm is not None:
            self.readings.add(t.reading_cm)
        action = action_name(t.pins, self.patterns)
        self.action_ticks[action] += 1
        if t.decided:
            self.actions[action] += 1

    def lines(self, name: str = "") -> list[str]:
        """The summary as text lines, for the terminal."""
        restarts = _(", {count:,} restarts").format(count=self.restarts) if self.restarts else ""
        out = [(f"{name}: " if name else "") + _("{ticks:,} ticks, {decisions:,} decisions, {garbled:,} garbled lines, "
                                                 "{lost:,} ticks lost").format(
            ticks=self.ticks, decisions=self.decisions, garbled=self.garbled, lost=self.lost_ticks) + restarts]
        h = self.header
        out.append(_("brain {sha} ({arithmetic}), profile {hash}, sketch {version}, {count:,} headers").format(
            sha=h.brain_sha256[:16], arithmetic=h.arithmetic, hash=h.profile_hash, version=h.version,
            count=self.headers) if h else _("no header yet (it repeats every few seconds)"))
        out += self._reading_lines() + self._action_lines()
        return out

    def _reading_lines(self) -> list[str]:
        r = self.readings
        if not r.count:
            return [_("readings: none with an echo, {count:,} without").format(count=r.no_echo)]
        out = [_("readings: {count:,} (min {low:.0f}, mean {mean:.1f}, max {high:.0f} cm), {none:,} with no "
                 "echo").format(count=r.count, low=r.low, mean=r.mean, high=r.high, none=r.no_echo)]
        return out + _bars([(name, r.bins[name]) for name in r.bin_names()] + [(_("no echo"), r.no_echo)])

    def _action_lines(self) -> list[str]:
        if not self.action_ticks:
            return []
        names = [n for n in (*PATTERN_NAMES, "stop") if self.action_ticks[n]]
        names += sorted(set(self.action_ticks) - set(names))
        share = {n: _("{share} of ticks").format(share=f"{100 * self.action_ticks[n] / self.ticks:5.1f} %")
                 for n in names}
        return [_("actions decided:")] + [f"{bar}  {share[n]}" for bar, n in
                                       zip(_bars([(_words(n), self.actions[n]) for n in names]), names)]


def _words(action: str) -> str:
    """An action as the window and the replay name it: 'turn right', 'stopped'; pins as digits stay."""
    if action == "stop":
        return _("stopped")
    return _(PATTERN_WORDS[action]) if action in PATTERN_WORDS else action


def _bars(rows) -> list[str]:
    """A text histogram: one line per (label, count)."""
    top = max((count for _, count in rows), default=0) or 1
    width = max(len(label) for label, _ in rows)
    return [f"  {label:>{width}} {count:>7,} {'#' * round(BAR_WIDTH * count / top):{BAR_WIDTH}}"
            for label, count in rows]


@dataclass
class TelemetryLog:
    """A log read whole: its ticks in order, its headers, and before which tick (an index
    into ``ticks``) each header was seen."""
    source: str
    summary: LogSummary
    ticks: list = field(default_factory=list)
    headers: list = field(default_factory=list)
    header_positions: list = field(default_factory=list)

    @property
    def header(self) -> Header | None:
        return self.headers[0] if self.headers else None

    @property
    def garbled(self) -> int:
        return self.summary.garbled

    @property
    def lost_ticks(self) -> int:
        return self.summary.lost_ticks

    def add(self, item) -> None:
        if isinstance(item, Header):
            self.headers.append(item)
            self.header_positions.append(len(self.ticks))
        elif isinstance(item, Tick):
            self.ticks.append(item)


def read_log(source, name=None, profile=None) -> TelemetryLog:
    """Every line of a log (a path, or an iterable of str or bytes lines); garbled lines are
    counted and skipped. TelemetryLogError for a whole file with no telemetry line."""
    is_path = isinstance(source, (str, Path))
    name = str(name or (source if is_path else "<lines>"))
    log = TelemetryLog(name, LogSummary(profile))
    if is_path:
        with open(source, "rb") as lines:
            for line in lines:
                log.add(log.summary.feed(line))
    else:
        for line in source:
            log.add(log.summary.feed(line))
    check_whole(log.summary, log.source)
    return log


def check_whole(s: LogSummary, name: str) -> None:
    """TelemetryLogError when everything read held no telemetry line: an empty or binary
    file, or nothing but garbage."""
    if s.ticks or s.headers:
        return
    if not s.garbled:
        raise TelemetryLogError(_("{name}: empty, no telemetry lines in it").format(name=name))
    if s.binary:
        raise TelemetryLogError(_("{name}: a binary file, not a telemetry log (text lines ending in *CC)").format(
            name=name))
    raise TelemetryLogError(
        _("{name}: no telemetry line in {garbled:,} lines ({not_ascii:,} not text: read at a baud rate "
        "other than {BAUD}?); a sketch exported with neurocar export --telemetry writes them").format(
            name=name, garbled=s.garbled, not_ascii=s.not_ascii, BAUD=BAUD))
