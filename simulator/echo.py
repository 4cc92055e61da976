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

from simulator.raycast import hit_all, hit_each

INSIDE_SEGMENT = 1e-6      # aimed rays stay this fraction inside a segment's ends ...
INSIDE_CONE = 1e-4         # ... and this far (radians) inside the cone's edge


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
        self._beam = (np.array(model.beam_half_deg.x_cm), np.radians(model.beam_half_deg.y))
        self._flat = (np.array(model.flat_incidence_deg.x_cm), np.radians(model.flat_incidence_deg.y))
        self._curved = np.radians(model.curved_half_deg)
        self._solids = (None, None)     # (geometry version, (segments (6, n, E), circles (5, n, C)))

    def solids(self, geometry):
        """The geometry's segments x1, y1, x2, y2 and circles x, y, r, each followed by
        its reach (cm) and whether it scatters (1.0: curved or small), one field per
        row so that each is contiguous; kept until the geometry changes."""
        version, solids = self._solids
        if version != geometry.version:
            size, soft = geometry.edge_traits[..., 0], geometry.edge_traits[..., 1]
            small = self.m.small_range_cm_per_cm * size < self.max_range
            edges = np.concatenate([geometry.edges.transpose(2, 0, 1), [self._reach(size, soft), small * 1.0]])
            size, soft = geometry.circle_traits[..., 0], geometry.circle_traits[..., 1]
            circles = np.concatenate([geometry.circles.transpose(2, 0, 1), [self._reach(size, soft), np.ones(size.shape)]])
            solids = (np.ascontiguousarray(edges), np.ascontiguousarray(circles))
            self._solids = (geometry.version, solids)
        return solids

    def _reach(self, size, soft):
        reach = np.minimum(self.max_range, self.m.small_range_cm_per_cm * size)
        return np.where(soft > 0, np.minimum(reach, self.m.soft_range_cm), reach)

    def cone(self, d, scatter, beam_scale):
        """Half-angle (radians) within which a surface at d cm is heard off the axis."""
        beam = np.interp(d, *self._beam) * beam_scale
        return np.where(scatter & (d < self.m.curved_within_cm), np.maximum(beam, self._curved), beam)

    def flat_ok(self, cos, d, incidence_scale):
        """Whether a flat surface met at d cm with this cosine of incidence echoes."""
        return cos >= np.cos(np.interp(d, *self._flat) * incidence_scale)

    def rays(self, origins, axes, edges, circles, beam_scale, incidence_scale) -> Rays:
        """The rays of one reading for m cars: origins (m, 2), axes (m,) radians, their
        columns of ``solids`` (6, m, E), (5, m, C), per-car scales (m,)."""
        bs, inc = beam_scale[:, None], incidence_scale[:, None]
        frame = _Frame(origins, axes)
        with np.errstate(invalid="ignore", divide="ignore"):
            edges = _kept(edges, self._segments_in_front(frame, edges), frame.rows)
            circles = _kept(circles, self._circles_in_front(frame, circles), frame.rows)
            aim, ok = self._aims(frame, edges, circles, bs, inc)
            pick = _compact(ok)
            aimed = np.where(ok[frame.rows, pick], aim[frame.rows, pick], np.pi)
            offsets = np.concatenate([np.broadcast_to(self.fan * self.widest, (len(axes), len(self.fan))), aimed], 1)
            angles = axes[:, None] + offsets
            t, cos = hit_all(origins, angles, edges[:4].transpose(1, 2, 0), circles[:3].transpose(1, 2, 0))
            t = np.where(t >= 0, t, np.inf)
            first = np.argmin(t, axis=-1)                                            # (m, R)
            rays = frame.rows, np.arange(t.shape[1]), first
            dist, cos = t[rays], cos[rays]
            reach, scatter = np.concatenate([edges[4:], circles[3:]], axis=2)[:, frame.rows, first]
            scatter = scatter > 0
            echoes = ((dist <= reach) & (np.abs(offsets) <= self.cone(dist, scatter, bs)) &
                      (scatter | self.flat_ok(cos, dist, inc)))
        return Rays(angles, dist, echoes)

    def _segments_in_front(self, f, e):
        """Which segments may be heard or hide another: facing the sensor, within the
        sensor's range (a small solid, within its own reach: beyond it, too thin to
        hide much), not wholly outside the widest cone. Plain arithmetic, before the
        few kept cost more."""
        rx, ry, ex, ey = e[0] - f.ox, e[1] - f.oy, e[2] - e[0], e[3] - e[1]
        facing = ex * ry - ey * rx > 0          # outlines run counter-clockwise
        t = np.clip(-(rx * ex + ry * ey) / (ex * ex + ey * ey), 0.0, 1.0)
        px, py = rx + t * ex, ry + t * ey
        return facing & (px * px + py * py <= self._hiding(e[4], e[5]) ** 2) & self._in_cone(f, [(rx, ry), (e[2] - f.ox, e[3] - f.oy)], 0.0)

    def _circles_in_front(self, f, c):
        rx, ry, r = c[0] - f.ox, c[1] - f.oy, c[2]
        d = np.sqrt(rx * rx + ry * ry) - r
        return (d <= self._hiding(c[3], c[2] * 2 * self.m.small_range_cm_per_cm < self.max_range)) & \
            self._in_cone(f, [(rx, ry)], r)

    def _hiding(self, reach, small):
        """How far a solid may be and still be heard or hide what lies behind it."""
        return np.where(small > 0, reach, self.max_range)

    def _in_cone(self, f, points, margin):
        """False where all the points (relative to the origin) lie more than margin
        beyond one side of the widest cone (two half-planes: a few more kept, never fewer)."""
        cw, sw = np.cos(self.widest), np.sin(self.widest)
        out_left = out_right = True
        for x, y in points:
            u, v = x * f.ux + y * f.uy, y * f.ux - x * f.uy
            out_left = out_left & (v * cw - u * sw > margin)
            out_right = out_right & (-v * cw - u * sw > margin)
        return ~(out_left | out_right)

    def _aims(self, f, e, c, bs, inc):
        """Each kept solid's aimed ray (off the axis, radians), segments then circles,
        and whether it echoes when nothing is in its way. A segment's best point is its
        nearest (the least incidence and the shortest path), a circle's its centre."""
        rx, ry, ex, ey = e[0] - f.ox, e[1] - f.oy, e[2] - e[0], e[3] - e[1]
        t = np.clip(-(rx * ex + ry * ey) / (ex * ex + ey * ey), INSIDE_SEGMENT, 1 - INSIDE_SEGMENT)
        cx, cy = c[0] - f.ox, c[1] - f.oy
        px, py = np.concatenate([rx + t * ex, cx], axis=1), np.concatenate([ry + t * ey, cy], axis=1)
        d = np.sqrt(px * px + py * py) - np.concatenate([np.zeros(ex.shape), c[2]], axis=1)
        scatter = np.concatenate([e[5], c[4]], axis=1) > 0
        k = ex.shape[1]
        segments, circles = e[:4].transpose(1, 2, 0), c[:3].transpose(1, 2, 0)

        def hit(dx, dy):
            return np.concatenate([hit_each(f.origins, dx[:, :k], dy[:, :k], segments, None),
                                   hit_each(f.origins, dx[:, k:], dy[:, k:], None, circles)], axis=1)
        aim, d, (dx, dy) = self._aim(f, px, py, d, scatter, bs, hit)
        cos = np.abs(dx[:, :k] * ey - dy[:, :k] * ex) / np.sqrt(ex * ex + ey * ey)
        flat = np.concatenate([self.flat_ok(cos, d[:, :k], inc), np.ones(cx.shape, dtype=bool)], axis=1)
        return aim, (d <= np.concatenate([e[4], c[3]], axis=1)) & (scatter | flat)

    def _aim(self, f, px, py, d, scatter, bs, hit):
        """A solid's aimed ray off the axis (radians), its length to the solid (inf: it
        misses) and its direction (dx, dy): towards its best point (px, py) relative to
        the origin, d cm away, turned to the cone's edge if that lies outside; the
        cone's width is taken again at the distance along the turned ray, where the
        reading will judge it."""
        off = np.arctan2(py * f.ux - px * f.uy, px * f.ux + py * f.uy)
        width = self.cone(d, scatter, bs) - INSIDE_CONE
        aim = np.clip(off, -width, width)
        dx, dy = px / d, py / d
        turned = aim != off
        if turned.any():
            a = f.axes + aim
            dx, dy = np.cos(a), np.sin(a)
            d = np.where(turned, hit(dx, dy), d)
            width = self.cone(np.where(np.isfinite(d), d, 0.0), scatter, bs) - INSIDE_CONE
            aim = np.clip(off, -width, width)
        return aim, d, (dx, dy)


class _Frame:
    """The cars' sensor origins and beam axes, in the shapes the sums use."""

    def __init__(self, origins, axes):
        self.origins = origins
        self.ox, self.oy = origins[:, 0, None], origins[:, 1, None]
        self.axes = axes[:, None]
        self.ux, self.uy = np.cos(self.axes), np.sin(self.axes)
        self.rows = np.arange(len(axes))[:, None]


def _compact(keep) -> np.ndarray:
    """(m, K) indices of each row's kept items first, K the most any row keeps (>= 1)."""
    k = max(1, int(keep.sum(axis=1).max(initial=0)))
    return np.argsort(~keep, axis=1, kind="stable")[:, :k]


def _kept(solids, keep, rows):
    """The kept solids (w, m, K) of each row first, NaN where a row keeps fewer."""
    pick = _compact(keep)
    return np.where(keep[rows, pick], solids[:, rows, pick], np.nan)
