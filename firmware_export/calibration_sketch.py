"""The calibration sketch (no brain), the measurements file it comes with, and its log.

``neurocar calibrate sketch`` writes ``DIR/NAME/NAME.ino`` (from the template
``templates/calibration.ino``, with the export sketch's pin checks and servo driver) and
``DIR/measurements.toml``: blanks and comments for what to measure with a tape. The
steps and why each is there: ``simulator.calibration``.

The log, at ``BAUD`` baud: prompts are lines starting with ``#`` (read by the user, skipped
by the reader); every other line is fields separated by commas, then ``*`` and the CRC-8
of everything before it (``firmware_export.telemetry_format.crc8``, avr-libc's
``_crc8_ccitt_update``) in two upper-case hex digits, then CR LF::

    @CAL,1,<profile hash>,<straight runs>,<turns>,<boards>   the header, once at reset
    S,<run>,<pwm>,<ms>              a straight run done (forward at pwm for ms)
    R,<pwm>,<reading>               a start-ramp step: its pwm, the wall read at its end
    E,<steps>                       the ramp's end: how many R lines it wrote
    T,<turn>,<L|R>,<pwm>,<ms>       a turn in place done (left or right)
    W,<board>,<pulse us>,<reading>  a sweep step: the servo's pulse width, the reading
    F,<board>,<steps>               a sweep's end: how many W lines it wrote
    Z                               the end of the calibration

Readings are whole cm, ``n`` when nothing echoed within ``MAX_READING_CM``. Runs,
turns and boards count from 1. The profile hash is ``telemetry_format.profile_hash``:
a log is fitted only with the profile its sketch was written for.
"""
from dataclasses import dataclass
from pathlib import Path

from brain.atomic import atomic_write_text
from brain.i18n import _
from simulator.calibration import (PAUSE_MS, RAMP_NEAREST_CM, RAMP_STOP_CM, SERVO_US_PER_COUNT, Plan, deg_to_us,
                                   plan_for)

from firmware_export.ctemplates import fill, piece
from firmware_export.names import check_identifier
from firmware_export.sketch import check_pins
from firmware_export.telemetry_format import BAUD, profile_hash

FORMAT = 1
HEADER_TAG = "@CAL"
MAX_READING_CM = 300
MEASUREMENTS = "measurements.toml"


@dataclass
class CalibrationSketch:
    name: str
    ino: str
    measurements: str
    instructions: str

    def paths(self, out_dir) -> dict:
        """Each file it writes: label -> path."""
        out_dir = Path(out_dir)
        return {"sketch": out_dir / self.name / f"{self.name}.ino", "measurements file": out_dir / MEASUREMENTS}

    def write(self, out_dir) -> Path:
        """Write the sketch folder and the measurements file; returns the sketch folder."""
        paths = self.paths(out_dir)
        atomic_write_text(paths["sketch"], self.ino)
        atomic_write_text(paths["measurements file"], self.measurements)
        return paths["sketch"].parent


def header_line(profile, plan: Plan) -> str:
    """The header's fields, without its checksum."""
    return ",".join([HEADER_TAG, str(FORMAT), profile_hash(profile), str(len(plan.straight_pwm)),
                     str(len(plan.turns)), str(len(plan.targets))])


def generate(profile, name: str = "neurocar_calibration", plan: Plan | None = None,
             pause_ms: int = PAUSE_MS) -> CalibrationSketch:
    """The calibration sketch for a profile (its ``plan_for`` unless given: tests run
    shorter ones), or an ExportError before anything is written."""
    check_identifier(name)
    check_pins(profile)
    plan = plan or plan_for(profile)
    ino = fill("calibration.ino", **_values(profile, plan), pause_ms=pause_ms, servo_driver=piece("servo_timer2.h"))
    return CalibrationSketch(name, ino, measurements_text(profile, plan, name), instructions(plan))


