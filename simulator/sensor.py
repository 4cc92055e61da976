"""The HC-SR04 on its servo: several rays across the beam, the nearest echo wins.

Rays are cast analytically in numpy against each car's own world geometry (box
outlines as segments, cylinders as circles), for all cars at once, instead of one
pymunk query per ray; ``tests/test_sim_sensor.py`` checks the hits against pymunk's
own ``segment_query_first`` on the same shapes.

The echo distance is measured from the servo axis (``sensor.mount_forward_cm`` ahead
of the body centre) along ``sensor.rays`` rays spread evenly across ``beam_deg``. A
hit beyond ``max_range_cm`` is no echo (``np.inf``); a hit nearer than
``min_range_cm`` reads as ``min_range_cm``. Two effects are off unless asked for, and
draw from the sensor's own seeded generator when on: Gaussian measurement noise
(``noise_cm``) and missed echoes, where a ray meeting a surface more than
``grazing_deg`` from its normal is lost with ``grazing_miss_probability``.
"""
import copy
import math
from dataclasses import dataclass

import numpy as np

from simulator.echo import EchoModel
from simulator.raycast import cast
from simulator.spatial import near


@dataclass(frozen=True)
class SensorOptions:
    noise: bool = False
    missed_echoes: bool = False


LOCAL_ABOVE = 256           # solids in a world beyond which each car keeps only those near it
LOCAL_MARGIN_CM = 100.0     # how far a car moves before the solids near it are gathered again


class Geometry:
    """Each car's world geometry as padded arrays, so all cars cast together: ``edges``
    (n, E, 4) and ``circles`` (n, C, 3), NaN padding that never hits, and beside them
    ``edge_traits`` (n, E, 2) and ``circle_traits`` (n, C, 2): each solid's largest size
    (cm) and whether it is soft (``World.edge_traits``), for the measured echo.

    A world of more than ``LOCAL_ABOVE`` solids is not handed out whole: a car's arrays
    hold the solids within ``reach_cm + LOCAL_MARGIN_CM`` of where they were gathered,
    gathered again once it has moved ``LOCAL_MARGIN_CM``, so every solid within
    ``reach_cm`` of it is always there (``follow``). They keep the world's order, so the
    nearest hit and its ties are the ones all the solids give, and per-tick work stays
    the same however big the world is. ``version`` changes whenever the arrays do."""

    def __init__(self, worlds):
        self.version = 0
        self.set_worlds(worlds)

    def set_worlds(self, worlds) -> None:
        """Take these worlds' solids (after an edit); the cars gather them afresh."""
        self.world_edges = [w.edges() for w in worlds]
        self.world_circles = [w.circles() for w in worlds]
        self.world_traits = [(w.edge_traits(), w.circle_traits()) for w in worlds]
        self.n = len(self.world_edges)
        self.local = max([len(e) + len(c) for e, c in zip(self.world_edges, self.world_circles)] + [0]) > LOCAL_ABOVE
        self.reach_cm = 0.0 if self.local else math.inf
        self._centres = np.full((self.n, 2), np.nan)       # where each car's solids were gathered
        self._picked = [(np.zeros(0, dtype=int), np.zeros(0, dtype=int))] * self.n
        self._gather(self.world_edges, self.world_circles)

    def follow(self, positions, reach_cm: float = 0.0) -> None:
        """Make each car's arrays hold every solid within reach_cm (and within every
        reach asked before) of its local position (n, 2)."""
        if not self.local:
            return
        positions = np.asarray(positions, dtype=float)
        if reach_cm > self.reach_cm:
            self.reach_cm = float(reach_cm)
            self._centres[:] = np.nan
        drift = positions - self._centres
        moved = np.flatnonzero(~((drift * drift).sum(1) <= LOCAL_MARGIN_CM ** 2))
        if not len(moved):
            return
        for i in moved.tolist():
            self._picked[i] = near(positions[i], self.world_edges[i], self.world_circles[i],
                                   self.reach_cm + LOCAL_MARGIN_CM)
            self._centres[i] = positions[i]
        self._gather([e[k] for e, (k, _) in zip(self.world_edges, self._picked)],
                     [c[k] for c, (_, k) in zip(self.world_circles, self._picked)],
                     [(e[k], c[j]) for (e, c), (k, j) in zip(self.world_traits, self._picked)])

    def _gather(self, edges, circles, traits=None) -> None:
        traits = self.world_traits if traits is None else traits
        self.edges = _pad(edges, 4)
        self.circles = _pad(circles, 3)
        self.edge_traits = _pad([e for e, _ in traits], 2)
        self.circle_traits = _pad([c for _, c in traits], 2)
        self.version += 1


def _pad(arrays, width) -> np.ndarray:
    size = max([len(a) for a in arrays] + [1])
    out = np.full((len(arrays), size, width), np.nan)
    for i, a in enumerate(arrays):
        out[i, :len(a)] = a
    return out


def ray_offsets(sensor) -> np.ndarray:
    """Ray directions (radians) relative to the beam's axis, spread across the beam."""
    half = math.radians(sensor.beam_deg) / 2
    return np.linspace(-half, half, sensor.rays) if sensor.rays > 1 else np.zeros(1)


