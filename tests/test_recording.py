"""Recordings: what Job(record=True) gives, the .npz file round trip, the metrics measured
again from a recording equal to the eval row's exactly, eval --record, and bad files."""
import io
import json
import subprocess
import tomllib
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.batch import Job, file_specs, random_specs
from simulator.batch_job import RECORDED
from simulator.recording import (METRIC_KEYS, TICK_ARRAYS, RecordingError, RecordingFolder, RunInfo, find_recording,
                                 load_recording, metric_series, recompute_metrics, record_rows, recording_name,
                                 save_recording, split_row)
from simulator.runner import open_runner
from simulator.sensor import SensorOptions
from simulator.world import load_world
from simulator.worldgen import WorldGenConfig, random_world

BRAIN = load_brain(asset("brains", "default.json"))
SHIPPED = ["empty", "living_room", "corridor", "slalom", "small_maze"]


def _job(profile, seconds=8.0, **kw):
    return Job(BRAIN.to_dict(), profile, seconds, **kw)


def _recorded(job, specs, jobs=1):
    with open_runner("processes", jobs) as runner:
        plain = list(runner.rows(job, specs))
        pairs = list(record_rows(runner, job, specs))
    return plain, pairs


def _assert_exact(plain, pairs):
    assert len(plain) == len(pairs)
    for row, (recorded_row, rec) in zip(plain, pairs):
        assert RECORDED not in row and recorded_row == row          # recording changes nothing
        again = recompute_metrics(rec)
        assert {k: again[k] for k in METRIC_KEYS} == {k: row[k] for k in METRIC_KEYS}, row["episode"]


@pytest.mark.parametrize("model, randomize", [("ideal", False), ("measured", False), ("measured", True)])
def test_metrics_measured_again_equal_the_rows_over_seeded_worlds(profile, model, randomize):
    job = _job(profile, model=model, randomize=randomize, check_starts=True)
    plain, pairs = _recorded(job, random_specs(30, seed=7), jobs=2)
    _assert_exact(plain, pairs)
    assert sum(r["collisions"] for r in plain) > 0 and all(r["distance_cm"] > 0 for r in plain)
    assert any(r["stuck_s"] > 0 for r in plain) and len({r["coverage"] for r in plain}) > 20
    if randomize:
        assert all(rec.meta["car"] == row["car"] for row, (_, rec) in zip(plain, pairs))


def test_shipped_worlds_and_a_crowded_one_in_one_batch_with_noise_and_missed_echoes(profile):
    config = replace(WorldGenConfig(), obstacles=(400, 400), width_cm=(900.0, 900.0), height_cm=(900.0, 900.0))
    crowded = random_world(3, config, name="crowded")
    worlds = [load_world(asset("worlds", f"{n}.json")) for n in SHIPPED] + [crowded]
    job = _job(profile, 20.0, model="ideal", sensor_options=SensorOptions(noise=True, missed_echoes=True),
               check_starts=True)
    plain, pairs = _recorded(job, file_specs(worlds, seed=3))
    _assert_exact(plain, pairs)
    assert len(crowded.obstacles) >= 400 and pairs[-1][1].world.to_dict() == crowded.to_dict()


def test_a_recording_round_trips_through_its_file(profile, tmp_path):
    job = _job(profile, 5.0, model="measured", randomize=True, check_starts=True)
    (row, rec), = _recorded(job, random_specs(1, seed=4))[1]
    path = tmp_path / recording_name(row["episode"])
    save_recording(path, rec)
    back = load_recording(path)
    assert path.name == "episode-000000.npz" and zipfile.is_zipfile(path)
    assert json.loads(json.dumps(rec.meta)) == back.meta
    assert back.n_ticks == 200 and back.episode == 0 and back.row == row
    for name, dtype in TICK_ARRAYS.items():
        assert back.ticks[name].dtype == np.dtype(dtype)
        assert np.array_equal(back.ticks[name], rec.ticks[name]), name
    assert back.world.to_dict() == rec.world.to_dict()
    assert replace(back.profile, source="") == replace(profile, source="")
    assert back.brain().sha256() == BRAIN.sha256() == back.meta["brain_sha256"]
    m = back.meta
    assert (m["model"], m["randomized"], m["seed"], m["car"]) == ("measured", True, row["seed"], row["car"])
    assert m["neurocar"] and m["format"] == "neurocar-recording" and m["tick_s"] == profile.control.tick_s
    assert tomllib.loads(m["profile_toml"])["name"] == profile.name == back.profile.name
    assert recompute_metrics(back) == recompute_metrics(rec)
    assert path.stat().st_size < 40_000          # 200 ticks, compressed


def test_the_metrics_as_they_accumulate_end_at_the_row(profile):
    (row, rec), = _recorded(_job(profile, 15.0, check_starts=True), random_specs(1, seed=11))[1]
    series = metric_series(rec)
    assert len(series) == rec.n_ticks
    assert series[-1] == recompute_metrics(rec)
    for key in ("collisions", "contact_s", "distance_cm", "coverage", "stuck_s", "seconds"):
        values = [s[key] for s in series]
        assert values == sorted(values), key              # nothing a car did is undone
    assert series[0]["seconds"] == rec.tick_s and series[0]["distance_cm"] < series[-1]["distance_cm"]


def _recording_folder(profile, tmp_path, count=3):
    job = _job(profile, 2.0, record=True, check_starts=True)
    with open_runner("processes", 1) as runner:
        rows = list(runner.rows(job, random_specs(count, seed=1)))
    return job, rows


