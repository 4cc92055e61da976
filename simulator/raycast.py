"""Rays cast analytically in numpy against segments and circles, for many cars at once.

``tests/test_sim_sensor.py`` checks the hits against pymunk's own
``segment_query_first`` on the same shapes.
"""
import numpy as np

ZERO, ONE, INF = np.array(0.0), np.array(1.0), np.array(np.inf)     # 0-d: cheaper than Python floats in ufuncs


def cast(origins, angles, edges, circles, max_range):
    """Distance to the first hit and the cosine of the incidence angle, per ray.

    origins (n, 2), angles (n, R) radians, edges (n, E, 4), circles (n, C, 3).
    Returns (n, R) distances (np.inf for no hit within max_range) and cosines."""
    t, cos = hit_all(origins, angles, edges, circles)
    t = np.where(np.isfinite(t) & (t >= 0) & (t <= max_range), t, np.inf)
    first = np.argmin(t, axis=-1)
    dist = np.take_along_axis(t, first[..., None], -1)[..., 0]
    incidence = np.take_along_axis(cos, first[..., None], -1)[..., 0]
    return dist, incidence


def hit_all(origins, angles, edges, circles):
    """(n, R, E + C) ray parameters of every hit (inf or NaN: none; negative: behind)
    and the cosines of the incidence there, segments first."""
    dx, dy = np.cos(angles), np.sin(angles)                     # (n, R)
    ox, oy = origins[:, 0, None, None], origins[:, 1, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        t_seg, cos_seg = _hit_segments(ox, oy, dx[..., None], dy[..., None], edges[:, None])
        t_cir, cos_cir = _hit_circles(ox, oy, dx[..., None], dy[..., None], circles[:, None])
    return np.concatenate([t_seg, t_cir], axis=-1), np.concatenate([cos_seg, cos_cir], axis=-1)


def hit_each(origins, dx, dy, edges=None, circles=None):
    """(n, K) ray parameter of ray k against solid k alone (inf: none): origins (n, 2),
    directions dx, dy (n, K), and either segments (n, K, 4) or circles (n, K, 3)."""
    ox, oy = origins[:, 0, None], origins[:, 1, None]
    t = _hit_segments(ox, oy, dx, dy, edges)[0] if circles is None else _hit_circles(ox, oy, dx, dy, circles)[0]
    return np.where(t >= 0, t, np.inf)


def _hit_segments(ox, oy, dx, dy, e):
    ax, ay, bx, by = e[..., 0], e[..., 1], e[..., 2], e[..., 3]
    ex, ey = bx - ax, by - ay
    denom = dx * ey - dy * ex
    px, py = ax - ox, ay - oy
    t = (px * ey - py * ex) / denom
    u = (px * dy - py * dx) / denom
    t = np.where((u >= 0) & (u <= 1) & (denom != 0), t, np.inf)
    cos = np.abs(denom) / np.hypot(ex, ey)
    return t, cos


def _hit_circles(ox, oy, dx, dy, c):
    cx, cy, r = c[..., 0], c[..., 1], c[..., 2]
    px, py = ox - cx, oy - cy
    b = px * dx + py * dy
    disc = b * b - (px * px + py * py - r * r)
    root = np.sqrt(disc)
    t = -b - root
    t = np.where(disc >= 0, np.where(t >= 0, t, np.where(-b + root >= 0, 0.0, np.inf)), np.inf)
    hx, hy = px + t * dx, py + t * dy
    cos = np.abs(hx * dx + hy * dy) / r
    return t, cos



def slot_hits(px, py, ex, ey, rr, dx, dy):
    """Rays against solids, one of each per element (same-shape arrays): starts (a
    segment's first point, a circle's centre) px, py relative to the rays' origins,
    edge vectors ex, ey (0 for a circle), squared radii rr (NaN for a segment) and
    directions dx, dy. Returns the ray parameter (inf: no hit; never negative), and
    for the cosine of the incidence, the segments' denominator and the circles' t."""
    denom = dx * ey - dy * ex
    t = (px * ey - py * ex) / denom
    u = (px * dy - py * dx) / denom
    t_seg = np.where((u >= ZERO) & (u <= ONE) & (t >= ZERO), t, INF)   # u is never in [0, 1] where denom == 0
    nb = px * dx + py * dy                                  # -b, with the centre relative to the origin
    root = np.sqrt(nb * nb - (px * px + py * py - rr))
    t = nb - root
    t = np.where(t >= ZERO, t, np.where(nb + root >= ZERO, ZERO, INF))    # NaN root: no hit
    return np.minimum(t_seg, t), denom, t
