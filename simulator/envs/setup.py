"""What an environment is made of, fixed across its episodes, and each episode drawn from
its own generator.

``Setup`` holds the robot profile, the car model, the worlds (None: a seeded random world
per episode, as ``neurocar eval`` draws them), the step mode, the memory inputs the
observation carries, the time limit and the reward weights. ``next_episode`` draws one
episode from a slot's generator: the same generator state gives the same world, start,
sensor seed and (with ``randomize``) the same car, whichever environment asks.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brain.errors import NeurocarError
from brain.i18n import _
from simulator.assets import asset
from simulator.batch import episode_seeds
from simulator.batch_job import CAR_STREAM
from simulator.episode import EpisodeSpec, check_model, check_start
from simulator.measured import DEFAULT_MODEL, draw_car
from simulator.profile import DEFAULT_PROFILE, load_profile
from simulator.sweep_memory import MEMORY_INPUTS
from simulator.world import World, load_world
from simulator.worldgen import random_world

STEP_MODES = ("decision", "tick")
DEFAULT_SECONDS = 60.0


class EnvSettingError(NeurocarError):
    """An environment option outside what it accepts."""


@dataclass(frozen=True)
class RewardWeights:
    """The reward of a step, summed over its ticks:

        coverage x (new 10 cm floor cells the car's centre has visited)
        - collision x (new contacts with an obstacle)
        - stuck x (seconds spent stuck: motors on, centre within 10 cm of where it was
          3 s or more ago; ``simulator.metrics``)"""
    coverage: float = 1.0
    collision: float = 5.0
    stuck: float = 1.0


@dataclass(frozen=True)
class Setup:
    profile: object
    worlds: tuple | None = None         # None: a random world per episode
    model: str = DEFAULT_MODEL
    randomize: bool = False
    step: str = "decision"
    memory: tuple = ()
    seconds: float = DEFAULT_SECONDS
    reward: RewardWeights = RewardWeights()


def make_setup(world=None, robot=None, model: str = DEFAULT_MODEL, randomize: bool = False,
               step: str = "decision", memory=(), seconds: float = DEFAULT_SECONDS, reward=None) -> Setup:
    """A Setup from the environment's options, every one checked (one-line errors).
    world: None, a World, a world file, or a list of them (each episode draws one);
    robot: a profile file or None (the default profile); reward: RewardWeights or a dict."""
    profile = load_profile(robot) if robot is not None else load_profile(asset("robots", DEFAULT_PROFILE))
    try:
        check_model(profile, model)
    except ValueError as e:
        raise EnvSettingError(str(e)) from None
    if randomize and model != "measured":
        raise EnvSettingError(_("randomize draws the measured model's cars; use model='measured'"))
    if step not in STEP_MODES:
        raise EnvSettingError(_("unknown step mode {step!r}; accepted: {value}").format(
            step=step, value=', '.join(STEP_MODES)))
    memory = tuple(memory)
    wrong = [m for k, m in enumerate(memory) if m not in MEMORY_INPUTS or m in memory[:k]]
    if wrong:
        raise EnvSettingError(_("memory inputs {value}: accepted {value2}, "
                              "each at most once").format(
                                  value=', '.join(map(str, wrong)), value2=', '.join(MEMORY_INPUTS)))
    if not (isinstance(seconds, (int, float)) and 0 < seconds < float("inf")):
        raise EnvSettingError(_("seconds={seconds!r}: the time limit must be a positive number of seconds").format(
            seconds=seconds))
    weights = RewardWeights(**reward) if isinstance(reward, dict) else (reward or RewardWeights())
    return Setup(profile, _worlds(world, profile), model, bool(randomize), step, memory, float(seconds), weights)


def _worlds(world, profile) -> tuple | None:
    """The fixed worlds (each with its start checked), or None for random ones."""
    if world is None:
        return None
    items = list(world) if isinstance(world, (list, tuple)) else [world]
    if not items:
        raise EnvSettingError(_("world=[]: give a world, a world file, a list of them, or None for random worlds"))
    worlds = tuple(w if isinstance(w, World) else load_world(Path(w)) for w in items)
    for w in worlds:
        check_start(EpisodeSpec(w), profile)
    return worlds


def next_episode(setup: Setup, rng: np.random.Generator) -> EpisodeSpec:
    """The next episode of a slot, drawn from its generator: a world (random, or one of
    the setup's), the sensor's seed and, with randomize, the car."""
    seed = int(rng.integers(2 ** 63))
    world_ss, sensor_seed = episode_seeds(seed, 0)
    if setup.worlds is None:
        world = random_world(world_ss, name=f"random {seed}")
    else:
        world = setup.worlds[int(rng.integers(len(setup.worlds)))]
    car = None
    if setup.randomize:
        p = setup.profile
        car = draw_car(p.measured, p.sensor, np.random.SeedSequence(sensor_seed, spawn_key=(CAR_STREAM,)))
    return EpisodeSpec(world, sensor_seed, car=car)
