"""The measured HC-SR04 echo: which surfaces answer, from published measurements.

Two effects, kept apart (``[measured.echo]`` in the robot profile, read into
``simulator.measured.EchoModel``):

- the beam: a surface is heard only within ``beam_half_deg(d)`` of the beam's axis
  (a target turned to face the sensor); scaled per car by ``beam_scale``;
- the incidence: a flat surface echoes only when a ray meets it within
  ``flat_incidence_deg(d)`` of its normal; scaled per car by ``incidence_scale``.

Curved surfaces (cylinders) and small solids (those whose own reach, below, falls
short of the sensor's range) scatter: no incidence limit, and nearer
than ``curved_within_cm`` they are heard up to ``curved_half_deg`` off the axis. A
solid echoes only within its own reach: ``small_range_cm_per_cm`` x its largest size
(a pen at about 40 cm), ``soft_range_cm`` for a soft surface, never beyond
``max_range_cm``.

Each ray's first hit decides (a surface that does not echo still blocks what lies
behind it, except a small solid beyond its own reach: too thin to cast much of a
shadow), and the echo is the nearest ray that echoes. The rays are a fan of
``cone_rays`` across the widest cone, for what partly hides behind something else,
plus one ray per solid aimed at its best point: the nearest point of a segment (the
least incidence and the shortest path), or a circle's centre, turned towards the axis
as far as the beam asks. Those aimed rays make the limits exact rather than as coarse
as the fan. Solids facing away, beyond the sensor's range or wholly outside the widest
cone are dropped first, so a reading costs what is in front of the car. Nearer than
``curved_within_cm`` a scattering solid's cone is the wider of the beam and
``curved_half_deg``; everywhere else the beam alone.
"""
from dataclasses import dataclass

import numpy as np

from simulator.raycast import ONE, ZERO, slot_hits

INSIDE_SEGMENT = np.array(1e-6)      # aimed rays stay this fraction inside a segment's ends ...
INSIDE_CONE = np.array(1e-4)         # ... and this far (radians) inside the cone's edge
LAST_INSIDE = ONE - INSIDE_SEGMENT
# The rows of ``EchoModel.solids``, one field each, every solid (segments, then circles):
# its two points (a circle's centre twice), its edge vector's squared length negated
# and its length (-1 and 1 for a circle), what its distance is measured less (0 or the
# radius, also its margin outside the widest cone, twice, then twice negated), how far
# it may hide (squared for a segment); then what a ray's first hit needs: its edge
# vector (0 for a circle), radius squared, the edge's hypot (NaN for a circle), radius
# (NaN for a segment), reach and whether it scatters (1.0).
X1, X2, Y1, Y2, NEE, LENGTH, RSUB, M1, M2, NM1, NM2, LIMIT, EX, EY, RR, HYPOT, R, REACH, SCATTER = range(19)
HIT_FIELDS = slice(EX, SCATTER + 1)


@dataclass(frozen=True)
class Rays:
    """One reading's rays, per car (m, R): directions (radians), off-axis angles
    (radians, >= 0), first-hit distances (inf: none) and whether each echoes."""
    angles: np.ndarray
    dist: np.ndarray
    echoes: np.ndarray

    def echo(self) -> np.ndarray:
        """(m,) the nearest echo per car (inf: none)."""
        return np.where(self.echoes, self.dist, np.inf).min(axis=1, initial=np.inf)