class Sonar:
    """Echo distances for n cars at once, from their poses and servo angles."""

    def __init__(self, profile, geometry: Geometry, rngs=None, options: SensorOptions = SensorOptions(),
                 car=None):
        """rngs: one numpy Generator per car (needed only when noise or missed echoes are
        on), so a car's readings never depend on which other cars share its batch. car:
        the measured model's ``simulator.measured.CarParams`` (None: the ideal sensor)."""
        if (options.noise or options.missed_echoes or car is not None) and rngs is None:
            raise ValueError("sensor noise and missed echoes need a seeded generator per car")
        self.profile, self.geometry, self.rngs, self.options, self.car = profile, geometry, rngs, options, car
        self.echo_model = None if car is None else EchoModel(profile.measured.echo, profile.sensor.max_range_cm)
        self.offsets = ray_offsets(profile.sensor)
        self.cos_grazing = math.cos(math.radians(profile.sensor.grazing_deg))
        self.last_rays = None       # (n, R) per-ray distances of the last reading, for drawing

    @property
    def reach_cm(self) -> float:
        """How far from a car's centre an echo can come from."""
        mount = abs(self.profile.sensor.mount_forward_cm) if self.car is None else \
            np.abs(self.car.mount_forward_cm).max()
        return self.profile.sensor.max_range_cm + float(mount)

    def beam_axes(self, positions, headings, servo_deg, idx=None):
        """Servo-axis origins (n, 2) and beam directions (n,) in radians, of the cars idx
        (default: all). Given every car's position, it also brings the geometry up to
        where the cars are."""
        if len(positions) == self.geometry.n:
            self.geometry.follow(positions, self.reach_cm)
        sensor, servo = self.profile.sensor, self.profile.servo
        mount = sensor.mount_forward_cm
        if self.car is not None:
            mount = self.car.mount_forward_cm[slice(None) if idx is None else idx, None]
        origins = positions + mount * np.column_stack([np.cos(headings), np.sin(headings)])
        axes = headings + servo.left_sign * np.radians(np.asarray(servo_deg, dtype=float) - 90.0)
        return origins, axes

    def read(self, positions, headings, servo_deg, which=None) -> np.ndarray:
        """Echo distances (n,) in cm (np.inf: no echo) for cars at local positions (n, 2).
        which: optional bool mask; other cars get np.inf and cost nothing."""
        out, rays = self._echo(positions, headings, servo_deg, which, self.rngs)
        if rays is not None:
            self.last_rays = rays
        return out

    def look(self, positions, headings, servo_deg, which=None) -> np.ndarray:
        """What ``read`` would give now, leaving the sensor as it was: the seeded streams
        draw from copies, and ``last_rays`` keeps the last real reading."""
        rngs = None if self.rngs is None else [copy.deepcopy(r) for r in self.rngs]
        return self._echo(positions, headings, servo_deg, which, rngs)[0]

    def _echo(self, positions, headings, servo_deg, which, rngs):
        """(echo distances (n,), per-ray distances of the cars read, or None if none)."""
        n = len(positions)
        out = np.full(n, np.inf)
        self.geometry.follow(positions, self.reach_cm)
        idx = np.arange(n) if which is None else np.flatnonzero(which)
        if len(idx) == 0:
            return out, None
        origins, axes = self.beam_axes(positions[idx], headings[idx], np.asarray(servo_deg)[idx], idx)
        sensor = self.profile.sensor
        if self.car is not None:
            return self._measured(origins, axes, idx, rngs, out)
        dist, cos = cast(origins, axes[:, None] + self.offsets, self.geometry.edges[idx],
                         self.geometry.circles[idx], sensor.max_range_cm)
        if self.options.missed_echoes:
            chance = np.array([rngs[i].random(dist.shape[1]) for i in idx])
            dist = np.where((cos < self.cos_grazing) & (chance < sensor.grazing_miss_probability), np.inf, dist)
        echo = dist.min(axis=1)
        if self.options.noise:
            echo = echo + np.array([rngs[i].normal(0.0, sensor.noise_cm) for i in idx])
        out[idx] = np.where(echo > sensor.max_range_cm, np.inf, np.maximum(echo, sensor.min_range_cm))
        return out, dist

    def _measured(self, origins, axes, idx, rngs, out):
        """The measured model's reading (``simulator.echo``), its noise always on."""
        sensor = self.profile.sensor
        rays = self.measured_rays(origins, axes, idx)
        echo = rays.echo() + np.array([rngs[i].normal(0.0, sensor.noise_cm) for i in idx])
        out[idx] = np.where(echo > sensor.max_range_cm, np.inf, np.maximum(echo, sensor.min_range_cm))
        return out, np.where(rays.echoes, rays.dist, np.inf)

    def measured_rays(self, origins, axes, idx):
        """The measured model's ``simulator.echo.Rays`` for the cars idx."""
        return self.echo_model.rays(origins, axes, self.echo_model.solids(self.geometry), idx,
                                    self.car.beam_scale[idx], self.car.incidence_scale[idx])

    def fan(self, positions, headings, servo_deg):
        """For drawing, every car now: origins (n, 2), beam axes (n,) and per-ray
        directions (n, R) in radians, and per-ray distances (n, R) to a surface that
        echoes (inf: none, or one that stays silent); no noise."""
        origins, axes = self.beam_axes(positions, headings, servo_deg)
        if self.car is None:
            angles = axes[:, None] + self.offsets
            dist, _ = cast(origins, angles, self.geometry.edges, self.geometry.circles,
                           self.profile.sensor.max_range_cm)
            return origins, axes, angles, dist
        rays = self.measured_rays(origins, axes, np.arange(len(positions)))
        return origins, axes, rays.angles, np.where(rays.echoes, rays.dist, np.inf)
