"""One car in one world in real time, for the window: ``simulator.episode``'s machinery
with a single episode, the state the window draws, and the commands it gives::

    sim = Simulation(world, profile, brain, seed=0)  # SensorOptions(noise=..., missed_echoes=...)
    sim.step_tick()              # one 25 ms control tick (3 physics steps at 120 Hz)
    sim.reset(seed=None)         # back to the world's start pose, metrics cleared
    sim.pose                     # (x_cm, y_cm, heading_deg) in world coordinates
    sim.servo_deg, sim.echo_cm   # the sensor's angle and its last reading (inf: no echo)
    sim.inputs, sim.outputs      # the last decision's network inputs and raw outputs
    sim.sensed_inputs()          # the brain's inputs now: the sonar read fresh, the sweep's memory (teach mode)
    sim.memory_cm()              # {name: cm} of the memory inputs the brain reads ({} for 2 inputs)
    sim.pins, sim.pwm, sim.hold  # what the controller last set
    sim.collisions, sim.touching, sim.metrics()
    sim.brain = other_brain      # swap the brain at run time (after retraining)
    sim.set_manual(pins, pwm)    # drive by hand (teach mode); set_manual(None) gives control back
    sim.world.add_obstacle(...); sim.world_changed()   # after editing the world
    sim.trajectory()             # the recorded ticks, when record=True

The window's ``Simulation`` skips the physics sanity check (its user may drop an obstacle
onto the car).
"""
import math

import numpy as np

from simulator.controller import Controller, encode_inputs, pwm_for, whole_cm
from simulator.episode import EpisodeSpec, Episodes
from simulator.measured import DEFAULT_MODEL
from simulator.sensor import SensorOptions


class Simulation:
    """One car in one world in real time, for the window (see the module docstring)."""

    def __init__(self, world, profile, brain, seed: int = 0, *,
                 sensor_options: SensorOptions = SensorOptions(), record: bool = False, controller=Controller,
                 check: bool = False, model: str = DEFAULT_MODEL):
        self.world, self.profile, self.seed, self.model = world, profile, seed, model
        self._brain, self.sensor_options, self.record, self.check = brain, sensor_options, record, check
        self._controller_factory = controller
        self._manual = None
        self._ep = None
        self.reset(seed)

    def reset(self, seed: int | None = None) -> None:
        self.seed = self.seed if seed is None else seed
        self._ep = Episodes([EpisodeSpec(self.world, self.seed)], self.profile, self._brain,
                            controller=self._controller_factory, model=self.model,
                            sensor_options=self.sensor_options, record=self.record, check=self.check)
        self._ep.manual = self._manual

    def step_tick(self) -> None:
        self._ep.step_tick()

    # -- state the window draws ---------------------------------------------------------
    @property
    def time_s(self) -> float:
        return self._ep.ticks * self.profile.control.tick_s

    @property
    def pose(self) -> tuple:
        return (float(self._ep.pos[0, 0]), float(self._ep.pos[0, 1]), math.degrees(self._ep.heading[0]))

    @property
    def servo_deg(self) -> int:
        return int(self._ep.controller.servo_deg[0])

    @property
    def echo_cm(self) -> float:
        """The last echo read (inf: no echo); refreshed on deciding ticks only, as the firmware does."""
        return float(self._ep.echo[0])

    def beam(self):
        """The sensor's origin (x, y) cm, beam axis in degrees (where the servo actually
        points), per-ray directions in degrees and distances now (inf: no echo, or a
        surface that stays silent under the measured model), read fresh for drawing."""
        ep = self._ep
        origins, axes, angles, dist = ep.sonar.fan(ep.pos, ep.heading, ep.servo_actual_deg)
        return tuple(origins[0]), math.degrees(axes[0]), np.degrees(angles[0]), dist[0]

    def sensed_inputs(self) -> np.ndarray:
        """The network inputs the brain reads, for what the sonar sees now at the current
        servo angle, encoded as the controller encodes them: distance and position from
        the same sonar read (range limits, noise, and under the measured model the sensor
        pointing where the servo's horn is), whole cm clamped, the commanded servo angle
        mapped; then the memory inputs the brain reads, as the sweep's memory holds them
        now (``memory_cm``). A look, not a tick: the seeded sensor streams, the last
        reading and the controller's state are left exactly as they were, so a run is the
        same whether or not this is called."""
        ep = self._ep
        echo = ep.sonar.look(ep.pos, ep.heading, ep.servo_actual_deg[:1])     # where the sensor points
        servo = ep.controller.servo_deg[:1]                                    # what the brain is told
        return encode_inputs(whole_cm(echo, self.profile.control.distance_clamp_cm), servo, self.profile,
                             ep.controller.memory_cm([0]))[0]

    def memory_cm(self) -> dict[str, int]:
        """The whole-cm values of the memory inputs the brain reads (left_nearest,
        right_nearest, previous, in its order), as the sweep's memory holds them now; empty
        for a 2-input brain."""
        ctl = self._ep.controller
        values = ctl.memory_cm([0])
        return {} if values is None else dict(zip(ctl.memory_inputs, (int(v) for v in values[0])))

    @property
    def pins(self) -> tuple:
        pins = self._ep.controller.pins if self._manual is None else self._manual[0]
        return tuple(int(p) for p in pins[0])

    @property
    def pwm(self) -> int:
        return int((self._ep.controller.pwm if self._manual is None else self._manual[1])[0])

    @property
    def hold(self) -> int:
        return int(self._ep.controller.hold[0])

    @property
    def inputs(self) -> np.ndarray:
        return self._ep.controller.inputs[0]

    @property
    def outputs(self) -> np.ndarray:
        return self._ep.controller.outputs[0]

    @property
    def collisions(self) -> int:
        return int(self._ep.contacts.collisions[0])

    @property
    def touching(self) -> bool:
        return bool(self._ep.contacts.touching[0] > 0)

    def metrics(self):
        return self._ep.results()[0]

    def trajectory(self) -> dict:
        return self._ep.trajectory(0)

    # -- commands ------------------------------------------------------------------------
    @property
    def brain(self):
        return self._brain

    @brain.setter
    def brain(self, brain) -> None:
        self._ep.controller.brain = brain      # checks the outputs fit this robot first
        self._brain = brain

    def set_manual(self, pins, pwm: int | None = None) -> None:
        """Drive with these motor pins (teach mode) until set_manual(None)."""
        if pins is None:
            self._manual = None
        else:
            pins = np.array(pins, dtype=int).reshape(1, -1)
            if pwm is None:
                pwm = pwm_for(pins, self.profile)
            self._manual = (pins, np.array(pwm, dtype=int).reshape(1))
        self._ep.manual = self._manual

    def world_changed(self) -> None:
        """Rebuild the obstacles after editing ``self.world``; the car stays where it is."""
        self._ep.replace_world(0, self.world)

    def place(self, x_cm: float, y_cm: float, heading_deg: float) -> None:
        """Pick the car up and put it down elsewhere, at rest."""
        ep = self._ep
        ep.cars.place(0, x_cm + ep.offsets[0, 0], y_cm + ep.offsets[0, 1], math.radians(heading_deg))
        pos, ep.heading = ep.cars.poses()
        ep.pos = pos - ep.offsets
        ep.metrics.moved(ep.pos)