def _values(profile, plan: Plan) -> dict:
    motors, sensor = profile.motors, profile.sensor

    def pattern(name):
        return ", ".join(map(str, motors.patterns[name]))
    return {
        "robot": profile.name.replace("*/", "* /"), "baud": BAUD, "n_pins": len(motors.pin_order),
        "motor_pins": ", ".join(str(motors.pins[p]) for p in motors.pin_order), "pin_order": " ".join(motors.pin_order),
        "forward": pattern("forward"), "left": pattern("left"), "right": pattern("right"),
        "left_enable": motors.pins[motors.left.enable], "right_enable": motors.pins[motors.right.enable],
        "trig_pin": sensor.trig_pin, "echo_pin": sensor.echo_pin, "servo_pin": profile.servo.pin,
        "us_per_cm": sensor.us_per_cm, "echo_timeout_us": (MAX_READING_CM + 1) * sensor.us_per_cm + 1000,
        "straight_pwm": ", ".join(map(str, plan.straight_pwm)),
        "straight_runs": len(plan.straight_pwm), "run_ms": plan.run_ms, "turn_pwm": plan.turn_pwm,
        "turn_ms": plan.turn_ms, "ramp_step_ms": plan.ramp_step_ms, "ramp_stop_cm": RAMP_STOP_CM,
        "ramp_nearest_cm": RAMP_NEAREST_CM, "targets": len(plan.targets),
        "target_cm": ", ".join(str(d) for d, _, _ in plan.targets),
        "target_width_cm": ", ".join(str(w) for _, w, _ in plan.targets),
        "target_angle_deg": ", ".join(str(a) for _, _, a in plan.targets),
        "sweep_first_us": plan.sweep_us[0], "sweep_last_us": plan.sweep_us[1],
        "servo_us_per_count": SERVO_US_PER_COUNT, "centre_us": deg_to_us(90), "header": header_line(profile, plan),
    }


def measurements_text(profile, plan: Plan, name: str) -> str:
    """The measurements file: every blank ("") for the user to fill in."""
    lines = [f"# What to measure during the calibration sketch {name} on {profile.name}.",
             "# Fill in every \"\" with a number, then run",
             "#   neurocar calibrate fit run.log --measurements THIS_FILE --robot ROBOT --out my_car.toml",
             "# Lengths in cm with a tape, angles in degrees. Keep the runs in order; the pwm and ms",
             "# values say what the sketch does and must stay as written.", "",
             'battery_v = ""        # the battery with a multimeter, just before the run (volts)', ""]
    for k, pwm in enumerate(plan.straight_pwm, 1):
        lines += [f"[[straight]]          # run {k}: forward at PWM {pwm} for {plan.run_ms} ms",
                  f"pwm = {pwm}", f"ms = {plan.run_ms}",
                  'distance_cm = ""      # how far the front of the car moved', ""]
    for k, way in enumerate(plan.turns, 1):
        lines += [f"[[turn]]              # turn {k}: {way} in place at PWM {plan.turn_pwm} for {plan.turn_ms} ms",
                  f'direction = "{way}"', f"pwm = {plan.turn_pwm}", f"ms = {plan.turn_ms}",
                  'angle_deg = ""        # how far the car turned (more than 180 if it went past half a turn)', ""]
    for k, (d, w, a) in enumerate(plan.targets, 1):
        lines += [f"[[target]]            # sweep {k}: a flat board about {d} cm ahead, {w} cm wide, facing the car",
                  'distance_cm = ""      # from the servo\'s axis (the horn\'s screw) '
                  'to the middle of the board\'s face',
                  'width_cm = ""         # the board\'s width (its side across the car\'s path)',
                  f"angle_deg = {a}        # how far the board is turned from facing the car", ""]
    return "\n".join(lines)


def instructions(plan: Plan) -> str:
    """What to measure, printed by ``neurocar calibrate sketch``."""
    runs = ", ".join(f"PWM {p}" for p in plan.straight_pwm)
    return "\n".join([
        _("Upload the sketch, open the serial log at 115200 baud and save it with any serial terminal."),
        _("Each step waits {seconds} s after its prompt (send any character to start it at once). Measure:").format(
            seconds=PAUSE_MS // 1000),
        _("  battery: its voltage with a multimeter, just before the run;"),
        _("  straight runs ({runs}, {ms} ms each): mark the car's front before, tape how far it went;").format(
            runs=runs, ms=plan.run_ms),
        _("  start ramp: face a wall 80 to 150 cm ahead; nothing to measure (the sonar does);"),
        _("  turns (left, right, {ms} ms at PWM {pwm}): mark the heading before, measure the angle turned;").format(
            ms=plan.turn_ms, pwm=plan.turn_pwm),
        _("  sweeps ({count}): put a flat board straight ahead at the distance and width the prompt names, facing "
          "the car;").format(count=len(plan.targets)),
        _("    tape its distance from the servo's axis and its width."),
        _("Write the numbers into {file} (every \"\" is a blank), then run neurocar calibrate fit.").format(
            file=MEASUREMENTS)])