class EchoModel:
    """The measured echo for one profile: ``rays`` for the cars asked about."""

    def __init__(self, model, max_range_cm: float):
        self.m, self.max_range = model, max_range_cm
        self.widest = np.radians(max(model.curved_half_deg, max(model.beam_half_deg.y)))
        self.fan = np.linspace(-1.0, 1.0, model.cone_rays)
        self._fan_offsets = self.fan * self.widest
        self._cw, self._sw = np.array(np.cos(self.widest)), np.array(np.sin(self.widest))
        self._beam = (np.array(model.beam_half_deg.x_cm, dtype=float), np.radians(model.beam_half_deg.y))
        self._flat = (np.array(model.flat_incidence_deg.x_cm, dtype=float), np.radians(model.flat_incidence_deg.y))
        self._curved = np.array(np.radians(model.curved_half_deg))
        self._within = np.array(float(model.curved_within_cm))
        self._solids = (None, None)     # (geometry version, (fields (19, n, E + C), E))

    def solids(self, geometry):
        """The geometry's solids as rows of fields (``X1`` ... ``SCATTER``), (19, n, E + C),
        and E, the number of segment columns; kept until the geometry changes."""
        version, solids = self._solids
        if version != geometry.version:
            solids = (self._fields(geometry), geometry.edges.shape[1])
            self._solids = (geometry.version, solids)
        return solids

    def _fields(self, geometry):
        e, c = geometry.edges.transpose(2, 0, 1), geometry.circles.transpose(2, 0, 1)
        size, soft = geometry.edge_traits[..., 0], geometry.edge_traits[..., 1]
        small = (self.m.small_range_cm_per_cm * size < self.max_range) * 1.0
        reach = self._reach(size, soft)
        ex, ey = e[2] - e[0], e[3] - e[1]
        nan, zero = np.full(ex.shape, np.nan), np.zeros(ex.shape)
        segments = [e[0], e[2], e[1], e[3], -(ex * ex + ey * ey), np.sqrt(ex * ex + ey * ey), zero, zero, zero, zero,
                    zero, _hiding(reach, small, self.max_range) ** 2, ex, ey, nan, np.hypot(ex, ey), nan, reach, small]
        r = c[2]
        nan, zero, one = np.full(r.shape, np.nan), np.zeros(r.shape), np.ones(r.shape)
        reach = self._reach(geometry.circle_traits[..., 0], geometry.circle_traits[..., 1])
        hiding = _hiding(reach, r * 2 * self.m.small_range_cm_per_cm < self.max_range, self.max_range)
        circles = [c[0], c[0], c[1], c[1], -one, one, r, r, r, -r, -r, hiding, zero, zero, r * r, nan, r, reach, one]
        return np.ascontiguousarray(np.concatenate([np.stack(segments), np.stack(circles)], axis=2))

    def _reach(self, size, soft):
        reach = np.minimum(self.max_range, self.m.small_range_cm_per_cm * size)
        return np.where(soft > 0, np.minimum(reach, self.m.soft_range_cm), reach)

    def cone(self, d, scatter, beam_scale):
        """Half-angle (radians) within which a surface at d cm is heard off the axis."""
        beam = np.interp(d, *self._beam) * beam_scale
        return np.maximum(beam, self._curved, out=beam, where=scatter & (d < self._within))

    def flat_ok(self, cos, d, incidence_scale):
        """Whether a flat surface met at d cm with this cosine of incidence echoes."""
        return cos >= np.cos(np.interp(d, *self._flat) * incidence_scale)

    def rays(self, origins, axes, solids, idx, beam_scale, incidence_scale) -> Rays:
        """The rays of one reading for m cars: origins (m, 2), axes (m,) radians,
        ``solids`` and the cars' rows in it idx (m,), per-car scales (m,)."""
        bs, inc = beam_scale[:, None], incidence_scale[:, None]
        fields, n_edges = solids
        f = _Frame(origins, axes)
        with np.errstate(invalid="ignore", divide="ignore"):
            s, padded = self._kept(f, fields[:, idx], n_edges)
            aim, ok = self._aims(f, s, padded, bs, inc)
            pick = _compact(ok)
            aimed = np.where(ok[f.rows, pick], aim[f.rows, pick], np.pi)
            offsets = np.empty((len(axes), len(self.fan) + aimed.shape[1]))
            offsets[:, :len(self.fan)] = self._fan_offsets
            offsets[:, len(self.fan):] = aimed
            angles = f.axes + offsets
            dist, cos, reach, scatter = _first_hits(f, angles, s)
            scatter = scatter > ZERO
            echoes = ((dist <= reach) & (np.abs(offsets) <= self.cone(dist, scatter, bs)) &
                      (scatter | self.flat_ok(cos, dist, inc)))
        return Rays(angles, dist, echoes)

    def _kept(self, f, s, n_edges):
        """The solids that may be heard or hide another, each row's first (19, m, K), NaN
        where a row keeps fewer; and whether keeping segments and circles apart would
        have padded either (a NaN aim, which turns the aimed rays), as a function."""
        keep = self._in_front(f, s)
        pick = _compact(keep)
        kept = np.where(keep[f.rows, pick], s[:, f.rows, pick], np.nan)

        def padded():
            edges, circles = keep[:, :n_edges].sum(axis=1), keep[:, n_edges:].sum(axis=1)
            return not (edges.min() == edges.max() > 0 and circles.min() == circles.max() > 0)
        return kept, padded

    def _in_front(self, f, s):
        """(m, E + C) which solids may be heard or hide another: segments facing the
        sensor, within the sensor's range (a small solid, within its own reach: beyond
        it, too thin to hide much), not wholly outside the widest cone (two half-planes:
        a few more kept, never fewer)."""
        rel = s[X1:Y2 + 1] - f.o4                                  # x1, x2, y1, y2 (4, m, E + C)
        x, y = rel[:2], rel[2:]
        turned = rel * f.u                                         # (2, 4, m, E + C): times ux, uy
        a = (turned[0, 2:] - turned[1, :2]) * self._cw            # v cos(widest), v = y ux - x uy
        b = (turned[0, :2] + turned[1, 2:]) * self._sw            # u sin(widest), u = x ux + y uy
        left, right = a - b > s[M1:M2 + 1], a + b < s[NM1:NM2 + 1]
        outside = (left[0] & left[1]) | (right[0] & right[1])
        rx, ry, ex, ey = x[0], y[0], s[EX], s[EY]       # each kind's test, false for the other kind
        t = np.minimum(np.maximum((rx * ex + ry * ey) / s[NEE], ZERO), ONE)
        px, py = rx + t * ex, ry + t * ey
        keep = (ex * ry - ey * rx > ZERO) & (px * px + py * py <= s[LIMIT])     # outlines run counter-clockwise
        keep |= np.sqrt(rx * rx + ry * ry) - s[R] <= s[LIMIT]
        keep &= ~outside
        return keep

    def _aims(self, f, s, padded, bs, inc):
        """Each kept solid's aimed ray (off the axis, radians) and whether it echoes when
        nothing is in its way. A segment's best point is its nearest (the least incidence
        and the shortest path), a circle's its centre."""
        rx, ry, ex, ey = s[X1] - f.ox, s[Y1] - f.oy, s[EX], s[EY]
        t = np.minimum(np.maximum((rx * ex + ry * ey) / s[NEE], INSIDE_SEGMENT), LAST_INSIDE)
        px, py = rx + t * ex, ry + t * ey
        d = np.sqrt(px * px + py * py) - s[RSUB]
        scatter = s[SCATTER] > ZERO
        aim, d, (dx, dy) = self._aim(f, s, (rx, ry, px, py), d, scatter, padded, bs)
        cos = np.abs(dx * ey - dy * ex) / s[LENGTH]
        return aim, (d <= s[REACH]) & (scatter | self.flat_ok(cos, d, inc))

    def _aim(self, f, s, points, d, scatter, padded, bs):
        """A solid's aimed ray off the axis (radians), its length to the solid (inf: it
        misses) and its direction (dx, dy): towards its best point (px, py) relative to
        the origin, d cm away, turned to the cone's edge if that lies outside; the
        cone's width is taken again at the distance along the turned ray, where the
        reading will judge it."""
        rx, ry, px, py = points
        off = np.arctan2(py * f.ux - px * f.uy, px * f.ux + py * f.uy)
        width = self.cone(d, scatter, bs) - INSIDE_CONE
        aim = np.minimum(np.maximum(off, -width), width)
        turned = aim != off
        if not (turned.any() or padded()):
            return aim, d, (px / d, py / d)
        a = f.axes + aim
        dx, dy = np.cos(a), np.sin(a)
        d = np.where(turned, slot_hits(rx, ry, s[EX], s[EY], s[RR], dx, dy)[0], d)
        width = self.cone(np.where(np.isfinite(d), d, ZERO), scatter, bs) - INSIDE_CONE
        return np.minimum(np.maximum(off, -width), width), d, (dx, dy)


