"""Behaviour is unchanged: the shipped brains' eval results, exported sketches and
retrained brains equal the recording in tests/golden/recorded (see tests/golden/record.py).

Floats are compared to 1e-9 (relative, or absolute near zero), since another CPU's maths library may round the
last bit differently; every count, decision and flag must be equal. A sketch whose C text
is unchanged must compile to the same .hex (with the recorded avr-gcc); where the text has
changed, the firmware's simavr and host runs must give the same verification figures."""
import json
import math
import shutil
import subprocess

import pytest

from tests.golden import record

RECORDED = record.ROOT / "tests" / "golden" / "recorded"
CODE_SIZE_AND_SPEED = ("flash_bytes", "ram_bytes", "cycles_per_inference", "us_per_inference",
                       "cycles_per_forward", "us_per_forward", "decision_budget_us")
has_avr = all(shutil.which(t) for t in ("avr-gcc", "avr-objcopy", "simavr"))


@pytest.fixture(scope="module")
def now(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    record.main([str(out)])
    return out


def same(a, b, where=""):
    """Assert two JSON values equal, floats to 1e-9 relative."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def load(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("brain", record.BRAINS)
@pytest.mark.parametrize("run", record.EVAL_RUNS)
def test_eval_results_unchanged(now, brain, run):
    name = f"eval-{brain}-{run}.json"
    same(load(now / name), load(RECORDED / name), name)


@pytest.mark.parametrize("table", record.TABLES)
def test_retrained_brains_unchanged(now, table):
    name = f"trained-{table}.json"
    same(load(now / name), load(RECORDED / name), name)


@pytest.mark.skipif(not has_avr, reason="the AVR toolchain and simavr are not installed")
@pytest.mark.parametrize("brain", record.BRAINS)
@pytest.mark.parametrize("kind", ("float", "fixed"))
def test_firmware_unchanged(now, brain, kind):
    report, recorded = load(now / f"export-{brain}-{kind}.json"), load(RECORDED / f"export-{brain}-{kind}.json")
    text_same = all((now / f"{brain}-{kind}-{n}").read_text() == (RECORDED / f"{brain}-{kind}-{n}").read_text()
                    for n in ("golden.ino", "neurocar_brain.h"))
    if not text_same:           # the C was rewritten: what it computes must not be
        for key in CODE_SIZE_AND_SPEED:
            report.pop(key), recorded.pop(key)
    same(report, recorded, f"export-{brain}-{kind}")
    compiler = subprocess.run(["avr-gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    if text_same and compiler + "\n" == (RECORDED / "avr-gcc-version.txt").read_text():
        assert (now / f"{brain}-{kind}-golden.hex").read_bytes() == \
            (RECORDED / f"{brain}-{kind}-golden.hex").read_bytes()
