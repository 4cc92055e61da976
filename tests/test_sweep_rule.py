"""The shipped sweep-memory rules (assets/tables/sweep_rule.csv, sweep_backup.csv,
sweep_backup_ahead.csv) and the
brains fitted to them (assets/brains/), which neurocar evolve starts from: each brain is
its table's, lies within the search's fixed-point bounds unchanged, and drives as the
rule says where the rule is far from its edges."""
import numpy as np
import pytest

from brain import load_brain, load_table
from brain.fixedpoint import to_fixed_point
from simulator.assets import asset
from simulator.controller import encode_inputs
from simulator.genome import bounds, flatten

# Echo, left half, right half (cm), servo angle (degrees) -> (turn, direction): a clear way
# ahead and clear halves, forward; an echo at 30 cm or a half at 5 cm, turn right.
FAR_FROM_EDGES = {(50, 50, 50, 90): (0, 1), (45, 30, 40, 90): (0, 1), (30, 50, 50, 90): (1, 1),
                  (20, 40, 40, 90): (1, 1), (50, 5, 50, 90): (1, 1), (45, 40, 5, 90): (1, 1)}
RULES = {   # name: (the share of its table's rows it must decide right, measured; more cases far from the edges)
    "sweep_rule": (0.95, {}),
    "sweep_backup": (0.93, {(3, 50, 50, 90): (0, -1), (2, 5, 40, 90): (0, -1),      # backs away under 7 cm
                            (12, 40, 40, 90): (1, 1)}),
    "sweep_backup_ahead": (0.93, {(3, 50, 50, 90): (0, -1), (2, 5, 40, 81): (0, -1),   # under 6 cm, servo ahead
                                  (3, 50, 50, 150): (1, 1), (2, 40, 40, 30): (1, 1),  # but not to the side
                                  (12, 40, 40, 90): (1, 1)}),
}
BY_RULE = pytest.mark.parametrize("name", sorted(RULES))


def brain_and_table(name):
    return load_brain(asset("brains", f"{name}.json")), load_table(asset("tables", f"{name}.csv"))


@BY_RULE
def test_the_brain_was_fitted_to_the_shipped_table_within_evolves_bounds(name):
    brain, table = brain_and_table(name)
    p = brain.provenance
    assert p["table_sha256"] == table.sha256()
    assert p["hyperparameters"].get("max_weight") == 1.86 or p["hyperparameters"].get("fixed_point_bounds")
    assert brain.same_columns(table) and brain.input_names == ["distance", "position", "left_nearest", "right_nearest"]
    lower, upper = bounds(brain.network)
    weights = flatten(brain.network)
    assert np.all((lower <= weights) & (weights <= upper))
    to_fixed_point(brain)                               # has a fixed-point twin: refused otherwise


@BY_RULE
def test_it_decides_as_the_rule_away_from_the_rules_edges(profile, name):
    brain, table = brain_and_table(name)
    least, more = RULES[name]
    assert (brain.decide(table.inputs) == table.decoded_targets()).all(axis=1).mean() >= least
    cases = {**FAR_FROM_EDGES, **more}
    cm = np.array(list(cases))
    x = encode_inputs(cm[:, 0], cm[:, 3], profile, cm[:, 1:3])
    assert [tuple(d) for d in brain.decide(x).tolist()] == list(cases.values())
