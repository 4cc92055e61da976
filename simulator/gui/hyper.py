"""The hyperparameters panel's settings: a small list of fields over ``brain.TrainConfig``.

Left/Right steps a field through sensible values; Enter lets the user type one, which
is checked here and refused with a message naming what would be accepted.
"""
from dataclasses import dataclass

from brain.activations import ACTIVATIONS
from brain.errors import NeurocarError
from brain.i18n import N_, _
from brain.training import DEFAULT_LR, OPTIMIZERS, TrainConfig

LEARNING_RATES = (0.001, 0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0)
EPOCHS = (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 40000)
HIDDEN = ("1", "2", "3", "4", "6", "8", "12", "16", "3,3", "4,4", "8,8", "8,8,8")
NO_BOUND, FIXED_POINT = "none", "fixed-point"           # train's default, and its --fixed-point-bounds
BOUNDS = (NO_BOUND, FIXED_POINT, "1", "1.86", "2", "4")   # the numbers as train's --max-weight
OUTPUTS = ("same", *ACTIVATIONS)
CHOICES = {"activation": tuple(ACTIVATIONS), "output": OUTPUTS, "optimizer": tuple(OPTIMIZERS)}
MAX_LAYERS, MAX_NEURONS = 4, 64


@dataclass
class Field:
    key: str
    label: str              # marked with N_, shown through _()
    about: str              # marked with N_: what .help shows

    @property
    def help(self) -> str:
        return _(self.about).format(activations=", ".join(ACTIVATIONS))


FIELDS = (
    Field("hidden", N_("hidden layers"), N_("neurons per hidden layer, e.g. 3 or 4,4")),
    Field("activation", N_("activation"), N_("hidden-layer activation: {activations}")),
    Field("output", N_("output activation"), N_("'same' or one of {activations}")),
    Field("optimizer", N_("optimizer"), N_("adam, gd (full batch), sgd (tutorial: a random row per update), momentum")),
    Field("lr", N_("learning rate"), N_("a positive number such as 0.05")),
    Field("epochs", N_("epochs"), N_("most epochs to train, 1 to 1000000")),
    Field("seed", N_("seed"), N_("seed of the initial weights (a whole number)")),
    Field("bound", N_("weight bound"), N_("none, fixed-point (each layer within what the Uno's fixed point "
                                          "holds) or a largest weight such as 1.86")),
)
LR = [f.key for f in FIELDS].index("lr")


class HyperParams:
    def __init__(self, config: TrainConfig | None = None):
        c = config or TrainConfig()
        self.values = {
            "hidden": ",".join(str(h) for h in c.hidden),
            "activation": c.activation,
            "output": c.output_activation or "same",
            "optimizer": c.optimizer,
            "lr": c.learning_rate(),
            "epochs": c.epochs,
            "seed": c.seed,
            "bound": FIXED_POINT if c.fixed_point_bounds else f"{c.max_weight:g}" if c.max_weight else NO_BOUND,
        }
        self.index = 0
        self.flag: tuple[int, str] | None = None
        self.version = 0
        self.rates = {c.optimizer: c.learning_rate()}      # the learning rate last set for each optimizer
        self.note = ""                                     # what switching the optimizer did to the rate

    @classmethod
    def for_brain(cls, brain) -> "HyperParams":
        """The settings the brain was trained with; for a brain not trained here (evolved,
        imported), its own shape and activations, so R retrains a network like it, and for
        an evolved one the fixed-point bounds its search kept to."""
        hp = dict((brain.provenance or {}).get("hyperparameters") or {})
        if not hp and "evolution" in (brain.provenance or {}):
            hp["fixed_point_bounds"] = True
        if "hidden" not in hp:
            hp.update(_shape(brain.network))
        known = {k: hp[k] for k in ("hidden", "activation", "output_activation", "optimizer", "lr",
                                    "epochs", "seed", "max_weight", "fixed_point_bounds") if k in hp}
        try:
            config = TrainConfig(**known)
            config.validate()
        except (TypeError, ValueError, NeurocarError):    # settings from elsewhere: start from the defaults
            config = TrainConfig()
        return cls(config)

    @property
    def field(self) -> Field:
        return FIELDS[self.index]

    def move(self, d: int) -> None:
        self.index = (self.index + d) % len(FIELDS)

    def text(self, key: str) -> str:
        v = self.values[key]
        return f"{v:g}" if isinstance(v, float) else str(v)

    def adjust(self, d: int) -> None:
        key = self.field.key
        v = self.values[key]
        if key == "hidden":
            self._set(key, _step(HIDDEN, v, d))
        elif key == "bound":
            self._set(key, _step(BOUNDS, v, d))
        elif key in ("activation", "output", "optimizer"):
            choices = CHOICES[key]
            self._set(key, choices[(choices.index(v) + d) % len(choices)] if v in choices else choices[0])
        elif key == "lr":
            self._set(key, _step_number(LEARNING_RATES, v, d))
        elif key == "epochs":
            self._set(key, int(_step_number(EPOCHS, v, d)))
        elif key == "seed":
            self._set(key, max(0, v + d))

    def set_text(self, text: str) -> str | None:
        """Type a value into the selected field; returns an error message if refused."""
        value, error = parse(self.field, text)
        if error:
            self.flag = (self.index, error)
            return error
        self._set(self.field.key, value)
        return None

    def config(self) -> TrainConfig:
        v = self.values
        bound = v["bound"]
        return TrainConfig(hidden=[int(h) for h in v["hidden"].split(",")], activation=v["activation"],
                           output_activation=None if v["output"] == "same" else v["output"],
                           optimizer=v["optimizer"], lr=float(v["lr"]), epochs=int(v["epochs"]),
                           seed=int(v["seed"]), fixed_point_bounds=bound == FIXED_POINT,
                           max_weight=None if bound in (NO_BOUND, FIXED_POINT) else float(bound))

    def to_dict(self) -> dict:
        return {**self.values, "rates": dict(self.rates)}

    def load_dict(self, d: dict) -> str:
        """Take the settings of a saved session; returns the refused ones ('' when none)."""
        refused = []
        for f in FIELDS:
            if f.key in d:
                value, error = parse(f, str(d[f.key]))
                if error:
                    refused.append(error)
                else:
                    self.values[f.key] = value
        rates = d.get("rates") if isinstance(d.get("rates"), dict) else {}
        for optimizer, rate in rates.items():
            value, error = parse(FIELDS[LR], str(rate))
            if optimizer in OPTIMIZERS and not error:
                self.rates[optimizer] = value
        self.rates[self.values["optimizer"]] = self.values["lr"]
        self.version += 1
        return "; ".join(refused)

    def _set(self, key, value) -> None:
        if key == "optimizer" and value != self.values["optimizer"]:
            self._switch_optimizer(value)
        else:
            self.note = ""
        if key == "lr":
            self.rates[self.values["optimizer"]] = value
        self.values[key] = value
        self.flag = None
        self.version += 1

    def _switch_optimizer(self, new: str) -> None:
        """Each optimizer keeps its own learning rate (their defaults differ tenfold); say
        when the switch brings another one."""
        old, lr = self.values["optimizer"], self.values["lr"]
        self.rates[old] = lr
        known = new in self.rates
        rate = self.rates[new] if known else DEFAULT_LR[new]
        self.values["lr"] = rate
        whose = (_("{optimizer}'s last") if known else _("{optimizer}'s default")).format(optimizer=new)
        self.note = "" if rate == lr else _("learning rate {old:g} → {new:g}, {whose} (each optimizer keeps its "
                                            "own)").format(old=lr, new=rate, whose=whose)


