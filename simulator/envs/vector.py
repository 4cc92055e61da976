"""``ObstacleCarVectorEnv``: N cars stepped in one batch of the simulator.

    envs = gymnasium.make_vec("neurocar/ObstacleCar-v0", num_envs=25, vectorization_mode="vector_entry_point")

The options are ``ObstacleCarEnv``'s. Every per-tick computation (sonar, firmware, reward)
is one array operation over the N cars (``simulator.envs.slots``); in the decision step
mode each car runs until its own next decision, and the cars done first wait.

Slot i is seeded as a single environment given the same seed: ``reset(seed=s)`` seeds
slot i with ``s + i`` (or ``seed[i]`` for a list), and every later episode of slot i is
drawn from slot i's generator, so slot i's observations and rewards are, bit for bit, a
single ``ObstacleCarEnv`` reset with that seed and then without one after each of its
episodes (tested, including episodes in worlds of other sizes).

Autoreset (``metadata["autoreset_mode"]``): ``AutoresetMode.SAME_STEP``. The step in
which slot i's episode ends returns the first observation of its next episode, with the
last one and its info in ``infos["final_obs"]`` and ``infos["final_info"]`` (masked by
``infos["_final_obs"]``), as Gymnasium 1.x's ``SyncVectorEnv`` does in that mode.
"""
import gymnasium
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from simulator.envs import render
from simulator.envs.env import spaces
from simulator.envs.setup import EnvSettingError, make_setup, next_episode
from simulator.envs.slots import ACTIONS, Slots
from brain.i18n import _

INFO_KEYS = ("seconds", "coverage", "collisions", "stuck_s")


class ObstacleCarVectorEnv(gymnasium.vector.VectorEnv):
    """num_envs cars in one batch; see the module's description."""
    metadata = {"render_modes": ["rgb_array"], "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, num_envs: int = 25, render_mode=None, **options):
        if not (isinstance(num_envs, int) and num_envs >= 1):
            raise EnvSettingError(_("num_envs={num_envs!r}: give 1 or more cars").format(num_envs=num_envs))
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode={render_mode!r}; accepted: None, rgb_array")
        self.setup = make_setup(**options)
        self.num_envs, self.render_mode, self.actions = num_envs, render_mode, ACTIONS
        self.single_observation_space, self.single_action_space = spaces(self.setup)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.slots, self._rngs = None, None
        self._all = np.ones(num_envs, dtype=bool)
        self._no = np.zeros(num_envs, dtype=bool)

    def reset(self, *, seed=None, options=None):
        if seed is None or isinstance(seed, int):
            seeds = [None if seed is None else seed + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"{len(seeds)} seeds for {self.num_envs} cars")
        self._rngs = [seeding.np_random(s)[0] for s in seeds]
        self.slots = Slots(self.setup, [next_episode(self.setup, r) for r in self._rngs])
        self.slots.sense(self._all)
        return self.slots.observations(), self._infos()

    def step(self, actions):
        if self.slots is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not self.action_space.contains(actions.astype(np.int64)):
            raise ValueError(f"actions {actions!r}: {self.num_envs} of 0..{len(ACTIONS) - 1} ({', '.join(ACTIONS)})")
        truncated = self.slots.step(actions, self._all)
        rewards = self.slots.reward.copy()
        observations, infos = self.slots.observations(), self._infos()
        for i in np.flatnonzero(truncated).tolist():
            infos = self._add_info(infos, {"final_obs": observations[i].copy(), "final_info": self.slots.info(i)}, i)
            self.slots.restart(i, next_episode(self.setup, self._rngs[i]))
            self.slots.sense(np.arange(self.num_envs) == i)
        if truncated.any():
            observations = self.slots.observations()
        return observations, rewards, self._no.copy(), truncated, infos

    def _infos(self) -> dict:
        """Each slot's episode so far, as Gymnasium's vector info arrays."""
        s = self.slots
        values = {"seconds": s.ticks * s.tick_s, "coverage": s.coverage(), "collisions": s.collisions.copy(),
                  "stuck_s": s.stuck_ticks * s.tick_s}
        return {**values, **{f"_{k}": self._all.copy() for k in INFO_KEYS}}

    def render(self):
        if self.render_mode == "rgb_array" and self.slots is not None:
            return tuple(render.frame(self.slots, i) for i in range(self.num_envs))
        return None
