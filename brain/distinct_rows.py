"""A table's distinct rows, each with how often it occurs: what training weighs its
rows by when a table repeats rows (teach mode records the controller's few thousand
inputs many times over)."""
import numpy as np

from brain.decoders import decode, decode_all


class DistinctRows:
    """A table's rows without repeats, each with how often it occurs (``counts``, None
    when every row is distinct) and its decoded targets (None without decoders).
    Tables recorded in teach mode repeat the controller's few thousand inputs many times."""

    def __init__(self, x, y, decoded, counts):
        self.x, self.y, self.decoded, self.counts = x, y, decoded, counts
        self._weights = None if counts is None else counts[:, None].astype(float)

    @classmethod
    def of(cls, x, y, decoders) -> "DistinctRows":
        _, first, counts = np.unique(np.hstack([x, y]), axis=0, return_index=True, return_counts=True)
        order = np.argsort(first)                 # keep the table's order
        first, counts = first[order], counts[order]
        if len(first) == len(x):
            first, counts = np.arange(len(x)), None
        return cls(x[first], y[first], decode_all(decoders, y[first]) if decoders else None, counts)

    @classmethod
    def in_steps(cls, x, y, decoders, rows_per_step: int = 1000):
        """``of``'s answer, worked out ``rows_per_step`` rows at a time: a generator that
        pauses between steps and returns the DistinctRows (for a window's time slices)."""
        rows = np.ascontiguousarray(np.hstack([x, y]) + 0.0)        # + 0.0: -0.0 is 0.0, as np.unique has it
        keys = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
        first_of: dict = {}                  # a row's bytes -> the index of its first occurrence
        where: list = []                     # each row's first occurrence
        for start in range(0, len(keys), rows_per_step):
            where += [first_of.setdefault(key, i) for i, key in enumerate(keys[start:start + rows_per_step].tolist(),
                                                                          start)]
            yield
        first = np.fromiter(first_of.values(), dtype=np.intp, count=len(first_of))
        counts = np.bincount(where, minlength=len(x))[first] if len(first) < len(x) else None
        yield
        return cls(x[first], y[first], decode_all(decoders, y[first]) if decoders else None, counts)

    def counts_column(self, block: slice):
        """The block's counts as a column to weigh its rows' losses by (None: each once)."""
        return None if self.counts is None else self._weights[block]

    def right(self, decoders, outputs, block: slice) -> int:
        """How many of the table's rows in ``block`` the outputs decode right."""
        if self.decoded is None:
            return 0
        ok = np.ones(len(outputs), dtype=bool)
        for j, name in enumerate(decoders):
            ok &= decode(name, outputs[:, j]) == self.decoded[block, j]
        return int(ok.sum() if self.counts is None else self.counts[block][ok].sum())
