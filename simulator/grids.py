"""The controller's input grid for any input layout: every input it can encode.

For a 2-input brain it is ``simulator.controller.input_grid``: each whole-cm reading
from 0 to the clamp at each angle the sweep reaches (51 x 35 = 1,785 points on the
shipped robots). Each memory input (``simulator.sweep_memory``) is another whole-cm
reading, so it multiplies the grid by clamp + 1: 91,035 points with one, 4.6 million
with two, 236.7 million with three. Such a grid is walked in chunks (``chunks``), so
memory stays bounded whatever the layout, or sampled (``sample``).

Order: the memory values outermost (the first memory input slowest), then the
2-input grid as ``input_grid`` orders it.
"""
import numpy as np

from simulator.controller import encode_distance, encode_inputs, input_grid, sweep_angles

CHUNK_ROWS = 1 << 18


def size(profile, n_memory: int) -> int:
    """Points on the grid of a brain with ``n_memory`` memory inputs."""
    values = profile.control.distance_clamp_cm + 1
    return values ** (1 + n_memory) * len(sweep_angles(profile.servo))


def chunks(profile, n_memory: int, rows: int = CHUNK_ROWS):
    """The whole grid's encoded inputs, (rows, 2 + n_memory) at a time (at least one
    2-input grid a chunk): every memory value combination times the 2-input grid."""
    clamp = profile.control.distance_clamp_cm
    _, _, base = input_grid(profile)
    combos = (clamp + 1) ** n_memory
    per_chunk = max(1, rows // len(base))
    powers = (clamp + 1) ** np.arange(n_memory - 1, -1, -1)
    for start in range(0, combos, per_chunk):
        index = np.arange(start, min(start + per_chunk, combos))
        memory = encode_distance((index[:, None] // powers) % (clamp + 1), clamp)
        yield np.hstack([np.tile(base, (len(index), 1)), np.repeat(memory, len(base), axis=0)])


def sample(profile, n_memory: int, count: int, seed: int = 0):
    """``count`` grid points drawn uniformly (seeded, with replacement): (whole-cm
    values (count, 1 + n_memory): the reading, then each memory input; servo angles
    (count,); encoded inputs (count, 2 + n_memory))."""
    rng = np.random.default_rng(seed)
    angles = np.asarray(sweep_angles(profile.servo))
    clamp = profile.control.distance_clamp_cm
    cm = rng.integers(0, clamp + 1, (count, 1 + n_memory))
    deg = angles[rng.integers(0, len(angles), count)]
    return cm, deg, encode_inputs(cm[:, 0], deg, profile, cm[:, 1:])
