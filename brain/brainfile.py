"""Brain files: a trained network plus what its inputs and outputs mean, as JSON.

Schema (version 1)::

    {"format": "neurocar-brain", "version": 1,
     "inputs": ["distance", "position"],
     "outputs": [{"name": "turn", "decoder": "round"}, ...],
     "actions": [{"decision": [0, 1], "label": "forward"}, ...],
     "layers": [{"inputs": 2, "outputs": 3, "activation": "tanh", "bias": true,
                 "weights": [[...], ...],   # inputs x outputs
                 "biases": [...] or null}, ...],
     "provenance": {"table": ..., "table_sha256": ..., "hyperparameters": {...},
                    "seed": ..., "epochs": ..., "final_loss": ..., ...}}
"""
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from brain.activations import ACTIVATIONS, get_activation
from brain.atomic import atomic_write_text
from brain.decoders import DECODERS, decode_all
from brain.errors import BrainFileError
from brain.fileio import read_json
from brain.i18n import _
from brain.network import Layer, Network

FORMAT = "neurocar-brain"
VERSION = 1
ACTION_SHAPE = '{"decision": [ints], "label": text}'       # an action as the file writes it


@dataclass
class Brain:
    """A network that knows the names and decoders of its inputs and outputs."""
    network: Network
    input_names: list[str]
    output_names: list[str]
    decoders: list[str]
    actions: dict[tuple, str] = field(default_factory=dict)   # decision -> label from the table
    provenance: dict = field(default_factory=dict)

    def forward(self, x) -> np.ndarray:
        return self.network.forward(x)

    def decide(self, x) -> np.ndarray:
        """Decoded decisions (ints) for a batch of inputs."""
        return decode_all(self.decoders, self.network.forward(np.atleast_2d(x)))

    def action_label(self, decision) -> str:
        return self.actions.get(tuple(int(v) for v in decision), "")

    def same_columns(self, table) -> bool:
        """The table has this brain's columns: the same inputs, outputs and decoders, in order."""
        return (list(table.input_names), list(table.output_names), list(table.decoders)) == \
            (list(self.input_names), list(self.output_names), list(self.decoders))

    @classmethod
    def from_table(cls, network: Network, table, provenance: dict | None = None) -> "Brain":
        labelled = [i for i, label in enumerate(table.labels) if label]
        decisions = np.ascontiguousarray(table.decoded_targets()[labelled], dtype=np.int64)
        as_bytes = decisions.view(np.dtype((np.void, decisions.itemsize * decisions.shape[1]))).ravel()
        _, first = np.unique(as_bytes, return_index=True)     # each decision's first labelled row (bytes: quicker)
        actions = {tuple(int(v) for v in decisions[k]): table.labels[labelled[k]] for k in sorted(first)}
        return cls(network, table.input_names, table.output_names, table.decoders, actions,
                   dict(provenance or {}))

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "version": VERSION,
            "inputs": list(self.input_names),
            "outputs": [{"name": n, "decoder": d} for n, d in zip(self.output_names, self.decoders)],
            "actions": [{"decision": list(k), "label": v} for k, v in self.actions.items()],
            "layers": [{
                "inputs": l.n_in, "outputs": l.n_out, "activation": l.activation.name,
                "bias": l.has_bias, "weights": l.weights.tolist(),
                "biases": l.biases.tolist() if l.has_bias else None,
            } for l in self.network.layers],
            "provenance": self.provenance,
        }

    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()


def brain_json(brain: Brain) -> str:
    """The brain file's text."""
    return json.dumps(brain.to_dict(), indent=1) + "\n"


def save_brain(path, brain: Brain) -> None:
    atomic_write_text(path, brain_json(brain))


def load_brain(path) -> Brain:
    data = read_json(path, _("brain file"), BrainFileError, _("a brain file is JSON written by 'neurocar train'"))
    return brain_from_dict(data, str(path))


