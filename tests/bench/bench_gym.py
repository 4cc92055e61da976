"""The Gymnasium environment's speed (a benchmark that prints, not a timed test).

    python -m tests.bench.bench_gym

In the default decision-step mode, driven by the default brain (``brain_policy``), the
car-ticks per second on one core of
1. ``neurocar eval``'s batch: 25 cars of the default brain in one ``Episodes``;
2. ``ObstacleCarVectorEnv`` of 25 cars (the policy's time included);
3. 25 separate ``ObstacleCarEnv``, stepped one after the other.
The issue's targets: 2 at least 70 % of 1, and at least 3 times 3.
"""
import time

from brain import load_brain
from simulator.assets import asset
from simulator.batch import BATCH_SIZE, random_specs
from simulator.envs import ObstacleCarEnv, ObstacleCarVectorEnv
from simulator.envs.policy import brain_policy
from simulator.episode import Episodes

SECONDS = 30.0          # simulated per car
ROUNDS = 3              # the best of three: the machine is shared


def eval_rate(profile, brain) -> float:
    episodes = Episodes(random_specs(BATCH_SIZE, seed=0), profile, brain)
    ticks = int(round(SECONDS / profile.control.tick_s))
    start = time.perf_counter()
    for _ in range(ticks):
        episodes.step_tick()
    return BATCH_SIZE * ticks / (time.perf_counter() - start)


def vector_rate(policy, ticks: int) -> float:
    envs = ObstacleCarVectorEnv(BATCH_SIZE, seconds=2 * SECONDS)
    observations, _ = envs.reset(seed=0)
    start = time.perf_counter()
    while envs.slots.car_ticks < BATCH_SIZE * ticks:
        observations, *_ = envs.step(policy(observations))
    return envs.slots.car_ticks / (time.perf_counter() - start)


def separate_rate(policy, ticks: int) -> float:
    envs = [ObstacleCarEnv(seconds=2 * SECONDS) for _ in range(BATCH_SIZE)]
    observations = [env.reset(seed=i)[0] for i, env in enumerate(envs)]
    start = time.perf_counter()
    for env, observation in zip(envs, observations):
        while env.slots.car_ticks < ticks:
            observation, *_ = env.step(int(policy(observation[None])[0]))
    return sum(env.slots.car_ticks for env in envs) / (time.perf_counter() - start)


def main() -> None:
    envs = ObstacleCarVectorEnv(1)
    profile = envs.setup.profile
    brain = load_brain(asset("brains", "default.json"))
    policy = brain_policy(brain, profile)
    ticks = int(round(SECONDS / profile.control.tick_s))
    rates = {name: max(run() for _ in range(ROUNDS)) for name, run in (
        ("eval", lambda: eval_rate(profile, brain)), ("vector", lambda: vector_rate(policy, ticks)),
        ("separate", lambda: separate_rate(policy, ticks)))}
    print(f"car-ticks per second on one core, {BATCH_SIZE} cars, measured model, decision steps, "
          f"{SECONDS:g} s per car, best of {ROUNDS}:")
    print(f"  neurocar eval's batch:            {rates['eval']:8.0f}")
    print(f"  vector environment:               {rates['vector']:8.0f}  "
          f"({rates['vector'] / rates['eval']:.0%} of eval's; target 70 %)")
    print(f"  {BATCH_SIZE} separate environments:        {rates['separate']:8.0f}  "
          f"(vector: {rates['vector'] / rates['separate']:.1f} x; target 3 x)")


if __name__ == "__main__":
    main()
