"""neurocar export / import-sketch from the command line: refusals, upload dry run,
and the round trip of a tutorial-style sketch."""
import json
import shlex
import shutil

import numpy as np
import pytest

from brain import load_brain
from brain.tutorial_layout import to_tutorial_layout
from simulator.assets import asset
from simulator.cli import main

from firmware_export import harness, toolchain
from firmware_export.upload import avrdude_command
from tests.tutorial_sketch import reference_source

DEFAULT = str(asset("brains", "default.json"))
has_avr = not toolchain.missing_tools() and toolchain.find_core() is not None


def test_export_writes_sketch_folder(tmp_path, capsys):
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path), "--name", "car1"]) == 0
    assert (tmp_path / "car1" / "car1.ino").is_file()


def test_bad_name_refused_before_writing(tmp_path, capsys):
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path / "o"), "--name", "my car"]) == 2
    assert "not usable as a C identifier" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


needs_avr = pytest.mark.skipif(not has_avr, reason="AVR toolchain missing: apt-get install " + toolchain.PACKAGES)


@needs_avr
def test_upload_dry_run_builds_the_hex_it_prints_the_exact_command_for(tmp_path, capsys):
    rc = main(["export", "--brain", DEFAULT, "--out", str(tmp_path), "--upload", "--port", "/dev/ttyACM0",
               "--dry-run"])
    assert rc == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    hex_path = tmp_path / "neurocar" / "build" / "neurocar.hex"
    assert shlex.split(last) == avrdude_command(hex_path, "/dev/ttyACM0")
    assert hex_path.read_text().startswith(":")              # Intel HEX, built for the command to use
    assert last.startswith("avrdude -p atmega328p -c arduino -P /dev/ttyACM0 -b 115200 -D -U flash:w:")


def test_upload_needs_a_port(tmp_path, capsys):
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path), "--upload"]) == 2
    assert "--upload needs --port" in capsys.readouterr().err


@pytest.mark.parametrize("port, dry, message", [
    ("/dev/ttyNOPE0", [], "--port /dev/ttyNOPE0: no such serial port"),
    ("", ["--dry-run"], "--upload needs --port"),
    ("-Uflash:r:x", ["--dry-run"], "--port '-Uflash:r:x' is not a serial port name"),
    (" /dev/ttyACM0", ["--dry-run"], "is not a serial port name"),
])
def test_bad_port_is_refused_before_anything_is_built(port, dry, message, tmp_path, capsys):
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path / "o"), "--upload", f"--port={port}", *dry]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content, message", [(None, "b.json"), ("{not json", "b.json")])
def test_a_brain_file_that_fails_to_load_exits_2(content, message, tmp_path, capsys):
    brain = tmp_path / "b.json"
    if content is not None:
        brain.write_text(content)
    assert main(["export", "--brain", str(brain), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_verify_without_simavr_names_the_packages(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(harness.shutil, "which", lambda name: None if name == "simavr" else "/bin/true")
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path / "o"), "--verify"]) == 2
    assert "--verify needs simavr and the AVR compiler (simavr not found); install them with: sudo apt-get " \
           "install simavr gcc-avr avr-libc" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_check_without_toolchain_exits_2_naming_packages(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(toolchain.shutil, "which", lambda name: None)
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path), "--check"]) == 2
    assert "sudo apt-get install gcc-avr avr-libc arduino-core-avr" in capsys.readouterr().err


@pytest.mark.skipif(not has_avr or shutil.which("simavr") is None,
                    reason="AVR toolchain or simavr missing: apt-get install simavr " + toolchain.PACKAGES)
def test_check_verify_json(tmp_path, capsys):
    report = tmp_path / "r.json"
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path), "--check", "--verify",
                 "--json", str(report)]) == 0
    data = json.loads(report.read_text())
    for key in ("flash_bytes", "ram_bytes", "flash_limit", "ram_limit", "ticks_compared", "pin_mismatches",
                "max_output_error", "cycles_per_inference", "us_per_inference"):
        assert data[key] is not None, key
    assert data["flash_limit"] == 32256 and data["ram_limit"] == 2048
    assert data["pin_mismatches"] == 0 and data["ticks_compared"] >= 10_000
    assert data["decisions_compared"] >= 2_000 and data["grid_pin_mismatches"] == 0
    assert data["closed_loop"]["metrics_equal"] and data["closed_loop"]["tick_mismatches"] == 0
    assert data["closed_loop"]["ticks_compared"] >= 10_000


