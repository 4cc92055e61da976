"""Robot profiles: every value held to its range, the derived bounds, one-line refusals."""
import math
import re
import subprocess
import tomllib

import pytest

from simulator.assets import asset
from simulator.controller import hold_ticks
from simulator.physics import PHYSICS_HZ
from simulator.profile import (INT32_MAX, MAX_GRIP_MU, MAX_POINT_SPEED_CM_S, UINT16_MAX, ProfileError,
                               load_profile, profile_from_dict)
from simulator.world import MIN_THICKNESS_CM

SHIPPED = ["elegoo_v3.toml", "two_wheel.toml"]
ELEGOO = asset("robots", "elegoo_v3.toml").read_text()
RANGE = re.compile(r"accepted: (at least|above) [-0-9.e+]+ and (at most|below) [-0-9.e+]+")


def _write(tmp_path, text, name="bad.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _set(text: str, key: str, value: str) -> str:
    """The profile text with one `key = ...` line's value replaced."""
    new, count = re.subn(rf"^{key} = [^#\n]*", f"{key} = {value}", text, flags=re.M)
    assert count == 1, key
    return new


def _refusal(tmp_path, text) -> str:
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    message = str(err.value)
    assert message.startswith(str(tmp_path / "bad.toml") + ": ") and "\n" not in message
    return message


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profiles_load_with_every_value_as_written(name):
    data = tomllib.loads(asset("robots", name).read_text())
    profile = load_profile(asset("robots", name))
    for section in ("body", "drive", "sensor", "servo", "control"):
        for key, value in data[section].items():
            assert getattr(getattr(profile, section), key) == value, f"{section}.{key}"
    assert profile.motors.pins == data["motors"]["pins"]
    assert profile.drive.fastest_point_cm_s(profile.body.half_diagonal_cm) < MAX_POINT_SPEED_CM_S


def test_the_speed_bound_is_half_the_thinnest_obstacle_per_physics_step():
    assert MAX_POINT_SPEED_CM_S / PHYSICS_HZ == pytest.approx(MIN_THICKNESS_CM / 2)
    assert MAX_POINT_SPEED_CM_S == pytest.approx(60.0)       # 1 cm obstacles, 120 Hz


def test_speed_force_and_torque_at_1e9_are_refused(tmp_path):
    text = ELEGOO
    for key in ("speed_cm_s", "max_force_n", "max_torque_n_m"):
        text = _set(text, key, "1e9")
    message = _refusal(tmp_path, text)
    assert "drive.speed_cm_s = 1000000000.0 is out of range; accepted: at least 1 and below 60 cm/s" in message
    assert "thinnest obstacle, 1 cm" in message


def test_100_cm_s_with_1e5_limits_is_refused_by_the_derived_speed_bound(tmp_path):
    fast = _set(ELEGOO, "speed_cm_s", "100.0")
    for text in (fast, _set(_set(fast, "max_force_n", "1e5"), "max_torque_n_m", "1e5")):
        assert "drive.speed_cm_s = 100.0 is out of range" in _refusal(tmp_path, text)
    assert load_profile(_write(tmp_path, _set(ELEGOO, "speed_cm_s", "59.9"))).drive.speed_cm_s == 59.9


def test_drive_force_is_held_to_what_the_tyres_grip(tmp_path):
    grip = MAX_GRIP_MU * 1.3 * 9.81                          # the Elegoo's 1.3 kg
    assert load_profile(_write(tmp_path, _set(ELEGOO, "max_force_n", f"{grip:.4f}"))).drive.max_force_n < grip
    message = _refusal(tmp_path, _set(ELEGOO, "max_force_n", "1e5"))
    assert f"drive.max_force_n = 100000.0 is out of range; accepted: at least 0.39 and at most {grip:g} N" in message
    assert "1.5 x 1.3 kg x 9.81 m/s^2" in message
    assert "drive.max_force_n = 0.1 " in _refusal(tmp_path, _set(ELEGOO, "max_force_n", "0.1"))   # never gets going


def test_yaw_torque_is_held_to_the_grip_at_the_half_diagonal(tmp_path):
    limit = MAX_GRIP_MU * 1.3 * 9.81 * math.hypot(0.25, 0.14) / 2
    load_profile(_write(tmp_path, _set(ELEGOO, "max_torque_n_m", f"{limit * 0.999:.4f}")))
    message = _refusal(tmp_path, _set(ELEGOO, "max_torque_n_m", f"{limit * 1.001:.4f}"))
    assert f"drive.max_torque_n_m = {limit * 1.001:.4f} is out of range" in message and "half-diagonal" in message


def test_turn_rate_is_held_by_the_speed_of_the_body_corners(tmp_path):
    limit = math.degrees(MAX_POINT_SPEED_CM_S / (math.hypot(25, 14) / 2))     # about 240 deg/s
    load_profile(_write(tmp_path, _set(ELEGOO, "turn_rate_deg_s", f"{limit - 0.1:.1f}")))
    message = _refusal(tmp_path, _set(ELEGOO, "turn_rate_deg_s", f"{limit + 0.1:.1f}"))
    assert f"below {limit:g} deg/s" in message and "corners of the 25 x 14 cm body" in message


def test_one_side_driving_alone_is_held_by_the_same_bound(tmp_path):
    # A turn PWM far below the reference makes the effective track narrow, so one side
    # alone spins the body fast even though speed and turn rate are each in range.
    message = _refusal(tmp_path, _set(_set(ELEGOO, "reference_pwm", "255"), "turn_pwm", "100"))
    assert message.endswith("lower the speed or turn rate, or bring turn_pwm nearer reference_pwm")
    assert "drive speed_cm_s, turn_rate_deg_s, reference_pwm and turn_pwm let a corner" in message


@pytest.mark.parametrize("key, value, words", [
    ("rays", "99999999999999999999",
     "sensor.rays = 99999999999999999999 is out of range; accepted: at least 1 and at most 64"),
    ("rays", "9" * 400, "sensor.rays = 999999999999... (400 characters) is out of range"),
    ("hold_ticks_per_unit", "1000000000", "control.hold_ticks_per_unit = 1000000000 is out of range; "
                                          "accepted: at least 1 and at most 32767"),
    ("hold_min_ticks", "99999999999999999999", "control.hold_min_ticks = 99999999999999999999 is out of range"),
    ("distance_clamp_cm", "255",
     "control.distance_clamp_cm = 255 is out of range; accepted: at least 1 and at most 254 cm"),
    ("max_range_cm", "40.0", "control.distance_clamp_cm = 50 is out of range; accepted: at least 1 and at most 40 cm"),
    ("us_per_cm", "-5", "sensor.us_per_cm = -5 is out of range; accepted: at least 50 and at most 70"),
    ("pin", "256", "servo.pin = 256 is out of range; accepted: at least 0 and at most 255"),
    ("min_deg", "-99999999999999999999", "servo.min_deg = -99999999999999999999 is out of range"),
    ("start_deg", "151", "servo.start_deg = 151 is out of range; accepted: at least 30 and at most 150"),
    ("wheels", "1000", "drive.wheels = 1000 is out of range; accepted: at least 2 and at most 8"),
    ("reference_pwm", "256", "drive.reference_pwm = 256 is out of range; accepted: at least 1 and at most 255"),
    ("length_cm", "1e300", "body.length_cm = 1e+300 is out of range; accepted: at least 5 and at most 100 cm"),
    ("mass_kg", "0.0", "body.mass_kg = 0.0 is out of range; accepted: at least 0.1 and at most 20 kg"),
    ("max_range_cm", "1e6", "sensor.max_range_cm = 1000000.0 is out of range; accepted: above 0 and at most 1000 cm"),
    ("min_range_cm", "400.0", "sensor.min_range_cm = 400.0 is out of range; accepted: above 0 and below 400 cm"),
    ("mount_forward_cm", "30.0",
     "sensor.mount_forward_cm = 30.0 is out of range; accepted: above 0 and at most 12.5 cm"),
    ("noise_cm", "1e9", "sensor.noise_cm = 1000000000.0 is out of range; accepted: above 0 and at most 10 cm"),
    ("tick_s", "0.0001", "control.tick_s = 0.0001 is out of range; accepted: at least 0.001 and at most 1 s"),
    ("tick_s", "nan", "control.tick_s = nan must be a finite number, at least 0.001 and at most 1 s"),
    ("speed_cm_s", "-inf", "drive.speed_cm_s = -inf must be a finite number"),
    ("grazing_miss_probability", "inf", "sensor.grazing_miss_probability = inf must be a finite number"),
])
def test_each_bound_names_the_file_key_value_and_range(tmp_path, key, value, words):
    message = _refusal(tmp_path, _set(ELEGOO, key, value))
    assert words in message
    assert len(message) < 400
    if "out of range" in words:
        assert RANGE.search(message) and message.endswith(")")        # the range, then why


def _numbers(data, path=()):
    """Paths to every number in a profile's data."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _numbers(value, path + (key,))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield path + (key,)


@pytest.mark.parametrize("bad", [10 ** 20, -10 ** 20, 10 ** 400, 1e300, -1e300, math.nan, math.inf, -math.inf, 0, -1])
def test_every_number_refuses_absurd_values_in_one_line(bad):
    base = tomllib.loads(ELEGOO)
    paths = list(_numbers(base))
    assert len(paths) == 50                      # every number of the file, pins included
    for path in paths:
        data = tomllib.loads(ELEGOO)
        table = data
        for key in path[:-1]:
            table = table[key]
        table[path[-1]] = bad
        if bad in (0, -1) and path[-1] in ("min_deg", "start_deg", "start_direction", "left_end_deg", "pin",
                                            "ENA", "ENB", "IN1", "IN2", "IN3", "IN4"):
            continue                             # 0 or -1 is a legal value or a legal pin here
        if bad == 0 and path[-1] in ("curved_within_cm", "soft_range_cm", "driver_drop_v", "stop_v"):
            continue                             # no scattering, soft targets never heard, an ideal driver
        with pytest.raises(ProfileError) as err:
            profile_from_dict(data, "bad.toml")
        message = str(err.value)
        assert message.startswith("bad.toml: ") and "\n" not in message and len(message) < 400
        assert ".".join(path) in message or path[-1] in message, (path, message)


def test_hold_arithmetic_fits_the_firmware_widths_at_the_largest_accepted_values(tmp_path):
    text = _set(_set(ELEGOO, "hold_min_ticks", "1"), "hold_ticks_per_unit", "32767")
    control = load_profile(_write(tmp_path, text)).control
    assert hold_ticks(0, control) <= UINT16_MAX                                  # uint16_t hold
    assert 2 * control.hold_ticks_per_unit * control.distance_clamp_cm <= INT32_MAX   # the long product
    too_long = _set(text, "hold_ticks_per_unit", "32768")
    assert "hold_ticks_per_unit = 32768 is out of range" in _refusal(tmp_path, too_long)
    tight = _set(_set(ELEGOO, "hold_min_ticks", "65533"), "hold_ticks_per_unit", "1")
    assert hold_ticks(0, load_profile(_write(tmp_path, tight)).control) == UINT16_MAX
    assert "at most 1 " in _refusal(tmp_path, _set(tight, "hold_ticks_per_unit", "2"))


@pytest.mark.parametrize("text, words", [
    ("name = 'x'\nrays = " + "9" * 5000, "not valid TOML"),
    ("a = " + "[" * 2000 + "]" * 2000, "nested too deeply"),
    (_set(ELEGOO, "name", '"' + "x" * 500 + '"'), "name = 'xxxxxxxxxxx... (502 characters) must be one line"),
    (_set(ELEGOO, "trig_pin", '"A5; system()"'), "sensor.trig_pin = 'A5; system()' must be an Arduino pin name"),
    (ELEGOO.replace('pin_order = ["IN1", "IN2", "IN3", "IN4"]', 'pin_order = ["IN1", "IN1", "IN3", "IN4"]'),
     "motors.pin_order = ['IN1', 'IN1', 'IN3', 'IN4'] must name each pin once"),
    (ELEGOO.replace("ENA = 5", "ENA = 99999999999999999999"), "motors.pins.ENA = 99999999999999999999 is out of range"),
])
def test_unreadable_or_absurd_files_are_one_line(tmp_path, text, words):
    assert words in _refusal(tmp_path, text)


@pytest.mark.parametrize("edit", [
    lambda t: _set(_set(_set(t, "speed_cm_s", "1e9"), "max_force_n", "1e9"), "max_torque_n_m", "1e9"),
    lambda t: _set(_set(_set(t, "speed_cm_s", "100.0"), "max_force_n", "1e5"), "max_torque_n_m", "1e5"),
    lambda t: _set(t, "rays", "99999999999999999999"),
    lambda t: _set(t, "hold_ticks_per_unit", "1000000000"),
    lambda t: _set(t, "noise_cm", "nan"),
])
def test_eval_and_export_refuse_a_bad_profile_in_one_line(neurocar_cmd, tmp_path, edit):
    robot = _write(tmp_path, edit(ELEGOO), "BAD.toml")
    runs = [["eval", "--robot", str(robot), "--brain", "straight", "--worlds", "2", "--seconds", "2", "--jobs", "1"],
            ["export", "--robot", str(robot), "--brain", str(asset("brains", "default.json")),
             "--out", str(tmp_path / "sketches")]]
    for args in runs:
        r = subprocess.run(neurocar_cmd + args, capture_output=True, text=True, timeout=120)
        assert r.returncode == 2, r.stderr
        assert r.stdout == "" and "Traceback" not in r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "BAD.toml: " in lines[0]
        assert "out of range" in lines[0] or "finite" in lines[0]
    assert not (tmp_path / "sketches").exists()


def test_a_profile_name_cannot_end_the_generated_c_comment(tmp_path):
    from brain import load_brain
    from firmware_export.sketch import generate
    profile = load_profile(_write(tmp_path, _set(ELEGOO, "name", '"Evil */ car"')))
    sketch = generate(load_brain(asset("brains", "default.json")), profile)
    for text in (sketch.header, sketch.ino):
        assert "Evil */" not in text and "Evil * / car" in text


def test_the_largest_accepted_clamp_is_the_largest_reading_the_firmware_check_replays(tmp_path):
    from firmware_export import harness
    from firmware_export.errors import ExportError
    clamp = load_profile(_write(tmp_path, _set(ELEGOO, "distance_clamp_cm", "254"))).control.distance_clamp_cm
    assert "0, 254, 255}" in harness.data_header([90], [0, clamp, harness.NO_ECHO], [0])
    with pytest.raises(ExportError):
        harness.data_header([90], [clamp + 1], [0])


def test_ping_every_ticks_is_optional_and_held_to_a_firmware_count(tmp_path):
    assert load_profile(_write(tmp_path, _set(ELEGOO, "ping_every_ticks", "3"),
                               "ok.toml")).control.ping_every_ticks == 3
    absent = re.sub(r"^ping_every_ticks = .*\n", "", ELEGOO, flags=re.M)
    assert load_profile(_write(tmp_path, absent, "ok.toml")).control.ping_every_ticks == 1
    for bad in ("0", "256", "1.5"):
        message = _refusal(tmp_path, _set(ELEGOO, "ping_every_ticks", bad))
        assert f"control.ping_every_ticks = {bad}" in message
    assert "at least 1 and at most 255" in _refusal(tmp_path, _set(ELEGOO, "ping_every_ticks", "0"))
