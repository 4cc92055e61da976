"""The episode runner: processes and Ray give the same rows whatever the workers,
run_many gives what separate calls give, eval on either backend (and joining a running
Ray as a cluster), and the ways Ray can be missing or out of reach, each in one line.

Ray is an optional extra: its tests skip without it, the others run anyway."""
import gc
import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc

import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.batch import BATCH_SIZE, Job, evaluate, file_specs, random_specs
from simulator.cli import main
from simulator.profile import default_profile, load_profile
from simulator.runner import RunnerError, open_runner
from simulator.world import WorldError, load_world

NO_RAY = "Ray is an optional extra: pip install 'neurocar[ray]' (make extras)"
INSTALL_LINE = "the ray backend needs Ray, which is not installed here: pip install 'neurocar[ray]'"
PROFILE = default_profile()
# Random worlds and their cars drawn (--randomize), in two batches of unequal size.
JOB = Job(load_brain(asset("brains", "default.json")).to_dict(), PROFILE, 3.0, randomize=True)
SPECS = random_specs(BATCH_SIZE + 15, seed=3)
# What the JSON may differ in between backends: the timing and where it ran.
WHERE = {"wall_seconds", "speed_x_real_time_per_core", "jobs", "cores", "backend", "address"}


def _eval(cmd, *args, timeout=180):
    return subprocess.run([*cmd, "eval", *args], capture_output=True, text=True, timeout=timeout)


# -- without Ray (these run first, before the module's Ray starts) --------------------------