@pytest.mark.skipif(not has_avr or shutil.which("simavr") is None,
                    reason="AVR toolchain or simavr missing: apt-get install simavr " + toolchain.PACKAGES)
def test_export_verifies_a_profile_that_pings_every_third_tick(tmp_path, capsys):
    robot = tmp_path / "paced.toml"
    robot.write_text(asset("robots", "elegoo_v3.toml").read_text()
                     .replace("ping_every_ticks = 1", "ping_every_ticks = 3"))
    report = tmp_path / "r.json"
    assert main(["export", "--brain", DEFAULT, "--robot", str(robot), "--out", str(tmp_path), "--verify",
                 "--json", str(report)]) == 0
    assert "#define NEUROCAR_PING_EVERY_TICKS 3" in (tmp_path / "neurocar" / "neurocar_brain.h").read_text()
    data = json.loads(report.read_text())
    assert data["pin_mismatches"] == 0 and data["state_mismatches"] == 0 and data["grid_pin_mismatches"] == 0
    assert data["closed_loop"]["metrics_equal"] and data["closed_loop"]["tick_mismatches"] == 0


def _write_tutorial_sketch(path, seed=0):
    """A sketch in the tutorial's layout: 2 inputs + bias -> 3 + 1 hidden -> 4 pins."""
    rng = np.random.default_rng(seed)
    hw, ow = rng.uniform(-2, 2, (3, 4)), rng.uniform(-2, 2, (4, 4))
    path.write_text("// the tutorial's car\n" + reference_source(hw, ow) + "\nvoid setup() {}\nvoid loop() {}\n")
    return hw, ow


def test_import_sketch_reproduces_the_tutorial_arithmetic(tmp_path, capsys):
    from brain.tutorial_layout import from_tutorial_layout
    rng = np.random.default_rng(5)
    hw, ow = rng.uniform(-2, 2, (3, 4)), rng.uniform(-2, 2, (4, 4))
    sketch = tmp_path / "NN_Obstacle_Car.ino"
    sketch.write_text(reference_source(hw, ow))
    out = tmp_path / "imported.json"
    assert main(["import-sketch", str(sketch), "--out", str(out)]) == 0
    brain = load_brain(out)
    assert brain.network.sizes == [2, 4, 4] and not brain.network.layers[1].has_bias
    x = rng.uniform(-1, 1, (50, 2))
    # the tutorial's own loop: bias unit first, every hidden column through tanh
    xb = np.column_stack([np.ones(len(x)), x])
    expected = np.tanh(np.tanh(xb @ np.round(hw, 9)) @ np.round(ow, 9))
    assert np.allclose(brain.forward(x), expected, atol=1e-7)
    assert np.allclose(from_tutorial_layout(hw, ow).forward(x), brain.forward(x), atol=1e-6)


