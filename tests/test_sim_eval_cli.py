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
              str(asset("worlds", "corridor.json")), "--seconds", "3",
              "--robot", str(asset("robots", "two_wheel.toml")),
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


# -- every number eval reads ------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["--max-collision-rate", "nan"], ["--max-collision-rate nan", "finite", "0 or more"]),
    (["--max-collision-rate", "inf"], ["--max-collision-rate inf", "finite"]),
    (["--max-collision-rate", "-0.5"], ["--max-collision-rate -0.5", "0 or more"]),
    (["--seconds", "inf"], ["--seconds inf", "at most 86,400"]),
    (["--seconds", "1e9"], ["--seconds 1e+09", "at most 86,400"]),
    (["--seconds=-inf"], ["--seconds -inf"]),
    (["--worlds", "2000000000"], ["--worlds 2000000000", "at most 1,000,000,000"]),
    (["--worlds", "-3"], ["--worlds -3", "1 or more"]),
    (["--jobs", "100000"], ["--jobs 100000", "per core"]),
    (["--jobs", "-2"], ["--jobs -2", "1 or more"]),
    (["--seed", "-5"], ["--seed -5", "0 or more"]),
])
def test_numbers_that_make_no_sense_are_refused_in_one_line(neurocar_cmd, tmp_path, args, words):
    out = tmp_path / "r.json"
    out.write_text("kept")
    base = ["--brain", "straight", "--seconds", "1", "--quiet", "--json", str(out)]
    base += [] if "--worlds" in args else ["--worlds", "1"]
    r = _eval(neurocar_cmd, *base, *args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr
    assert out.read_text() == "kept"


# -- a brain the car cannot feed ---------------------------------------------------------

ACCEPTED = ("the car gives it 2 (distance, position) and, after them, any of left_nearest, right_nearest, previous, "
            "each at most once")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_brain_with_inputs_the_car_cannot_feed_is_refused_before_any_worker(neurocar_cmd, tmp_path, jobs):
    """One line naming the brain's inputs, those the car gives and the ones it cannot:
    an input it does not keep, or a memory input read twice."""
    from brain import Brain, Network, save_brain
    cases = {"speed": (["distance", "position", "speed"], "speed"),
             "twice": (["distance", "position", "previous", "left_nearest", "previous"], "previous")}
    for name, (inputs, refused) in cases.items():
        path = tmp_path / f"{name}.json"
        net = Network.create([len(inputs), 3, 2], "tanh", seed=0)
        save_brain(path, Brain(net, inputs, ["turn", "direction"], ["round", "sign"]))
        r = _eval(neurocar_cmd, "--brain", str(path), "--worlds", "4", "--seconds", "1", "--jobs", jobs)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.strip().splitlines() == [
            f"neurocar eval: the brain takes {len(inputs)} inputs ({', '.join(inputs)}); {ACCEPTED} (not {refused})"]


# -- outputs: checked first, written whole or not at all ------------------------------------

def test_the_json_cannot_be_a_file_eval_reads(neurocar_cmd, tmp_path):
    brain, world, robot = tmp_path / "b.json", tmp_path / "w.json", tmp_path / "r.toml"
    brain.write_bytes(asset("brains", "default.json").read_bytes())
    world.write_bytes(asset("worlds", "empty.json").read_bytes())
    robot.write_bytes(asset("robots", "elegoo_v3.toml").read_bytes())
    before = {p: p.read_bytes() for p in (brain, world, robot)}
    for target in (brain, world, robot, tmp_path / "." / "b.json"):
        r = _eval(neurocar_cmd, "--brain", str(brain), "--world", str(world), "--robot", str(robot), "--seconds", "1",
                  "--quiet", "--json", str(target))
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "--json" in r.stderr and "is also" in r.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json", "r.toml", "w.json"]


def test_a_world_refused_by_a_worker_leaves_the_json_as_it_was(neurocar_cmd, tmp_path):
    """Random worlds are checked where they are made: a car too big for a random start
    stops the run in one line, and the existing JSON is untouched."""
    robot = tmp_path / "big_car.toml"
    robot.write_text(asset("robots", "elegoo_v3.toml").read_text()
                     .replace("length_cm = 25.0", "length_cm = 95.0").replace("width_cm = 14.0", "width_cm = 70.0")
                     .replace("turn_rate_deg_s = 180.0", "turn_rate_deg_s = 20.0")
                     .replace("mass_kg = 1.3", "mass_kg = 5.0"))
    out = tmp_path / "r.json"
    out.write_text("kept")
    for jobs in ("1", "2"):
        r = _eval(neurocar_cmd, "--brain", "straight", "--robot", str(robot), "--worlds", "60", "--seconds", "1",
                  "--jobs", jobs, "--quiet", "--json", str(out))
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "overlaps" in r.stderr
        assert "Traceback" not in r.stderr
    assert out.read_text() == "kept" and sorted(p.name for p in tmp_path.iterdir()) == ["big_car.toml", "r.json"]


def test_streamed_json_is_the_whole_document_and_no_rows_leaves_them_out(neurocar_cmd, tmp_path):
    with_rows, without = tmp_path / "rows.json", tmp_path / "sub" / "summary.json"
    common = ["--brain", str(asset("brains", "default.json")), "--worlds", "30",
              "--seconds", "2", "--quiet"]
    assert _eval(neurocar_cmd, *common, "--json", str(with_rows)).returncode == 0
    assert _eval(neurocar_cmd, *common, "--json", str(without), "--no-rows").returncode == 0
    data = json.loads(with_rows.read_text())
    assert with_rows.read_text() == json.dumps(data, indent=1) + "\n"      # the format json.dumps always gave
    assert [r["episode"] for r in data["rows"]] == list(range(30))
    summary = json.loads(without.read_text())
    assert "rows" not in summary
    assert {k: v for k, v in data.items() if k not in ("rows", "wall_seconds", "speed_x_real_time_per_core")} == \
        {k: v for k, v in summary.items() if k not in ("wall_seconds", "speed_x_real_time_per_core")}


def test_the_totals_are_summed_as_the_builtin_sum_sums_them():
    import random
    from simulator.metrics import RunningSum, Totals
    rng = random.Random(0)
    for _ in range(300):
        values = [rng.choice([rng.random(), rng.uniform(-1e16, 1e16), 1e-9 * rng.random(), 60.0, 1e308])
                  for _ in range(rng.randint(0, 40))]
        running = RunningSum()
        for v in values:
            running.add(v)
        assert running.value == sum(values) or (running.value != running.value and sum(values) != sum(values))
    rows = [{"seconds": 60.0, "collisions": rng.randint(0, 3), "distance_cm": rng.uniform(0, 2000),
             "contact_s": rng.uniform(0, 60), "collision_free": rng.random() < 0.3, "coverage": rng.random(),
             "stuck_s": rng.uniform(0, 60)} for _ in range(500)]
    totals = Totals()
    for row in rows:
        totals.add(row)
    s = totals.summary(1.0, 1)
    assert s["mean_distance_cm"] == sum(r["distance_cm"] for r in rows) / 500
    assert s["contact_fraction"] == sum(r["contact_s"] for r in rows) / sum(r["seconds"] for r in rows)
    assert s["collisions"] == sum(r["collisions"] for r in rows)
    assert s["collision_free_fraction"] == sum(r["collision_free"] for r in rows) / 500


# -- sizes: worlds made as they are driven, rows handed on -----------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_worlds_are_made_as_they_are_driven_and_rows_are_not_kept(monkeypatch, jobs):
    import gc
    import tracemalloc
    import simulator.batch as batch
    from simulator.baselines import straight_brain
    from simulator.batch import BATCH_SIZE, Job, episode_rows, random_specs
    from simulator.profile import default_profile
    made = []
    real = batch.random_world
    monkeypatch.setattr(batch, "random_world", lambda *a, **k: (made.append(1), real(*a, **k))[1])
    rows = episode_rows(Job(straight_brain().to_dict(), default_profile(), 0.025), random_specs(10 ** 7, 0), jobs)
    assert next(rows)["episode"] == 0
    if jobs == 1:
        assert len(made) == BATCH_SIZE             # the first batch's worlds, made in this process
    tracemalloc.start()
    try:
        memory = []
        for k, row in enumerate(rows, start=2):
            if k in (100, 600):
                gc.collect()                        # pymunk spaces are freed by the cycle collector
                memory.append(tracemalloc.get_traced_memory()[0])
            if k == 600:
                break
    finally:
        tracemalloc.stop()
        rows.close()
    assert row["episode"] == 599 and row["world"] == "random 0/599"
    assert memory[1] - memory[0] < 150_000        # 500 more rows and worlds held would be several MB


def test_a_huge_request_says_how_long_it_will_take_and_stops_cleanly(neurocar_cmd, tmp_path):
    """--worlds 10,000,000 (27 GB of worlds before the first tick, once): an estimate in
    a second or two, memory that stays small, and Ctrl-C leaves no file."""
    import os
    import signal
    import time
    out = tmp_path / "r.json"
    p = subprocess.Popen([*neurocar_cmd, "eval", "--brain", "straight", "--worlds", "10000000", "--jobs", "2",
                          "--quiet", "--json", str(out)], stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = p.stderr.readline()
        assert "10,000,000 episodes of 60 s should take about" in line and ("days" in line or " h " in line), line
        time.sleep(3)
        rss_kb = int(next(l for l in open(f"/proc/{p.pid}/status") if l.startswith("VmRSS")).split()[1])
        assert rss_kb < 400_000
        os.killpg(p.pid, signal.SIGINT)
        rest = p.stderr.read()
        assert p.wait(timeout=60) == 130
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert rest.strip() == "neurocar eval: interrupted"
    assert list(tmp_path.iterdir()) == []


# -- Ctrl-C and SIGTERM --------------------------------------------------------------------

@pytest.mark.parametrize("signame, to_group, code, word", [
    ("SIGINT", True, 130, "interrupted"),         # Ctrl-C in a terminal reaches every process of the job
    ("SIGTERM", False, 143, "terminated"),        # kill PID
    ("SIGTERM", True, 143, "terminated"),         # kill -- -PGID
])
def test_a_signal_mid_run_stops_the_workers_in_one_line_and_writes_nothing(neurocar_cmd, tmp_path, signame,
                                                                          to_group, code, word):
    import os
    import signal
    import time
    out = tmp_path / "r.json"
    out.write_text("kept")
    p = subprocess.Popen([*neurocar_cmd, "eval", "--brain", str(asset("brains", "default.json")), "--worlds", "300",
                          "--seconds", "60", "--jobs", "2", "--json", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        time.sleep(1.0)
        while not _workers_of(p.pid) and p.poll() is None:
            time.sleep(0.1)
        time.sleep(1.5)                             # the workers are driving
        workers = _workers_of(p.pid)
        assert len(workers) >= 2
        sig = getattr(signal, signame)
        os.killpg(p.pid, sig) if to_group else p.send_signal(sig)
        stdout, stderr = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == code
    lines = [l for l in stderr.replace("\r", "\n").splitlines() if l.strip() and not l.startswith("[")]
    lines = [l for l in lines if "should take about" not in l]       # the estimate, said before the run
    assert lines == [f"neurocar eval: {word}"], stderr
    assert stdout == ""
    assert out.read_text() == "kept" and sorted(x.name for x in tmp_path.iterdir()) == ["r.json"]
    time.sleep(0.5)
    assert not any(os.path.exists(f"/proc/{w}") and _alive(w) for w in workers)


def _workers_of(pid: int) -> list[int]:
    import os
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
                cmdline = open(f"/proc/{entry}/cmdline").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and "spawn_main" in cmdline:
                children.append(int(entry))
    return children


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_eval_refuses_a_brain_q13_cannot_hold_in_one_line(tmp_path, capsys):
    from brain import load_brain, save_brain
    from simulator.cli import main
    brain = load_brain(asset("brains", "default.json"))
    brain.network.layers[0].weights[0, 0] = 5.0
    save_brain(tmp_path / "big.json", brain)
    assert main(["eval", "--brain", str(tmp_path / "big.json"), "--worlds", "1", "--seconds", "1",
                 "--fixed-point", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "layer 1 has a weight of 5, outside the fixed-point range [-4, 4)" in err
