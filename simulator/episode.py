"""Episodes: cars driving in worlds, one control tick at a time, deterministically.

``Episodes`` runs n episodes side by side in one pymunk space (each world shifted far
from the others, so the cars never meet) and does all per-tick work as arrays: one
pose read, one batched sonar cast, one brain forward pass and one velocity write per
car per tick, then ``steps_per_tick`` physics steps with no Python work in between.

``simulator.simulation.Simulation`` is the same machinery for one car, for the window.

Car models: ``"ideal"`` drives at the profile's ``[drive]`` estimates and pings where the
servo is commanded; ``"measured"`` (``simulator.measured.CarParams``, per car) drives
through ``simulator.motors`` (volts, start and stop, traction) and pings where
``simulator.servo``'s horn has got to. Its physics step is short enough for the fastest
car the run may hold (``motors.physics_steps``).

Determinism: an episode depends only on its world, start pose, profile, brain, seed
and where it sits in its batch; ``simulator.batch`` makes that layout a pure
function of the episode list.

Sanity: after every tick ``Episodes`` checks that no car has left its arena or sunk more
than ``MAX_PENETRATION_CM`` into a solid, and raises ``EpisodeError`` naming the episode
if one has: the physics failed, and nothing it measured may be reported.
"""
import math
from dataclasses import dataclass

import numpy as np

from brain.errors import NeurocarError
from brain.i18n import _
from simulator.car import Cars, wheel_velocities
from simulator.controller import Controller, tick
from simulator.measured import DEFAULT_MODEL, MODELS, CarParams, nominal_car
from simulator.metrics import MetricsRecorder
from simulator.motors import MotorDrive, physics_steps, traction
from simulator.physics import ContactCounter, add_world, new_space, steps_per_tick
from simulator.profile import ProfileError
from simulator.sensor import Geometry, SensorOptions, Sonar
from simulator.servo import ServoHorn
from simulator.world import WorldError

WORLD_GAP_CM = 500.0      # between one world's outermost solid and the next one's
PROGRESS_EVERY_TICKS = 40   # how often run() reports progress
# A car pushing into a solid rests about 0.1 cm in it (pymunk's collision slop), and may
# move under 0.5 cm per physics step (profile.MAX_POINT_SPEED_CM_S): deeper than this, the
# physics has failed.
MAX_PENETRATION_CM = 2.0


class EpisodeError(NeurocarError):
    """An episode whose physics failed (a car left its arena or sank into a solid): the
    message names the episode, and none of its results is reported."""


@dataclass(frozen=True)
class EpisodeSpec:
    """One episode: a world, its seed (entropy for the sensor's generator), an optional
    start pose (x_cm, y_cm, heading_deg) other than the world's own, and, under the
    measured model, an optional car drawn by ``simulator.measured.draw_car`` (None: the
    profile's nominal car)."""
    world: object
    seed: int = 0
    start: tuple | None = None
    car: dict | None = None

    def start_pose(self) -> tuple:
        s = self.world.start
        return self.start if self.start is not None else (s.x_cm, s.y_cm, s.heading_deg)


def layout(worlds) -> np.ndarray:
    """Offsets (n, 2) placing worlds in a row, WORLD_GAP_CM apart beyond their outermost
    solids (the arena walls, or an obstacle sticking out past them)."""
    offsets, x = [], 0.0
    for w in worlds:
        x_min, _, x_max, _ = w.bounds()
        offsets.append((x - x_min, 0.0))
        x += x_max - x_min + WORLD_GAP_CM
    return np.array(offsets, dtype=float).reshape(-1, 2)


def ticks_in(seconds: float, tick_s: float) -> int:
    """The whole control ticks an episode of ``seconds`` runs (rounded to the nearest)."""
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"an episode's length must be 0 seconds or more, not {seconds!r}")
    return int(round(seconds / tick_s))


def check_model(profile, model: str) -> None:
    """Refuse, in one line, a car model this profile cannot run: the measured one needs
    the profile's [measured.*] tables."""
    if model not in MODELS:
        raise ValueError(f"unknown car model {model!r}; accepted: {', '.join(MODELS)}")
    if model == "measured" and profile.measured is None:
        raise ProfileError(_("{source}: has no [measured.echo], [measured.servo] and [measured.motors] "
                           "tables for the measured car model; "
                           "add them (see elegoo_v3.toml) or run with --ideal").format(source=profile.source))


