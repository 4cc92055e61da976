"""The sketch on the ATmega328P: Debian's AVR toolchain builds it, simavr runs the
generated C on the chip's float arithmetic, and it matches the Python controller."""
import copy
import dataclasses
import shutil

import numpy as np
import pytest

from brain import load_brain
from brain.fixedpoint import to_fixed_point
from simulator.assets import asset
from simulator.profile import default_profile

from firmware_export import toolchain
from firmware_export.errors import ExportError
from firmware_export.limits import FLASH_LIMIT, RAM_LIMIT, estimate
from firmware_export.sketch import generate, header_only
from firmware_export.verify import closed_loop, episode_sequences, far_sequence, open_loop, random_sequence

has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None
needs_avr = pytest.mark.skipif(not has_avr, reason="AVR toolchain missing: apt-get install " + toolchain.PACKAGES)
needs_simavr = pytest.mark.skipif(shutil.which("simavr") is None or not has_avr,
                                  reason="simavr or the AVR toolchain missing: apt-get install simavr "
                                         + toolchain.PACKAGES)


@pytest.fixture(scope="module")
def profile():
    return default_profile()


@needs_avr
@pytest.mark.parametrize("brain_file", ["default.json", "seed_motors.json"])
def test_sketch_compiles_with_debian_core_and_fits(brain_file, profile, tmp_path):
    brain = load_brain(asset("brains", brain_file))
    folder = generate(brain, profile, "car").write(tmp_path)
    build = toolchain.build_sketch(folder, tmp_path / "build", tmp_path / "cache")
    assert build.hex.stat().st_size > 0
    assert 0 < build.flash_bytes < 0.9 * FLASH_LIMIT and 0 < build.ram_bytes < 0.75 * RAM_LIMIT
    est_flash, est_ram, _ = estimate(brain.network)
    assert build.flash_bytes <= est_flash and build.ram_bytes <= est_ram, "the pre-write estimate must not undercount"


def test_missing_toolchain_names_the_packages(monkeypatch):
    monkeypatch.setattr(toolchain.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match="install it with: sudo apt-get install gcc-avr avr-libc arduino-core-avr"):
        toolchain.require_toolchain()


def test_missing_core_names_the_packages(monkeypatch):
    monkeypatch.setattr(toolchain, "find_core", lambda: None)
    monkeypatch.setattr(toolchain, "missing_tools", lambda tools=None: [])
    with pytest.raises(ExportError, match="Arduino AVR core was not found.*arduino-core-avr"):
        toolchain.require_toolchain()


@needs_simavr
@pytest.mark.parametrize("brain_file", ["default.json", "seed_motors.json"])
def test_open_loop_parity_in_simavr(brain_file, profile):
    brain = load_brain(asset("brains", brain_file))
    rng = np.random.default_rng(11)
    sequences = ([random_sequence(rng, 6000, 50), far_sequence(rng, 6000, 50)]
                 + episode_sequences(profile, brain, seed=1, worlds=2, seconds=60))
    report = open_loop(brain, profile, sequences)
    assert report.ticks_compared >= 10_000
    assert report.decisions_compared >= 2_000, "the far readings' short holds should decide on most ticks"
    assert report.grid_points == 51 * 35
    assert report.pin_mismatches == 0 and report.grid_pin_mismatches == 0 and report.state_mismatches == 0
    assert report.max_output_error < 1e-5
    assert report.us_per_inference < 1000


def test_closed_loop_metrics_equal(profile):
    brain = load_brain(asset("brains", "default.json"))
    if shutil.which("gcc") is None:
        pytest.skip("gcc (host C compiler) is not installed")
    report = closed_loop(brain, profile, seed=2, worlds=3, seconds=20)
    assert report.ticks_compared == 3 * 800 and report.tick_mismatches == 0
    assert report.ok and report.metrics_equal, (report.python, report.firmware)


@needs_simavr
@pytest.mark.parametrize("brain_file", ["default.json", "seed_motors.json"])
def test_decision_build_no_bigger_than_the_tutorial_network(brain_file, profile, tmp_path):
    """The benchmark's comparison: the same harness and flags, the tutorial's 2-3-4 float
    network against the brain's decision path; no more flash, and under 1 ms."""
    from firmware_export.sketch import header_only
    from tests import avr_timing as timing
    from tests.tutorial_sketch import reference_source
    rng = np.random.default_rng(timing.SEED)
    hw, ow = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (4, 4))
    tutorial = timing.build_and_time(reference_source(hw, ow), timing.TUTORIAL_RUN, profile, tmp_path, "tutorial")
    brain = load_brain(asset("brains", brain_file))
    ours = timing.build_and_time(header_only(brain, profile), timing.OURS["decision"], profile, tmp_path, "ours")
    assert ours["flash"] <= tutorial["flash"], (ours, tutorial)
    assert ours["us"] < 1000 and ours["us"] < tutorial["us"]


