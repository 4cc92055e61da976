"""From a policy to the car: the numpy example learns against the environment, its table
trains into a brain with ``neurocar train``, and that brain drives the environment and
exports like any other; ``policy_table`` over memory inputs; ``brain_policy``."""
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("gymnasium", reason="the gym extra: pip install 'neurocar[gym]'")

from brain import load_brain, load_table  # noqa: E402
from firmware_export.sketch import generate  # noqa: E402
from simulator.assets import asset  # noqa: E402
from simulator.controller import sweep_angles  # noqa: E402
from simulator.envs import ACTIONS, ObstacleCarEnv  # noqa: E402
from simulator.envs.example_numpy import learn, linear_policy  # noqa: E402
from simulator.envs.policy import action_pins, brain_policy, policy_table  # noqa: E402


def test_the_numpy_example_learns_and_its_table_trains_into_a_brain_that_drives(tmp_path, neurocar_cmd, profile):
    table_csv, brain_json = tmp_path / "policy.csv", tmp_path / "policy.json"
    run = subprocess.run([sys.executable, "-m", "simulator.envs.example_numpy", "--generations", "2", "--cars", "6",
                          "--seconds", "3", "--out", str(table_csv)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "generation 2: best return" in run.stdout
    table = load_table(table_csv)
    assert table.input_names == ["distance", "position"] and table.output_names == list(profile.motors.pin_order)
    assert len(table) == (profile.control.distance_clamp_cm + 1) * len(sweep_angles(profile.servo))
    assert set(table.labels) <= set(ACTIONS)
    train = subprocess.run([*neurocar_cmd, "train", str(table_csv), "--out", str(brain_json), "--hidden", "8",
                            "--epochs", "3000"], capture_output=True, text=True, timeout=600)
    assert train.returncode == 0, train.stderr
    brain = load_brain(brain_json)
    right = np.mean(np.all(brain.decide(table.inputs) == table.decoded_targets(), axis=1))
    assert right > 0.8
    env = ObstacleCarEnv(seconds=2)
    policy = brain_policy(brain, profile)
    obs, _ = env.reset(seed=0)
    for _ in range(20):
        obs, *_ = env.step(int(policy(obs[None])[0]))
    assert "void loop()" in generate(brain, profile, "policy", str(brain_json)).ino


def test_a_policys_table_holds_its_decisions_with_the_actions_pins(profile):
    def policy(observations):          # near: turn right; far: forward; stop at the sweep's right end
        return np.where(observations[:, 1] > 0.99, 4, np.where(observations[:, 0] > 0, 2, 0))

    table = policy_table(policy, profile, memory=("previous",))
    assert table.input_names == ["distance", "position", "previous"]
    pins, x = action_pins(profile), table.inputs
    expected = pins[policy(x.astype(np.float32))]
    assert np.array_equal(table.decoded_targets(), expected)
    assert set(table.labels) == {"forward", "right", "stop"}
    assert np.array_equal(pins[-1], np.zeros(len(profile.motors.pin_order)))


def test_learn_improves_on_nothing_and_a_brain_drives_as_its_own_actions(profile):
    weights = learn(generations=1, cars=4, seconds=2, seed=3, log=lambda line: None)
    assert weights.shape == (6, len(ACTIONS)) and np.isfinite(weights).all()
    actions = linear_policy(weights)(np.array([[-1, 0], [1, 0]], dtype=np.float32))
    assert actions.shape == (2,) and set(actions.tolist()) <= set(range(len(ACTIONS)))
    default = brain_policy(load_brain(asset("brains", "default.json")), profile)
    far, touching = default(np.array([[-1.0, 0.0], [1.0, 0.0]]))
    assert ACTIONS[far] == "forward" and ACTIONS[touching] != "forward"
