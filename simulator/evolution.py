"""Learning a brain in the simulator: CMA-ES over a network's weights (``neurocar evolve``).

Each generation:

1. the optimizer (pycma's ``CMAEvolutionStrategy``, within ``simulator.genome.bounds``, so
   every brain it proposes has a fixed-point twin) proposes ``population`` weight vectors;
2. every member drives the same fresh sample of ``worlds`` random worlds, each with its
   own car drawn from the profile's measured ranges (common random numbers: members
   differ only in their weights);
3. each member's fitness (``simulator.fitness``) goes back to the optimizer;
4. two candidates drive the validation worlds, the same every generation: the
   distribution mean the generation was drawn from (generation 1's is the starting
   brain) and the generation's best member. The candidate that scores best there, over
   all generations, is the brain written.

The written brain's final figures come from test worlds that played no part in the
search or the choice. Seeds: ``SeedSequence(seed, spawn_key=(stream, ...))`` for the
streams below; the worlds' seeds are 64-bit numbers drawn from them, so they never
coincide with the small seeds of ``neurocar eval --seed K`` (except with chance 2^-64).

pycma draws its samples from numpy's global generator unless told otherwise: here it
draws from a ``RandomState`` of its own (seeded from the run's optimizer stream), held by
the optimizer and pickled with it. Anything else it might draw from the global generator
is confined too: the global state is kept with the optimizer, set before each ``ask`` and
read back after each ``tell``. So nothing else in the process can disturb the search, and
a checkpoint (``simulator.evolve_checkpoint``) restores it exactly.
"""
import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from brain.brainfile import Brain
from brain.errors import NeurocarError
from brain.network import Network
from brain.i18n import _
from simulator.batch import Job, RandomSpecs
from simulator.fitness import Fitness, parts
from simulator.genome import bounds, flatten, unflatten, widen

TRAIN, VALIDATION, TEST, OPTIMIZER, START = range(5)
MIN_POPULATION = 4            # CMA-ES recombines the best half: at least 2 parents
TURN_DIRECTION_ACTIONS = {(0, 1): "forward", (0, -1): "backward", (1, 1): "turn right", (1, -1): "turn right",
                          (-1, 1): "turn left", (-1, -1): "turn left"}


class EvolveError(NeurocarError):
    """Settings or a checkpoint the search cannot use."""


def stream_seed(seed: int, stream: int, *more: int) -> int:
    """A 64-bit seed for one stream of the run (and one generation of it)."""
    return int(np.random.SeedSequence(seed, spawn_key=(stream, *more)).generate_state(1, np.uint64)[0])


def load_cma():
    """pycma, an optional extra, or one line saying how to install it."""
    try:
        with warnings.catch_warnings():       # it warns at import when matplotlib is absent
            warnings.simplefilter("ignore")
            import cma                        # pylint: disable=import-outside-toplevel
    except ImportError:
        raise EvolveError(_("evolve needs the cma package (CMA-ES); install it with: "
                          "pip install 'neurocar[evolve]'")) from None
    return cma


@dataclass(frozen=True)
class Settings:
    """What determines a search's result (the run key of its checkpoints)."""
    worlds: int
    seconds: float
    population: int
    seed: int
    sigma: float = 0.5
    validation_worlds: int = 25
    test_worlds: int = 50
    model: str = "measured"
    randomize: bool = True
    fitness: Fitness = Fitness()

    def check(self) -> None:
        if self.population < MIN_POPULATION:
            raise EvolveError(_("--population {population} is too small: CMA-ES needs at least "
                              "{MIN_POPULATION} (it recombines the best half)").format(
                                  population=self.population, MIN_POPULATION=MIN_POPULATION))
        for name, value in (("--worlds", self.worlds), ("--validation-worlds", self.validation_worlds),
                            ("--test-worlds", self.test_worlds)):
            if value < 1:
                raise EvolveError(_("{name} {value} must be 1 or more").format(name=name, value=value))
        if not 0 < self.sigma <= 2:
            raise EvolveError(_("--sigma {sigma:g} must be above 0 and at most 2 (the weights' scale)").format(
                sigma=self.sigma))
        if self.seed < 0:
            raise EvolveError(_("--seed {seed} must be 0 or more").format(seed=self.seed))

    def to_dict(self) -> dict:
        return {**asdict(self), "fitness": self.fitness.to_dict()}


