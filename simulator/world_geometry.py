"""A world's geometry as arrays: boxes' corners, and each point's clearance (its distance
to the nearest solid, 0 inside one), worked out in passes of bounded size so that no
temporary array grows with the world."""
import math

import numpy as np


def box_corners(boxes) -> np.ndarray:
    """(B, 4, 2) corners of boxes, counter-clockwise: ``Box.corners()`` for all at once.
    The rotation is the same matrix product per box, so the numbers are the same."""
    params = np.array([(b.x_cm, b.y_cm, b.width_cm / 2, b.height_cm / 2,
                        math.cos(math.radians(b.angle_deg)), math.sin(math.radians(b.angle_deg)))
                       for b in boxes], dtype=float).reshape(-1, 6)
    x, y, hw, hh, c, s = params.T
    local = np.stack([np.stack(p, axis=-1) for p in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh))], axis=1)
    turn = np.stack([np.stack((c, s), axis=-1), np.stack((-s, c), axis=-1)], axis=1)
    return local @ turn + np.stack((x, y), axis=-1)[:, None, :]


CLEARANCE_PAIRS = 1 << 20   # point-solid pairs per pass, so no temporary grows with the world


def clearance(points, edges, circles, boxes=()) -> np.ndarray:
    """Distance from points (P, 2) to the nearest segment or circle surface, 0 inside a box.
    Works through the points and the solids in slices of at most CLEARANCE_PAIRS pairs."""
    best = np.full(len(points), np.inf)
    rows = max(1, CLEARANCE_PAIRS // max(len(edges), len(circles), len(boxes), 1))
    cols = max(1, CLEARANCE_PAIRS // max(len(points), 1))
    for k in range(0, len(points), rows):
        p = points[k:k + rows]
        part = best[k:k + rows]
        for j in range(0, len(edges), cols):
            part[:] = np.minimum(part, _segment_distance(p, edges[j:j + cols]).min(axis=1))
        for j in range(0, len(circles), cols):
            c = circles[j:j + cols]
            part[:] = np.minimum(part,
                                 (np.linalg.norm(p[:, None] - c[None, :, :2], axis=-1) - c[None, :, 2]).min(axis=1))
        for j in range(0, len(boxes), cols):
            part[inside_boxes(p, boxes[j:j + cols]).any(axis=1)] = 0.0
    return best


def _segment_distance(points, edges) -> np.ndarray:
    """(P, E) distances from points to segments."""
    a, b = edges[None, :, :2], edges[None, :, 2:]
    ab = b - a
    t = np.clip(((points[:, None] - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-12), 0, 1)
    nearest = a + t[..., None] * ab
    return np.linalg.norm(points[:, None] - nearest, axis=-1)


def inside_boxes(points, boxes) -> np.ndarray:
    """(P, B) whether each point lies inside (or on) each box."""
    params = np.array([(b.x_cm, b.y_cm, b.width_cm / 2, b.height_cm / 2, math.radians(b.angle_deg))
                       for b in boxes], dtype=float).reshape(-1, 5)
    x, y, hw, hh, a = params.T
    c, s = np.cos(a), np.sin(a)
    dx, dy = points[:, None, 0] - x, points[:, None, 1] - y
    return (np.abs(dx * c + dy * s) <= hw) & (np.abs(dy * c - dx * s) <= hh)


# -- files ---------------------------------------------------------------------------
