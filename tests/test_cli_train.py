"""`neurocar train` and `neurocar weights`, run as a user runs them."""
import json
import subprocess

from simulator.assets import asset

CAR_TABLE = str(asset("tables", "seed_turn_direction.csv"))


def run(cmd, *args):
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)


def test_train_reports_every_row_and_writes_brain_json_and_plot(neurocar_cmd, tmp_path):
    out, result, plot = tmp_path / "b.json", tmp_path / "r.json", tmp_path / "cost.png"
    proc = run(neurocar_cmd, "train", CAR_TABLE, "--out", out, "--json", result, "--plot", plot)
    assert proc.returncode == 0, proc.stderr
    assert "12/12 rows right" in proc.stdout
    assert proc.stdout.count(" yes ") == 12 and "turn left" in proc.stdout
    data = json.loads(result.read_text())
    assert data["rows"] == 12 and data["rows_right"] == 12
    assert data["epochs"] >= 1 and 0 < data["train_seconds"] < 5 and data["final_loss"] > 0
    assert json.loads(out.read_text())["format"] == "neurocar-brain"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_with_two_hidden_layers_and_sgd(neurocar_cmd, tmp_path):
    out = tmp_path / "b.json"
    proc = run(neurocar_cmd, "train", str(asset("tables", "seed_motors.csv")), "--out", out,
               "--hidden", "5", "--hidden", "4", "--optimizer", "sgd", "--lr", "0.05", "--seed", "2",
               "--epochs", "3000")
    assert proc.returncode == 0, proc.stderr
    assert "9/9 rows right" in proc.stdout
    assert [l["outputs"] for l in json.loads(out.read_text())["layers"]] == [5, 4, 4]


def test_weights_prints_every_layer_with_shapes(neurocar_cmd):
    proc = run(neurocar_cmd, "weights", str(asset("brains", "default.json")))
    assert proc.returncode == 0, proc.stderr
    assert "network 2-3-2" in proc.stdout
    assert "layer 1: 2 -> 3, tanh" in proc.stdout and "weights [2 inputs x 3 neurons]" in proc.stdout
    assert "layer 2: 3 -> 2, tanh" in proc.stdout and "biases [2]" in proc.stdout


def test_bad_inputs_give_one_line_and_exit_2_without_touching_the_output(neurocar_cmd, tmp_path):
    good = tmp_path / "good.json"
    good.write_text("keep me")
    bad_table = tmp_path / "bad.csv"
    bad_table.write_text("a:in,b:out:round\n1,x\n")
    cases = [
        (["train", str(bad_table), "--out", str(good)], "bad.csv, line 2, column 'b': 'x' is not a finite number"),
        (["train", CAR_TABLE, "--out", str(good), "--activation", "sigmoid"], "sigmoid output only reaches 0..1"),
        (["train", CAR_TABLE, "--out", str(good), "--activation", "linear", "--optimizer", "gd", "--lr", "1e6"],
         "training diverged"),
        (["train", str(tmp_path / "missing.csv"), "--out", str(good)], "no such table file"),
        (["weights", str(bad_table)], "not valid JSON"),
    ]
    for args, expected in cases:
        proc = run(neurocar_cmd, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert expected in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert good.read_text() == "keep me"


def test_unwritable_outputs_are_one_line_and_folders_are_made(neurocar_cmd, tmp_path):
    folder = tmp_path / "a_folder"
    folder.mkdir()
    proc = run(neurocar_cmd, "train", CAR_TABLE, "--out", folder)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"neurocar train: {folder}: is a folder; give a file name"
    plot = tmp_path / "new" / "deeper" / "cost.png"
    proc = run(neurocar_cmd, "train", CAR_TABLE, "--out", tmp_path / "b.json", "--plot", plot)
    assert proc.returncode == 0, proc.stderr
    assert plot.read_bytes()[:4] == b"\x89PNG"
