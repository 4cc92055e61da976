"""Slots: n cars driven by an agent's actions, tick by tick, as the firmware drives them.

The firmware's tick (``simulator.controller``) split where an agent decides: ``sense``
steps every servo, counts holds down and pings the sensor of the cars that decide (and,
with ``control.read_while_holding``, of memory cars between decisions); ``decide`` sets
the deciding cars' motor pins from the agent's actions and their hold from the reading,
as the brain's decision would; ``advance`` drives, steps the physics and counts the
reward. Every per-car array is batched over the slots, as ``simulator.episode`` does.

Each slot has a pymunk space of its own, its world at the origin. A slot that has
finished its step waits while the others go on, and waiting must change nothing: in a
shared space the joints' and contacts' cached impulses would still move a waiting car.
Sharing the space saves little (the physics is about a tenth of a tick's time), so a
slot's trajectory is, bit for bit, that of a one-slot batch, whatever the others do.
"""
import math

import numpy as np

from simulator.car import Cars, wheel_velocities
from simulator.controller import encode_inputs, paced_hold_ticks, pwm_for, sweep_step, whole_cm
from simulator.measured import CarParams, nominal_car
from simulator.metrics import CELL_CM, STUCK_RADIUS_CM, STUCK_WINDOW_S, free_cells
from simulator.motors import MotorDrive, physics_steps, traction
from simulator.physics import ContactCounter, add_world, new_space, steps_per_tick
from simulator.profile import PATTERN_NAMES
from simulator.sensor import Geometry, Sonar
from simulator.servo import ServoHorn
from simulator.sweep_memory import SweepMemory
from simulator.episode import EpisodeError

ACTIONS = PATTERN_NAMES + ("stop",)      # the action space: the profile's patterns, then all pins low