def test_without_ray_the_ray_backend_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)          # `import ray` fails as if not installed
    with pytest.raises(RunnerError) as e:
        open_runner("ray", jobs=2)
    assert str(e.value) == INSTALL_LINE
    assert main(["eval", "--brain", "straight", "--worlds", "1", "--seconds", "1", "--backend", "ray",
                 "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"neurocar eval: {INSTALL_LINE}"]


def test_an_address_needs_the_ray_backend(neurocar_cmd, tmp_path):
    out = tmp_path / "r.json"
    r = _eval(neurocar_cmd, "--brain", "straight", "--worlds", "1", "--seconds", "1", "--address", "auto",
              "--json", str(out))
    assert r.returncode == 2 and r.stdout == "" and not out.exists()
    assert r.stderr.splitlines() == ["neurocar eval: --address auto joins a Ray cluster; add --backend ray"]
    with pytest.raises(RunnerError, match="only the ray backend"):
        open_runner("processes", address="auto")
    with pytest.raises(RunnerError, match="'threads' is not one of: processes, ray"):
        open_runner("threads")


@pytest.mark.parametrize("address", ["127.0.0.1:{port}", "ray://127.0.0.1:{port}"])
def test_an_address_nobody_answers_at_fails_within_30_s_in_one_line(neurocar_cmd, tmp_path, address):
    """A port that takes the connection and never answers: Ray alone would retry for minutes."""
    pytest.importorskip("ray", reason=NO_RAY)
    out = tmp_path / "r.json"
    with socket.create_server(("0.0.0.0", 0)) as silent:
        address = address.format(port=silent.getsockname()[1])
        start = time.monotonic()
        r = _eval(neurocar_cmd, "--brain", "straight", "--worlds", "1", "--seconds", "1", "--backend", "ray",
                  "--address", address, "--json", str(out), timeout=60)
        took = time.monotonic() - start
    assert took < 30
    assert r.returncode == 2 and r.stdout == "" and not out.exists()
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(f"neurocar eval: Ray cluster address {address}: ")


# -- with Ray ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ray_runner():
    """Ray started here once for the module, on 2 CPUs, by a runner that stops it at the end."""
    pytest.importorskip("ray", reason=NO_RAY)
    with open_runner("ray", jobs=2) as runner:
        yield runner


def test_processes_and_ray_give_the_same_rows_whatever_the_workers(ray_runner):
    import ray
    with open_runner("processes", jobs=2) as here:
        expected = list(here.rows(JOB, SPECS))
    assert [r["episode"] for r in expected] == list(range(len(SPECS)))
    assert expected == evaluate(JOB, SPECS, jobs=1)
    with open_runner("ray", jobs=1) as one:               # joins the Ray running here, one task at a time
        assert (one.backend, one.workers, one.address) == ("ray", 1, None)
        assert list(one.rows(JOB, SPECS)) == expected
    assert ray.is_initialized()                            # it was not this runner's to stop
    assert ray_runner.workers == 2
    assert list(ray_runner.rows(JOB, SPECS)) == expected


def test_run_many_gives_each_task_what_a_run_of_its_own_gives(ray_runner):
    """Different brains, lengths, world files and random worlds sharing the workers."""
    worlds = file_specs([load_world(asset("worlds", n)) for n in ("slalom.json", "corridor.json")], seed=1)
    improved = Job(load_brain(asset("brains", "improved.json")).to_dict(), PROFILE, 2.0, model="ideal")
    tasks = [(JOB, SPECS), (improved, worlds), (Job(straight_brain().to_dict(), PROFILE, 1.5), random_specs(4, 9)),
             (improved, random_specs(3, 9))]
    alone = [evaluate(job, specs, jobs=1) for job, specs in tasks]
    total = sum(len(specs) * round(job.seconds / PROFILE.control.tick_s) for job, specs in tasks)
    with open_runner("processes", jobs=2) as processes:
        for runner in (processes, ray_runner):
            told = []
            assert runner.run_many(tasks, progress=lambda done, whole: told.append((done, whole))) == alone
            assert {whole for _, whole in told} == {total} and told[-1] == (total, total)
            assert [done for done, _ in told] == sorted(done for done, _ in told)
            assert [list(runner.rows(job, specs)) for job, specs in tasks] == alone


def test_a_world_a_ray_worker_refuses_comes_back_as_that_error_and_the_runner_goes_on(ray_runner, tmp_path):
    robot = tmp_path / "big_car.toml"
    robot.write_text(asset("robots", "elegoo_v3.toml").read_text()
                     .replace("length_cm = 25.0", "length_cm = 95.0").replace("width_cm = 14.0", "width_cm = 70.0")
                     .replace("turn_rate_deg_s = 180.0", "turn_rate_deg_s = 20.0")
                     .replace("mass_kg = 1.3", "mass_kg = 5.0"))
    job = Job(straight_brain().to_dict(), load_profile(robot), 1.0, check_starts=True)
    with pytest.raises(WorldError) as e:
        list(ray_runner.rows(job, random_specs(3 * BATCH_SIZE, 0)))
    assert type(e.value) is WorldError and "overlaps" in str(e.value) and "\n" not in str(e.value)
    assert ray_runner.run_many([(JOB, SPECS[:2])])[0] == evaluate(JOB, SPECS[:2], jobs=1)


def test_ray_holds_a_few_batches_whatever_the_episode_count(ray_runner):
    """Ten million one-tick episodes: the rows stream, and memory stays flat."""
    rows = ray_runner.rows(Job(straight_brain().to_dict(), PROFILE, 0.025), random_specs(10 ** 7, 0))
    tracemalloc.start()
    try:
        memory = []
        for k, row in enumerate(rows, start=1):
            if k in (100, 400):
                gc.collect()
                memory.append(tracemalloc.get_traced_memory()[0])
            if k == 400:
                break
    finally:
        tracemalloc.stop()
        rows.close()                                        # the tasks still out are cancelled
    assert row["episode"] == 399 and row["world"] == "random 0/399"
    assert memory[1] - memory[0] < 150_000


def test_the_process_pool_lives_as_long_as_the_runner():
    with open_runner("processes", jobs=2) as runner:
        list(runner.rows(JOB, SPECS[:5]))
        workers = _spawned_children()
        assert len(workers) == 2
        list(runner.rows(JOB, SPECS[5:10]))
        assert _spawned_children() == workers
    assert not any(_alive(pid) for pid in workers)


def test_eval_json_is_the_same_on_either_backend_and_on_a_joined_cluster(ray_runner, neurocar_cmd, tmp_path):
    """processes, Ray started by eval, and Ray joined at the address of the one running here."""
    import ray
    cluster = ray.get_runtime_context().gcs_address
    found = {}
    for name, extra in [("processes", ["--jobs", "2"]), ("ray", ["--backend", "ray", "--jobs", "2"]),
                        ("cluster", ["--backend", "ray", "--address", cluster])]:
        out = tmp_path / f"{name}.json"
        r = _eval(neurocar_cmd, "--brain", str(asset("brains", "default.json")), "--worlds", "30", "--seconds", "2",
                  "--seed", "4", "--randomize", "--quiet", "--json", str(out), *extra)
        assert r.returncode == 0, r.stderr
        assert r.stderr == ""                               # Ray says nothing on the terminal
        found[name] = json.loads(out.read_text())
    assert (found["ray"]["backend"], found["ray"]["address"], found["ray"]["jobs"]) == ("ray", None, 2)
    assert (found["cluster"]["address"], found["cluster"]["jobs"]) == (cluster, 2)
    assert found["processes"]["backend"] == "processes"
    same = [{k: v for k, v in data.items() if k not in WHERE} for data in found.values()]
    assert same[0] == same[1] == same[2] and len(same[0]["rows"]) == 30
    assert ray_runner.run_many([(JOB, SPECS[:2])])[0] == evaluate(JOB, SPECS[:2], jobs=1)    # still up


def _spawned_children() -> set[int]:
    """This process's children started by multiprocessing's spawn."""
    found = set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{entry}/stat").read()
            cmdline = open(f"/proc/{entry}/cmdline").read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and "spawn_main" in cmdline and _alive(int(entry)):
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
