"""``ObstacleCarEnv``: one car in a world, driven by an agent as its firmware drives it.

    env = gymnasium.make("neurocar/ObstacleCar-v0", world=None, robot=None, model="measured",
                         randomize=False, step="decision", memory=(), seconds=60.0,
                         reward=None, render_mode=None)

- **Observation**: ``Box(-1, 1, (2 + len(memory),), float32)``, what the firmware knows
  when it decides: the last reading taken, as the brain's ``distance`` input
  (``1 - 2 d / clamp``: 1 touching, -1 at the clamp or no echo), the servo angle it was
  taken at, as ``position`` (-1 at the sweep's left end, 1 at its right), then each
  memory input named in ``memory`` (``left_nearest``, ``right_nearest``, ``previous``),
  encoded as ``distance``. The car reads only when it decides, as on the robot.
- **Action**: ``Discrete(5)``: the profile's motor patterns ``forward``, ``backward``,
  ``right``, ``left``, then ``stop`` (all pins low); names in ``env.unwrapped.actions``.
  PWM as the firmware sets it for those pins.
- **Step**: ``step="decision"`` (default): one step is one decision with its hold, as the
  firmware holds it (longer the nearer the reading); ``step="tick"``: one control tick
  (25 ms on the default robot) with a fresh reading every tick.
- **Reward**: ``RewardWeights`` (or a dict of them): new floor covered, minus a penalty
  per collision, minus time stuck, summed over the step's ticks.
- **Episode end**: nothing in the task is terminal (a car that hits something can drive
  on), so ``terminated`` is always False; ``truncated`` is True at the time limit
  ``seconds``. A physics failure raises ``simulator.episode.EpisodeError``.
- **Seeding**: ``reset(seed=s)`` seeds the generator every later episode is drawn from
  (world, start, sensor noise, the randomized car): the same seed gives the same
  observations and rewards, bit for bit.
- ``world``: None (a random world per episode, as ``neurocar eval`` makes), a World, a
  world file, or a list of them (each episode draws one); ``robot``: a profile file;
  ``model``: ``measured`` or ``ideal``; ``randomize``: each episode's car drawn from
  the profile's measured ranges.
- ``render_mode``: None, ``rgb_array`` (frames drawn by the window's renderer, no
  display needed) or ``human`` (a window).
"""
import gymnasium
import numpy as np

from simulator.envs import render
from simulator.envs.setup import make_setup, next_episode
from simulator.envs.slots import ACTIONS, Slots

RENDER_MODES = ("human", "rgb_array")


def spaces(setup):
    """(observation space, action space) of one car."""
    size = 2 + len(setup.memory)
    return (gymnasium.spaces.Box(-1.0, 1.0, (size,), np.float32), gymnasium.spaces.Discrete(len(ACTIONS)))


def check_render_mode(render_mode) -> None:
    if render_mode is not None and render_mode not in RENDER_MODES:
        raise ValueError(f"render_mode={render_mode!r}; accepted: None, {', '.join(RENDER_MODES)}")


class ObstacleCarEnv(gymnasium.Env):
    """One car; see the module's description for the options."""
    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 40}

    def __init__(self, render_mode=None, **options):
        check_render_mode(render_mode)
        self.setup = make_setup(**options)
        self.observation_space, self.action_space = spaces(self.setup)
        self.actions = ACTIONS
        self.render_mode = render_mode
        self.metadata = {**self.metadata, "render_fps": round(1.0 / self.setup.profile.control.tick_s)}
        self.slots, self._window = None, None

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        spec = next_episode(self.setup, self.np_random)
        if self.slots is None:
            self.slots = Slots(self.setup, [spec])
        else:
            self.slots.restart(0, spec)
        self.slots.sense(np.ones(1, dtype=bool))
        self._show()
        return self.slots.observations()[0], self.slots.info(0)

    def step(self, action):
        if self.slots is None:
            raise gymnasium.error.ResetNeeded("call reset() before step()")
        if not self.action_space.contains(action):
            raise ValueError(f"action {action!r}: accepted 0..{len(ACTIONS) - 1} ({', '.join(ACTIONS)})")
        truncated = bool(self.slots.step(np.array([action]), np.ones(1, dtype=bool))[0])
        self._show()
        return self.slots.observations()[0], float(self.slots.reward[0]), False, truncated, self.slots.info(0)

    def render(self):
        if self.render_mode == "rgb_array" and self.slots is not None:
            return render.frame(self.slots, 0)
        return None

    def _show(self) -> None:
        if self.render_mode == "human":
            if self._window is None:
                self._window = render.Window()
            self._window.show(self.slots, 0, self.slots.tick_s)

    def close(self):
        if self._window is not None:
            self._window.close()
            self._window = None