def _one_wrong_weight(brain):
    """The same brain with one output weight of the wrong sign: what a mis-copied table does."""
    wrong = copy.deepcopy(brain)
    wrong.network.layers[-1].weights[0, 0] *= -1
    return wrong


@needs_simavr
def test_open_loop_catches_one_wrong_weight(profile, monkeypatch):
    """The harness compares something real: firmware built from a brain with one wrong
    weight, checked against the right brain, fails."""
    from firmware_export import verify
    brain = load_brain(asset("brains", "default.json"))
    wrong = _one_wrong_weight(brain)
    monkeypatch.setattr(verify, "header_only", lambda b, p: header_only(wrong, p))
    rng = np.random.default_rng(5)
    report = open_loop(brain, profile, [far_sequence(rng, 3000, 50)])
    assert not report.ok
    assert report.max_output_error > 0.01 and report.grid_pin_mismatches > 0 and report.pin_mismatches > 0


def test_closed_loop_catches_one_wrong_weight(profile, monkeypatch, tmp_path):
    from firmware_export import host_controller
    if shutil.which("gcc") is None:
        pytest.skip("gcc (host C compiler) is not installed")
    brain = load_brain(asset("brains", "default.json"))
    wrong = _one_wrong_weight(brain)
    monkeypatch.setattr(host_controller, "header_only", lambda b, p: header_only(wrong, p))
    monkeypatch.setattr(host_controller, "default_cache", lambda: tmp_path)
    report = closed_loop(brain, profile, seed=2, worlds=3, seconds=20)
    assert not report.ok and report.tick_mismatches > 0


def test_same_brain_gives_byte_identical_sketch_files(profile, tmp_path):
    brain = load_brain(asset("brains", "default.json"))
    first = generate(brain, profile, "car", "assets/brains/default.json").write(tmp_path / "a")
    second = generate(load_brain(asset("brains", "default.json")), profile, "car",
                      "assets/brains/default.json").write(tmp_path / "b")
    for name in ("car.ino", "neurocar_brain.h"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert sorted(p.name for p in first.iterdir()) == ["car.ino", "neurocar_brain.h"], "no temporary files left"


@needs_avr
def test_core_cache_key_follows_flags_and_survives_parallel_builds(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor
    core = toolchain.find_core()
    key = toolchain.core_key(core)
    monkeypatch.setattr(toolchain, "ASM_FLAGS", toolchain.ASM_FLAGS + ["-DX=1"])
    assert toolchain.core_key(core) != key
    with ThreadPoolExecutor(2) as pool:
        archives = list(pool.map(lambda _: toolchain.core_library(core, tmp_path), range(2)))
    assert archives[0] == archives[1] and archives[0].is_file()
    assert [p.name for p in tmp_path.iterdir()] == [archives[0].name], "no build folders left behind"


@needs_simavr
@pytest.mark.parametrize("fixed", [False, True])
def test_pinging_every_third_tick_matches_in_simavr_and_on_the_host(fixed, profile):
    paced = dataclasses.replace(profile, control=dataclasses.replace(profile.control, ping_every_ticks=3))
    brain = load_brain(asset("brains", "default.json"))
    brain = to_fixed_point(brain) if fixed else brain
    assert "NEUROCAR_PING_EVERY_TICKS 3" in header_only(brain, paced)
    assert "PING_EVERY" not in header_only(brain, profile)
    report = open_loop(brain, paced, [far_sequence(np.random.default_rng(5), 3000, 50)])
    assert report.pin_mismatches == 0 and report.grid_pin_mismatches == 0 and report.state_mismatches == 0
    assert report.max_output_error < 1e-5
    assert 500 <= report.decisions_compared <= 1000, "far readings decide on every third tick at most"
    closed = closed_loop(brain, paced, seed=2, worlds=2, seconds=20)
    assert closed.tick_mismatches == 0 and closed.ok and closed.metrics_equal
