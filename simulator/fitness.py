"""How well a brain drives, as one number for the search to maximise (``neurocar evolve``).

From the rows of all of one brain's episodes::

    fitness = coverage_% - 2.5 x collisions_per_minute - 5 x contact_fraction

- coverage_%: the mean share of each world's free floor the car's centre visited, in %;
- collisions_per_minute: every new contact, over all the episodes' minutes;
- contact_fraction: the share of the time spent touching something;
- stuck_fraction (weight 0 by default): the share of the time with the motors on and no
  progress.

The weights decide what the search learns. Over the 20-second episodes it is run with,
the improved brain covers 4.1 % of the floor and collides 0.81 times a minute (randomized
cars), and a brain that hardly moves covers 0.7 % and never collides. With a collision a
minute costing 5 % of the floor (or 3 %, with heavier contact and stuck penalties),
hardly moving scored best, and the search learned to stand still. At 2.5 % the improved
brain scores about 1.7, and standing still about 0.7.
"""
import math
from dataclasses import asdict, dataclass, fields, replace

from brain.i18n import english


@dataclass(frozen=True)
class Fitness:
    coverage: float = 1.0        # per % of the free floor covered
    collisions: float = 2.5      # per collision per minute
    contact: float = 5.0         # per unit of contact fraction
    stuck: float = 0.0           # per unit of stuck fraction

    def formula(self) -> str:
        """The formula over the metrics' JSON names, as the brain's provenance records it."""
        terms = [(self.collisions, "collisions_per_minute"), (self.contact, "contact_fraction"),
                 (self.stuck, "stuck_fraction")]
        coverage = english("coverage_%") if self.coverage == 1 else english(f"{self.coverage:g} x coverage_%")
        return english("fitness = ") + " - ".join([coverage] + [english(f"{w:g} x {name}") for w, name in terms if w])

    def of(self, rows) -> float:
        p = parts(rows)
        return (self.coverage * p["coverage_pct"] - self.collisions * p["collisions_per_minute"]
                - self.contact * p["contact_fraction"] - self.stuck * p["stuck_fraction"])

    def to_dict(self) -> dict:
        return {**asdict(self), "formula": self.formula()}

    @classmethod
    def parse(cls, text: str) -> "Fitness":
        """Weights as ``name=value,...`` (coverage, collisions, contact, stuck; a name left
        out keeps its default). ValueError names the first term it cannot use."""
        names, weights = [f.name for f in fields(cls)], {}
        for term in filter(None, (t.strip() for t in text.split(","))):
            name, _, value = (part.strip() for part in term.partition("="))
            try:
                weight = float(value)
            except ValueError:
                weight = math.nan
            if name not in names or not math.isfinite(weight) or weight < 0:
                raise ValueError(term)
            weights[name] = weight
        return replace(cls(), **weights)


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