def car_params(specs, profile, model: str) -> CarParams | None:
    """The measured model's car for each episode (its drawn one, or the nominal car), or
    None for the ideal model."""
    check_model(profile, model)
    if model == "ideal":
        return None
    return CarParams.stack([s.car or nominal_car(profile.measured, profile.sensor) for s in specs])


def check_start(spec: EpisodeSpec, profile) -> None:
    """Raise WorldError when the car, put at the episode's start, would overlap a solid."""
    x, y, heading = spec.start_pose()
    reach = math.hypot(profile.body.length_cm, profile.body.width_cm) / 2 + 1.0    # the car, any heading
    space = new_space()
    add_world(space, spec.world.near(x, y, reach), (0.0, 0.0))      # the rest cannot touch it
    cars = Cars(space, profile, 1)
    cars.place(0, x, y, math.radians(heading))
    if space.shape_query(cars.shapes[0]):
        raise WorldError(_("{source}: the {length_cm:g} x {width_cm:g} cm car "
                         "at the start ({x:g}, {y:g}, heading {heading:g} deg) overlaps an obstacle or the "
                         "arena wall; move the start or the obstacle").format(
                source=spec.world.source, length_cm=profile.body.length_cm, width_cm=profile.body.width_cm, x=x,
                y=y, heading=heading))


