"""`neurocar train` and `neurocar weights`, run as a user runs them."""
import json
import subprocess

import numpy as np

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


def test_max_weight_keeps_every_parameter_within_bounds_and_is_recorded(neurocar_cmd, tmp_path):
    free, bounded = tmp_path / "free.json", tmp_path / "bounded.json"
    table = str(asset("tables", "improved.csv"))
    assert run(neurocar_cmd, "train", table, "--out", free).returncode == 0
    proc = run(neurocar_cmd, "train", table, "--out", bounded, "--max-weight", "0.9")
    assert proc.returncode == 0, proc.stderr

    def largest(path):
        data = json.loads(path.read_text())
        return max(abs(v) for l in data["layers"] for v in [*sum(l["weights"], []), *l["biases"]]), data

    assert largest(free)[0] > 0.9                  # the bound binds: unbounded, this table needs more
    top, data = largest(bounded)
    assert top <= 0.9
    assert data["provenance"]["hyperparameters"]["max_weight"] == 0.9
    assert "max_weight" not in json.loads(free.read_text())["provenance"]["hyperparameters"]
    bad = run(neurocar_cmd, "train", table, "--out", tmp_path / "x.json", "--max-weight", "0")
    assert bad.returncode == 2 and bad.stderr.strip().endswith("--max-weight 0.0: must be a positive finite number")


def test_fixed_point_bounds_keep_each_layer_within_its_twins_limit(neurocar_cmd, tmp_path):
    from brain.brainfile import load_brain
    from brain.fixedpoint import to_fixed_point, twin_limits
    steep = tmp_path / "steep.csv"                 # a step at 0.02 on one of four inputs: steep weights fit it best
    rows = [f"{x:.3f},0,0,0,{int(x > 0.02)},1" for x in np.linspace(-1, 1, 101)]
    steep.write_text("a:in,b:in,c:in,d:in,turn:out:round,direction:out:sign\n" + "\n".join(rows) + "\n")
    common = [str(steep), "--hidden", "4", "--epochs", "400", "--no-early-stop"]
    free, bounded = tmp_path / "free.json", tmp_path / "bounded.json"
    assert run(neurocar_cmd, "train", *common, "--out", free).returncode == 0
    proc = run(neurocar_cmd, "train", *common, "--out", bounded, "--fixed-point-bounds")
    assert proc.returncode == 0, proc.stderr

    def largest(path):
        return [max(np.abs(l.weights).max(), np.abs(l.biases).max()) for l in load_brain(path).network.layers]

    limits = twin_limits(load_brain(bounded).network)
    assert limits[0] < limits[1] and largest(free)[0] > limits[0]     # the first layer's bound binds
    assert all(top <= limit for top, limit in zip(largest(bounded), limits))
    to_fixed_point(load_brain(bounded))                                  # its twin exists
    assert load_brain(bounded).provenance["hyperparameters"]["fixed_point_bounds"] is True
    both = run(neurocar_cmd, "train", *common, "--out", tmp_path / "x.json",
               "--fixed-point-bounds", "--max-weight", "1")
    assert both.returncode == 2 and both.stderr.strip().endswith("both bound the weights: give one")
    assert not (tmp_path / "x.json").exists()


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
    assert proc.stderr.strip() == f"neurocar train: --out {folder}: is a folder; give a file name"
    plot = tmp_path / "new" / "deeper" / "cost.png"
    proc = run(neurocar_cmd, "train", CAR_TABLE, "--out", tmp_path / "b.json", "--plot", plot)
    assert proc.returncode == 0, proc.stderr
    assert plot.read_bytes()[:4] == b"\x89PNG"


def snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(folder.iterdir())}


