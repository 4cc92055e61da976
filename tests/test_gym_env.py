"""The Gymnasium environment: Gymnasium's own checker, seeding, bounds, time limit, both step
modes, frames, and the vector environment against single environments, bit for bit."""
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium", reason="the gym extra: pip install 'neurocar[gym]'")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from simulator.assets import asset  # noqa: E402
from simulator.controller import paced_hold_ticks  # noqa: E402
from simulator.envs import ENV_ID, EnvSettingError, ObstacleCarEnv, ObstacleCarVectorEnv  # noqa: E402
from simulator.gui import theme  # noqa: E402
from simulator.world import load_world  # noqa: E402

MEMORY = ("left_nearest", "right_nearest", "previous")


def rollout(env, seed, actions):
    """(observations, rewards, truncations) of a run from reset(seed)."""
    obs, _ = env.reset(seed=seed)
    seen, rewards, ends = [obs], [], []
    for a in actions:
        obs, reward, terminated, truncated, _ = env.step(int(a))
        assert terminated is False
        seen.append(obs)
        rewards.append(reward)
        ends.append(truncated)
        if truncated:
            break
    return np.array(seen), np.array(rewards), ends


@pytest.mark.parametrize("options", [{}, {"step": "tick", "model": "ideal"}, {"memory": MEMORY, "randomize": True}])
def test_gymnasiums_checker_passes_with_no_warning(options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(gymnasium.make(ENV_ID, seconds=5, **options).unwrapped)
        check_env(gymnasium.make(ENV_ID, seconds=5, render_mode="rgb_array", **options).unwrapped,
                  skip_render_check=False)
        env = gymnasium.make(ENV_ID, seconds=5, **options)        # with make's own checking wrappers
        env.reset(seed=3)
        for _ in range(20):
            env.step(env.action_space.sample())


def test_the_same_seed_gives_the_same_observations_and_rewards():
    actions = np.random.default_rng(0).integers(0, 5, 150)
    a = rollout(ObstacleCarEnv(seconds=4, memory=MEMORY), 7, actions)
    b = rollout(ObstacleCarEnv(seconds=4, memory=MEMORY), 7, actions)
    c = rollout(ObstacleCarEnv(seconds=4, memory=MEMORY), 8, actions)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert len(a[1]) > 20 and np.unique(a[0][:, 0]).size > 3
    assert not (len(a[1]) == len(c[1]) and np.array_equal(a[0], c[0]))
    env = ObstacleCarEnv(seconds=4, memory=MEMORY)           # a later reset with the seed starts over
    rollout(env, 8, actions)
    again = rollout(env, 7, actions)
    assert np.array_equal(again[0], a[0]) and np.array_equal(again[1], a[1])


def test_observations_stay_in_their_documented_bounds():
    env = ObstacleCarEnv(seconds=10, memory=MEMORY, world=asset("worlds", "small_maze.json"))
    space = env.observation_space
    assert space.shape == (5,) and space.dtype == np.float32
    assert np.all(space.low == -1) and np.all(space.high == 1)
    rng = np.random.default_rng(1)
    seen, _, _ = rollout(env, 1, np.where(rng.random(400) < 0.7, 0, rng.integers(0, 5, 400)))   # mostly forward
    assert all(space.contains(o) for o in seen)
    assert seen[:, 0].max() > -0.5 and seen[:, 1].min() < -0.5 < 0.5 < seen[:, 1].max()


def test_an_episode_is_truncated_at_its_time_limit_and_never_terminated():
    env = ObstacleCarEnv(seconds=1.5, step="tick")
    tick = env.setup.profile.control.tick_s
    _, rewards, ends = rollout(env, 0, [0] * 1000)
    assert len(rewards) == round(1.5 / tick) and ends[-1] and not any(ends[:-1])
    env = ObstacleCarEnv(seconds=1.5)
    _, rewards, ends = rollout(env, 0, [2] * 1000)
    assert ends[-1] and not any(ends[:-1]) and env.slots.info(0)["seconds"] == pytest.approx(1.5)


def test_a_decision_step_lasts_its_hold_and_a_tick_step_one_tick():
    for step in ("decision", "tick"):
        env = ObstacleCarEnv(seconds=30, step=step, model="ideal", world=asset("worlds", "living_room.json"))
        profile, obs = env.setup.profile, env.reset(seed=0)[0]
        clamp, tick = profile.control.distance_clamp_cm, profile.control.tick_s
        lengths = set()
        for _ in range(200):
            before = env.slots.info(0)["seconds"]
            reading = round((1 - float(obs[0])) * clamp / 2)
            obs, _, _, truncated, _ = env.step(0)  # forward, from far off to a wall
            if truncated:
                break
            ticks = round((env.slots.info(0)["seconds"] - before) / tick)
            assert ticks == (paced_hold_ticks(reading, profile.control) if step == "decision" else 1)
            lengths.add(ticks)
        assert len(lengths) > (1 if step == "decision" else 0)


def test_the_reward_counts_floor_collisions_and_stuck_time():
    env = ObstacleCarEnv(seconds=20, model="ideal", reward={"coverage": 0.0, "collision": 1.0, "stuck": 0.0})
    _, rewards, _ = rollout(env, 2, [0] * 10_000)              # straight on into a wall
    assert env.slots.info(0)["collisions"] >= 1 and rewards.sum() == -env.slots.info(0)["collisions"]
    env = ObstacleCarEnv(seconds=20, model="ideal", reward={"coverage": 0.0, "collision": 0.0, "stuck": 1.0})
    _, rewards, _ = rollout(env, 2, [0] * 10_000)
    assert rewards.sum() == pytest.approx(-env.slots.info(0)["stuck_s"]) and env.slots.info(0)["stuck_s"] > 5
    env = ObstacleCarEnv(seconds=20, model="ideal", reward={"coverage": 1.0, "collision": 0.0, "stuck": 0.0})
    _, rewards, _ = rollout(env, 2, [4] * 10_000)              # stopped: nothing new
    assert rewards.sum() == 0


def test_rgb_array_frames_show_the_world_and_the_car():
    env = ObstacleCarEnv(render_mode="rgb_array", world=asset("worlds", "empty.json"), seconds=10)
    env.reset(seed=0)
    first = env.render()
    assert first.dtype == np.uint8 and first.ndim == 3 and first.shape[2] == 3
    assert len(np.unique(first.reshape(-1, 3), axis=0)) > 4          # not blank
    body = np.all(first == theme.CAR_BODY, axis=2)
    assert body.sum() > 20                                            # the car's body, in its own colour
    for _ in range(30):
        env.step(0)
    moved = np.all(env.render() == theme.CAR_BODY, axis=2)
    assert moved.sum() > 20 and not np.array_equal(moved, body)
    ys, xs = np.nonzero(moved)
    world, (x, y) = env.slots.worlds[0], env.slots.pos[0]
    h, w = first.shape[:2]
    assert abs(xs.mean() / w - x / world.width_cm) < 0.1 and abs(ys.mean() / h - (1 - y / world.height_cm)) < 0.1


def vector_rollout(n, seed, actions, **options):
    """Each slot's observations, rewards and truncations, the final observation before each reset."""
    envs = ObstacleCarVectorEnv(n, **options)
    obs, _ = envs.reset(seed=seed)
    seen, rewards, ends = [[o] for o in obs], [[] for _ in range(n)], [[] for _ in range(n)]
    sizes = [[(w.width_cm, w.height_cm)] for w in envs.slots.worlds]
    for step in range(actions.shape[1]):
        obs, reward, terminated, truncated, infos = envs.step(actions[:, step])
        assert not terminated.any()
        for i in range(n):
            seen[i].append(infos["final_obs"][i] if truncated[i] else obs[i])
            rewards[i].append(reward[i])
            ends[i].append(bool(truncated[i]))
            if truncated[i]:
                seen[i].append(obs[i])
                sizes[i].append((envs.slots.worlds[i].width_cm, envs.slots.worlds[i].height_cm))
    return seen, rewards, ends, sizes


def single_rollout(seed, actions, **options):
    env = ObstacleCarEnv(**options)
    obs, _ = env.reset(seed=seed)
    seen, rewards, ends = [obs], [], []
    for a in actions:
        obs, reward, _, truncated, _ = env.step(int(a))
        seen.append(obs)
        rewards.append(reward)
        ends.append(truncated)
        if truncated:
            seen.append(env.reset()[0])
    return seen, rewards, ends


@pytest.mark.parametrize("options", [
    {"model": "ideal", "seconds": 2.0},
    {"randomize": True, "memory": MEMORY, "seconds": 2.0},
    {"step": "tick", "seconds": 0.75, "world": [asset("worlds", "small_maze.json"), asset("worlds", "empty.json"),
                                                asset("worlds", "living_room.json")]},
])
def test_each_vector_slot_equals_a_single_environment_bit_for_bit(options):
    n, steps = 4, 160
    actions = np.random.default_rng(5).integers(0, 5, (n, steps))
    seen, rewards, ends, sizes = vector_rollout(n, 40, actions, **options)
    assert any(len(set(s)) > 1 for s in sizes)                        # an autoreset into a world of another size
    assert sum(sum(e) for e in ends) >= n
    for i in range(n):
        one = single_rollout(40 + i, actions[i], **options)
        assert len(one[0]) == len(seen[i])
        assert all(np.array_equal(a, b) for a, b in zip(one[0], seen[i]))
        assert one[1] == rewards[i] and one[2] == ends[i]


def test_the_vector_environment_declares_same_step_autoreset_and_batched_spaces():
    envs = gymnasium.make_vec(ENV_ID, num_envs=3, vectorization_mode="vector_entry_point", seconds=1)
    assert envs.metadata["autoreset_mode"] == gymnasium.vector.AutoresetMode.SAME_STEP
    obs, infos = envs.reset(seed=0)
    assert obs.shape == (3, 2) and envs.action_space.shape == (3,) and set(infos) >= {"coverage", "_coverage"}
    obs, rewards, terminated, truncated, infos = envs.step(np.zeros(3, dtype=int))
    assert obs.shape == (3, 2) and rewards.shape == (3,) and not terminated.any()
    with pytest.raises(ValueError, match="3 of 0..4"):
        envs.step(np.array([0, 1, 7]))


def test_bad_options_are_refused_in_one_line():
    for options, text in [({"step": "decide"}, "accepted: decision, tick"), ({"memory": ("left",)}, "left_nearest"),
                          ({"model": "exact"}, "measured, ideal"), ({"seconds": 0}, "positive"),
                          ({"model": "ideal", "randomize": True}, "measured")]:
        with pytest.raises((EnvSettingError, ValueError), match=text) as e:
            ObstacleCarEnv(**options)
        assert "\n" not in str(e.value)


def test_render_mode_none_loads_no_pygame():
    code = ("import sys, gymnasium\n"
            "env = gymnasium.make('simulator.envs:neurocar/ObstacleCar-v0', seconds=2)\n"
            "env.reset(seed=0)\n"
            "for _ in range(30): env.step(0)\n"
            "envs = gymnasium.make_vec('simulator.envs:neurocar/ObstacleCar-v0', num_envs=2, "
            "vectorization_mode='vector_entry_point')\n"
            "envs.reset(seed=0); envs.step([0, 1])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('pygame', 'simulator.gui'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_missing_gymnasium_is_one_line_naming_the_extra():
    code = ("import sys\nsys.modules['gymnasium'] = None\n"
            "try:\n    import simulator.envs\n"
            "except ImportError as e:\n    print(type(e).__name__); print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    kind, message = out.strip().split("\n")
    assert kind == "GymnasiumMissing" and "pip install 'neurocar[gym]'" in message


def test_worlds_from_files_keep_their_start_and_sizes():
    world = load_world(asset("worlds", "corridor.json"))
    env = ObstacleCarEnv(world=world, model="ideal")
    env.reset(seed=0)
    assert env.slots.worlds[0] is world
    x, y = env.slots.pos[0]
    assert math.hypot(x - world.start.x_cm, y - world.start.y_cm) < 1e-6
