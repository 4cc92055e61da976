"""The shipped sweep-memory rule (assets/tables/sweep_rule.csv) and the brain fitted to it
(assets/brains/sweep_rule.json), which neurocar evolve starts from: the brain is the
table's, lies within the search's fixed-point bounds unchanged, and drives as the rule
says where the rule is far from its edges."""
import numpy as np

from brain import load_brain, load_table
from brain.fixedpoint import to_fixed_point
from simulator.assets import asset
from simulator.controller import encode_inputs
from simulator.genome import bounds, flatten

BRAIN, TABLE = load_brain(asset("brains", "sweep_rule.json")), load_table(asset("tables", "sweep_rule.csv"))


def share_right(brain) -> float:
    """The share of the table's rows the brain decides as the rule does."""
    return float((brain.decide(TABLE.inputs) == TABLE.decoded_targets()).all(axis=1).mean())


def test_the_brain_was_fitted_to_the_shipped_table_within_evolves_bounds():
    p = BRAIN.provenance
    assert p["table_sha256"] == TABLE.sha256() and p["hyperparameters"]["max_weight"] == 1.86
    assert BRAIN.same_columns(TABLE) and BRAIN.input_names == ["distance", "position", "left_nearest", "right_nearest"]
    lower, upper = bounds(BRAIN.network)
    weights = flatten(BRAIN.network)
    assert np.all((lower <= weights) & (weights <= upper))
    to_fixed_point(BRAIN)                               # has a fixed-point twin: refused otherwise


def test_it_decides_as_the_rule_away_from_the_rules_edges(profile):
    assert share_right(BRAIN) >= 0.95
    # a clear way ahead and clear halves: forward; an echo at 30 cm or a half at 5 cm: turn right
    cm = np.array([[50, 50, 50], [45, 30, 40], [30, 50, 50], [20, 40, 40], [50, 5, 50], [45, 40, 5]])
    x = encode_inputs(cm[:, 0], np.full(len(cm), 90), profile, cm[:, 1:])
    assert BRAIN.decide(x).tolist() == [[0, 1], [0, 1], [1, 1], [1, 1], [1, 1], [1, 1]]
