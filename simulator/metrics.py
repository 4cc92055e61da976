"""Episode metrics, gathered once per control tick for many cars at once.

- collisions: each new contact between the car and an obstacle (pymunk's begin);
  collisions per minute; collision-free when there were none;
- contact_s: time during which the car touched something (sampled each tick);
- distance_cm: path length of the body centre;
- coverage: fraction of the world's free grid cells (``CELL_CM`` squares whose centre
  the car's centre could reach, i.e. clear of obstacles by half the body width)
  the centre has visited;
- stuck_s: time spent with the motors running but no net progress: the centre has
  stayed within ``STUCK_RADIUS_CM`` of where it was ``STUCK_WINDOW_S`` or more ago
  (pushing a wall, turning on the spot, dithering back and forth);
- closest_cm: the smallest gap seen between the car's outline (corners and edge
  midpoints) and an obstacle, 0 when touching; sampled every ``GAP_EVERY_TICKS``
  ticks (the car moves about 3 cm in between) and whenever it touches something.
"""
import math
import sys
from dataclasses import asdict, dataclass

import numpy as np

from simulator import spatial

CELL_CM = 10.0
STUCK_RADIUS_CM = 10.0
STUCK_WINDOW_S = 3.0
GAP_EVERY_TICKS = 4


@dataclass
class EpisodeMetrics:
    seconds: float
    collisions: int
    collisions_per_minute: float
    collision_free: bool
    contact_s: float
    distance_cm: float
    coverage: float
    stuck_s: float
    closest_cm: float

    def to_dict(self) -> dict:
        return asdict(self)


def free_cells(world, half_width_cm: float):
    """(rows, cols) bool grid of cells whose centre keeps the car's centre clear: inside
    no solid and at least half_width_cm from every surface (``World.clearance``).

    Only cells near a solid are measured (``simulator.spatial.cells_near``), so the cost
    follows the solids' outlines and areas rather than cells x solids; each distance is
    the one ``World.clearance`` works out, so the grid is the same."""
    cols = max(1, int(np.ceil(world.width_cm / CELL_CM)))
    rows = max(1, int(np.ceil(world.height_cm / CELL_CM)))
    blocked = np.zeros(rows * cols, dtype=bool)
    boxes, corners = world.boxes(), world.corners()
    params = np.array([(b.x_cm, b.y_cm, b.width_cm, b.height_cm, b.angle_deg) for b in boxes]).reshape(-1, 5)
    for box, cell, (x, y) in spatial.cells_near(*spatial.box_pieces(boxes), half_width_cm, CELL_CM, cols, rows):
        near = spatial.inside(x, y, params[box])
        for k in range(4):
            (ax, ay), (bx, by) = corners[box, k].T, corners[box, (k + 1) % 4].T
            near |= spatial.segment_distance(x, y, ax, ay, bx, by) < half_width_cm
        blocked[cell[near]] = True
    circles = world.circles()
    for circle, cell, (x, y) in spatial.cells_near(*spatial.circle_tiles(circles), half_width_cm, CELL_CM, cols, rows):
        cx, cy, r = circles[circle].T
        dx, dy = x - cx, y - cy
        blocked[cell[np.sqrt(dx * dx + dy * dy) - r < half_width_cm]] = True
    return ~blocked.reshape(rows, cols)


def outline_points(body) -> np.ndarray:
    """(8, 2) body-frame points on the car's outline: corners and edge midpoints."""
    hl, hw = body.length_cm / 2, body.width_cm / 2
    return np.array([[hl, hw], [0, hw], [-hl, hw], [-hl, 0], [-hl, -hw], [0, -hw], [hl, -hw], [hl, 0]])