@pytest.mark.parametrize("text, message", [
    ("float HiddenWeights[3][4] = {{1,2,3,4},{1,2,3,4}};\nfloat OutputWeights[4][4] = {};\n",
     "line 1: HiddenWeights has 2 rows; the declaration says 3"),
    ("float HiddenWeights[1][2] = {\n {1, x}};\nfloat OutputWeights[2][1] = {{1},{2}};\n",
     "line 2: HiddenWeights row 0 holds 'x', which is not a number"),
    ("float HiddenWeights[1][2] = {{1, 2, 3}};\n", "line 1: HiddenWeights row 0 has 3 values"),
    ("int x;\n", "no HiddenWeights"),
])
def test_import_sketch_names_the_bad_line(text, message, tmp_path, capsys):
    sketch = tmp_path / "bad.ino"
    sketch.write_text(text + "float y = tanh(1.0);\n")
    assert main(["import-sketch", str(sketch), "--out", str(tmp_path / "b.json")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "b.json").exists()


@pytest.mark.skipif(not has_avr or shutil.which("simavr") is None,
                    reason="AVR toolchain or simavr missing: apt-get install simavr " + toolchain.PACKAGES)
def test_imported_sketch_exports_and_verifies(tmp_path, capsys):
    sketch = tmp_path / "tutorial.ino"
    hw, ow = _write_tutorial_sketch(sketch)
    brain_path = tmp_path / "imported.json"
    assert main(["import-sketch", str(sketch), "--out", str(brain_path)]) == 0
    h2, o2 = to_tutorial_layout(load_brain(brain_path).network)
    assert np.allclose(h2, hw, atol=1e-8) and np.allclose(o2, ow, atol=1e-8)
    assert main(["export", "--brain", str(brain_path), "--out", str(tmp_path), "--verify"]) == 0


def test_upload_dry_run_without_the_toolchain_is_refused_before_writing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(toolchain.shutil, "which", lambda name: None)
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path / "o"), "--upload", "--port",
                 "/dev/ttyACM0", "--dry-run"]) == 2
    assert "sudo apt-get install gcc-avr" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("extra, message", [
    (["--json", "/proc/r.json"], "--json /proc/r.json: cannot write into /proc"),
    (["--verify", "--seed", "-1"], "--seed -1: must be a whole number, 0 or more"),
    (["--json", "BRAIN"], "is also --brain"),
    (["--name", "int"], "sketch name"),
])
def test_export_checks_everything_before_replacing_a_sketch(extra, message, tmp_path, capsys):
    assert main(["export", "--brain", DEFAULT, "--out", str(tmp_path)]) == 0
    before = _snapshot(tmp_path)
    brain_before = open(DEFAULT, "rb").read()
    other = tmp_path / "improved.json"
    other.write_bytes(open(asset("brains", "improved.json"), "rb").read())
    before[other] = other.read_bytes()
    extra = [str(other) if a == "BRAIN" else a for a in extra]
    capsys.readouterr()
    assert main(["export", "--brain", str(other), "--out", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _snapshot(tmp_path) == before and open(DEFAULT, "rb").read() == brain_before


def test_export_refuses_weights_beyond_the_targets_arithmetic(tmp_path, capsys):
    data = json.loads(open(DEFAULT).read())
    data["layers"][0]["weights"][0][0] = 1e308
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(data))
    assert main(["export", "--brain", str(huge), "--out", str(tmp_path / "o")]) == 2
    assert "beyond the Arduino's float range" in capsys.readouterr().err
    data["layers"][0]["weights"][0][0] = 3e38              # a float32 holds it: exported, compiles as C
    huge.write_text(json.dumps(data))
    assert main(["export", "--brain", str(huge), "--out", str(tmp_path / "o")]) == 0
    assert "inf" not in (tmp_path / "o" / "neurocar" / "neurocar_brain.h").read_text().lower().replace("info", "")
    for value in (1e308, 10.0):
        data["layers"][0]["weights"][0][0] = value
        huge.write_text(json.dumps(data))
        capsys.readouterr()
        assert main(["export", "--brain", str(huge), "--out", str(tmp_path / "q"), "--fixed-point"]) == 2
        err = capsys.readouterr().err
        assert "outside the fixed-point range" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "q").exists()


def test_import_sketch_never_writes_over_its_sketch(tmp_path, capsys):
    sketch = tmp_path / "S.ino"
    _write_tutorial_sketch(sketch)
    before = sketch.read_bytes()
    assert main(["import-sketch", str(sketch), "--out", str(sketch)]) == 2
    assert "is also SKETCH" in capsys.readouterr().err
    assert sketch.read_bytes() == before


def test_import_sketch_takes_the_activation_it_is_told_when_the_sketch_has_no_call(tmp_path, capsys):
    sketch = tmp_path / "S.ino"
    _write_tutorial_sketch(sketch)
    sketch.write_text(sketch.read_text().replace("tanh(", "act("))
    out = tmp_path / "b.json"
    assert main(["import-sketch", str(sketch), "--out", str(out)]) == 2
    assert "pass --activation tanh or sigmoid" in capsys.readouterr().err
    assert main(["import-sketch", str(sketch), "--out", str(out), "--activation", "tanh"]) == 0
    assert load_brain(out).network.layers[0].activation.name == "tanh"
    assert main(["weights", str(out)]) == 0
    assert "imported from the sketch S.ino" in capsys.readouterr().out
