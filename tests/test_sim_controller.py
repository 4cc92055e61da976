"""The firmware tick: encoding, sweep, hold rule, both decoders, from the profile."""
import dataclasses

import numpy as np
import pytest

from brain import load_brain
from simulator.assets import asset
from simulator.baselines import straight_brain
from simulator.controller import (Controller, ControllerError, encode_angle, encode_distance, hold_ticks,
                                  replay, whole_cm)
from simulator.profile import load_profile
from tests.sim_helpers import assert_cars_match_replays

ELEGOO = load_profile(asset("robots", "elegoo_v3.toml"))
TWO_WHEEL = load_profile(asset("robots", "two_wheel.toml"))


def test_distance_encoding_matches_the_firmware_formula():
    d = np.arange(0, 51)
    assert np.allclose(encode_distance(d, 50), 1 - 2 * d / 50)
    assert encode_distance(0, 50) == 1 and encode_distance(50, 50) == -1


def test_readings_are_whole_cm_clamped_and_no_echo_reads_as_far():
    assert list(whole_cm([0.2, 12.99, 49.5, 73.0, np.inf, -1.0], 50)) == [0, 12, 49, 50, 50, 0]


def test_angle_encoding_puts_left_at_minus_one_per_profile():
    assert encode_angle(30, ELEGOO.servo) == -1 and encode_angle(150, ELEGOO.servo) == 1
    assert encode_angle(90, ELEGOO.servo) == 0
    assert encode_angle(150, TWO_WHEEL.servo) == -1 and encode_angle(30, TWO_WHEEL.servo) == 1


def test_sweep_reverses_at_both_ends_and_steps_by_nine():
    ctl = Controller(ELEGOO, straight_brain(), 1)
    angles = [int(ctl.sweep()[0]) for _ in range(60)]
    assert min(angles) == 30 and max(angles) == 150
    steps = np.abs(np.diff(angles))
    assert set(steps) <= {9, 6, 3}          # 9, or less when clamped at an end
    for i in range(1, len(angles) - 1):
        if angles[i] in (30, 150):
            assert np.sign(angles[i] - angles[i - 1]) != np.sign(angles[i + 1] - angles[i])
    assert angles[0] == 99                  # from 90, first direction +1


def test_hold_rule_one_tick_far_eighty_one_touching_and_integer_exact():
    control = ELEGOO.control
    assert hold_ticks(50, control) == 1 and hold_ticks(0, control) == 81 and hold_ticks(25, control) == 41
    for d in range(51):
        assert hold_ticks(d, control) == int(round((encode_distance(d, 50) + 1) * 40, 9)) + 1


def test_an_action_is_held_for_its_ticks_then_decided_again():
    brain = load_brain(asset("brains", "default.json"))
    records = replay(ELEGOO, brain, [10.0] * 200)
    decided = [r.tick for r in records if r.decided]
    assert decided[:3] == [0, hold_ticks(10, ELEGOO.control), 2 * hold_ticks(10, ELEGOO.control)]


def test_turn_direction_decoder_gives_the_profile_patterns_and_doubles_pwm():
    brain = load_brain(asset("brains", "default.json"))
    drive = ELEGOO.drive
    rec = replay(ELEGOO, brain, [100.0])[0]
    assert rec.pins == ELEGOO.motors.patterns["forward"] and rec.pwm == drive.reference_pwm
    turns = [r for r in replay(ELEGOO, brain, [12.0] * 400) if r.decided and r.pins in
             (ELEGOO.motors.patterns["right"], ELEGOO.motors.patterns["left"])]
    assert turns and all(r.pwm == drive.turn_pwm == 2 * drive.reference_pwm for r in turns)
    touching = replay(ELEGOO, brain, [0.0])[0]
    assert touching.pins == ELEGOO.motors.patterns["backward"] and touching.pwm == drive.reference_pwm


def test_pin_decoder_sets_each_pin_from_round_abs_output():
    brain = load_brain(asset("brains", "seed_motors.json"))
    for rec in replay(ELEGOO, brain, [100.0, 100.0, 25.0, 0.0] * 30):
        if rec.decided:
            assert rec.pins == tuple(int(min(1, round(abs(o)))) for o in rec.outputs)


def test_vectorised_controller_matches_single_car_replays():
    brain = load_brain(asset("brains", "default.json"))
    rng = np.random.default_rng(3)
    assert_cars_match_replays(ELEGOO, brain, rng.uniform(0, 80, (300, 6)), "pins")


def test_a_brain_with_foreign_outputs_is_refused_clearly():
    brain = straight_brain()
    brain.output_names = ["speed", "steer"]
    with pytest.raises(ControllerError, match="turn, direction"):
        Controller(ELEGOO, brain)


@pytest.mark.parametrize("profile", [ELEGOO, TWO_WHEEL], ids=lambda p: p.name)
def test_sweep_follows_each_profile_from_its_start(profile):
    servo = profile.servo
    ctl = Controller(profile, straight_brain(), 1)
    angles = [int(ctl.sweep()[0]) for _ in range(80)]
    assert angles[0] == servo.start_deg + servo.start_direction * servo.step_deg
    assert min(angles) == servo.min_deg and max(angles) == servo.max_deg
    expected, direction = servo.start_deg, servo.start_direction      # the firmware's rule, one step at a time
    for got in angles:
        expected += direction * servo.step_deg
        if expected >= servo.max_deg or expected <= servo.min_deg:
            expected = min(max(expected, servo.min_deg), servo.max_deg)
            direction = -direction
        assert got == expected


def _pinging_every(profile, ticks: int):
    return dataclasses.replace(profile, control=dataclasses.replace(profile.control, ping_every_ticks=ticks))


def test_ping_every_ticks_makes_every_hold_at_least_that_long_while_the_sweep_goes_on():
    brain = load_brain(asset("brains", "default.json"))
    assert ELEGOO.control.ping_every_ticks == 1 and TWO_WHEEL.control.ping_every_ticks == 1
    every_tick, paced = replay(ELEGOO, brain, [80.0] * 30), replay(_pinging_every(ELEGOO, 3), brain, [80.0] * 30)
    assert all(r.decided for r in every_tick)
    assert [r.tick for r in paced if r.decided] == list(range(0, 30, 3))
    assert [r.reading_cm for r in paced] == [50, -1, -1] * 10
    assert [r.servo_deg for r in paced] == [r.servo_deg for r in every_tick]        # the servo steps every tick
    assert [r.hold for r in paced[:3]] == [2, 1, 0]
    for before, now in zip(paced, paced[1:]):
        if not now.decided:
            assert (now.pins, now.pwm) == (before.pins, before.pwm)
    near = [r.tick for r in replay(_pinging_every(ELEGOO, 3), brain, [10.0] * 200) if r.decided]
    assert near == [r.tick for r in replay(ELEGOO, brain, [10.0] * 200) if r.decided]   # holds already longer
