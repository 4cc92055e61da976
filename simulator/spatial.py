"""Which grid cells and which solids are near what, so big worlds cost what is near.

A world of thousands of obstacles must not cost cells x solids at start-up, nor all of
its solids at every tick. These helpers find the few pairs worth measuring; the
measuring itself is the same arithmetic as ``World.clearance`` (``segment_distance``),
so a result built from them is the one the brute force gives, bit for bit.

- ``cells_near``: (solid, cell) pairs of a ``cell_cm`` grid whose centres may lie within
  ``reach`` of a solid, from bounding squares of pieces at most ``PIECE_CM`` a side
  (``box_pieces``, ``circle_tiles``): a long diagonal wall reaches a band of cells,
  not its whole bounding square.
- ``near``: the indices of the segments and circles within a distance of a point.
"""
import numpy as np

PIECE_CM = 100.0          # a piece's bounding square is at most 1.42 x this a side
SLACK_CM = 0.01           # far above any rounding at 100 m, far below any size that matters
PAIRS_PER_PASS = 1 << 18  # cell-solid pairs handed out at once


def segment_distance(px, py, ax, ay, bx, by) -> np.ndarray:
    """Distances from points (px, py) to segments from (ax, ay) to (bx, by), element by
    element: the arithmetic of ``simulator.world.clearance``, written out per coordinate."""
    abx, aby = bx - ax, by - ay
    t = np.clip(((px - ax) * abx + (py - ay) * aby) / np.maximum(abx * abx + aby * aby, 1e-12), 0, 1)
    dx, dy = px - (ax + t * abx), py - (ay + t * aby)
    return np.sqrt(dx * dx + dy * dy)


def near(point, edges, circles, distance: float) -> tuple:
    """Sorted indices of the segments (E, 4) and circles (C, 3) that come within
    ``distance`` of point (2,) (a little more, never less)."""
    x, y = (float(v) for v in point)
    d_edges = segment_distance(x, y, *edges.T)
    d_circles = np.hypot(circles[:, 0] - x, circles[:, 1] - y) - circles[:, 2]
    limit = distance + SLACK_CM
    return np.flatnonzero(d_edges <= limit), np.flatnonzero(d_circles <= limit)


def box_pieces(boxes) -> tuple:
    """Bounding squares (P, 4) x0, y0, x1, y1 of the boxes cut along their own sides
    into pieces at most PIECE_CM long, and the box (P,) each piece belongs to."""
    p = np.array([(b.x_cm, b.y_cm, b.width_cm, b.height_cm, b.angle_deg) for b in boxes], dtype=float)
    x, y, w, h, angle = p.reshape(-1, 5).T
    nu = np.maximum(1, np.ceil(w / PIECE_CM)).astype(int)
    nv = np.maximum(1, np.ceil(h / PIECE_CM)).astype(int)
    owner, k = _expand(nu * nv)
    ju, jv = k % nu[owner], k // nu[owner]
    u = (np.stack([ju, ju + 1, ju, ju + 1]) / nu[owner] - 0.5) * w[owner]      # (4, P) piece corners
    v = (np.stack([jv, jv, jv + 1, jv + 1]) / nv[owner] - 0.5) * h[owner]
    a = np.radians(angle[owner])
    c, s = np.cos(a), np.sin(a)
    px, py = x[owner] + u * c - v * s, y[owner] + u * s + v * c
    return np.column_stack([px.min(0), py.min(0), px.max(0), py.max(0)]), owner


def circle_tiles(circles) -> tuple:
    """The circles' (C, 3) bounding squares cut into tiles at most PIECE_CM a side
    (P, 4), and the circle (P,) each tile belongs to."""
    x, y, r = np.asarray(circles, dtype=float).reshape(-1, 3).T
    n = np.maximum(1, np.ceil(2 * r / PIECE_CM)).astype(int)
    owner, k = _expand(n * n)
    step = 2 * r[owner] / n[owner]
    x0, y0 = x[owner] - r[owner] + (k % n[owner]) * step, y[owner] - r[owner] + (k // n[owner]) * step
    return np.column_stack([x0, y0, x0 + step, y0 + step]), owner


def cells_near(squares, owner, reach: float, cell_cm: float, cols: int, rows: int):
    """Yield (solid (K,), flat cell index (K,), cell centres (x (K,), y (K,))) for every cell of a
    cols x rows grid of cell_cm cells (the first centred at cell_cm / 2) whose centre lies
    within ``reach`` (plus SLACK_CM) of a square, PAIRS_PER_PASS pairs or so at a time."""
    reach = reach + SLACK_CM
    c0 = np.clip(np.ceil((squares[:, 0] - reach) / cell_cm - 0.5), 0, cols).astype(int)
    c1 = np.clip(np.floor((squares[:, 2] + reach) / cell_cm - 0.5), -1, cols - 1).astype(int)
    r0 = np.clip(np.ceil((squares[:, 1] - reach) / cell_cm - 0.5), 0, rows).astype(int)
    r1 = np.clip(np.floor((squares[:, 3] + reach) / cell_cm - 0.5), -1, rows - 1).astype(int)
    nc, nr = np.maximum(c1 - c0 + 1, 0), np.maximum(r1 - r0 + 1, 0)
    count = nc * nr
    ends = np.cumsum(count)
    start = 0
    while start < len(count):
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - count[start] + PAIRS_PER_PASS, "right")))
        part, k = _expand(count[start:stop])
        part += start
        col, row = c0[part] + k % nc[part], r0[part] + k // nc[part]
        yield owner[part], row * cols + col, ((col + 0.5) * cell_cm, (row + 0.5) * cell_cm)
        start = stop


def _expand(counts) -> tuple:
    """For counts (n,): the item (sum,) each of its count slots belongs to, and the
    slot's number within its item."""
    counts = np.asarray(counts, dtype=int)
    item = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return item, np.arange(len(item)) - first[item]


def inside(px, py, boxes_xywha) -> np.ndarray:
    """(K,) whether points (px, py) lie inside their boxes (K, 5) x, y, width, height, angle_deg.
    A point within a rounding of the outline may go either way: ask only where that
    cannot matter (``free_cells`` also blocks every centre near the outline)."""
    x, y, w, h, angle = boxes_xywha.T
    a = np.radians(angle)
    c, s = np.cos(a), np.sin(a)
    dx, dy = px - x, py - y
    return (np.abs(dx * c + dy * s) <= w / 2) & (np.abs(dy * c - dx * s) <= h / 2)
