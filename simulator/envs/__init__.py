"""The Gymnasium environments (the optional extra ``neurocar[gym]``):

    import gymnasium
    env = gymnasium.make("simulator.envs:neurocar/ObstacleCar-v0")      # imports this package
    envs = gymnasium.make_vec("simulator.envs:neurocar/ObstacleCar-v0", num_envs=25,
                              vectorization_mode="vector_entry_point")

or ``import simulator.envs`` and then ``gymnasium.make("neurocar/ObstacleCar-v0")``.
Gymnasium 1.x registers nothing by itself (it dropped the ``gymnasium.envs`` entry-point
plugins of 0.2x); the ``module:`` prefix is its way of loading an installed package's
environments. See ``simulator.envs.env`` and ``simulator.envs.vector`` for the options.
"""
from brain.errors import NeurocarError
from brain.i18n import _


class GymnasiumMissing(NeurocarError, ImportError):
    """The gym extra is not installed."""


try:
    import gymnasium
except ImportError:
    raise GymnasiumMissing(_("neurocar's Gymnasium environment needs gymnasium: pip install 'neurocar[gym]'")) from None

from simulator.envs.env import ObstacleCarEnv                   # noqa: E402
from simulator.envs.setup import EnvSettingError, RewardWeights  # noqa: E402
from simulator.envs.slots import ACTIONS                         # noqa: E402
from simulator.envs.vector import ObstacleCarVectorEnv          # noqa: E402

ENV_ID = "neurocar/ObstacleCar-v0"
__all__ = ["ACTIONS", "ENV_ID", "EnvSettingError", "GymnasiumMissing", "ObstacleCarEnv", "ObstacleCarVectorEnv",
           "RewardWeights"]

if ENV_ID not in gymnasium.registry:
    gymnasium.register(ENV_ID, entry_point=ObstacleCarEnv, vector_entry_point=ObstacleCarVectorEnv)
