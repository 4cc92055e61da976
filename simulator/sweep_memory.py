"""What the controller remembers of the servo's sweep, for brains that read more than
the current reading and the servo angle.

A brain's inputs are ``distance`` and ``position`` (``BASE_INPUTS``), then, in any order
and each at most once, any of ``MEMORY_INPUTS``:

- ``left_nearest``: the nearest reading in the left half of the last full sweep;
- ``right_nearest``: the nearest reading in the right half of the last full sweep;
- ``previous``: the reading taken at the previous decision.

Each is a whole-cm reading (no echo reads as the clamp) encoded as ``distance`` is,
``1 - 2 d / clamp``. The rules, the same in the generated C (``firmware_export.ctick``):

- Readings are taken on deciding ticks only, at the angle the servo has just stepped to.
- The left half is the angles on the ``servo.left_end_deg`` side of the centre
  ``(min_deg + max_deg) / 2``, the right half those on the other side; a reading at the
  centre itself counts in both halves.
- A sweep runs from one end of the servo's travel to the other: a reading at an end
  belongs to the sweep that reaches it, and on the tick the servo reaches an end (and
  reverses) the sweep in progress ends. A sweep is full when it began at the other end;
  the first one, from ``start_deg``, is not (unless ``start_deg`` is the end it leaves).
  When a full sweep ends it becomes the last full sweep, and the next one begins empty.
- A half with no reading in the last full sweep holds the clamp ("nothing seen"), and
  so do both halves before the first full sweep has ended; ``previous`` holds the clamp
  before the first decision.
- Within a tick the reading joins the sweep in progress first, so the decision on the
  tick a full sweep ends sees that sweep, its own reading included; ``previous`` is the
  reading of the decision before this one.
- With the profile's ``control.read_while_holding`` (off unless a profile turns it on, as
  elegoo_v3.toml does), a car also pings while it holds an action, to fill the halves:
  on each holding tick at least
  ``control.ping_every_ticks`` after its last ping and at least that many before its next
  decision (whose own ping it must not crowd: the HC-SR04 ignores a trigger while it
  still waits out an earlier echo). Those readings join the sweep, never ``previous``,
  and change neither the action nor its hold.
"""
import numpy as np

BASE_INPUTS = ("distance", "position")
MEMORY_INPUTS = ("left_nearest", "right_nearest", "previous")
ACCEPTED_INPUTS = BASE_INPUTS + MEMORY_INPUTS
LEFT, RIGHT = 0, 1
PING_LONG_AGO = 255          # the firmware counts the ticks since a ping in a byte


def starts_full(servo) -> bool:
    """Whether the sweep in progress at reset is a full one: the servo starts at the end
    it moves away from."""
    return (servo.start_deg == servo.min_deg and servo.start_direction > 0) or \
        (servo.start_deg == servo.max_deg and servo.start_direction < 0)


def halves(angles, servo) -> tuple[np.ndarray, np.ndarray]:
    """(in the left half, in the right half) for servo angles; the centre is in both."""
    side = (2 * np.asarray(angles, dtype=int) - (servo.min_deg + servo.max_deg)) * servo.left_sign
    return side >= 0, side <= 0


class SweepMemory:
    """The sweep memory of n cars, in whole cm: ``nearest_now`` and ``nearest_last``
    (n, 2) hold the nearest reading in the (left, right) half of the sweep in progress and
    of the last full sweep; ``previous`` (n,) the reading of the last decision."""

    def __init__(self, profile, n: int):
        self.servo, self.clamp, self.n = profile.servo, profile.control.distance_clamp_cm, int(n)
        self.nearest_now = np.full((self.n, 2), self.clamp, dtype=int)
        self.nearest_last = np.full((self.n, 2), self.clamp, dtype=int)
        self.previous = np.full(self.n, self.clamp, dtype=int)
        self.full = np.full(self.n, starts_full(self.servo))
        self.since_ping = np.full(self.n, PING_LONG_AGO)     # ticks since each car last pinged

    def reset(self, mask=None) -> None:
        """Forget everything (all cars, or where mask)."""
        rows = slice(None) if mask is None else np.asarray(mask, dtype=bool)
        self.nearest_now[rows] = self.clamp
        self.nearest_last[rows] = self.clamp
        self.previous[rows] = self.clamp
        self.full[rows] = starts_full(self.servo)
        self.since_ping[rows] = PING_LONG_AGO

    def observe(self, angles, reading_cm, read) -> None:
        """One tick, after the servo stepped to ``angles``: the whole-cm readings of the cars
        that ``read`` join their halves of the sweep in progress, then the sweeps of the
        servos at an end of their travel end."""
        angles = np.asarray(angles, dtype=int)
        left, right = halves(angles, self.servo)
        for half, inside in ((LEFT, left & read), (RIGHT, right & read)):
            self.nearest_now[inside, half] = np.minimum(self.nearest_now[inside, half], reading_cm[inside])
        end = (angles == self.servo.min_deg) | (angles == self.servo.max_deg)
        done = end & self.full
        self.nearest_last[done] = self.nearest_now[done]
        self.nearest_now[end] = self.clamp
        self.full[end] = True
        self.since_ping = np.where(read, 0, np.minimum(self.since_ping + 1, PING_LONG_AGO))

    def may_ping(self, hold, every: int) -> np.ndarray:
        """(n,) bool: the holding cars (``hold`` ticks before their next decision) whose
        ping this tick keeps ``every`` ticks from the last ping and from the next one."""
        return (hold >= every) & (self.since_ping + 1 >= every)

    def columns(self, names, rows) -> np.ndarray:
        """The whole-cm values (len(rows), len(names)) of the memory inputs ``names`` for
        the cars ``rows`` (a mask or indices)."""
        pick = {"left_nearest": self.nearest_last[:, LEFT], "right_nearest": self.nearest_last[:, RIGHT],
                "previous": self.previous}
        return np.column_stack([pick[name][rows] for name in names]).reshape(-1, len(names))

    def decided(self, d_cm, rows) -> None:
        """The cars ``rows`` decided at the readings ``d_cm``: their next ``previous``."""
        self.previous[rows] = d_cm
