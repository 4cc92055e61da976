"""Golden outputs: what the shipped brains do, recorded so a restructuring can prove that
behaviour did not change.

    python -m tests.golden.record DIR      # record into DIR (needs the AVR toolchain for the .hex)

For every shipped brain it records the eval JSON over 10 seeded worlds (the measured car,
nominal and randomized; the ideal car, with and without its noise and missed echoes),
without its timing fields; the exported sketch's .ino,
header and compiled .hex, float and fixed point; the --verify report (simavr and host runs
of the firmware against the simulator); and every shipped table retrained with seed 0.
``tests/test_golden.py`` compares the current code with the recording in
``tests/golden/recorded``.
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BRAINS = ("default", "improved", "seed_motors")
TABLES = ("seed_turn_direction", "improved", "seed_motors")
EVAL_RUNS = {"measured": [], "randomized": ["--randomize"], "ideal": ["--ideal"],
             "ideal-noisy": ["--ideal", "--noise", "--missed-echoes"]}
TIMING = ("jobs", "cores", "backend", "address")     # where it ran, not what it found


def neurocar(*args, cwd=None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", "import sys; from simulator.cli import main; sys.exit(main())", *map(str, args)]
    return subprocess.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True, check=True)


def untimed(value):
    """A JSON value with every timing field left out (they differ run to run)."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k not in TIMING and "wall" not in k and "speed" not in k}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def record_eval(out: Path, brain: str, tmp: Path) -> None:
    for run, flags in EVAL_RUNS.items():
        report = tmp / f"eval-{brain}-{run}.json"
        neurocar("eval", "--brain", f"assets/brains/{brain}.json", "--worlds", 10, "--seconds", 30,
                 "--seed", 3, "--jobs", 1, "--quiet", "--json", report, *flags)
        data = untimed(json.loads(report.read_text()))
        data.pop("brain", None)
        (out / f"eval-{brain}-{run}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def record_export(out: Path, brain: str, tmp: Path, verify: bool) -> None:
    for kind, flags in {"float": [], "fixed": ["--fixed-point"]}.items():
        folder = tmp / f"export-{brain}-{kind}"
        report = tmp / f"export-{brain}-{kind}.json"
        extra = ["--verify", "--seed", 0] if verify else ["--check"]
        neurocar("export", "--brain", f"assets/brains/{brain}.json", "--out", folder, "--name", "golden",
                 "--json", report, *extra, *flags)
        sketch = folder / "golden"
        for name in ("golden.ino", "neurocar_brain.h", "build/golden.hex"):
            if (sketch / name).exists():
                shutil.copy(sketch / name, out / f"{brain}-{kind}-{Path(name).name}")
        (out / f"export-{brain}-{kind}.json").write_text(
            json.dumps(untimed(json.loads(report.read_text())), indent=1, sort_keys=True) + "\n")


def record_training(out: Path, table: str) -> None:
    neurocar("train", f"assets/tables/{table}.csv", "--seed", 0, "--out", out / f"trained-{table}.json")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for brain in BRAINS:
            record_eval(out, brain, Path(tmp))
            record_export(out, brain, Path(tmp), verify=True)
        for table in TABLES:
            record_training(out, table)
    (out / "avr-gcc-version.txt").write_text(
        subprocess.run(["avr-gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0] + "\n")
    print(f"recorded {len(list(out.iterdir()))} files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
