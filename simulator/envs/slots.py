"""Slots: n cars driven by an agent's actions, tick by tick, as the firmware drives them.

The firmware's tick (``simulator.controller``) split where an agent decides: ``sense``
steps the servos, counts holds down and pings the sensor of the cars that decide (and,
with ``control.read_while_holding``, of memory cars between decisions), batched over the
slots as ``simulator.episode`` does; ``decide`` sets the deciding cars' motor pins from
the agent's actions and their hold from the reading, as the brain's decision would;
``advance`` drives one slot's car, steps its physics and counts its reward, in plain
floats. ``step`` runs each slot's ticks up to its next decision, slot after slot, and
takes the decisions' readings together.

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
from simulator.sweep_memory import PING_LONG_AGO, SweepMemory
from simulator.episode import EpisodeError
from brain.i18n import _

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
        self.reward, self.arena = np.zeros(n), np.zeros((n, 2))
        self.speed, self.yaw, self.motors_on = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        self.car_ticks = 0          # every slot's ticks so far, over all its episodes

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
        self.arena[i] = world.width_cm, world.height_cm
        self.visited[i, self._cell(i, *self.pos[i])] = True

    # -- one tick, split where the agent decides ------------------------------------------
    def sense(self, rows) -> np.ndarray:
        """The start of a tick for the slots ``rows`` (bool mask): servos step, holds count
        down, the deciding cars (and memory cars reading while holding) ping. Returns the
        mask of slots that decide now."""
        angle, direction = sweep_step(self.servo_deg, self.servo_dir, self.profile.servo)
        self.servo_deg, self.servo_dir = \
            np.where(rows, angle, self.servo_deg), np.where(rows, direction, self.servo_dir)
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
        pins and PWM, the wheels' velocities, and the hold the firmware gives the reading
        (none when not ``hold``)."""
        pins = self.patterns[np.asarray(actions, dtype=int)[rows]]
        self.pins[rows], self.pwm[rows] = pins, pwm_for(pins, self.profile)
        d = self.last_cm[rows]
        self.hold[rows] = paced_hold_ticks(d, self.profile.control) - 1 if hold else 0
        if self.memory is not None:
            self.memory.decided(d, rows)
        speed, yaw, on = self._velocities(rows)
        self.speed[rows], self.yaw[rows], self.motors_on[rows] = speed[rows], yaw[rows], on[rows]

    def _velocities(self, rows):
        """Forward speed, yaw rate and motors on (n,) for the pins; only ``rows`` update
        which way the measured motors turn (the pins are kept until the next decision)."""
        if self.drive is None:
            speed, yaw = wheel_velocities(self.pins, self.pwm, self.profile)
            return speed, yaw, (speed != 0) | (yaw != 0)
        before = self.drive.turning
        speed, yaw, on = self.drive.velocities(self.pins, self.pwm)
        self.drive.turning = np.where(rows[:, None], self.drive.turning, before)
        return speed, yaw, on

    def advance(self, i: int) -> None:
        """The rest of slot i's tick, in plain floats: its horn turns, its motors drive,
        its space steps; its position, the sanity check and the reward follow."""
        if self.horn is not None:
            most = float(self.horn.deg_per_s[i]) * self.tick_s
            deg = float(self.horn.deg[i])
            self.horn.deg[i] = deg + min(max(float(self.servo_deg[i]) - deg, -most), most)
        heading, speed = float(self.heading[i]), float(self.speed[i])
        control, space, body = self.controls[i], self.spaces[i], self.bodies[i]
        control.velocity = (speed * math.cos(heading), speed * math.sin(heading))
        control.angular_velocity = float(self.yaw[i])
        for _step in range(self.steps):
            space.step(self.dt)
        (x, y), heading = body.position, body.angle
        self.pos[i], self.heading[i] = (x, y), heading
        self.ticks[i] += 1
        self.car_ticks += 1
        w, h = self.arena[i]
        if not (0 <= x <= w and 0 <= y <= h):
            raise EpisodeError(_("slot {i} (world {name!r}, seed {seed}): the car left "
                               "the arena at ({x:.1f}, {y:.1f}) cm; the physics failed").format(
                                   i=i, name=self.worlds[i].name, seed=self.specs[i].seed, x=x, y=y))
        self._count(i, x, y)

    def _count(self, i: int, x: float, y: float) -> None:
        """Slot i's reward for this tick: a new free cell, new contacts, stuck time."""
        w = self.setup.reward
        cell = self._cell(i, x, y)
        gained = 0.0
        if self.free[i, cell] and not self.visited[i, cell]:
            gained += w.coverage
        self.visited[i, cell] = True
        ax, ay = self.anchor[i]
        if (x - ax) * (x - ax) + (y - ay) * (y - ay) > STUCK_RADIUS_CM ** 2:
            self.anchor[i], self.anchor_tick[i] = (x, y), self.ticks[i]
        elif self.motors_on[i] and self.ticks[i] - self.anchor_tick[i] >= self.window_ticks:
            self.stuck_ticks[i] += 1
            gained -= w.stuck * self.tick_s
        hits = int(self.collisions[i] - self.seen_collisions[i])
        if hits:
            self.seen_collisions[i] = self.collisions[i]
            gained -= w.collision * hits
        self.reward[i] += gained

    def _cell(self, i: int, x: float, y: float) -> int:
        """The index of slot i's coverage cell under (x, y) cm."""
        col = min(max(int(x // CELL_CM), 0), int(self.cols[i]) - 1)
        row = min(max(int(y // CELL_CM), 0), int(self.rows[i]) - 1)
        return row * int(self.cols[i]) + col

    def _holding_tick(self, i: int, one) -> None:
        """A tick of slot i holding its action: the sweep steps and the hold counts down,
        in plain ints; through ``sense`` when the sweep's memory needs the tick (a sweep
        ends, or a ping while holding)."""
        servo, memory = self.profile.servo, self.memory
        angle = int(self.servo_deg[i]) + int(self.servo_dir[i]) * servo.step_deg
        if memory is not None:
            control = self.profile.control
            every = control.ping_every_ticks        # SweepMemory.may_ping, for slot i alone
            pings = control.read_while_holding and self.hold[i] >= every and memory.since_ping[i] + 1 >= every
            if pings or angle <= servo.min_deg or angle >= servo.max_deg:
                self.sense(one)
                return
            memory.since_ping[i] = min(int(memory.since_ping[i]) + 1, PING_LONG_AGO)
        if angle >= servo.max_deg or angle <= servo.min_deg:
            self.servo_dir[i] = -1 if angle >= servo.max_deg else 1
        self.servo_deg[i] = min(max(angle, servo.min_deg), servo.max_deg)
        self.hold[i] -= 1

    def step(self, actions, rows) -> np.ndarray:
        """One step of the slots ``rows``, each at a decision: the agent's actions, then the
        ticks up to each slot's next decision (its hold done; the next tick in the tick
        step mode) or its time limit, slot by slot; the next decision's readings are taken
        together. Returns the mask of slots that reached their time limit; ``reward``
        holds each one's reward for the step."""
        self.reward[rows] = 0.0
        self.decide(actions, rows, hold=self.setup.step == "decision")
        truncated = np.zeros(self.n, dtype=bool)
        for i in np.flatnonzero(rows).tolist():
            one = np.arange(self.n) == i
            self.advance(i)
            while self.ticks[i] < self.limit_ticks and self.hold[i] > 0:
                self._holding_tick(i, one)
                self.advance(i)
            truncated[i] = self.ticks[i] >= self.limit_ticks
        going = rows & ~truncated
        if going.any():
            self.sense(going)
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
