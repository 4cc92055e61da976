"""Which cars fail: under ``--randomize``, the worst tenth of the episodes and what their
cars drew, against all the episodes, kept one row at a time (rows need not be kept)."""
import heapq
import math

from brain.i18n import _

WORST_FRACTION = 0.1
SHOWN_PARAMETERS = 4


class WorstTenth:
    """The worst ``WORST_FRACTION`` of ``total`` episodes, by collisions per minute, then
    time in contact; and every drawn value's mean over all episodes."""

    def __init__(self, total: int, ranges: dict):
        self.keep = max(1, math.ceil(WORST_FRACTION * total))
        self.ranges = dict(ranges)
        self.heap = []                  # (badness, episode, row): the kept worst at the top
        self.sums = {name: 0.0 for name in self.ranges}
        self.n = 0

    def add(self, row: dict) -> None:
        car = row.get("car")
        if car is None:
            return
        self.n += 1
        for name in self.sums:
            self.sums[name] += car[name]
        item = ((row["collisions_per_minute"], row["contact_s"] / row["seconds"] if row["seconds"] else 0.0),
                -row["episode"], {"car": car, "seconds": row["seconds"], "collisions": row["collisions"],
                                  "contact_s": row["contact_s"]})
        if len(self.heap) < self.keep:
            heapq.heappush(self.heap, item)
        elif item[:2] > self.heap[0][:2]:
            heapq.heapreplace(self.heap, item)

    def summary(self) -> dict | None:
        """The worst tenth's collision rate and contact, and each drawn value's mean in it
        and over all episodes; None when no car was drawn."""
        if not self.n:
            return None
        worst = [row for _, _, row in self.heap]
        seconds = sum(r["seconds"] for r in worst)
        drew = {name: {"worst_mean": sum(r["car"][name] for r in worst) / len(worst),
                       "all_mean": self.sums[name] / self.n, "range": list(self.ranges[name])}
                for name in sorted(self.ranges)}
        return {"episodes": len(worst),
                "collisions_per_minute": sum(r["collisions"] for r in worst) / (seconds / 60.0) if seconds else 0.0,
                "contact_fraction": sum(r["contact_s"] for r in worst) / seconds if seconds else 0.0,
                "drew": drew}


def worst_lines(s: dict) -> list[str]:
    """Two lines on the worst tenth: its figures, then the drawn values that set it apart
    most (by how far their mean moved, as a share of the value's range)."""
    def shift(item):
        d = item[1]
        low, high = d["range"]
        return abs(d["worst_mean"] - d["all_mean"]) / (high - low) if high > low else 0.0
    apart = sorted(s["drew"].items(), key=shift, reverse=True)[:SHOWN_PARAMETERS]
    drawn = ", ".join(_("{name} {mean:.3g} (all {all_mean:.3g})").format(name=name, mean=d["worst_mean"],
                                                                        all_mean=d["all_mean"]) for name, d in apart)
    worst, drew = _("worst 10 %"), _("  they drew")          # labels padded as eval's totals are
    return [f"{worst:<21} " + _("{episodes} episodes: {rate:.2f} collisions per minute, {share} in contact").format(
                episodes=s["episodes"], rate=s["collisions_per_minute"], share=f"{100 * s['contact_fraction']:.1f} %"),
            f"{drew:<21} {drawn}"]
