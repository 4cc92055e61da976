"""Collision rates over 50 seeded random worlds of 60 simulated seconds.

Measured with ``neurocar eval --brain B --worlds 50 --seconds 60 --seed 0`` (collisions
per minute / per metre driven / time in contact):
    default   13.38 / 1.01 / 29 %     improved  4.38 / 0.36 / 5 %
    straight   2.30 / 1.46 / 94 %     random    5.00 / 7.0  / 27 %
The baselines score few collisions per minute only because they stop moving: straight
pins itself against the first wall (one collision, then pushing), many random networks
spin on the spot. Per metre driven, the brains that learned something are far safer,
and the improved table beats the seed's on every measure.
"""
import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.baselines import baseline
from simulator.batch import Job, evaluate, random_specs
from simulator.metrics import summarise
from simulator.profile import default_profile

WORLDS, SECONDS = 50, 60.0


@pytest.fixture(scope="module")
def rates():
    profile = default_profile()
    specs = random_specs(WORLDS, seed=0)
    brains = {"default": load_brain(asset("brains", "default.json")),
              "improved": load_brain(asset("brains", "improved.json")),
              "straight": baseline("straight"), "random": baseline("random", 0)}
    return {name: summarise(evaluate(Job(b.to_dict(), profile, SECONDS), specs, jobs=2), 1.0, 1)
            for name, b in brains.items()}


def test_trained_brains_collide_far_less_per_metre_than_the_baselines(rates):
    per_m = {k: v["collisions_per_metre"] for k, v in rates.items()}
    assert per_m["default"] < 0.85 * per_m["straight"]
    assert per_m["default"] < 0.3 * per_m["random"]
    assert per_m["improved"] < 0.4 * per_m["straight"]
    assert per_m["improved"] < 0.1 * per_m["random"]


def test_the_improved_table_collides_far_less_than_the_seed_table(rates):
    d, i = rates["default"], rates["improved"]
    assert i["collisions_per_minute"] < 0.5 * d["collisions_per_minute"]
    assert i["collisions_per_metre"] < 0.5 * d["collisions_per_metre"]
    assert i["contact_fraction"] < 0.5 * d["contact_fraction"]
    assert i["mean_distance_cm"] > 0.7 * d["mean_distance_cm"]      # not by standing still
    assert i["collision_free_fraction"] > 0.3 > d["collision_free_fraction"]


def test_the_baselines_low_rate_per_minute_comes_from_not_moving(rates):
    s = rates["straight"]
    assert s["contact_fraction"] > 0.8 and s["stuck_fraction"] > 0.6
    assert rates["random"]["stuck_fraction"] > 0.6
    assert rates["default"]["stuck_fraction"] < 0.2
