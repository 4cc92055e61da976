"""The fitted car as a profile: the robot's own TOML with the measured values in place.

``fit_car`` fits every value ``simulator.calibration`` and ``simulator.calibration_echo``
can; ``measured_profile`` writes them into the text of the profile they were fitted with,
each line marked ``# measured DATE`` (the estimate it replaces said where it came from;
the new line says it was measured), and the ``[drive]`` estimates the ideal model runs
on (speed at the reference PWM, turn rate at the turn PWM) follow from the fitted
motors, where the ideal model can step them (a measured car may be faster than its
bounds allow: the estimates then stay). The beam and incidence scales multiply the profile's own curves, so the new
profile's cars are drawn around the measured car (the scale ranges stay as they were).
A range that no longer holds its nominal value is widened to hold it.
"""
import math
import re
import tomllib
from pathlib import Path

from simulator.calibration import CalibrationError, check_fitted, fit_speed, fit_start, fit_travel, motor_volts, \
    us_to_deg
from simulator.calibration_echo import SpanModel, fit_scales, observed_widths
from simulator.motors import yaw_rad_per_cm
from simulator.measured import CarParams, nominal_car
from brain.i18n import _, english

MOTORS = ("battery_v", "speed_mm_s_per_v", "start_v", "turn_travel_mm_per_deg")
CURVES = {"beam_scale": "beam_half_deg", "incidence_scale": "flat_incidence_deg"}
UNITS = {"battery_v": " (V)", "speed_mm_s_per_v": " (mm/s per V)", "start_v": " (V)",
         "turn_travel_mm_per_deg": " (mm/deg)", "speed_cm_s": " (cm/s)", "turn_rate_deg_s": " (deg/s)"}


def fit_car(profile, log, tape, source: str) -> dict:
    """Every fitted value, by its ``CarParams`` name; CalibrationError when one is not a
    value a car can have."""
    speed = fit_speed(log, tape, profile)
    values = {"battery_v": tape.battery_v, "speed_mm_s_per_v": speed,
              "start_v": fit_start(log, tape, profile, speed, source),
              "turn_travel_mm_per_deg": fit_travel(log, tape, profile, speed)}
    first, last = log.sweeps[0][0][0], log.sweeps[0][-1][0]
    model = SpanModel(profile, tape.targets, tuple(us_to_deg([first, last])))
    values["beam_scale"], values["incidence_scale"] = fit_scales(model, observed_widths(log.sweeps, tape.targets,
                                                                                        source))
    check_fitted(values, source)
    return values


def drive_figures(profile, values: dict) -> dict:
    """The [drive] estimates the fitted motors give: speed at the reference PWM (cm/s) and
    the turn rate in place at the turn PWM (deg/s)."""
    car = CarParams.stack([{**nominal_car(profile.measured, profile.sensor), **values}])
    speed = float(motor_volts(profile.drive.reference_pwm, values["battery_v"], profile) * car.speed_mm_s_per_v[0]) / 10
    wheel = float(motor_volts(profile.drive.turn_pwm, values["battery_v"], profile) * car.speed_mm_s_per_v[0]) / 10
    return {"speed_cm_s": speed, "turn_rate_deg_s": math.degrees(wheel * float(yaw_rad_per_cm(car)[0]))}


def old_and_new(profile, values: dict) -> list[str]:
    """The profile's values beside the fitted ones, one line each."""
    m = profile.measured.motors
    rows = [(name + UNITS[name], getattr(m, name), values[name]) for name in MOTORS]
    rows += [(_("{curve} (x scale)").format(curve=curve), 1.0, values[scale]) for scale, curve in CURVES.items()]
    drive = drive_figures(profile, values)
    rows += [(english(f"drive.{k}{UNITS[k]}"), getattr(profile.drive, k), v) for k, v in drive.items()]
    width = max(len(r[0]) for r in rows)
    head = (_("value"), _("profile"), _("measured"))          # the names are the profile's keys, in English
    return [f"{head[0]:<{width}}  {head[1]:>10}  {head[2]:>10}"] + \
           [f"{name:<{width}}  {old:>10.4g}  {new:>10.4g}" for name, old, new in rows]


def measured_profile(text: str, profile, values: dict, date: str, log_name: str, drive: bool = True) -> str:
    """The profile's text with the fitted values in place, each marked measured (and
    the [drive] estimates with them unless ``drive`` is false)."""
    mark = f"measured {date} (neurocar calibrate fit)"
    edit = _Editor(text, profile.source)
    name = f"{profile.name} (measured {date})"
    if len(name) <= 100:
        edit.set(None, "name", _toml_string(name), mark)
    for key in MOTORS:
        edit.set("measured.motors", key, f"{values[key]:.4g}", mark)
        edit.widen("measured.motors", key, values[key])
    echo = profile.measured.echo
    for scale, curve_name in CURVES.items():
        curve = getattr(echo, curve_name)
        points = ", ".join(f"[{x:g}, {min(90.0, y * values[scale]):.4g}]" for x, y in zip(curve.x_cm, curve.y))
        edit.set("measured.echo", curve_name, f"[{points}]", f"{mark}: the estimate x {values[scale]:.4g}")
    for key, value in drive_figures(profile, values).items() if drive else ():
        edit.set("drive", key, f"{value:.4g}", f"{mark}, from [measured.motors]")
    return (f"# Measured with neurocar calibrate fit on {date} from the log {log_name}; the values marked\n"
            f"# \"measured\" replace the estimates of {Path(profile.source).name}.\n" + edit.text())


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Editor:
    """Replace single values of a TOML text in place, keeping its comments and layout."""

    def __init__(self, text: str, source: str):
        self.lines, self.source = text.split("\n"), source

    def text(self) -> str:
        return "\n".join(self.lines)

    def _find(self, section, key) -> tuple[int, int] | None:
        """The lines (first, end) holding key in section (None: the top), or None."""
        inside = section is None
        for i, line in enumerate(self.lines):
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped.split("#")[0].strip() == f"[{section}]"
            elif inside and re.match(rf"{re.escape(key)}\s*=", stripped):
                for end in range(i + 1, len(self.lines) + 1):
                    try:
                        tomllib.loads("\n".join(self.lines[i:end]))
                        return i, end
                    except tomllib.TOMLDecodeError:
                        continue
        return None

    def set(self, section, key, value: str, comment: str) -> None:
        found = self._find(section, key)
        if found is None:
            raise CalibrationError(_("{source}: {key} is not written in [{section}], so the measured value "
                                   "cannot replace it; use a profile that lists it").format(
                                       source=self.source, key=key, section=section))
        self.lines[found[0]:found[1]] = [f"{key} = {value}   # {comment}"]

    def widen(self, section, key, value: float) -> None:
        found = self._find(section, f"{key}_range")
        if found is None:
            return
        low, high = tomllib.loads("\n".join(self.lines[found[0]:found[1]]))[f"{key}_range"]
        value = float(f"{value:.4g}")           # as written
        if low <= value <= high:
            return
        low, high = min(low, value), max(high, value)
        self.lines[found[0]:found[1]] = [f"{key}_range = [{low:g}, {high:g}]   # widened to hold the measured value"]