def parse(field: Field, text: str):
    """(value, None) for an acceptable text of ``field``, or (None, message) naming what is accepted."""
    key, text = field.key, text.strip()
    if key == "hidden":
        try:
            sizes = [int(p) for p in text.replace(" ", ",").split(",") if p]
        except ValueError:
            sizes = []
        if not sizes or not all(1 <= s <= MAX_NEURONS for s in sizes) or len(sizes) > MAX_LAYERS:
            return None, _("hidden layers {text!r}: 1 to {layers} layers of 1 to {neurons} neurons, "
                           "e.g. 3 or 4,4").format(text=text, layers=MAX_LAYERS, neurons=MAX_NEURONS)
        return ",".join(map(str, sizes)), None
    if key == "bound":
        return _parse_bound(text)
    if key in CHOICES:
        value = text.lower()
        if value not in CHOICES[key]:
            return None, _("{setting} {text!r}: accepted: {choices}").format(
                setting=_(field.label), text=text, choices=", ".join(CHOICES[key]))
        return value, None
    if key == "lr":
        value = _positive_up_to_100(text)
        if value is None:
            return None, _("learning rate {text!r}: a positive number up to 100, such as 0.05").format(text=text)
        return value, None
    try:
        value = int(text)
    except ValueError:
        value = None
    if key == "epochs" and (value is None or not 1 <= value <= 1_000_000):
        return None, _("epochs {text!r}: a whole number from 1 to 1000000").format(text=text)
    if key == "seed" and (value is None or not 0 <= value < 2 ** 32):
        return None, _("seed {text!r}: a whole number from 0 to 4294967295").format(text=text)
    return value, None


def _shape(network) -> dict:
    """A network's hidden sizes and activations as training settings ({} when the panel
    cannot hold its shape)."""
    *hidden, out = network.layers
    if not hidden or len(hidden) > MAX_LAYERS or max(layer.n_out for layer in hidden) > MAX_NEURONS:
        return {}
    shape = {"hidden": [layer.n_out for layer in hidden], "activation": hidden[0].activation.name}
    if out.activation.name != shape["activation"]:
        shape["output_activation"] = out.activation.name
    return shape


def _positive_up_to_100(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= 100 else None


def _parse_bound(text: str):
    value = text.lower()
    if value in (NO_BOUND, FIXED_POINT):
        return value, None
    number = _positive_up_to_100(value)
    if number is None:
        return None, _("weight bound {text!r}: none, fixed-point, or a positive number up to 100 "
                       "such as 1.86").format(text=text)
    return f"{number:g}", None


def _step(choices, value, d):
    if value in choices:
        return choices[min(max(choices.index(value) + d, 0), len(choices) - 1)]
    return choices[0]


def _step_number(choices, value, d):
    if d > 0:
        bigger = [c for c in choices if c > value * 1.0001]
        return bigger[0] if bigger else choices[-1]
    smaller = [c for c in choices if c < value * 0.9999]
    return smaller[-1] if smaller else choices[0]
