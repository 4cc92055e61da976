"""A policy learned against the environment with numpy alone, then exported as a table.

    python -m simulator.envs.example_numpy --generations 12 --out policy.csv
    neurocar train policy.csv --out policy.json --hidden 6

The policy scores each action from a few features of the observation and takes the best
(a deterministic policy, as a brain is). The cross-entropy method searches its weights: each
generation draws ``cars`` weight sets around the mean, drives one car with each in the
same seeded world (one vector environment: a car per weight set), and moves the mean and
spread to the best quarter. ``policy_table`` then writes its decisions over the brain's
input grid as a training table.
"""
import argparse

import numpy as np

from simulator.envs.policy import policy_table
from simulator.envs.slots import ACTIONS
from simulator.envs.vector import ObstacleCarVectorEnv
from brain.i18n import _


def features(observations) -> np.ndarray:
    """(rows, 6): 1, distance, position, their product and squares."""
    d, p = observations[:, 0].astype(float), observations[:, 1].astype(float)
    return np.column_stack([np.ones_like(d), d, p, d * p, d * d, p * p])


def linear_policy(weights):
    """Observations -> the action with the highest score ``features @ weights``."""
    return lambda observations: (features(observations) @ weights).argmax(axis=1)


def returns(envs, candidates, seed: int) -> np.ndarray:
    """Each candidate's return over one episode, every car in the same world."""
    observations, _ = envs.reset(seed=[seed] * envs.num_envs)
    total, running = np.zeros(envs.num_envs), np.ones(envs.num_envs, dtype=bool)
    while running.any():
        actions = np.array([(features(o[None]) @ w).argmax() for o, w in zip(observations, candidates)])
        observations, rewards, terminated, truncated, _ = envs.step(actions)
        total += np.where(running, rewards, 0.0)
        running &= ~(terminated | truncated)
    return total


def learn(generations: int = 12, cars: int = 25, seconds: float = 20.0, seed: int = 0, log=print):
    """The mean weights (6, len(ACTIONS)) after ``generations`` of the cross-entropy method."""
    rng = np.random.default_rng(seed)
    envs = ObstacleCarVectorEnv(cars, seconds=seconds)
    mean, spread = np.zeros((6, len(ACTIONS))), np.ones((6, len(ACTIONS)))
    elite = max(2, cars // 4)
    for generation in range(generations):
        candidates = mean + spread * rng.standard_normal((cars, *mean.shape))
        scores = returns(envs, candidates, seed=int(rng.integers(2 ** 31)))
        best = candidates[np.argsort(scores)[::-1][:elite]]
        mean, spread = best.mean(axis=0), best.std(axis=0) + 0.05
        log(f"generation {generation + 1}: best return {scores.max():.1f}, mean {scores.mean():.1f}")
    return mean


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=_("Learn a small policy against the environment; write it as a table."))
    p.add_argument("--generations", type=int, default=12)
    p.add_argument("--cars", type=int, default=25)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help=_("training table to write (CSV)"))
    args = p.parse_args(argv)
    weights = learn(args.generations, args.cars, args.seconds, args.seed)
    envs = ObstacleCarVectorEnv(1)
    table = policy_table(linear_policy(weights), envs.setup.profile, name="policy",
                         comments=[f"learned by simulator.envs.example_numpy, seed {args.seed}"])
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(table.to_csv())
    print(f"wrote {args.out} ({len(table)} rows); next: neurocar train {args.out} --out policy.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
