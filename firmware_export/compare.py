"""A car's telemetry against the Python controller: where did the car decide differently
from what its brain and profile say it should have?

Every deciding tick is checked on its own: from its logged reading, servo angle and memory
inputs, the brain (its ``brain.fixedpoint`` twin for a fixed-point sketch) gives the pins,
the PWM and the hold, which must be the logged ones. So a lost or garbled line costs only
its own tick. The rest of the state is checked wherever the log holds what it depends on:

- the servo angle of every tick follows from its tick number (the sweep from reset);
- a tick after a logged one decides exactly when that one's hold was 0; a holding tick
  keeps its pins and PWM and counts the hold down;
- the memory inputs (``simulator.sweep_memory``) are replayed from the logged readings
  through each stretch of consecutive ticks: from reset at tick 0, or, after a gap, once
  a whole sweep has passed (the halves) and a decision has been seen (``previous``);
- whether a holding tick pings (``control.read_while_holding``) once a ping has been seen.

A tick whose number goes back starts a new run (the car was reset).
"""
from dataclasses import asdict, dataclass, field

import numpy as np

from brain.errors import NeurocarError
from brain.i18n import _, ngettext
from simulator.controller import decode_pins, encode_inputs, memory_inputs, paced_hold_ticks, sweep_step, whole_cm
from simulator.sweep_memory import SweepMemory

from firmware_export.fixed import fixed_point_twin
from firmware_export.telemetry_format import profile_hash

SHOWN = 10                        # mismatches listed on the terminal
CHECKED = ("decided", "servo_deg", "reading", "memory_cm", "pins", "pwm", "hold")


class CompareError(NeurocarError):
    """A log that cannot be compared with this brain and profile."""


@dataclass
class Mismatch:
    tick: int
    car: dict                     # field -> what the car logged
    expected: dict                # field -> what the brain and profile give


