"""How closely ``neurocar calibrate fit`` recovers cars it did not see.

    python -m tests.bench.bench_calibration [CARS]

For CARS cars (default 20, seeds 0..CARS-1) drawn from the Elegoo profile's measured
ranges: the synthetic calibration run of ``tests/test_calibration.py`` (the measured car
model driven in pymunk, its sonar with 1 cm noise read in whole cm, tape readings off by
up to 1 cm, angles by up to 2 degrees, the multimeter by up to 0.05 V, all seeded), then
the fit. Prints the worst and the mean relative error of each fitted value.
"""
import sys
import tempfile

import numpy as np

from simulator.calibration import read_tape
from simulator.calibration_profile import fit_car
from simulator.measured import draw_car
from tests.test_calibration import FITTED, PLAN, PROFILE, synthetic_run

from firmware_export.calibration_log import parse_log


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    cars = int(argv[0]) if argv else 20
    errors = {name: [] for name in FITTED}
    for seed in range(cars):
        car = draw_car(PROFILE.measured, PROFILE.sensor, seed)
        log_text, tape_text = synthetic_run(car, seed)
        tape = read_tape_text(tape_text)
        fitted = fit_car(PROFILE, parse_log(log_text, PROFILE, PLAN, f"car {seed}"), tape, f"car {seed}")
        for name in FITTED:
            errors[name].append(abs(fitted[name] / car[name] - 1))
    print(f"{cars} cars (seeds 0-{cars - 1}); relative error of the fit, worst and mean:")
    for name, errs in errors.items():
        print(f"  {name:24s} worst {100 * max(errs):5.2f} %   mean {100 * np.mean(errs):5.2f} %")
    return 0


def read_tape_text(text: str):
    """The tape readings of a measurements file's text (read_tape reads a path)."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml") as f:
        f.write(text)
        f.flush()
        return read_tape(f.name, PLAN)


if __name__ == "__main__":
    sys.exit(main())