def brain_from_dict(data, source: str = "<brain>") -> Brain:
    def bad(what: str) -> BrainFileError:
        return BrainFileError(f"{source}: {what}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad(_("not a neurocar brain file (expected \"format\": \"{FORMAT}\")").format(FORMAT=FORMAT))
    if data.get("version") != VERSION:
        raise bad(_("brain file version {version!r} is not supported; this neurocar reads version {VERSION} "
                    "(retrain with 'neurocar train')").format(version=data.get("version"), VERSION=VERSION))
    inputs = data.get("inputs")
    outputs = data.get("outputs")
    if not _is_list_of(inputs, str) or not inputs:
        raise bad(_("\"inputs\" must be a non-empty list of input names"))
    if not isinstance(outputs, list) or not outputs or not all(
            isinstance(o, dict) and isinstance(o.get("name"), str) and isinstance(o.get("decoder"), str)
            and o["decoder"] in DECODERS
            for o in outputs):
        raise bad(_("\"outputs\" must be a non-empty list of {{\"name\", \"decoder\"}} with decoders "
                    "{decoders}").format(decoders=", ".join(DECODERS)))
    layers_data = data.get("layers")
    if not isinstance(layers_data, list) or not layers_data:
        raise bad(_("\"layers\" must be a non-empty list"))
    layers = [_layer(i, ld, bad) for i, ld in enumerate(layers_data)]
    try:
        network = Network(layers)
    except ValueError as e:
        raise bad(str(e)) from None
    if network.n_inputs != len(inputs) or network.n_outputs != len(outputs):
        raise bad(_("the network takes {n_in} inputs and gives {n_out} outputs, but the file names {inputs} "
                    "inputs and {outputs} outputs").format(n_in=network.n_inputs, n_out=network.n_outputs,
                                                           inputs=len(inputs), outputs=len(outputs)))
    actions = {}
    if not isinstance(data.get("actions") or [], list):
        raise bad(_("\"actions\" must be a list of {shape}").format(shape=ACTION_SHAPE))
    for a in data.get("actions") or []:
        if not (isinstance(a, dict) and _is_list_of(a.get("decision"), int) and isinstance(a.get("label"), str)):
            raise bad(_("each of \"actions\" must be {shape}").format(shape=ACTION_SHAPE))
        actions[tuple(a["decision"])] = a["label"]
    provenance = data.get("provenance") or {}
    if not isinstance(provenance, dict):
        raise bad(_("\"provenance\" must be an object"))
    return Brain(network, list(inputs), [o["name"] for o in outputs], [o["decoder"] for o in outputs],
                 actions, provenance)


def _layer(i: int, ld, bad) -> Layer:
    where = _("layer {number}").format(number=i + 1)
    if not isinstance(ld, dict):
        raise bad(_("{where} must be an object").format(where=where))
    n_in, n_out = ld.get("inputs"), ld.get("outputs")
    if not (isinstance(n_in, int) and isinstance(n_out, int) and n_in > 0 and n_out > 0):
        raise bad(_("{where}: \"inputs\" and \"outputs\" must be positive integers").format(where=where))
    if not isinstance(ld.get("activation"), str) or ld["activation"] not in ACTIVATIONS:
        raise bad(_("{where}: activation {activation!r} is not one of {names}").format(
            where=where, activation=ld.get("activation"), names=", ".join(ACTIVATIONS)))
    has_bias = ld.get("bias", True)
    if not isinstance(has_bias, bool):
        raise bad(_("{where}: \"bias\" must be true or false").format(where=where))
    weights = _matrix(ld.get("weights"), (n_in, n_out), _("{where} weights").format(where=where), bad)
    if has_bias:
        biases = _matrix(ld.get("biases"), (n_out,), _("{where} biases").format(where=where), bad)
    else:
        biases = np.zeros(n_out)
    return Layer(weights, biases, get_activation(ld["activation"]), has_bias)


def _matrix(value, shape, what, bad) -> np.ndarray:
    if not isinstance(value, list):
        raise bad(_("{what} must be a list of numbers of shape {shape}").format(what=what, shape=shape))
    text = _first_non_number(value, len(shape))
    if text is not None:
        raise bad(_("{what} must be numbers, not {text} (written as {type})").format(
            what=what, text=_short(text), type=type(text).__name__))
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise bad(_("{what} must be a list of numbers of shape {shape}").format(what=what, shape=shape)) from None
    if arr.shape != shape:
        raise bad(_("{what} have shape {actual}, expected {shape}").format(what=what, actual=arr.shape, shape=shape))
    if not np.isfinite(arr).all():
        raise bad(_("{what} hold non-finite values (NaN or infinity); retrain the brain").format(what=what))
    return arr


def _first_non_number(value, depth: int):
    """The first leaf down to ``depth`` lists that is not a JSON number (text, true/false, null)."""
    for v in value:
        if isinstance(v, list) and depth > 1:
            bad = _first_non_number(v, depth - 1)
            if bad is not None:
                return bad
        elif not isinstance(v, list) and (isinstance(v, bool) or not isinstance(v, (int, float))):
            return v
    return None


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_list_of(value, kind) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