def _hiding(reach, small, max_range):
    """How far a solid may be and still be heard or hide what lies behind it."""
    return np.where(small > 0, reach, max_range)


def _first_hits(f, angles, s):
    """Each ray's first hit among the kept solids s: distance (inf: none), cosine of the
    incidence there, and that solid's reach and whether it scatters, each (m, R)."""
    m, n, k = angles.shape + s.shape[2:]
    slots = np.empty((SCATTER - EX + 3, m, 1, k))
    slots[:-2, :, 0] = s[HIT_FIELDS]
    np.subtract(s[X1], f.ox, out=slots[-2, :, 0])
    np.subtract(s[Y1], f.oy, out=slots[-1, :, 0])
    ex, ey, rr, hyp, r, reach, scatter, px, py = np.repeat(slots, n, axis=2)
    rays = np.empty((2, m, n, 1))
    np.cos(angles, out=rays[0, ..., 0])
    np.sin(angles, out=rays[1, ..., 0])
    dx, dy = np.repeat(rays, k, axis=3)
    hits, denom, t = slot_hits(px, py, ex, ey, rr, dx, dy)
    cos = np.fmax(np.abs(denom) / hyp, np.abs((t * dx - px) * dx + (t * dy - py) * dy) / r)   # the one not NaN
    first = np.argmin(hits, axis=-1)
    flat = first + np.arange(0, m * n * k, k).reshape(m, n)
    return hits.reshape(-1)[flat], cos.reshape(-1)[flat], reach.reshape(-1)[flat], scatter.reshape(-1)[flat]


class _Frame:
    """The cars' sensor origins and beam axes, in the shapes the sums use."""

    def __init__(self, origins, axes):
        self.ox, self.oy = origins[:, 0, None], origins[:, 1, None]
        self.o4 = origins.T[[0, 0, 1, 1], :, None]
        self.axes = axes[:, None]
        self.u = np.empty((2, 1, len(axes), 1))                 # ux, uy
        self.ux, self.uy = np.cos(self.axes, out=self.u[0, 0]), np.sin(self.axes, out=self.u[1, 0])
        self.rows = np.arange(len(axes))[:, None]


def _compact(keep) -> np.ndarray:
    """(m, K) indices of each row's kept items first, K the most any row keeps (>= 1)."""
    k = max(1, int(keep.sum(axis=1).max(initial=0)))
    return np.argsort(~keep, axis=1, kind="stable")[:, :k]
