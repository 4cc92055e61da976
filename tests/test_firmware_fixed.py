"""The fixed-point sketch against its Python twin (brain.fixedpoint): identical integers on
the host and in simavr, the same decisions as the float brains on the controller's grid,
and the export's refusal when they are not."""
import json
import re
import shutil

import numpy as np
import pytest

from brain import Network, load_brain
from brain.brainfile import Brain
from brain.fixedpoint import INT16_MAX, INT16_MIN, quantise, to_fixed_point
from simulator.assets import asset
from simulator.cli import main
from simulator.cli.evaluation import CONTROLLERS
from simulator.controller import FixedPointController, input_grid
from simulator.profile import default_profile

from firmware_export import toolchain
from firmware_export.fixed import fixed_inputs
from firmware_export.fixed import check_decisions, decision_differences
from firmware_export.host_controller import FixedPointHostController, HostNetwork
from firmware_export.sketch import generate, header_only
from firmware_export.verify import closed_loop, far_sequence, open_loop, random_sequence
from tests.firmware_helpers import tutorial_layout_brain

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc (host C compiler) is not installed")
has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None
needs_simavr = pytest.mark.skipif(shutil.which("simavr") is None or not has_avr,
                                  reason="simavr or the AVR toolchain missing: apt-get install simavr "
                                         + toolchain.PACKAGES)
SHIPPED = ["default.json", "improved.json", "seed_motors.json"]
PINS = ["IN1", "IN2", "IN3", "IN4"]


@pytest.fixture(scope="module")
def profile():
    return default_profile()


def _made(sizes, activations, outputs, decoders, seed=0, bias=True) -> Brain:
    net = Network.create(sizes, activations, seed=seed, bias=bias)
    return Brain(net, ["distance", "position"], outputs, decoders)


BRAINS = {
    **{name: (lambda n=name: load_brain(asset("brains", n))) for name in SHIPPED},
    "relu_sigmoid_tanh_linear": lambda: _made([2, 5, 4, 3, 4], ["relu", "sigmoid", "tanh", "linear"], PINS,
                                              ["bit"] * 4, seed=3),
    "sigmoid_turn_direction": lambda: _made([2, 6, 2], ["sigmoid", "tanh"], ["turn", "direction"],
                                            ["round", "sign"], seed=5),
    "no_hidden_linear": lambda: _made([2, 2], "linear", ["turn", "direction"], ["round", "sign"], seed=6),
    "tutorial_layout": tutorial_layout_brain,
}


@needs_gcc
@pytest.mark.parametrize("name", sorted(BRAINS))
def test_host_c_gives_the_twins_integers(name, profile, tmp_path):
    twin = to_fixed_point(BRAINS[name]())
    net = HostNetwork.build(twin, profile, tmp_path)
    rng = np.random.default_rng(7)
    xq = np.concatenate([rng.integers(INT16_MIN, INT16_MAX + 1, (2000, 2)), rng.integers(-8192, 8193, (2000, 2)),
                         [[INT16_MIN, INT16_MIN], [INT16_MAX, INT16_MIN], [0, 0]]])
    assert (net.forward_int(xq) == twin.forward_int(xq)).all()
    d, angles, x = input_grid(profile)
    encoded = np.array([net.encode(int(a), int(b)) for a, b in zip(d, angles)])
    assert (encoded == quantise(x)).all(), "the sketch's integer encoding is the twin's quantisation"
    assert all(tuple(encoded[k]) == fixed_inputs(int(d[k]), int(angles[k]), profile) for k in range(0, len(d), 7))
    assert (net.forward_int(encoded) == twin.forward_int(quantise(x))).all()
    assert (net.decide(x) == twin.decide(x)).all()


def test_generated_fixed_point_code_has_no_float(profile):
    code = header_only(to_fixed_point(load_brain(asset("brains", "seed_motors.json"))), profile)
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    assert "float" not in code and "tanhf" not in code and "math.h" not in code


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_brains_make_the_same_decisions_in_fixed_point(name, profile):
    assert decision_differences(load_brain(asset("brains", name)), profile) == (0, 51 * 35)


def _differing_brain(profile) -> Brain:
    """The default brain with its turn bias moved so that a grid point's float output sits
    a hair from the decoder's edge, on whichever side the fixed-point one is not."""
    brain = load_brain(asset("brains", "default.json"))
    _, _, x = input_grid(profile)
    zs, _ = brain.network.trace(x)
    k = int(np.argmin(np.abs(zs[-1][:, 0] - np.arctanh(0.5))))
    for offset in (1e-6, -1e-6):
        trial = load_brain(asset("brains", "default.json"))
        trial.network.layers[-1].biases[0] += np.arctanh(0.5) + offset - zs[-1][k, 0]
        if decision_differences(trial, profile)[0]:
            return trial
    raise AssertionError("no offset made the decisions differ")


