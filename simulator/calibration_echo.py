"""The beam and incidence limits from servo sweeps past a flat board (``simulator.calibration``).

A board straight ahead answers over a span of servo angles: while some ray within the
beam's half-angle of the axis meets it within the incidence limit of its normal. For a
board facing the car that span is about twice the beam plus the smaller of the board's
own half-width (as seen from the sensor) and the incidence limit: a narrow board shows
the beam, a wide one the beam plus the incidence limit. Rather than those sums, the fit
asks the measured echo model itself (``simulator.echo``) how wide each span is for the
board the user measured, with candidate ``beam_scale`` and ``incidence_scale``, and takes
the scales whose spans match the logged ones best. The spans' widths are used, not their
ends, so a servo that is not quite centred, or a board not quite square, costs nothing.
"""
import numpy as np

from simulator.calibration import HEARD_FACTOR, HEARD_MARGIN_CM, CalibrationError, us_to_deg
from simulator.measured import UNCERTAIN, CarParams, nominal_car
from simulator.sensor import Geometry, Sonar
from simulator.world import Box, Pose, World
from brain.i18n import _

X, Y = 100.0, 500.0                 # the car in its test world, facing +x
BOARD_THICKNESS_CM = 2.0
BISECTIONS = 16
ROUNDS = 3                          # of fitting each scale in turn


def board_world(distance_cm: float, width_cm: float, angle_deg: float, mount_cm: float) -> World:
    """The car facing a board whose face is distance_cm ahead of the servo's axis."""
    board = Box(X + mount_cm + distance_cm + BOARD_THICKNESS_CM / 2, Y, BOARD_THICKNESS_CM, width_cm, angle_deg)
    return World("calibration board", 1000, 1000, Pose(X, Y), [board])


def observed_widths(sweeps, targets, source: str) -> np.ndarray:
    """Each sweep's span (degrees of servo) over which the board answered: the run of
    readings near the board's distance around the middle of the sweep, each end halfway
    to the first angle where it did not (or the sweep's end)."""
    widths = []
    for k, (sweep, (distance, *_rest)) in enumerate(zip(sweeps, targets)):
        deg = us_to_deg([us for us, _ in sweep])
        reading = np.array([r for _, r in sweep], dtype=float)
        heard = reading <= distance * HEARD_FACTOR + HEARD_MARGIN_CM
        middle = int(np.argmin(np.abs(deg - 90)))
        if not heard[max(0, middle - 3):middle + 4].any():
            raise CalibrationError(_("{source}: sweep {value} never heard the board straight ahead; place it "
                                   "{distance:g} cm ahead, facing the car, with nothing nearer").format(
                                       source=source, value=k + 1, distance=distance))
        near = max(range(max(0, middle - 3), min(len(deg), middle + 4)), key=lambda i: heard[i])
        lo, hi = near, near
        while lo > 0 and heard[lo - 1]:
            lo -= 1
        while hi < len(deg) - 1 and heard[hi + 1]:
            hi += 1
        low = deg[lo] if lo == 0 else (deg[lo] + deg[lo - 1]) / 2
        high = deg[hi] if hi == len(deg) - 1 else (deg[hi] + deg[hi + 1]) / 2
        widths.append(high - low)
    return np.array(widths)


class SpanModel:
    """The spans the measured echo model gives for the boards the user measured."""

    def __init__(self, profile, targets, sweep_deg: tuple):
        self.profile, self.targets = profile, list(targets)
        self.car = nominal_car(profile.measured, profile.sensor)
        self.worlds = [board_world(d, w, a, self.car["mount_forward_cm"]) for d, w, a in self.targets]
        self.reach = (90 - sweep_deg[0], sweep_deg[1] - 90)      # how far the sweep goes each way

    def widths(self, beam_scales, incidence_scales) -> np.ndarray:
        """(candidates, boards) span widths for candidate scales (candidates,)."""
        c, b = len(beam_scales), len(self.targets)
        sides = np.array([-1.0, 1.0])
        cars = CarParams.stack([{**self.car, "beam_scale": bs, "incidence_scale": inc}
                                for bs, inc in zip(beam_scales, incidence_scales) for _ in range(2 * b)])
        worlds = [w for _ in range(c) for w in self.worlds for _ in sides]
        sonar = Sonar(self.profile, Geometry(worlds), car=cars, rngs=[None] * len(worlds))
        n = len(worlds)
        side = np.tile(sides, c * b)
        reach = np.where(side < 0, self.reach[0], self.reach[1])
        lo, hi = np.zeros(n), reach.copy()
        heard_max = np.tile(np.repeat([d * HEARD_FACTOR + HEARD_MARGIN_CM for d, _, _ in self.targets], 2), c)
        pos, heading, idx = np.tile([X, Y], (n, 1)), np.zeros(n), np.arange(n)
        at_end = self._heard(sonar, pos, heading, idx, 90 + side * hi, heard_max)
        for _ in range(BISECTIONS):
            mid = (lo + hi) / 2
            heard = self._heard(sonar, pos, heading, idx, 90 + side * mid, heard_max)
            lo, hi = np.where(heard, mid, lo), np.where(heard, hi, mid)
        edge = np.where(at_end, reach, (lo + hi) / 2)
        return edge.reshape(c, b, 2).sum(axis=2)

    @staticmethod
    def _heard(sonar, pos, heading, idx, servo_deg, heard_max):
        origins, axes = sonar.beam_axes(pos, heading, servo_deg)
        return sonar.measured_rays(origins, axes, idx).echo() <= heard_max


def fit_scales(model: SpanModel, observed: np.ndarray) -> tuple[float, float]:
    """The beam and incidence scales whose spans match the observed ones best (least
    squares), each fitted in turn over a grid that narrows every round."""
    scales = {"beam_scale": 1.0, "incidence_scale": 1.0}
    for step in (0.05, 0.01, 0.002)[:ROUNDS]:
        for name in scales:
            low, high = UNCERTAIN[name][2]
            around = scales[name] + step * np.arange(-12, 13) if step < 0.05 else np.arange(low, high + 1e-9, step)
            grid = np.clip(around, low, high)
            other = "incidence_scale" if name == "beam_scale" else "beam_scale"
            pairs = {name: grid, other: np.full(len(grid), scales[other])}
            errors = ((model.widths(pairs["beam_scale"], pairs["incidence_scale"]) - observed) ** 2).sum(axis=1)
            scales[name] = float(grid[int(np.argmin(errors))])
    return scales["beam_scale"], scales["incidence_scale"]
