"""Baseline drivers for comparison: ``straight`` and ``random``.

Both are ordinary brains with the default brain's outputs (turn, direction), so they
run through the same controller, and the firmware, as any trained brain:
- ``straight`` always drives forward (zero weights, a direction bias of tanh(3));
- ``random`` is a seeded network of the default shape (2-3-2 tanh) with weights drawn
  uniformly from [-1, 1], as the tutorial initialises them: a brain that learned nothing.
"""
from brain import Brain, Network

BASELINES = ("straight", "random")
OUTPUTS = ["turn", "direction"]
DECODERS = ["round", "sign"]
INPUTS = ["distance", "position"]


def straight_brain() -> Brain:
    net = Network.create([2, 2], "tanh", seed=0)
    layer = net.layers[0]
    layer.weights[:] = 0.0
    layer.biases[:] = [0.0, 3.0]
    return Brain(net, INPUTS, OUTPUTS, DECODERS, provenance={"baseline": "straight"})


def random_brain(seed: int) -> Brain:
    net = Network.create([2, 3, 2], "tanh", seed=seed, init="uniform")
    return Brain(net, INPUTS, OUTPUTS, DECODERS, provenance={"baseline": "random", "seed": seed})


def baseline(name: str, seed: int = 0) -> Brain:
    if name == "straight":
        return straight_brain()
    if name == "random":
        return random_brain(seed)
    raise ValueError(f"unknown baseline {name!r}; accepted: {', '.join(BASELINES)}")