def test_train_never_writes_over_an_input_and_writes_nothing_when_an_output_fails(neurocar_cmd, tmp_path):
    table = tmp_path / "T.csv"
    table.write_text(open(CAR_TABLE).read())
    brain = tmp_path / "b.json"
    brain.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(table)
    cases = [
        (["--out", table], "is also TABLE"),
        (["--out", link], "is also TABLE"),
        (["--out", brain, "--json", brain], "give each output its own file"),
        (["--out", brain, "--plot", "/proc/c.png"], "--plot /proc/c.png: cannot write into /proc"),
        (["--out", brain, "--json", "/proc/r.json"], "--json /proc/r.json: cannot write into /proc"),
        (["--out", brain, "--seed", "-1"], "--seed -1: must be a whole number, 0 or more"),
        (["--out", brain, "--lr", "nan"], "--lr nan: must be a positive finite number"),
        (["--out", brain, "--lr", "-0.1"], "--lr -0.1: must be a positive finite number"),
        (["--out", brain, "--epochs", "0"], "--epochs 0: must be a whole number, 1 or more"),
        (["--out", brain, "--hidden", "0"], "--hidden 0: must be a whole number from 1 to 1024"),
        (["--out", brain, "--batch-size", "-3"], "--batch-size -3"),
    ]
    before = snapshot(tmp_path)
    for args, expected in cases:
        proc = run(neurocar_cmd, "train", table, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert expected in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert ".tmp" not in proc.stderr
        assert snapshot(tmp_path) == before, args


def test_a_resaved_brain_keeps_its_mode_and_the_summary_names_every_file(neurocar_cmd, tmp_path):
    brain = tmp_path / "b.json"
    brain.write_text("old")
    brain.chmod(0o644)
    proc = run(neurocar_cmd, "train", CAR_TABLE, "--out", brain, "--json", tmp_path / "r.json")
    assert proc.returncode == 0, proc.stderr
    assert (brain.stat().st_mode & 0o777) == 0o644
    assert f"wrote {brain}, {tmp_path / 'r.json'}" in proc.stdout


def test_sigterm_during_training_is_one_line_exit_143_and_writes_nothing(neurocar_cmd, tmp_path):
    import signal
    import threading
    import time
    brain = tmp_path / "b.json"
    proc = subprocess.Popen([*neurocar_cmd, "train", CAR_TABLE, "--out", brain, "--json", tmp_path / "r.json",
                             "--optimizer", "sgd", "--epochs", "100000000", "--no-early-stop"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = bytearray()

    def read():
        for byte in iter(lambda: proc.stderr.read(1), b""):
            err.extend(byte)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while b"training: epoch" not in err and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)                    # the progress line shows training is under way
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    reader.join(timeout=10)
    text = err.decode()
    assert proc.returncode == 143, text
    assert "Traceback" not in text and text.strip().endswith("neurocar train: terminated")
    assert list(tmp_path.iterdir()) == []


def test_spreadsheet_tables_and_cells_python_alone_would_misread(neurocar_cmd, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + open(CAR_TABLE, "rb").read())
    proc = run(neurocar_cmd, "train", bom, "--out", tmp_path / "b.json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "b.json").read_text())["inputs"][0] == "distance"
    underscored = tmp_path / "u.csv"
    underscored.write_text("distance:in,position:in,turn:out:round\n0_5,0,1\n")
    proc = run(neurocar_cmd, "train", underscored, "--out", tmp_path / "c.json")
    assert proc.returncode == 2 and "'0_5' is not a finite number" in proc.stderr


def test_brain_files_with_text_weights_or_deep_nesting_are_refused_in_one_line(neurocar_cmd, tmp_path):
    good = json.loads(open(asset("brains", "default.json")).read())
    texts = json.loads(json.dumps(good))
    texts["layers"][0]["weights"][0][0] = "0.5"
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000)
    for name, expected in (("texts.json", "layer 1 weights must be numbers, not '0.5'"),
                           ("deep.json", "nested too deeply")):
        proc = run(neurocar_cmd, "weights", tmp_path / name)
        assert proc.returncode == 2 and expected in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_weights_says_where_a_brain_came_from(neurocar_cmd, tmp_path):
    proc = run(neurocar_cmd, "weights", asset("brains", "default.json"))
    assert "trained on seed_turn_direction.csv" in proc.stdout and "seed 0" in proc.stdout
    bare = json.loads(open(asset("brains", "default.json")).read())
    bare["provenance"] = {}
    (tmp_path / "bare.json").write_text(json.dumps(bare))
    proc = run(neurocar_cmd, "weights", tmp_path / "bare.json")
    assert proc.returncode == 0 and "None" not in proc.stdout
    assert "where this brain came from is not recorded" in proc.stdout
