"""``neurocar evolve``: a real CMA-ES search over real episodes, small enough for a test.

Resume equals an uninterrupted run, the engines agree, the brain written is the one the
validation worlds chose and carries its provenance, its table holds its decisions, and
bad input is one line."""
import json
import subprocess
import sys
import time

import numpy as np
import pytest

from brain.brainfile import load_brain
from brain.fixedpoint import to_fixed_point
from brain.network import Network
from brain.table import load_table
from simulator.assets import asset
from simulator.fitness import Fitness
from simulator.genome import bounds, flatten, unflatten
from simulator.policy_table import grid

pytest.importorskip("cma", reason="neurocar evolve needs the evolve extra: pip install 'neurocar[evolve]'")

SMALL = ["--hidden", "3", "--worlds", "3", "--validation-worlds", "2", "--test-worlds", "3", "--seconds", "4",
         "--population", "4", "--seed", "3", "--quiet"]


def _evolve(cmd, *args, timeout=300):
    return subprocess.run([*cmd, "evolve", *SMALL, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def straight_run(tmp_path_factory):
    """Three generations without a break, with every output."""
    d = tmp_path_factory.mktemp("straight")
    r = _evolve([sys.executable, "-m", "simulator.cli"], "--generations", "3", "--out", str(d / "b.json"),
                "--json", str(d / "r.json"), "--table-out", str(d / "t.csv"), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    return d, r


def test_the_run_prints_its_formula_and_a_line_per_generation(straight_run):
    _, r = straight_run
    assert "fitness = coverage_% - 2.5 x collisions_per_minute - 5 x contact_fraction" in r.stdout
    assert [line.split()[1] for line in r.stdout.splitlines() if line.startswith("gen ")] == ["1", "2", "3"]
    assert "test worlds (3, a seed used nowhere else)" in r.stdout


def test_the_brain_written_is_the_validation_choice_with_its_provenance(straight_run):
    d, _ = straight_run
    report = json.loads((d / "r.json").read_text())
    validation = [max(g["validation"], g["validation_best"]) for g in report["generations"]]
    assert report["chosen_generation"] == 1 + int(np.argmax(validation))
    evo = load_brain(d / "b.json").provenance["evolution"]
    assert evo["chosen_generation"] == report["chosen_generation"] and evo["generations"] == 3
    assert evo["settings"]["population"] == 4 and "formula" in evo["settings"]["fitness"]
    assert set(evo["test"]) >= {"collisions_per_minute", "coverage_pct", "fitness"}
    assert [h[0] for h in evo["history"]] == [1, 2, 3]
    assert evo["table_out"] == "t.csv"                     # the window opens this table for the brain


def test_the_weights_report_says_the_brain_was_evolved(straight_run):
    d, _ = straight_run
    r = subprocess.run([sys.executable, "-m", "simulator.cli", "weights", str(d / "b.json")],
                       capture_output=True, text=True, timeout=60)
    chosen = load_brain(d / "b.json").provenance["evolution"]["chosen_generation"]
    assert r.returncode == 0 and "evolved by CMA-ES (pycma) from a new" in r.stdout
    assert f"seed 3, 3 generations; kept generation {chosen}" in r.stdout


def test_the_table_holds_the_brains_decisions_over_the_input_grid(straight_run, profile):
    d, _ = straight_run
    brain, table = load_brain(d / "b.json"), load_table(d / "t.csv")
    assert brain.same_columns(table)
    _, _, x = grid(profile, 0)
    assert np.array_equal(table.inputs, x)
    assert np.array_equal(table.decoded_targets(), brain.decide(x))
    motions = {(1, 1): "turn right", (1, -1): "turn right", (-1, 1): "turn left", (-1, -1): "turn left",
               (0, 1): "forward", (0, -1): "backward"}                # what the motors do, named or not
    assert [motions[tuple(d)] for d in table.decoded_targets().astype(int).tolist()] == list(table.labels)


def test_resume_gives_exactly_the_uninterrupted_run(straight_run, tmp_path):
    d, _ = straight_run
    cmd = [sys.executable, "-m", "simulator.cli"]
    ck, out = tmp_path / "ck", tmp_path / "b.json"
    for generations, more in (("1", []), ("3", ["--resume"])):
        r = _evolve(cmd, "--generations", generations, "--out", str(out), "--json", str(tmp_path / "r.json"),
                    "--table-out", str(tmp_path / "t.csv"), "--checkpoint", str(ck), "--jobs", "1", *more)
        assert r.returncode == 0, r.stderr
    assert "resuming after generation 1 of 3" in r.stdout
    assert out.read_bytes() == (d / "b.json").read_bytes()
    assert (tmp_path / "r.json").read_bytes() == (d / "r.json").read_bytes()


def test_ray_gives_the_same_brain_as_processes(straight_run, tmp_path):
    pytest.importorskip("ray", reason="the ray backend needs the ray extra: pip install 'neurocar[ray]'")
    d, _ = straight_run
    r = _evolve([sys.executable, "-m", "simulator.cli"], "--generations", "3", "--out", str(tmp_path / "b.json"),
                "--table-out", str(tmp_path / "t.csv"), "--backend", "ray", "--jobs", "2", timeout=600)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b.json").read_bytes() == (d / "b.json").read_bytes()


@pytest.mark.parametrize("args, words", [
    (["--population", "3"], ["--population 3", "at least 4"]),
    (["--generations", "0"], ["--generations 0", "1 or more"]),
    (["--resume"], ["--resume needs --checkpoint"]),
    (["--inputs", "distance,position,behind"], ["behind", "left_nearest"]),
    (["--address", "auto"], ["--address", "--backend ray"]),
    (["--seconds", "nan"], ["--seconds"]),
    (["--fitness", "coverage=2,speed=1"], ["--fitness", "'speed=1'", "coverage, collisions, contact or stuck"]),
    (["--fitness", "collisions=-1"], ["--fitness", "'collisions=-1'", "0 or more"]),
    (["--checkpoint", "{tmp}", "--json", "{tmp}/checkpoint.pkl"], ["--json", "is also --checkpoint"]),
])
def test_bad_settings_are_one_line(neurocar_cmd, tmp_path, args, words):
    args = [a.format(tmp=tmp_path) for a in args]
    r = _evolve(neurocar_cmd, "--generations", "2", "--out", str(tmp_path / "b.json"), *args)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert all(w in r.stderr for w in words), r.stderr
    assert not (tmp_path / "b.json").exists()


def test_fitness_weights_are_chosen_by_name_and_printed():
    fitness = Fitness.parse("coverage=2, stuck=1")
    assert (fitness.coverage, fitness.collisions, fitness.contact, fitness.stuck) == (2, 2.5, 5, 1)
    assert fitness.formula() == ("fitness = 2 x coverage_% - 2.5 x collisions_per_minute - 5 x contact_fraction - "
                                 "1 x stuck_fraction")
    rows = [{"seconds": 60.0, "coverage": 0.1, "collisions": 2, "contact_s": 6.0, "stuck_s": 3.0}]
    assert fitness.of(rows) == pytest.approx(2 * 10 - 2.5 * 2 - 5 * 0.1 - 1 * 0.05)
    assert Fitness.parse("") == Fitness()


def test_a_checkpoint_is_never_replaced_or_resumed_by_another_run(neurocar_cmd, tmp_path):
    ck = tmp_path / "ck"
    assert _evolve(neurocar_cmd, "--generations", "1", "--out", str(tmp_path / "a.json"),
                   "--checkpoint", str(ck)).returncode == 0
    before = (ck / "checkpoint.pkl").read_bytes()
    again = _evolve(neurocar_cmd, "--generations", "2", "--out", str(tmp_path / "b.json"), "--checkpoint", str(ck))
    other = _evolve(neurocar_cmd, "--generations", "2", "--out", str(tmp_path / "b.json"), "--checkpoint", str(ck),
                    "--resume", "--sigma", "0.3")
    assert again.returncode == 2 and "already holds a search" in again.stderr
    assert other.returncode == 2 and "belongs to another run" in other.stderr
    assert (ck / "checkpoint.pkl").read_bytes() == before and not (tmp_path / "b.json").exists()


def test_an_unreachable_cluster_is_one_line_within_30_s(neurocar_cmd, tmp_path):
    pytest.importorskip("ray", reason="the ray backend needs the ray extra: pip install 'neurocar[ray]'")
    started = time.monotonic()
    r = _evolve(neurocar_cmd, "--generations", "1", "--out", str(tmp_path / "b.json"), "--backend", "ray",
                "--address", "127.0.0.1:9", timeout=120)
    assert time.monotonic() - started < 45        # 30 s allowed to the connection, plus start-up
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_without_cma_the_message_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['cma'] = None; from simulator.cli import main; "
            f"sys.exit(main(['evolve', '--generations', '1', '--out', {str(tmp_path / 'b.json')!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "pip install 'neurocar[evolve]'" in r.stderr, r.stderr


def test_the_mean_candidate_stays_within_the_bounds_from_a_start_on_them(profile):
    from brain.brainfile import brain_from_dict
    from simulator.evolution import Evolution, Settings
    from simulator.runner import open_runner
    start = load_brain(asset("brains", "sweep_backup.json"))       # fitted with --fixed-point-bounds
    lower, upper = bounds(start.network)
    weights = flatten(start.network)
    assert np.sum(np.isclose(np.abs(weights), upper)) >= 8           # many weights sit on a bound
    driven = []

    with open_runner("processes", 1) as runner:
        real = runner.run_many

        def recording(pairs, progress=None):                      # the real episodes, noting each brain
            driven.extend(flatten(brain_from_dict(job.brain).network) for job, _ in pairs)
            return real(pairs, progress)

        runner.run_many = recording
        Evolution(Settings(worlds=1, seconds=1.0, population=4, seed=3,
                           validation_worlds=1), start, profile).step(runner)
    assert len(driven) == 4 + 2 and np.array_equal(driven[4], weights)   # generation 1's mean is the start itself
    assert all(np.all((lower <= w) & (w <= upper)) for w in driven)


def test_weights_round_trip_and_the_bounds_keep_a_fixed_point_twin():
    for sizes in ([2, 4, 2], [5, 8, 2], [4, 3, 3, 2]):
        net = Network.create(sizes, "tanh", seed=1)
        v = flatten(net)
        assert np.array_equal(flatten(unflatten(net, v)), v)
        lower, upper = bounds(net)
        for corner in (upper, lower):
            brain = load_brain(asset("brains", "improved.json"))
            brain.network = unflatten(net, corner)
            to_fixed_point(brain)                 # raises if any neuron's sum could overflow
