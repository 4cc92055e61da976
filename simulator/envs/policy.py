"""From a policy to the car, and from a brain to a policy.

``policy_table`` asks any policy (observations -> action indices) for its decision at every
input the car's brain can be given (``simulator.policy_table``'s grid) and writes them as a
training table: the action's motor pins as outputs (``bit`` decoders), its name as the
label. ``neurocar train`` learns the table into a brain with one output per pin, which
exports to the car like any other.

``brain_policy`` is the other way: a brain's decisions as the environment's actions.
"""
import numpy as np

from brain.table import Table
from brain.i18n import _
from simulator.controller import decode_pins
from simulator.envs.setup import EnvSettingError
from simulator.envs.slots import ACTIONS
from simulator.policy_table import decisions_table
from simulator.profile import PATTERN_NAMES
from simulator.sweep_memory import BASE_INPUTS


def action_pins(profile) -> np.ndarray:
    """(len(ACTIONS), len(pin_order)): each action's motor pins."""
    stop = [0] * len(profile.motors.pin_order)
    return np.array([profile.motors.patterns[name] for name in PATTERN_NAMES] + [stop], dtype=int)


def policy_table(policy, profile, memory=(), name: str = "policy", comments=()) -> Table:
    """The table of ``policy(observations (rows, 2 + len(memory)) float32) -> actions (rows,)``
    over the brain's input grid, for a brain reading ``memory`` after distance and position."""
    pins = action_pins(profile)
    labels = {tuple(int(v) for v in row): action for row, action in zip(pins, ACTIONS)}

    def decide(x):
        return pins[np.asarray(policy(np.asarray(x, dtype=np.float32)), dtype=int).reshape(len(x))]

    pin_names = list(profile.motors.pin_order)
    return decisions_table(decide, list(BASE_INPUTS) + list(memory), pin_names, ["bit"] * len(pin_names),
                           lambda decision: labels.get(decision, ""), profile, comments, name)


def brain_policy(brain, profile):
    """A brain as a policy: observations (rows, n_inputs) -> action indices. A brain whose
    pins match none of the actions is refused in one line when it sets them."""
    pins = action_pins(profile)

    def policy(observations):
        decided, _held = decode_pins(np.atleast_2d(brain.network.forward(np.asarray(observations, dtype=float))),
                                 brain, profile)
        match = (decided[:, None, :] == pins[None]).all(axis=2)
        if not match.any(axis=1).all():
            odd = decided[~match.any(axis=1)][0]
            raise EnvSettingError(_("the brain sets the pins {tuple}, which are none of the "
                                  "actions ({value})").format(
                                      tuple=tuple((int(v) for v in odd)), value=', '.join(ACTIONS)))
        return match.argmax(axis=1)

    return policy