class Episodes:
    """n episodes of one profile and one brain, side by side in one space.

    numbers: what to call each episode in an EpisodeError (default 0..n-1); check: run
    the sanity check after every tick."""

    def __init__(self, specs, profile, brain, *, controller=Controller, model: str = DEFAULT_MODEL,
                 sensor_options: SensorOptions = SensorOptions(), record: bool = False,
                 numbers=None, check: bool = True):
        self.specs, self.profile, self.model = list(specs), profile, model
        self.n = len(self.specs)
        self.numbers = list(range(self.n)) if numbers is None else list(numbers)
        self.check = check
        self.worlds = [s.world for s in self.specs]
        self.arenas = np.array([(w.width_cm, w.height_cm) for w in self.worlds], dtype=float).reshape(-1, 2)
        self.offsets = layout(self.worlds)
        self.space = new_space()
        self.static_shapes = [add_world(self.space, w, o) for w, o in zip(self.worlds, self.offsets)]
        self.cars = Cars(self.space, profile, self.n)
        for i, spec in enumerate(self.specs):
            x, y, h = spec.start_pose()
            self.cars.place(i, x + self.offsets[i, 0], y + self.offsets[i, 1], math.radians(h))
        self.contacts = ContactCounter(self.space, self.cars.index_of_shape, self.n)
        self.geometry = Geometry(self.worlds)
        self.car = car_params(self.specs, profile, model)       # None: the ideal car
        rngs = [np.random.default_rng(np.random.SeedSequence(s.seed)) for s in self.specs]
        self.sonar = Sonar(profile, self.geometry, rngs, sensor_options, self.car)
        self.controller = controller(profile, brain, self.n)
        self.steps = steps_per_tick(profile.control.tick_s)
        self.drive = self.horn = None           # the measured model's motors and servo horns
        if self.car is not None:
            self._measured_parts()
        self.dt = profile.control.tick_s / self.steps
        pos, self.heading = self.cars.poses()
        self.pos = pos - self.offsets
        self.metrics = MetricsRecorder(self.worlds, profile, self.geometry, self.pos)
        self.echo = np.full(self.n, np.inf)
        self.manual = None
        self.ticks = 0
        self.recording = [] if record else None
        self.start = (self.pos.copy(), self.heading.copy()) if record else None    # where the metrics began
        self._stacked = (None, -1)          # the recorded columns stacked, and at how many ticks
        self._wheels = None         # (speed, yaw rate, motors on) for the pins last driven
        self._depth = np.zeros(self.n)                      # each car's contact depth when last read,
        self._depth_state = np.full((self.n, 3), np.inf)     # its x, y, heading then (inf: never read)
        self._point_moves = np.array([1.0, 1.0, profile.body.half_diagonal_cm])   # per unit of x, y, heading

    def _measured_parts(self) -> None:
        """The measured model's motors, servo horns, tyre grip and physics step."""
        self.drive = MotorDrive(self.profile, self.car)
        self.horn = ServoHorn(self.profile.servo.start_deg, self.car.servo_deg_per_s)
        self.cars.set_traction(*traction(self.profile, self.car))
        self.steps = physics_steps(self.profile, self.car, any(s.car is not None for s in self.specs))

    @property
    def servo_actual_deg(self) -> np.ndarray:
        """Where each sensor points now (n,) float: the measured model's servo horn, which
        lags the commanded ``controller.servo_deg``; the ideal model's is the commanded."""
        return self.controller.servo_deg.astype(float) if self.horn is None else self.horn.deg

    def step_tick(self) -> None:
        """One control tick for every car: sense, decide, drive, then step the physics.

        Motor pins change only when a car decides (or the manual pins do), so the
        wheel velocities they ask for are worked out only then."""
        ctl = self.controller
        deciding = bool(tick(ctl, self._read).any())
        pins, pwm = (ctl.pins, ctl.pwm) if self.manual is None else self.manual
        if self.horn is not None:
            self.horn.follow(ctl.servo_deg, self.profile.control.tick_s)
        if deciding or self._wheels is None or self._wheels[3] is not self.manual:
            self._wheels = (*self._velocities(pins, pwm), self.manual)
        speed, yaw, motors_on, _ = self._wheels
        self.cars.drive(speed, yaw, self.heading)
        for _ in range(self.steps):
            self.space.step(self.dt)
        state = self.cars.state()
        self.pos, self.heading = state[:, :2] - self.offsets, state[:, 2]
        self.ticks += 1
        if self.check:
            self._check_physics(state)
        self.metrics.update(self.pos, self.heading, self.contacts.touching > 0, motors_on)
        if self.recording is not None:
            self._record(ctl.servo_deg, pins, pwm, motors_on)

    def _velocities(self, pins, pwm):
        """Forward speed (cm/s), yaw rate (rad/s) and motors on, each (n,), for the pins."""
        if self.drive is not None:
            return self.drive.velocities(pins, pwm)
        speed, yaw = wheel_velocities(pins, pwm, self.profile)
        return speed, yaw, (speed != 0) | (yaw != 0)

    def _read(self, angles, need) -> np.ndarray:
        """The deciding cars' sonar readings; the others keep their last echo. The measured
        model pings where the horns are, right after the new angles are commanded."""
        angles = angles if self.horn is None else self.horn.deg
        self.echo = np.where(need, self.sonar.read(self.pos, self.heading, angles, need), self.echo)
        return self.echo

    def _check_physics(self, state) -> None:
        """Raise EpisodeError when a car has left its arena (its centre beyond the walls'
        inner faces) or sunk into a solid, checked for every car at once. The solids do
        not move, so a car's contact depth grows no faster than its points move: pymunk's
        depth is read again only for a touching car that could have passed the limit since
        it was last read (a car resting against a wall costs nothing)."""
        outside = (self.pos < 0) | (self.pos > self.arenas)
        if outside.any():
            i = int(np.argmax(outside.any(axis=1)))
            w, h = self.arenas[i]
            x, y = self.pos[i]
            self._fail(i, f"the car left the {w:g} x {h:g} cm arena: it is at ({x:.1f}, {y:.1f}) cm")
        could_be = self._depth + np.abs(state - self._depth_state).dot(self._point_moves)
        for i in np.flatnonzero((could_be > MAX_PENETRATION_CM) & (self.contacts.touching > 0)).tolist():
            self._depth[i], self._depth_state[i] = self.cars.penetration_cm(i), state[i]
            if self._depth[i] > MAX_PENETRATION_CM:
                self._fail(i, f"the car sank {self._depth[i]:.1f} cm into a solid (at most "
                              f"{MAX_PENETRATION_CM:g} cm is physical)")

    def _fail(self, i: int, what: str):
        spec, t = self.specs[i], self.ticks * self.profile.control.tick_s
        raise EpisodeError(_("episode {numbers} (world {name!r}, seed {seed}): at "
                           "{t:.3f} s {what}; the physics failed, so the episode is not reported").format(
                               numbers=self.numbers[i], name=self.worlds[i].name, seed=spec.seed, t=t, what=what))

    def run(self, seconds: float, progress=None) -> None:
        """Run whole ticks for the given simulated time; progress(ticks_done) now and then."""
        total = ticks_in(seconds, self.profile.control.tick_s)
        for k in range(total):
            self.step_tick()
            if progress is not None and (k + 1) % PROGRESS_EVERY_TICKS == 0:
                progress(PROGRESS_EVERY_TICKS)
        if progress is not None and total % PROGRESS_EVERY_TICKS:
            progress(total % PROGRESS_EVERY_TICKS)

    def results(self):
        return self.metrics.results(self.contacts.collisions)

    def _record(self, angles, pins, pwm, motors_on) -> None:
        self.recording.append((self.pos.copy(), self.heading.copy(), angles.copy(), self.echo.copy(),
                               self.controller.reading_cm.copy(), np.array(pins).copy(), np.array(pwm).copy(),
                               self.contacts.touching > 0, self.servo_actual_deg.copy(),
                               np.array(self.controller.hold).copy(), np.array(motors_on, dtype=bool),
                               self.contacts.collisions.copy()))

    def trajectory(self, i: int) -> dict:
        """Episode i's recorded ticks as arrays: t_s, x_cm, y_cm, heading_deg, heading_rad
        (as the physics gave it), servo_deg, echo_cm (the last echo, inf: none), reading_cm
        (-1: not read this tick), pins, pwm, touching, servo_actual_deg (where the sensor
        pointed at the tick's end), hold (ticks left before the next decision), motors_on
        and collisions (the count so far); start_x_cm, start_y_cm and start_heading_rad
        are where the car (and its metrics) began."""
        if self.recording is None:
            raise ValueError("this run was not recorded; pass record=True")
        cols = [col[:, i] for col in self._columns()]
        pos, heading = cols[0].reshape(-1, 2), cols[1]
        pin_count = len(self.profile.motors.pin_order)
        return {
            "t_s": (np.arange(len(pos)) + 1) * self.profile.control.tick_s,
            "x_cm": pos[:, 0], "y_cm": pos[:, 1],
            "heading_deg": np.degrees(heading), "heading_rad": heading.astype(float),
            "servo_deg": cols[2].astype(int), "echo_cm": cols[3].astype(float),
            "reading_cm": cols[4].astype(int), "pins": cols[5].astype(int).reshape(-1, pin_count),
            "pwm": cols[6].astype(int), "touching": cols[7].astype(bool),
            "servo_actual_deg": cols[8].astype(float), "hold": cols[9].astype(int),
            "motors_on": cols[10].astype(bool), "collisions": cols[11].astype(int),
            "start_x_cm": float(self.start[0][i, 0]), "start_y_cm": float(self.start[0][i, 1]),
            "start_heading_rad": float(self.start[1][i]),
        }

    def _columns(self) -> list:
        """The recorded ticks stacked, one (ticks, n, ...) array per field, kept until the next tick."""
        if self._stacked[1] != len(self.recording):
            cols = [np.stack(col) for col in zip(*self.recording)] if self.recording else \
                [np.zeros((0, self.n, 2))] + [np.zeros((0, self.n))] * 11
            self._stacked = (cols, len(self.recording))
        return self._stacked[0]

    def replace_world(self, i: int, world) -> None:
        """Swap episode i's obstacles for a world's (after editing); the car stays put."""
        self.space.remove(*self.static_shapes[i])
        self.worlds[i] = world
        self.arenas[i] = world.width_cm, world.height_cm
        self._depth_state[i] = np.inf          # new solids: read the depth afresh
        self.static_shapes[i] = add_world(self.space, world, self.offsets[i])
        self.geometry.set_worlds(self.worlds)
        self.metrics.worlds_changed(self.worlds)
