"""Small seeded data sets for the brain tests (the tutorials' own examples; nothing is downloaded)."""
import numpy as np

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=float)


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: points (n, 2) and 0/1 labels (n, 1)."""
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1 - np.cos(t_inner), 1 - np.sin(t_inner) - 0.5])
    points = np.vstack([outer, inner]) + rng.normal(0.0, noise, (n, 2))
    labels = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])[:, None]
    return points, labels


def make_stripes(n: int = 200, side: int = 12, noise: float = 0.35, seed: int = 0):
    """Image-like binary data: side x side grey images holding one bright bar, vertical
    (label 1) or horizontal (label 0), at a random place, under Gaussian noise.
    Returns flattened images (n, side*side) in about [0, 1] and labels (n, 1)."""
    rng = np.random.default_rng(seed)
    images = rng.normal(0.0, noise, (n, side, side))
    labels = rng.integers(0, 2, n)
    for i, label in enumerate(labels):
        at, start = rng.integers(0, side), rng.integers(0, side // 2)
        length = side // 2
        if label:
            images[i, start:start + length, at] += 1.0
        else:
            images[i, at, start:start + length] += 1.0
    return images.reshape(n, side * side), labels[:, None].astype(float)