def test_export_refuses_different_decisions_unless_allowed(profile, tmp_path, capsys):
    from brain import save_brain
    brain = _differing_brain(profile)
    differ, points = decision_differences(brain, profile)
    path = tmp_path / "edge.json"
    save_brain(path, brain)
    out = tmp_path / "o"
    assert main(["export", "--brain", str(path), "--out", str(out), "--fixed-point"]) == 2
    err = capsys.readouterr().err
    assert (f"the fixed-point network decides differently from the float brain at {differ} of {points} points of "
            f"the controller's input grid; export the float sketch, or pass --allow-different-decisions") in err
    assert not out.exists()
    assert main(["export", "--brain", str(path), "--out", str(out), "--fixed-point",
                 "--allow-different-decisions"]) == 0
    assert f"{differ} of {points} grid decisions differ" in capsys.readouterr().out
    assert main(["export", "--brain", str(path), "--out", str(out), "--allow-different-decisions"]) == 2
    assert "--allow-different-decisions goes with --fixed-point" in capsys.readouterr().err
    with pytest.raises(Exception, match="1 of 1785|differ"):
        check_decisions(brain, profile, allow=False)


def test_export_refuses_a_brain_q13_cannot_hold(tmp_path, capsys):
    from brain import save_brain
    brain = load_brain(asset("brains", "default.json"))
    brain.network.layers[0].weights[0, 0] = 5.0
    save_brain(tmp_path / "big.json", brain)
    assert main(["export", "--brain", str(tmp_path / "big.json"), "--out", str(tmp_path / "o"), "--fixed-point"]) == 2
    assert "no fixed-point sketch: layer 1 has a weight of 5, outside the fixed-point range [-4, 4)" in \
        capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_fixed_point_sketch_names_its_arithmetic(profile):
    sketch = generate(to_fixed_point(load_brain(asset("brains", "default.json"))), profile, "car")
    assert "int16 Q13 fixed point" in sketch.header and "NEUROCAR_FIXED_POINT" in sketch.header
    float_sketch = generate(load_brain(asset("brains", "default.json")), profile, "car")
    assert "fixed point" not in float_sketch.header


def test_fixed_point_controllers_are_registered(profile):
    assert CONTROLLERS["fixed-point"] is FixedPointController
    assert CONTROLLERS["firmware-fixed-point"] is FixedPointHostController
    ctl = FixedPointController(profile, load_brain(asset("brains", "default.json")), 2)
    assert "Q13" in repr(ctl.brain.network)


@needs_gcc
def test_closed_loop_fixed_point_host_c_equals_the_python_twin(profile):
    twin = to_fixed_point(load_brain(asset("brains", "seed_motors.json")))
    report = closed_loop(twin, profile, seed=3, worlds=2, seconds=20)
    assert report.ok and report.ticks_compared == 2 * 800 and report.tick_mismatches == 0


@needs_simavr
@pytest.mark.parametrize("name", ["default.json", "seed_motors.json", "relu_sigmoid_tanh_linear"])
def test_simavr_gives_the_twins_integers(name, profile):
    twin = to_fixed_point(BRAINS[name]())
    rng = np.random.default_rng(12)
    report = open_loop(twin, profile, [far_sequence(rng, 2000, 50), random_sequence(rng, 1000, 50)])
    assert report.grid_points == 51 * 35 and report.decisions_compared >= 500
    assert report.max_output_error == 0.0, "outputs identical, not close"
    assert report.pin_mismatches == 0 and report.grid_pin_mismatches == 0 and report.state_mismatches == 0


@needs_simavr
def test_export_fixed_point_check_verify_json(tmp_path, capsys):
    report = tmp_path / "r.json"
    assert main(["export", "--brain", str(asset("brains", "default.json")), "--out", str(tmp_path), "--fixed-point",
                 "--check", "--verify", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "the same decisions as the float brain at all 1785 points" in out
    data = json.loads(report.read_text())
    assert data["arithmetic"] == "int16 Q13" and data["grid_decisions_differing_from_float"] == 0
    assert data["pin_mismatches"] == 0 and data["grid_pin_mismatches"] == 0 and data["max_output_error"] == 0.0
    assert data["ticks_compared"] >= 10_000 and data["closed_loop"]["tick_mismatches"] == 0
    assert data["flash_bytes"] > 0 and data["us_per_inference"] < 1000


@needs_simavr
def test_verify_catches_a_twin_that_differs(profile, monkeypatch):
    """One Q13 step off in one weight, and the open loop no longer passes as exact."""
    from firmware_export import verify
    brain = load_brain(asset("brains", "default.json"))
    twin = to_fixed_point(brain)
    wrong = to_fixed_point(load_brain(asset("brains", "default.json")))
    wrong.network.layers[-1].weights[0, 0] += 1
    monkeypatch.setattr(verify, "header_only", lambda b, p: header_only(wrong, p))
    report = open_loop(twin, profile, [far_sequence(np.random.default_rng(1), 500, 50)])
    assert report.max_output_error > 0


@needs_simavr
def test_benchmark_fixed_point_decision_is_smaller_and_faster(profile, tmp_path):
    """The benchmark's fixed-point row against the float one, same harness and flags."""
    from tests import avr_timing as timing
    brain = load_brain(asset("brains", "seed_motors.json"))
    floating = timing.build_and_time(header_only(brain, profile), timing.OURS["decision"], profile, tmp_path, "float")
    fixed = timing.build_and_time(header_only(to_fixed_point(brain), profile) + timing.FIXED_SINK,
                                  timing.FIXED["decision"], profile, tmp_path, "fixed", timing.FIXED_PREPARE)
    assert fixed["flash"] < floating["flash"] and fixed["cycles"] < floating["cycles"] / 2, (fixed, floating)
