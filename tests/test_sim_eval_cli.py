"""``neurocar eval`` as a user runs it: output, JSON, exit codes, clear errors."""
import json
import subprocess

import pytest

from simulator.assets import asset

KEYS = {"episodes", "sim_seconds", "wall_seconds", "jobs", "collisions", "collisions_per_minute",
        "collision_free_fraction", "mean_distance_cm", "mean_coverage", "stuck_fraction", "rows"}


def _eval(cmd, *args):
    return subprocess.run([*cmd, "eval", *args], capture_output=True, text=True, timeout=120)


def test_eval_writes_the_summary_and_json(neurocar_cmd, tmp_path):
    out = tmp_path / "r.json"
    r = _eval(neurocar_cmd, "--brain", str(asset("brains", "default.json")), "--worlds", "3", "--seconds", "5",
              "--jobs", "1", "--json", str(out))
    assert r.returncode == 0, r.stderr
    assert "per minute" in r.stdout and "real time per core" in r.stdout
    assert "100 %" in r.stderr                 # the progress bar
    data = json.loads(out.read_text())
    assert KEYS <= set(data) and data["episodes"] == 3 and len(data["rows"]) == 3
    assert "pygame" not in r.stderr


def test_eval_runs_world_files_baselines_and_another_robot(neurocar_cmd):
    r = _eval(neurocar_cmd, "--brain", "random", "--world", str(asset("worlds", "slalom.json")),
              str(asset("worlds", "corridor.json")), "--seconds", "3", "--robot", str(asset("robots", "two_wheel.toml")),
              "--quiet")
    assert r.returncode == 0, r.stderr
    assert "slalom" in r.stdout and "corridor" in r.stdout


def test_max_collision_rate_gates_with_exit_one(neurocar_cmd):
    r = _eval(neurocar_cmd, "--brain", "straight", "--world", str(asset("worlds", "empty.json")), "--seconds", "20",
              "--max-collision-rate", "0.5", "--quiet")
    assert r.returncode == 1 and "exceeds" in r.stderr


@pytest.mark.parametrize("make, words", [
    (lambda p: (p.write_text("{oops"), ["--world", str(p)])[1], ["bad.json", "not valid JSON"]),
    (lambda p: (p.write_text(asset("robots", "elegoo_v3.toml").read_text().replace("tick_s = 0.025", "")),
                ["--robot", str(p)])[1], ["bad.json", "control.tick_s", "missing"]),
    (lambda p: ["--brain", str(p)], ["bad.json", "no such brain file"]),
    (lambda p: ["--seconds", "-1"], ["--seconds"]),
    (lambda p: ["--controller", "nonesuch"], ["invalid choice"]),
    (lambda p: ["--seconds", "0.01"], ["--seconds", "one control tick"]),
    (lambda p: ["--seconds", "nan"], ["--seconds"]),
    (lambda p: ["--worlds", "0"], ["--worlds 0", "1 or more"]),
    (lambda p: ["--jobs", "0"], ["--jobs 0", "1 or more"]),
    (lambda p: ["--seed", "-1"], ["--seed -1", "0 or more"]),
    (lambda p: ["--json", str(p.parent)], ["--json", "folder"]),
    (lambda p: (p.write_text(asset("worlds", "empty.json").read_text().replace('"x_cm": 50', '"x_cm": 5')),
                ["--world", str(p)])[1], ["bad.json", "overlaps"]),
])
def test_bad_input_exits_two_with_one_clear_line(neurocar_cmd, tmp_path, make, words):
    path = tmp_path / "bad.json"
    args = make(path)
    base = ["--brain", "straight", "--seconds", "1", "--quiet"]
    base += [] if "--world" in args or "--worlds" in args else ["--worlds", "1"]
    r = _eval(neurocar_cmd, *base, *args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 or "usage:" in r.stderr
    for w in words:
        assert w in r.stderr


def test_eval_fixed_point_drives_the_twin_and_reports_the_grid(neurocar_cmd, tmp_path):
    """--fixed-point drives with the brain's fixed-point twin, in Python and in the host C,
    with the same results, and says how its grid decisions compare with the float brain's."""
    rows = {}
    for extra in ([], ["--controller", "firmware"]):
        out = tmp_path / f"r{len(rows)}.json"
        r = _eval(neurocar_cmd, "--brain", str(asset("brains", "seed_motors.json")), "--worlds", "2", "--seconds",
                  "10", "--jobs", "1", "--quiet", "--fixed-point", "--json", str(out), *extra)
        assert r.returncode == 0, r.stderr
        assert ("fixed point (int16 Q13): the same decisions as the float brain at all 1785 points of the input "
                "grid") in r.stdout
        data = json.loads(out.read_text())
        rows[data["controller"]] = [{k: v for k, v in row.items() if k != "wall_seconds"} for row in data["rows"]]
    assert sorted(rows) == ["firmware-fixed-point", "fixed-point"]
    assert rows["fixed-point"] == rows["firmware-fixed-point"]