@dataclass
class Comparison:
    source: str
    arithmetic: str
    memory_inputs: tuple = ()     # the brain's memory inputs, in the log's order
    ticks: int = 0                # in the log
    decisions: int = 0            # deciding ticks in the log
    compared: int = 0             # ticks whose decision or continuation could be checked
    memory_checked: int = 0       # decisions whose memory inputs could be replayed
    runs: int = 0                 # stretches of consecutive ticks
    lost_ticks: int = 0
    garbled: int = 0
    mismatches: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def lines(self, shown: int = SHOWN) -> list[str]:
        memory = _(", memory inputs replayed on {count:,} decisions").format(count=self.memory_checked) \
            if self.memory_inputs else ""
        stretches = ngettext("{count:,} gap-free stretch", "{count:,} gap-free stretches", self.runs).format(
            count=self.runs)
        out = [_("{source}: {ticks:,} ticks ({decisions:,} decisions, {arithmetic}); {compared:,} ticks compared"
                 "{memory}; {stretches}, {lost:,} ticks lost, {garbled:,} garbled lines skipped").format(
            source=self.source, ticks=self.ticks, decisions=self.decisions, arithmetic=self.arithmetic,
            compared=self.compared, memory=memory, stretches=stretches, lost=self.lost_ticks, garbled=self.garbled)]
        if self.ok:
            return out + [_("0 ticks differ from what the brain and profile decide")]
        by_field = {f: sum(f in m.car for m in self.mismatches) for f in CHECKED}
        first = _("; the first {count}").format(count=shown) if len(self.mismatches) > shown else ""
        out.append(_("{count:,} ticks differ from what the brain and profile decide ({fields}){first}:").format(
            count=len(self.mismatches), fields=", ".join(f"{f} {n:,}" for f, n in by_field.items() if n), first=first))
        return out + [_("  tick {tick}: {fields}").format(tick=m.tick, fields="; ".join(
            _("{field} {car}, expected {expected}").format(field=f, car=_show(m.car[f]), expected=_show(m.expected[f]))
            for f in m.car)) for m in self.mismatches[:shown]]

    def to_json(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def _show(value) -> str:
    if isinstance(value, tuple) and all(v in (0, 1) for v in value):
        return "".join(map(str, value))
    return str(value)


def check_header(log, brain, brain_name: str, profile) -> str:
    """The log's arithmetic ('float' or 'fixed'), once every header in it names this brain
    and profile; otherwise a CompareError saying which differs."""
    if log.header is None:
        raise CompareError(_("{source}: no header line, so nothing says which brain made it (the sketch "
                           "repeats it every few seconds: log longer)").format(source=log.source))
    ours = profile_hash(profile)
    for h in dict.fromkeys(log.headers):
        if h.brain_sha256 != brain.sha256():
            raise CompareError(_("{source}: logged by the brain with SHA-256 {brain_sha256}, not {brain_name} "
                               "(SHA-256 {sha256}): compare with the brain the sketch was exported from").format(
                                   source=log.source, brain_sha256=h.brain_sha256, brain_name=brain_name,
                                   sha256=brain.sha256()))
        if h.profile_hash != ours:
            raise CompareError(_("{source}: the sketch was built from a profile hashing to {profile_hash}, "
                               "not {source2} ({ours}): give the exporting profile with --robot").format(
                                   source=log.source, profile_hash=h.profile_hash, source2=profile.source, ours=ours))
        if h.arithmetic != log.header.arithmetic:
            raise CompareError(_("{source}: holds both float and fixed-point sketches' telemetry; "
                               "compare each part alone").format(source=log.source))
    return log.header.arithmetic


def compare_log(log, brain, profile, brain_name: str = "the brain") -> Comparison:
    """Every tick of a ``TelemetryLog`` checked against the brain and profile."""
    arithmetic = check_header(log, brain, brain_name, profile)
    if arithmetic == "fixed":
        brain = fixed_point_twin(brain)
    result = Comparison(log.source, arithmetic, memory_inputs(brain), len(log.ticks), sum(t.decided for t in log.ticks),
                        lost_ticks=log.lost_ticks, garbled=log.garbled)
    found: dict[int, Mismatch] = {}
    stretches = list(_stretches(log.ticks))
    result.runs = len(stretches)
    angles = ServoAngles(profile.servo)
    for stretch in stretches:
        result.compared += _check_stretch(stretch, profile, result.memory_inputs, angles, found, result)
    _check_decisions([t for t in log.ticks if t.decided], brain, profile, found)
    position = {id(t): i for i, t in enumerate(log.ticks)}
    result.mismatches = [found[k] for k in sorted(found, key=position.get)]
    return result


def _stretches(ticks):
    """Runs of consecutive tick numbers."""
    start = 0
    for i in range(1, len(ticks) + 1):
        if i == len(ticks) or ticks[i].tick != ticks[i - 1].tick + 1:
            yield ticks[start:i]
            start = i


def _differ(found: dict, t, name: str, car, expected) -> None:
    m = found.setdefault(id(t), Mismatch(t.tick, {}, {}))
    m.car[name], m.expected[name] = car, expected


class ServoAngles:
    """The servo's angle at each tick number since reset: the sweep is periodic."""

    def __init__(self, servo):
        state, seen, self.angles = (servo.start_deg, servo.start_direction), {}, []
        while state not in seen:
            seen[state] = len(self.angles)
            self.angles.append(state[0])
            a, d = sweep_step(np.array([state[0]]), np.array([state[1]]), servo)
            state = (int(a[0]), int(d[0]))
        self.loop_start = seen[state]

    def at(self, tick: int) -> int:
        k = tick + 1                              # tick 0 is one step from the start
        if k >= len(self.angles):
            k = self.loop_start + (k - self.loop_start) % (len(self.angles) - self.loop_start)
        return self.angles[k]


def _check_stretch(stretch, profile, memory_names, angles: ServoAngles, found, result) -> int:
    """The state checks of one stretch of consecutive ticks; the number of ticks checked."""
    tracker = MemoryTracker(profile, memory_names, from_reset=stretch[0].tick == 0)
    checked, before = 0, None
    for t in stretch:
        if t.servo_deg != angles.at(t.tick):
            _differ(found, t, "servo_deg", t.servo_deg, angles.at(t.tick))
        if before is not None or t.tick == 0:
            checked += 1
            _check_continuation(before, t, found)
        tracker.check(before, t, found, result)
        before = t
    return checked


def _check_continuation(before, t, found) -> None:
    """Whether the tick decides, and a holding tick's pins, PWM and hold."""
    should_decide = before is None or before.hold == 0
    if t.decided != should_decide:
        _differ(found, t, "decided", t.decided, should_decide)
    if not t.decided and not should_decide:
        for name in ("pins", "pwm"):
            if getattr(t, name) != getattr(before, name):
                _differ(found, t, name, getattr(t, name), getattr(before, name))
        if t.hold != before.hold - 1:
            _differ(found, t, "hold", t.hold, before.hold - 1)


class MemoryTracker:
    """The sweep memory replayed from the logged readings through one stretch, knowing
    which of its values the stretch has seen enough of to tell."""

    def __init__(self, profile, names, from_reset: bool):
        self.profile, self.names = profile, names
        self.memory = SweepMemory(profile, 1)
        self.halves_known = self.previous_known = self.pings_known = from_reset
        if not from_reset:
            self.memory.full[:] = False        # the sweep in progress began before the stretch

    def check(self, before, t, found, result) -> None:
        control, memory = self.profile.control, self.memory
        pinged = t.reading_cm is not None
        if before is not None and not t.decided and not before.hold == 0:
            pings = bool(memory.may_ping(np.array([before.hold]), control.ping_every_ticks)[0]) and \
                bool(self.names) and control.read_while_holding
            if (self.pings_known or not pings) and pinged != pings:
                _differ(found, t, "reading", "pinged" if pinged else "none", "pinged" if pings else "none")
        if not self.names:
            return
        cm = whole_cm([np.inf if not pinged else t.reading_cm], control.distance_clamp_cm)
        ended_full = bool(memory.full[0]) and t.servo_deg in (self.profile.servo.min_deg, self.profile.servo.max_deg)
        memory.observe(np.array([t.servo_deg]), cm, np.array([pinged]))
        self.halves_known |= ended_full
        self.pings_known |= pinged
        if t.decided:
            self._check_decision_memory(t, found, result)
            memory.decided(cm, np.array([True]))
            self.previous_known = True

    def _check_decision_memory(self, t, found, result) -> None:
        expected = tuple(int(v) for v in self.memory.columns(self.names, [0])[0])
        known = [self.previous_known if n == "previous" else self.halves_known for n in self.names]
        if len(t.memory_cm) != len(self.names):
            _differ(found, t, "memory_cm", t.memory_cm, expected)
        elif all(known):
            result.memory_checked += 1
            if t.memory_cm != expected:
                _differ(found, t, "memory_cm", t.memory_cm, expected)
        elif any(k and a != b for k, a, b in zip(known, t.memory_cm, expected)):
            _differ(found, t, "memory_cm", t.memory_cm, tuple(b if k else "?" for k, b in zip(known, expected)))


def _check_decisions(decided, brain, profile, found) -> None:
    """Each deciding tick on its own: its reading, servo angle and memory inputs give the
    pins, the PWM and the hold."""
    n_memory = len(memory_inputs(brain))
    clamp = profile.control.distance_clamp_cm
    for t in decided:
        if t.reading_cm is None:
            _differ(found, t, "reading", "none", "pinged")
    usable = [t for t in decided if t.reading_cm is not None and len(t.memory_cm) == n_memory]
    if not usable:
        return
    d = whole_cm([t.reading_cm for t in usable], clamp)
    memory = np.array([t.memory_cm for t in usable], dtype=int).reshape(len(usable), n_memory) if n_memory else None
    x = encode_inputs(d, [t.servo_deg for t in usable], profile, memory)
    pins, pwm = decode_pins(np.atleast_2d(brain.forward(x)), brain, profile)
    hold = paced_hold_ticks(d, profile.control) - 1
    for k, t in enumerate(usable):
        want = {"pins": tuple(int(p) for p in pins[k]), "pwm": int(pwm[k]), "hold": int(hold[k])}
        for name, value in want.items():
            if getattr(t, name) != value:
                _differ(found, t, name, getattr(t, name), value)
