"""How well a brain drives, as one number for the search to maximise (``neurocar evolve``).

From the rows of all of one brain's episodes::

    fitness = coverage_% - 3 x collisions_per_minute - 20 x contact_fraction - 5 x stuck_fraction

- coverage_%: the mean share of each world's free floor the car's centre visited, in %;
- collisions_per_minute: every new contact, over all the episodes' minutes;
- contact_fraction: the share of the time spent touching something;
- stuck_fraction: the share of the time with the motors on and no progress.

A collision a minute costs as much as 3 % of the floor: the search is pushed to avoid
collisions before it drives further. A brain that only turns on the spot scores about
-4 (0.4 % covered, stuck nine tenths of the time); the shipped improved brain, over
20-second episodes with randomized cars, about 0 (4.1 % covered against 0.81 collisions
a minute).
"""
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Fitness:
    coverage: float = 1.0        # per % of the free floor covered
    collisions: float = 3.0      # per collision per minute
    contact: float = 20.0        # per unit of contact fraction
    stuck: float = 5.0           # per unit of stuck fraction

    def formula(self) -> str:
        return (f"fitness = coverage_% - {self.collisions:g} x collisions_per_minute - {self.contact:g} x "
                f"contact_fraction - {self.stuck:g} x stuck_fraction")

    def of(self, rows) -> float:
        p = parts(rows)
        return (self.coverage * p["coverage_pct"] - self.collisions * p["collisions_per_minute"]
                - self.contact * p["contact_fraction"] - self.stuck * p["stuck_fraction"])

    def to_dict(self) -> dict:
        return {**asdict(self), "formula": self.formula()}


def parts(rows) -> dict:
    """The metrics the fitness weighs, over all the rows (episodes) given."""
    rows = list(rows)
    seconds = sum(r["seconds"] for r in rows)
    if not rows or seconds <= 0:
        raise ValueError("fitness needs at least one episode of some length")
    return {"coverage_pct": 100.0 * sum(r["coverage"] for r in rows) / len(rows),
            "collisions_per_minute": 60.0 * sum(r["collisions"] for r in rows) / seconds,
            "contact_fraction": sum(r["contact_s"] for r in rows) / seconds,
            "stuck_fraction": sum(r["stuck_s"] for r in rows) / seconds}