class MetricsRecorder:
    """Accumulates the metrics of n episodes running side by side."""

    def __init__(self, worlds, profile, geometry, start_positions):
        n = len(worlds)
        self.tick_s = profile.control.tick_s
        self.geometry = geometry
        geometry.follow(start_positions)
        self._segments = _Segments(geometry.edges)
        self._segments_version = geometry.version
        self.outline = outline_points(profile.body)
        self._outline_cm = float(np.sqrt((self.outline ** 2).sum(1)).max())
        self._half_width_cm = profile.body.width_cm / 2
        self._cars = np.arange(n)
        self._set_grids(worlds)
        self.ticks = 0
        self.time = 0.0
        self.distance = np.zeros(n)
        self.contact = np.zeros(n)
        self.stuck = np.zeros(n)
        self.closest = np.full(n, np.inf)
        self.prev = np.array(start_positions, dtype=float)
        self.anchor = self.prev.copy()
        self.anchor_time = np.zeros(n)
        self._visit(self.prev)

    def _set_grids(self, worlds) -> None:
        """Coverage grids of the worlds' free floor, nothing visited yet."""
        grids = [free_cells(w, self._half_width_cm) for w in worlds]
        self.cols = np.array([g.shape[1] for g in grids])
        self.rows = np.array([g.shape[0] for g in grids])
        self._last_cell = np.column_stack([self.cols - 1, self.rows - 1])     # (n, 2) col, row
        size = max(g.size for g in grids)
        self.free = np.zeros((len(grids), size), dtype=bool)
        for i, g in enumerate(grids):
            self.free[i, :g.size] = g.ravel()
        self.visited = np.zeros((len(grids), size), dtype=bool)

    def worlds_changed(self, worlds) -> None:
        """New coverage grids for edited worlds (the geometry already holds their solids),
        keeping the running totals, and the cells visited where the grid's size is the same."""
        visited = self.visited
        self.geometry.follow(self.prev)
        self._set_grids(worlds)
        if self.visited.shape == visited.shape:
            self.visited |= visited
        self._visit(self.prev)

    def moved(self, positions) -> None:
        """The cars were picked up and put down elsewhere: no distance driven in between."""
        self.prev = np.array(positions, dtype=float)

    def _visit(self, pos) -> None:
        cell = np.minimum(np.maximum((pos // CELL_CM).astype(int), 0), self._last_cell)
        self.visited[self._cars, cell[:, 1] * self.cols + cell[:, 0]] = True

    def update(self, pos, heading, touching, motors_on) -> None:
        """One tick: local positions (n, 2), headings (n,), touching and motors_on (n,) bools."""
        self.ticks += 1
        self.time = self.ticks * self.tick_s
        step = pos - self.prev
        self.distance += np.sqrt((step * step).sum(1))
        self.prev = pos
        self.contact += touching * self.tick_s
        self._visit(pos)
        away = pos - self.anchor
        moved = (away * away).sum(1) > STUCK_RADIUS_CM ** 2
        if moved.any():
            self.anchor[moved] = pos[moved]
            self.anchor_time[moved] = self.time
        self.stuck += (motors_on & (self.time - self.anchor_time >= STUCK_WINDOW_S)) * self.tick_s
        if self.ticks % GAP_EVERY_TICKS == 0:
            self.closest = np.minimum(self.closest, self._gap(pos, heading))
        if touching.any():
            self.closest[touching] = 0.0

    def _gap(self, pos, heading) -> np.ndarray:
        geometry = self.geometry
        geometry.follow(pos)
        if self._segments_version != geometry.version:
            self._segments, self._segments_version = _Segments(geometry.edges), geometry.version
        c, s = np.cos(heading)[:, None], np.sin(heading)[:, None]
        px = pos[:, 0, None] + c * self.outline[:, 0] - s * self.outline[:, 1]
        py = pos[:, 1, None] + s * self.outline[:, 0] + c * self.outline[:, 1]
        pts = np.stack([px, py], axis=-1)                      # (n, 8, 2)
        gap = _nearest(pts, self._segments, geometry.circles)
        # beyond what the car's arrays surely hold (a big world), measure against all of it
        for i in np.flatnonzero(~(gap <= geometry.reach_cm - self._outline_cm)).tolist():
            circles = geometry.world_circles[i] if len(geometry.world_circles[i]) else np.full((1, 3), np.nan)
            gap[i] = _nearest(pts[i:i + 1], _Segments(geometry.world_edges[i][None]), circles[None])[0]
        return np.maximum(gap, 0.0)

    def results(self, collisions) -> list[EpisodeMetrics]:
        minutes = self.time / 60.0
        coverage = (self.visited & self.free).sum(1) / np.maximum(self.free.sum(1), 1)
        return [EpisodeMetrics(
            seconds=round(self.time, 9), collisions=int(collisions[i]),
            collisions_per_minute=float(collisions[i] / minutes) if minutes else 0.0,
            collision_free=bool(collisions[i] == 0), contact_s=float(self.contact[i]),
            distance_cm=float(self.distance[i]), coverage=float(coverage[i]),
            stuck_s=float(self.stuck[i]), closest_cm=float(self.closest[i]),
        ) for i in range(len(collisions))]


class _Segments:
    """Each car's obstacle outlines (n, E, 4), NaN-padded, in the shape the gap needs,
    worked out once instead of at every sample."""

    def __init__(self, edges):
        self.start = edges[:, None, :, :2]                         # (n, 1, E, 2)
        self.along = edges[:, None, :, 2:] - self.start            # (n, 1, E, 2)
        self.length2 = np.maximum((self.along * self.along).sum(-1), 1e-12)


def _nearest(points, segments: _Segments, circles) -> np.ndarray:
    """Per car, the distance from its points (n, P, 2) to its nearest segment or circle;
    NaN padding is never the nearest."""
    p = points[:, :, None, :]
    rel = p - segments.start
    t = np.minimum(np.maximum((rel * segments.along).sum(-1) / segments.length2, 0.0), 1.0)
    off = p - (segments.start + t[..., None] * segments.along)
    d2_edges = np.fmin.reduce((off * off).sum(-1), axis=(1, 2))
    to_centre = p - circles[:, None, :, :2]
    d_circles = np.sqrt((to_centre * to_centre).sum(-1)) - circles[:, None, :, 2]
    return np.fmin(np.sqrt(d2_edges), np.fmin.reduce(d_circles, axis=(1, 2)))


def summarise(rows, wall_seconds: float, jobs: int, cores: int | None = None) -> dict:
    """The totals ``neurocar eval`` prints and writes, from per-episode metric dicts.
    ``cores``: the processor cores the ``jobs`` workers really had (default: one each)."""
    totals = Totals()
    for row in rows:
        totals.add(row)
    return totals.summary(wall_seconds, jobs, cores)


class RunningSum:
    """``sum()`` taken one value at a time: the same number the builtin gives for the
    same values in the same order (it adds floats with Neumaier's compensation from
    Python 3.12 on, plainly before)."""

    COMPENSATED = sys.version_info >= (3, 12)

    def __init__(self):
        self.total, self.compensation = 0, 0.0

    def add(self, x) -> None:
        total = self.total
        if not (self.COMPENSATED and isinstance(total, float) and isinstance(x, float)):
            self.total = total + x
            return
        t = total + x
        self.compensation += (total - t) + x if abs(total) >= abs(x) else (x - t) + total
        self.total = t

    @property
    def value(self):
        c = self.compensation
        return self.total + c if c and math.isfinite(c) else self.total


class Totals:
    """``summarise`` one row at a time, so rows need not be kept."""

    SUMMED = ("seconds", "collisions", "distance_cm", "contact_s", "collision_free", "coverage", "stuck_s")

    def __init__(self):
        self.n = 0
        self.sums = {key: RunningSum() for key in self.SUMMED}

    def add(self, row: dict) -> None:
        self.n += 1
        for key, total in self.sums.items():
            total.add(row[key])

    def summary(self, wall_seconds: float, jobs: int, cores: int | None = None) -> dict:
        cores = jobs if cores is None else cores
        n = self.n
        sim, collisions, distance, contact, free, coverage, stuck = (self.sums[k].value for k in self.SUMMED)
        return {
            "episodes": n,
            "sim_seconds": sim,
            "wall_seconds": wall_seconds,
            "jobs": jobs,
            "collisions": collisions,
            "collisions_per_minute": collisions / (sim / 60.0) if sim else 0.0,
            "collisions_per_metre": collisions / (distance / 100.0 or 1.0),
            "contact_fraction": contact / sim if sim else 0.0,
            "collision_free_fraction": free / n if n else 0.0,
            "mean_distance_cm": distance / n if n else 0.0,
            "mean_coverage": coverage / n if n else 0.0,
            "stuck_fraction": stuck / sim if sim else 0.0,
            "mean_contact_s": contact / n if n else 0.0,
            "cores": cores,
            "speed_x_real_time_per_core": sim / wall_seconds / cores if wall_seconds > 0 else 0.0,
        }