class Slots:
    """n slots, each running one episode of its spec; ``restart`` starts slot i afresh."""

    def __init__(self, setup, specs):
        p = self.profile = setup.profile
        self.setup, self.n = setup, len(specs)
        self.clamp, self.tick_s = p.control.distance_clamp_cm, p.control.tick_s
        self.patterns = np.array([p.motors.patterns[a] for a in PATTERN_NAMES] + [[0] * len(p.motors.pin_order)])
        self.window_ticks = math.ceil(STUCK_WINDOW_S / self.tick_s - 1e-9)
        self.limit_ticks = int(round(setup.seconds / self.tick_s))
        self.car = None if setup.model == "ideal" else CarParams.nominal(p.measured, p.sensor, self.n)
        self.steps = steps_per_tick(self.tick_s) if self.car is None else \
            physics_steps(p, CarParams.nominal(p.measured, p.sensor, 1), setup.randomize)
        self.dt = self.tick_s / self.steps
        self._arrays()
        self.worlds = [s.world for s in specs]
        self.geometry = Geometry(self.worlds)
        self.sonar = Sonar(p, self.geometry, [None] * self.n, car=self.car)
        self.drive = None if self.car is None else MotorDrive(p, self.car)
        self.horn = None if self.car is None else ServoHorn(p.servo.start_deg, self.car.servo_deg_per_s)
        self.memory = SweepMemory(p, self.n) if setup.memory else None
        for i, spec in enumerate(specs):
            self._start(i, spec)

    def _arrays(self) -> None:
        n, pins = self.n, len(self.profile.motors.pin_order)
        self.spaces, self.bodies, self.controls, self.specs = [None] * n, [None] * n, [None] * n, [None] * n
        self.collisions, self.touching = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
        self.servo_deg, self.servo_dir = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
        self.hold, self.pins, self.pwm = np.zeros(n, dtype=int), np.zeros((n, pins), dtype=int), np.zeros(n, dtype=int)
        self.last_cm, self.last_deg = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
        self.pos, self.heading = np.zeros((n, 2)), np.zeros(n)
        self.ticks, self.anchor_tick, self.stuck_ticks = (np.zeros(n, dtype=int) for _ in range(3))
        self.anchor, self.seen_collisions = np.zeros((n, 2)), np.zeros(n, dtype=int)
        self.cols, self.rows = np.ones(n, dtype=int), np.ones(n, dtype=int)
        self.free, self.visited = np.zeros((n, 1), dtype=bool), np.zeros((n, 1), dtype=bool)
        self.reward = np.zeros(n)

    def restart(self, i: int, spec) -> None:
        """Slot i starts the episode ``spec`` afresh (its own world, car, sensor seed)."""
        self._start(i, spec)
        self.worlds[i] = spec.world
        self.geometry.set_worlds(self.worlds)

    def _start(self, i: int, spec) -> None:
        p = self.profile
        space = self.spaces[i] = new_space()
        add_world(space, spec.world, (0.0, 0.0))
        cars = Cars(space, p, 1)
        x, y, h = spec.start_pose()
        cars.place(0, x, y, math.radians(h))
        counter = ContactCounter(space, {cars.shapes[0]: i}, self.n)
        counter.collisions, counter.touching = self.collisions, self.touching     # one count for all slots
        self.collisions[i] = self.touching[i] = self.seen_collisions[i] = 0
        self.bodies[i], self.controls[i], self.specs[i] = cars.bodies[0], cars.controls[0], spec
        self.sonar.rngs[i] = np.random.default_rng(np.random.SeedSequence(spec.seed))
        if self.car is not None:
            self._measured_car(i, spec, cars)
        self._firmware(i)
        (px, py), self.heading[i] = cars.bodies[0].position, cars.bodies[0].angle
        self.pos[i] = px, py
        self._floor(i, spec.world)

    def _measured_car(self, i: int, spec, cars) -> None:
        """Slot i's measured car (drawn, or nominal) in the batch's car, motors and horn."""
        p = self.profile
        for name, value in (spec.car or nominal_car(p.measured, p.sensor)).items():
            getattr(self.car, name)[i] = value
        turning = self.drive.turning
        self.drive = MotorDrive(p, self.car)
        self.drive.turning = turning
        self.drive.turning[i] = 0
        self.horn.deg[i] = p.servo.start_deg
        force, torque = traction(p, self.car)
        cars.set_traction(force[i:i + 1], torque[i:i + 1])

    def _firmware(self, i: int) -> None:
        servo = self.profile.servo
        self.servo_deg[i], self.servo_dir[i], self.hold[i], self.pins[i], self.pwm[i] = \
            servo.start_deg, servo.start_direction, 0, 0, 0
        self.last_cm[i], self.last_deg[i] = self.clamp, servo.start_deg
        if self.memory is not None:
            self.memory.reset(np.arange(self.n) == i)

    def _floor(self, i: int, world) -> None:
        """Slot i's coverage grid, nothing visited but where the car starts."""
        grid = free_cells(world, self.profile.body.width_cm / 2)
        size = max(grid.size, self.free.shape[1])
        if size > self.free.shape[1]:
            grow = ((0, 0), (0, size - self.free.shape[1]))
            self.free, self.visited = np.pad(self.free, grow), np.pad(self.visited, grow)
        self.rows[i], self.cols[i] = grid.shape
        self.free[i], self.visited[i] = False, False
        self.free[i, :grid.size] = grid.ravel()
        self.ticks[i] = self.anchor_tick[i] = self.stuck_ticks[i] = 0
        self.anchor[i] = self.pos[i]
        self._visit(np.arange(self.n) == i)

    # -- one tick, split where the agent decides ------------------------------------------
    def sense(self, rows) -> np.ndarray:
        """The start of a tick for the slots ``rows`` (bool mask): servos step, holds count
        down, the deciding cars (and memory cars reading while holding) ping. Returns the
        mask of slots that decide now."""
        angle, direction = sweep_step(self.servo_deg, self.servo_dir, self.profile.servo)
        self.servo_deg, self.servo_dir = np.where(rows, angle, self.servo_deg), np.where(rows, direction, self.servo_dir)
        deciding = rows & (self.hold == 0)
        pinging = deciding.copy()
        control = self.profile.control
        if self.memory is not None and control.read_while_holding:
            pinging |= rows & ~deciding & self.memory.may_ping(self.hold, control.ping_every_ticks)
        reading = np.full(self.n, -1)
        if pinging.any():
            angles = self.servo_deg if self.horn is None else self.horn.deg
            echo = self.sonar.read(self.pos, self.heading, angles, pinging)
            reading[pinging] = whole_cm(echo[pinging], self.clamp)
        self.hold[rows & ~deciding] -= 1
        if self.memory is not None:
            self._observe(rows, reading, pinging)
        self.last_cm[deciding], self.last_deg[deciding] = reading[deciding], self.servo_deg[deciding]
        return deciding

    def _observe(self, rows, reading, pinging) -> None:
        """The sweep memory sees this tick, in the slots ``rows`` only."""
        m = self.memory
        kept = [(name, getattr(m, name).copy()) for name in ("nearest_now", "nearest_last", "full", "since_ping")]
        m.observe(self.servo_deg, reading, pinging)
        for name, before in kept:
            now = getattr(m, name)
            now[~rows] = before[~rows]

    def decide(self, actions, rows, hold: bool = True) -> None:
        """The agent's actions (indices into ACTIONS) for the deciding slots ``rows``: their
        pins and PWM, and the hold the firmware gives the reading (none when not ``hold``)."""
        pins = self.patterns[np.asarray(actions, dtype=int)[rows]]
        self.pins[rows], self.pwm[rows] = pins, pwm_for(pins, self.profile)
        d = self.last_cm[rows]
        self.hold[rows] = paced_hold_ticks(d, self.profile.control) - 1 if hold else 0
        if self.memory is not None:
            self.memory.decided(d, rows)

    def advance(self, rows) -> None:
        """The rest of the tick for the slots ``rows``: horns turn, the motors drive, each
        slot's space steps; positions, the sanity check and the reward follow."""
        if self.horn is not None:
            before = self.horn.deg
            self.horn.follow(self.servo_deg, self.tick_s)
            self.horn.deg = np.where(rows, self.horn.deg, before)
        speed, yaw, motors_on = self._velocities(rows)
        for i in np.flatnonzero(rows).tolist():
            heading = self.heading[i]
            self.controls[i].velocity = (speed[i] * math.cos(heading), speed[i] * math.sin(heading))
            self.controls[i].angular_velocity = yaw[i]
            space, body = self.spaces[i], self.bodies[i]
            for _ in range(self.steps):
                space.step(self.dt)
            (x, y), self.heading[i] = body.position, body.angle
            self.pos[i] = x, y
        self.ticks[rows] += 1
        self._check(rows)
        self._count(rows, motors_on)

    def _velocities(self, rows):
        """Forward speed, yaw rate and motors on (n,) for the pins; only ``rows`` update
        which way the measured motors turn."""
        if self.drive is None:
            speed, yaw = wheel_velocities(self.pins, self.pwm, self.profile)
            return speed, yaw, (speed != 0) | (yaw != 0)
        before = self.drive.turning
        speed, yaw, on = self.drive.velocities(self.pins, self.pwm)
        self.drive.turning = np.where(rows[:, None], self.drive.turning, before)
        return speed, yaw, on

    def _check(self, rows) -> None:
        """EpisodeError when a slot's car has left its arena: the physics failed."""
        size = np.array([(w.width_cm, w.height_cm) for w in self.worlds])
        outside = rows & ((self.pos < 0) | (self.pos > size)).any(axis=1)
        if outside.any():
            i = int(np.argmax(outside))
            x, y = self.pos[i]
            raise EpisodeError(f"slot {i} (world {self.worlds[i].name!r}, seed {self.specs[i].seed}): the car left "
                               f"the arena at ({x:.1f}, {y:.1f}) cm; the physics failed")

    def _visit(self, rows) -> np.ndarray:
        """Mark the cells under the cars ``rows``; how many free cells each newly visited."""
        cell = np.minimum(np.maximum((self.pos // CELL_CM).astype(int), 0), np.column_stack([self.cols, self.rows]) - 1)
        flat = cell[:, 1] * self.cols + cell[:, 0]
        idx = np.flatnonzero(rows)
        new = self.free[idx, flat[idx]] & ~self.visited[idx, flat[idx]]
        self.visited[idx, flat[idx]] = True
        out = np.zeros(self.n, dtype=int)
        out[idx] = new
        return out

    def _count(self, rows, motors_on) -> None:
        """This tick's reward for the slots ``rows``: new cells, new contacts, stuck time."""
        w = self.setup.reward
        new_cells = self._visit(rows)
        away = self.pos - self.anchor
        moved = rows & ((away * away).sum(1) > STUCK_RADIUS_CM ** 2)
        self.anchor[moved], self.anchor_tick[moved] = self.pos[moved], self.ticks[moved]
        stuck = rows & motors_on & (self.ticks - self.anchor_tick >= self.window_ticks)
        self.stuck_ticks += stuck
        hits = self.collisions - self.seen_collisions
        self.seen_collisions[rows] = self.collisions[rows]
        gained = w.coverage * new_cells - w.collision * hits - w.stuck * self.tick_s * stuck
        self.reward[rows] += gained[rows]

    def step(self, actions, rows) -> np.ndarray:
        """One step of the slots ``rows``, each at a decision: the agent's actions, then
        ticks until each slot's next decision (its hold done; every tick in the tick step
        mode) or its time limit. The slots done first wait. Returns the mask of slots
        that reached their time limit; ``reward`` holds each step's reward."""
        self.reward[rows] = 0.0
        self.decide(actions, rows, hold=self.setup.step == "decision")
        active, truncated = rows.copy(), np.zeros(self.n, dtype=bool)
        while active.any():
            self.advance(active)
            out = active & (self.ticks >= self.limit_ticks)
            truncated |= out
            active &= ~out
            if active.any():
                active &= ~self.sense(active)
        return truncated

    # -- what the agent sees -------------------------------------------------------------
    def observations(self) -> np.ndarray:
        """(n, 2 + memory) float32: the last reading taken and the servo angle it was taken
        at, encoded as the brain's inputs, then the memory inputs as the next decision reads them."""
        memory = None if self.memory is None else self.memory.columns(self.setup.memory, slice(None))
        return encode_inputs(self.last_cm, self.last_deg, self.profile, memory).astype(np.float32)

    def coverage(self) -> np.ndarray:
        return (self.visited & self.free).sum(1) / np.maximum(self.free.sum(1), 1)

    def info(self, i: int) -> dict:
        """Slot i's episode so far."""
        return {"seconds": float(self.ticks[i] * self.tick_s), "coverage": float(self.coverage()[i]),
                "collisions": int(self.collisions[i]), "stuck_s": float(self.stuck_ticks[i] * self.tick_s),
                "world": self.worlds[i].name}