def run_key(settings: Settings, start: Brain, profile) -> str:
    """The hash a checkpoint must carry to be resumed by this run: the settings, the
    starting brain and every value of the profile (not where its file lies)."""
    text = json.dumps({"settings": settings.to_dict(), "start": start.to_dict(),
                       "profile": repr(replace(profile, source=""))}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def fresh_brain(inputs, hidden: int, seed: int) -> Brain:
    """A new tanh network inputs -> hidden -> (turn, direction), weights from the run's seed."""
    network = Network.create([len(inputs), hidden, 2], "tanh", seed=stream_seed(seed, START))
    return Brain(network, list(inputs), ["turn", "direction"], ["round", "sign"], dict(TURN_DIRECTION_ACTIONS))


def widened(start: Brain, inputs, hidden: int | None) -> Brain:
    """The start brain reading more inputs (its own first, the new ones after) and, with
    ``hidden``, more hidden neurons, all new weights zero: it decides exactly as before."""
    inputs = list(inputs or start.input_names)
    if inputs[:len(start.input_names)] != list(start.input_names):
        raise EvolveError(_("--inputs {value} must begin with the start brain's own inputs "
                          "({value2}); new ones go after them").format(
                              value=','.join(inputs), value2=','.join(start.input_names)))
    try:
        network = widen(start.network, len(inputs), hidden)
    except ValueError as e:
        raise EvolveError(_("--hidden {hidden}: {e}").format(hidden=hidden, e=e)) from None
    return Brain(network, inputs, list(start.output_names), list(start.decoders), dict(start.actions))


@dataclass
class Generation:
    """One generation's figures."""
    generation: int
    best: float               # the best member's training fitness
    mean: float               # the members' mean training fitness
    validation: float         # the validation fitness of the mean the members were drawn from
    validation_best: float    # ... and of the best member
    validation_parts: dict
    validation_best_parts: dict
    sigma: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class State:
    """Everything a checkpoint holds besides the run key."""
    es: object
    rng_state: tuple
    history: list = field(default_factory=list)
    chosen: tuple | None = None      # (validation fitness, generation, weights, "mean" or "best")

    @property
    def generation(self) -> int:
        return len(self.history)


class Evolution:
    """A search in progress: ``step`` runs one generation on an episode runner."""

    def __init__(self, settings: Settings, start: Brain, profile, state: State | None = None):
        self.settings, self.start, self.profile = settings, start, profile
        self.state = state or self._new_state()

    def _new_state(self) -> State:
        cma, s = load_cma(), self.settings
        lower, upper = bounds(self.start.network)
        x0 = np.clip(flatten(self.start.network), lower, upper)
        seed = stream_seed(s.seed, OPTIMIZER) % (2 ** 32 - 1) + 1       # pycma reads 0 as "from the clock"
        saved = np.random.get_state()
        es = cma.CMAEvolutionStrategy(x0, s.sigma, {
            "popsize": s.population, "seed": seed, "randn": np.random.RandomState(seed).randn,
            "bounds": [list(lower), list(upper)], "verbose": -9, "verb_log": 0, "verb_disp": 0})
        state = State(es, np.random.get_state())
        np.random.set_state(saved)
        return state

    def brain(self, weights) -> Brain:
        """The start brain's names and decoders with these weights."""
        return Brain(unflatten(self.start.network, weights), list(self.start.input_names),
                     list(self.start.output_names), list(self.start.decoders), dict(self.start.actions))

    def job(self, weights) -> Job:
        return self.job_for(self.brain(weights))

    def job_for(self, brain: Brain) -> Job:
        s = self.settings
        return Job(brain.to_dict(), self.profile, s.seconds, check_starts=True, model=s.model, randomize=s.randomize)

    def training_worlds(self, generation: int) -> RandomSpecs:
        return RandomSpecs(self.settings.worlds, stream_seed(self.settings.seed, TRAIN, generation))

    def validation_worlds(self) -> RandomSpecs:
        return RandomSpecs(self.settings.validation_worlds, stream_seed(self.settings.seed, VALIDATION))

    def test_worlds(self) -> RandomSpecs:
        return RandomSpecs(self.settings.test_worlds, stream_seed(self.settings.seed, TEST))

    def step(self, runner, progress=None) -> Generation:
        """One generation: ask, drive, tell; then the validation of the distribution mean
        the members were drawn from and of the best member; returns its figures."""
        state, fitness = self.state, self.settings.fitness
        number = state.generation + 1
        training = self.settings.population * self.settings.worlds
        share = training / (training + 2 * self.settings.validation_worlds)
        saved = np.random.get_state()
        np.random.set_state(state.rng_state)
        try:
            members = [np.asarray(x, dtype=float) for x in state.es.ask()]
            # es.mean is pycma's genotype: near a bound, its boundary transform puts it outside
            # the bounds, where no member goes; the candidate is the phenotype, as members are
            mean = np.array(state.es.gp.pheno(state.es.mean, into_bounds=state.es.boundary_handler.repair),
                            dtype=float)
            worlds = self.training_worlds(number)
            rows = runner.run_many([(self.job(x), worlds) for x in members], _part(progress, 0.0, share))
            scores = [fitness.of(r) for r in rows]
            state.es.tell(members, [-f for f in scores])        # pycma minimises
            state.rng_state = np.random.get_state()
        finally:
            np.random.set_state(saved)
        best = members[int(np.argmax(scores))]
        checked = runner.run_many([(self.job(w), self.validation_worlds()) for w in (mean, best)],
                                  _part(progress, share, 1.0 - share))
        record = Generation(number, max(scores), float(np.mean(scores)), fitness.of(checked[0]),
                            fitness.of(checked[1]), parts(checked[0]), parts(checked[1]), float(state.es.sigma))
        state.history.append(record)
        for score, weights, which in ((record.validation, mean, "mean"), (record.validation_best, best, "best")):
            if state.chosen is None or score > state.chosen[0]:
                state.chosen = (score, number, weights, which)
        return record

    def chosen_brain(self) -> tuple[int, Brain]:
        """(generation, brain) of the best validation so far."""
        _, generation, weights, _ = self.state.chosen
        return generation, self.brain(weights)


def _part(progress, start: float, share: float):
    """A call's progress(done, total) as its share of the generation's."""
    if progress is None:
        return None
    return lambda done, total: progress(round(1000 * (start + share * (done / total if total else 1.0))), 1000)