def test_a_recording_folder_left_without_commit_leaves_nothing(profile, tmp_path):
    job, rows = _recording_folder(profile, tmp_path)
    target = tmp_path / "new" / "runs"
    with pytest.raises(KeyboardInterrupt):
        with RecordingFolder(target, 3, RunInfo.of(job)) as folder:
            folder.take(rows[0])
            raise KeyboardInterrupt
    assert not (tmp_path / "new").exists()
    with RecordingFolder(target, 3, RunInfo.of(job)) as folder:
        assert [folder.take(r) for r in rows] == [split_row(r, RunInfo.of(job))[0] for r in rows]
        assert "episode-000000.npz to episode-000002.npz" in folder.commit()
    assert sorted(p.name for p in target.iterdir()) == [recording_name(k) for k in range(3)]
    assert find_recording(target, None).name == recording_name(0)
    assert find_recording(target, 2).name == recording_name(2)
    with pytest.raises(RecordingError, match="no recording of episode 7; it holds episodes 0 to 2"):
        find_recording(target, 7)
    with pytest.raises(RecordingError, match="would replace"):
        RecordingFolder(target, 1, RunInfo.of(job))
    RecordingFolder(target, 3, RunInfo.of(job), replace=True).__exit__(None, None, None)
    assert len(list(target.iterdir())) == 3                # the staging folder is gone too


def _eval(cmd, *args):
    return subprocess.run([*cmd, "eval", "--brain", str(asset("brains", "default.json")), "--seconds", "4",
                           "--quiet", "--jobs", "1", *args], capture_output=True, text=True, timeout=300)


def test_eval_record_writes_each_episode_and_refuses_to_replace_them(neurocar_cmd, tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "r.json"
    r = _eval(neurocar_cmd, "--worlds", "4", "--record", str(runs), "--json", str(out), "--randomize")
    assert r.returncode == 0, r.stderr
    assert f"recordings: 4 episode(s) in {runs}" in r.stdout and "neurocar replay" in r.stdout
    assert sorted(p.name for p in runs.iterdir()) == [recording_name(k) for k in range(4)]
    rows = json.loads(out.read_text())["rows"]
    assert all(RECORDED not in row for row in rows)
    for row in rows:
        rec = load_recording(runs / recording_name(row["episode"]))
        assert rec.row == row and rec.meta["model"] == "measured" and rec.meta["car"] == row["car"]
        again = recompute_metrics(rec)
        assert {k: again[k] for k in METRIC_KEYS} == {k: row[k] for k in METRIC_KEYS}
    before = {p.name: p.read_bytes() for p in runs.iterdir()}
    r = _eval(neurocar_cmd, "--worlds", "2", "--record", str(runs), "--seed", "5")
    assert r.returncode == 2 and "would replace" in r.stderr and "--replace-recordings" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in runs.iterdir()} == before
    r = _eval(neurocar_cmd, "--worlds", "2", "--record", str(runs), "--seed", "5", "--replace-recordings", "--ideal")
    assert r.returncode == 0, r.stderr
    assert load_recording(runs / recording_name(1)).meta["model"] == "ideal"
    assert (runs / recording_name(3)).read_bytes() == before[recording_name(3)]
    assert sorted(p.name for p in runs.iterdir()) == sorted(before)        # nothing else left there


def test_eval_record_refuses_a_file_and_a_lone_replace_in_one_line(neurocar_cmd, tmp_path):
    (tmp_path / "taken").write_text("x")
    for args, said in [(["--record", str(tmp_path / "taken")], "is a file"),
                       (["--replace-recordings"], "goes with --record")]:
        r = _eval(neurocar_cmd, "--worlds", "1", *args)
        assert r.returncode == 2 and said in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _npz(path, **arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    return path


def test_bad_files_are_refused_in_one_line(profile, tmp_path):
    (row, rec), = _recorded(_job(profile, 1.0, check_starts=True), random_specs(1, seed=2))[1]
    good = tmp_path / "good.npz"
    save_recording(good, rec)
    meta = np.frombuffer(json.dumps(rec.meta).encode(), dtype=np.uint8)
    newer = np.frombuffer(json.dumps({**rec.meta, "format_version": 2}).encode(), dtype=np.uint8)
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "text.npz").write_text("hello\n")
    (tmp_path / "cut.npz").write_bytes(good.read_bytes()[:len(good.read_bytes()) // 2])
    cases = {
        tmp_path / "missing.npz": "no such file",
        tmp_path: "is a folder",
        tmp_path / "empty.npz": "not a neurocar recording",
        tmp_path / "text.npz": "not a neurocar recording",
        tmp_path / "cut.npz": "not a neurocar recording",
        _npz(tmp_path / "plain.npz", a=np.zeros(3)): "no recording's meta",
        _npz(tmp_path / "json.npz", meta=np.frombuffer(b"[1, 2]", dtype=np.uint8)): "no \"format\"",
        _npz(tmp_path / "newer.npz", meta=newer, **rec.ticks): "format 2 is not supported",
        _npz(tmp_path / "short.npz", meta=meta, **{**rec.ticks, "pwm": rec.ticks["pwm"][:-1]}): "numbers of ticks",
        _npz(tmp_path / "lacking.npz", meta=meta, **{k: v for k, v in rec.ticks.items() if k != "hold"}): "no hold",
        _npz(tmp_path / "types.npz", meta=meta, **{**rec.ticks, "x_cm": rec.ticks["x_cm"].astype(np.float32)}):
            "x_cm not of the recorded types",
    }
    for path, said in cases.items():
        with pytest.raises(RecordingError) as e:
            load_recording(path)
        assert said in str(e.value) and str(path) in str(e.value) and "\n" not in str(e.value), path
