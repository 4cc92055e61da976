"""What ``neurocar replay`` shows of a run, worked out once, without pygame: each tick's
place on the timeline (lost lines leave gaps), the action its pins make, the readings
of the last sweep, and the log's header and counts.

A telemetry log (``firmware_export.telemetry_format``) holds no position: the car has no
odometry. ``ReplayRun.has_pose`` says so, so that the window shows the sweep and the
decisions instead of a car in a world. A simulator recording (issue: recordings and
replays) will give a run with a pose per tick; the view and its keys are the same.
"""
import math
from dataclasses import dataclass, field

from firmware_export.telemetry_format import profile_hash
from simulator.controller import encode_inputs, whole_cm
from simulator.gui.simlink import doing
from brain.i18n import N_, _

# shown through _(): the note of a run with no pose, and what kind of run it is (ReplayRun.kind)
NO_POSE_NOTE = N_("no position: the car has no odometry, so the log says what it sensed and decided, "
                  "not where it went")
KINDS = (N_("telemetry log"), N_("recording"))


@dataclass(frozen=True)
class Gap:
    """Slots with no line: ticks lost between two received ones."""
    start: int                   # the first missing slot
    length: int                  # how many ticks were lost


@dataclass
class ReplayRun:
    kind: str                    # one of KINDS
    name: str                    # the file, as named on the command line
    ticks: list                  # telemetry_format.Tick, in the order received
    slots: list                  # each tick's place on the timeline, rising, lost ticks left empty
    actions: list                # each tick's action name (the profile's motor patterns)
    header: object               # telemetry_format.Header or None (a log joined after its last header)
    headers: int                 # header lines read
    garbled: int                 # lines skipped as garbled
    lost_ticks: int              # ticks missing between received ones
    profile: object
    gaps: list = field(default_factory=list)
    has_pose: bool = False

    @property
    def n_slots(self) -> int:
        return self.slots[-1] + 1 if self.slots else 0

    @property
    def tick_s(self) -> float:
        return self.profile.control.tick_s

    @property
    def profile_matches(self) -> bool | None:
        """Whether the log was written by a sketch built from this profile (None: no header)."""
        return None if self.header is None else self.header.profile_hash == profile_hash(self.profile)

    def index_at(self, slot: float) -> int:
        """The last tick received at or before ``slot`` (0 before the first)."""
        lo, hi = 0, len(self.slots) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.slots[mid] <= slot:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def sweep(self, index: int, count: int) -> list[tuple[int, float, float]]:
        """(servo degrees, reading cm, age 0..1) of the last ``count`` readings up to tick
        ``index``, oldest first; math.inf is a ping with no echo."""
        out = []
        for i in range(index, -1, -1):
            if len(out) == count:
                break
            t = self.ticks[i]
            if t.reading_cm is not None:
                out.append((t.servo_deg, t.reading_cm, len(out) / count))
        return out[::-1]

    def inputs_of(self, index: int) -> list[tuple[str, float]] | None:
        """(name, value) of the inputs the brain read at the decision on tick ``index``,
        encoded as the firmware encodes them; None when it did not decide then."""
        t = self.ticks[index]
        if not t.decided or t.reading_cm is None:
            return None
        clamp = self.profile.control.distance_clamp_cm
        memory = [list(t.memory_cm)] if t.memory_cm else None
        values = encode_inputs(whole_cm([t.reading_cm], clamp), [t.servo_deg], self.profile, memory)[0]
        names = self.header.inputs if self.header and len(self.header.inputs) == len(values) else \
            ("distance", "position") + tuple(_("memory {number}").format(number=k + 1)
                                             for k in range(len(values) - 2))
        return list(zip(names, (float(v) for v in values)))

    def decision_of(self, index: int) -> int:
        """The tick where the action running at ``index`` was decided (``index`` itself
        when no earlier decision was received)."""
        for i in range(index, -1, -1):
            if self.ticks[i].decided:
                return i
        return index

    def action_counts(self) -> dict[str, int]:
        """Decisions received per action, most frequent first."""
        counts: dict[str, int] = {}
        for t, a in zip(self.ticks, self.actions):
            if t.decided:
                counts[a] = counts.get(a, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def reading_range_cm(self) -> float:
        """How far the sweep view reaches: past most readings, at least twice the clamp."""
        clamp = self.profile.control.distance_clamp_cm
        seen = sorted(t.reading_cm for t in self.ticks if t.reading_cm is not None and math.isfinite(t.reading_cm))
        far = seen[int(0.95 * (len(seen) - 1))] if seen else 0.0
        reach = max(2 * clamp, far * 1.1)
        step = 25 if reach <= 200 else 100
        return min(math.ceil(reach / step) * step, self.profile.sensor.max_range_cm)


def timeline_slots(ticks) -> tuple[list[int], list[Gap]]:
    """Each tick's slot: one apart, or as far apart as their tick numbers when lines were
    lost between them; a tick number that goes back (the car was reset) starts again one
    slot on."""
    slots, gaps = [], []
    for i, t in enumerate(ticks):
        if i == 0:
            slots.append(0)
            continue
        step = t.tick - ticks[i - 1].tick
        if step > 1:
            gaps.append(Gap(slots[-1] + 1, step - 1))
        slots.append(slots[-1] + (step if step >= 1 else 1))
    return slots, gaps


def action_name(profile, header, pins) -> str:
    """The profile's name for the motion the pins make, the pins read in the order the
    log's header lists them."""
    order = profile.motors.pin_order
    if header is not None and sorted(header.pin_order) == sorted(order) and len(pins) == len(order):
        by_name = dict(zip(header.pin_order, pins))
        pins = tuple(by_name[p] for p in order)
    if len(pins) != len(order):
        return _("pins {pins}").format(pins="".join(map(str, pins)))
    return doing(profile, pins)


def run_from_log(log, profile, name: str) -> ReplayRun:
    """The replay of a read telemetry log (``firmware_export.telemetry_log.TelemetryLog``)."""
    slots, gaps = timeline_slots(log.ticks)
    actions = [action_name(profile, log.header, t.pins) for t in log.ticks]
    return ReplayRun(KINDS[0], name, list(log.ticks), slots, actions, log.header, len(log.headers),
                     log.garbled, log.lost_ticks, profile, gaps)
