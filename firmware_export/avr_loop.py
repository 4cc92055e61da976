"""The whole sketch in the loop: the exported sketch itself (the .ino, the Arduino core,
the Timer2 servo driver, ``pulseIn`` with its timeout, ``millis()`` scheduling and the PWM
on the enable pins), built as ``neurocar export`` builds it and run in simavr, one
emulated Uno per car, driven by the pymunk world tick by tick.

``AvrController`` implements ``simulator.controller.ControllerProtocol`` as
``host_controller.HostController`` does, but each car is a runner process
(``templates/avr_runner.c``) emulating the ATmega328P at 16 MHz:

- ``sweep`` lets every Uno run until its tick's trigger pulse ends, or until its next
  tick begins when it does not ping; the angle is the one the sketch commanded;
- ``decide`` answers each trigger as an HC-SR04 would: the echo rises ``ECHO_DELAY_US``
  after the trigger and lasts ``sensor.us_per_cm`` per cm of the simulator's distance
  (no echo: no pulse; at least ``MIN_ECHO_US``, so a touching reading is seen; an echo
  longer than the sketch waits is cut just after its wait, where the car reads no echo
  anyway), then runs the Uno to its next tick and reads what it did: the motor pins'
  levels and the duty on the enable pins from its registers, the reading, hold and
  inputs from the sketch's controller struct, and the width of the servo pulse.

Beside the Unos runs the Python controller fed with the readings the Unos measured
(``shadow``): every tick's servo angle, ping, pins, PWM and hold must equal it. The
figures per car (``figures``) count where they do not, how the Unos' readings differ from
the simulator's (whole cm of the distance sent), servo pulses (decoded into an angle by
the Arduino Servo mapping, 544-2400 us for 0-180 degrees) further than a servo's
deadband from the commanded angle's pulse, or missing, the longest tick's work (from the
tick's start to ``drive()``'s return) and late ticks.
The same distances give the same run, bit for bit: simavr is deterministic.
"""
import os
import struct
import subprocess
import time
import weakref

import numpy as np

from brain.fixedpoint import FixedPointBrain, dequantise, to_fixed_point
from brain.i18n import _
from simulator.controller import Controller, check_brain, whole_cm

from firmware_export.avr_build import (IO_ADDRESSES, build_firmware, build_runner, enable_duty, motor_pins,
                                       runner_args)
from firmware_export.errors import ExportError
from firmware_export.limits import echo_timeout_us
from firmware_export.toolchain import F_CPU

ECHO_DELAY_US = 500          # the HC-SR04 raises its echo about 0.5 ms after the trigger
MIN_ECHO_US = 20
ECHO_CUT_AFTER_WAIT_US = 500
SERVO_SETTLE_US = 200        # a tick's servo pulse begins at least this long after its start
LATE_US = 1_100              # a tick this much past its period was late (millis() steps 1.024 ms)
SERVO_US = (544, 2400)       # 0 and 180 degrees, as the Arduino Servo library and the sketch
SERVO_DEADBAND_US = 10       # a hobby servo (SG90) ignores a pulse change this small
HEAD = struct.Struct("<BBHIIQQ")
CYCLES_PER_US = F_CPU // 1_000_000
FIGURES = ("ticks", "pings", "readings_differing", "readings_beyond_1cm", "max_reading_difference_cm",
           "decision_mismatches", "servo_pulse_mismatches", "max_servo_pulse_error_cycles", "late_ticks",
           "max_work_cycles", "emulated_cycles")


def servo_widths() -> np.ndarray:
    """The servo pulse, in cycles, the sketch gives each angle 0..180 (4 us steps)."""
    deg = np.arange(181)
    us = SERVO_US[0] + deg * (SERVO_US[1] - SERVO_US[0]) // 180
    return (us // 4) * 4 * CYCLES_PER_US


SERVO_WIDTHS = servo_widths()


def servo_angle(width_cycles: int) -> int:
    """The angle whose pulse is nearest a measured width; -1 for no pulse."""
    return int(np.argmin(np.abs(SERVO_WIDTHS - width_cycles))) if width_cycles else -1


class Emulator:
    """One runner process: one Uno running the sketch."""

    def __init__(self, args: list[str], io_size: int, car_size: int):
        self.io_size, self.car_size = io_size, car_size
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def send(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            self._gone()

    def answer(self) -> tuple:
        """(kind, pinged, work cycles, servo width, cycle, tick start, io, car, uart)."""
        head = self._read(HEAD.size)
        kind, pinged, uart_len, work, width, cycle, start = HEAD.unpack(head)
        rest = self._read(self.io_size + self.car_size + uart_len)
        io, car, uart = rest[:self.io_size], rest[self.io_size:-uart_len or None], rest[len(rest) - uart_len:]
        if kind == ord("E"):
            raise ExportError(_("the emulated Uno stopped: {decode}").format(decode=uart.decode(errors='replace')))
        return chr(kind), bool(pinged), work, width, cycle, start, io, car, uart

    def _read(self, size: int) -> bytes:
        data = self.proc.stdout.read(size)
        if len(data) != size:
            self._gone()
        return data

    def _gone(self):
        raise ExportError(_("the simavr runner ended (exit {poll}); run again, and report it if it stays").format(
            poll=self.proc.poll()))

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            self.proc.wait()


def _close_all(emulators: list) -> None:
    for e in emulators:
        e.close()


class CarLayout:
    """The sketch's controller struct as avr-gcc lays it out (templates/tick_state.h,
    packed): servo_deg i16, servo_dir i8, hold u16, pins, pwm u8, reading_cm i16, inputs."""

    def __init__(self, n_pins: int, n_inputs: int, fixed: bool):
        self.n_pins, self.n_inputs, self.fixed = n_pins, n_inputs, fixed

    def read(self, car: bytes) -> dict:
        n = self.n_pins
        servo, _, hold = struct.unpack_from("<hbH", car, 0)
        reading = struct.unpack_from("<h", car, 6 + n)[0]
        kind, size = ("<i2", 2) if self.fixed else ("<f4", 4)
        raw = np.frombuffer(car[8 + n:8 + n + size * self.n_inputs], dtype=kind)
        inputs = dequantise(raw.astype(np.int64)) if self.fixed else raw.astype(float)
        return {"servo_deg": servo, "hold": hold, "reading_cm": reading, "inputs": inputs}


class AvrController:
    """A ``ControllerProtocol`` whose cars are emulated Unos running the exported sketch
    (the "avr" controller of ``neurocar eval``)."""

    def __init__(self, profile, brain, n: int = 1, cache_dir=None, telemetry=None):
        """telemetry: the log's header (``sketch.telemetry_header``) to run the sketch of
        ``neurocar export --telemetry``; its log is in ``uart``."""
        self.profile, self.n, self._cache_dir, self._telemetry = profile, int(n), cache_dir, telemetry
        self._emulators, self.wall_s = [], 0.0
        self._finalizer = weakref.finalize(self, _close_all, self._emulators)
        self.counts = {k: np.zeros(self.n, dtype=np.int64) for k in FIGURES}
        self.uart = [bytearray() for _ in range(self.n)]
        self.brain = brain

    @property
    def brain(self):
        return self._brain

    @brain.setter
    def brain(self, brain):
        """A new brain is a new sketch: every Uno is flashed and starts afresh."""
        check_brain(brain, self.profile)
        self._brain = brain
        self._firmware = build_firmware(brain, self.profile, self._cache_dir, self._telemetry)
        self._runner = build_runner(self._cache_dir)
        self._layout = CarLayout(len(self.profile.motors.pin_order), brain.network.n_inputs,
                                 isinstance(brain, FixedPointBrain))
        self.reset()

    def reset(self, mask=None) -> None:
        """Servo to its start, no action held, motors off: the Unos (all, or where mask)
        restart from power-on."""
        cars = range(self.n) if mask is None else np.flatnonzero(mask)
        if mask is None or not hasattr(self, "pins"):
            cars, self.shadow = range(self.n), Controller(self.profile, self._brain, self.n)
            self._arrays()
        else:
            self.shadow.reset(mask)
        args = runner_args(self._runner, self._firmware, self.profile, SERVO_SETTLE_US * CYCLES_PER_US)
        fresh = {i: Emulator(args, len(IO_ADDRESSES), self._firmware.car_size) for i in cars}
        for i, emulator in fresh.items():
            if i < len(self._emulators):
                self._emulators[i].close()
                self._emulators[i] = emulator
            else:
                self._emulators.append(emulator)
        for i, emulator in fresh.items():
            self._take(i, emulator.answer())

    def _arrays(self) -> None:
        n, n_pins = self.n, len(self.profile.motors.pin_order)
        self.servo_deg, self.hold = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
        self.pins, self.pwm = np.zeros((n, n_pins), dtype=int), np.zeros(n, dtype=int)
        self._right_pwm = np.zeros(n, dtype=int)
        self.inputs = np.zeros((n, self._brain.network.n_inputs))
        self.outputs = np.zeros((n, self._brain.network.n_outputs))
        self.reading_cm = np.full(n, -1, dtype=int)
        self.pinged, self._answers = np.zeros(n, dtype=bool), [None] * n
        self._hold_before, self.servo_pulse_deg = np.zeros(n, dtype=int), np.full(n, -1)

    def sweep(self) -> np.ndarray:
        """Each Uno runs to its trigger, or through a tick without one."""
        answers = self._exchange(range(self.n), b"S")
        for i, a in enumerate(answers):
            car = self._layout.read(a[7])
            self.servo_deg[i], self.pinged[i] = car["servo_deg"], a[0] == "P"
            self._hold_before[i] = car["hold"]
            self._answers[i] = None if self.pinged[i] else a
        self.shadow.sweep()
        return self.servo_deg

    def deciding(self) -> np.ndarray:
        return self.pinged & (self._hold_before == 0)

    def reading(self) -> np.ndarray:
        return self.pinged.copy()

    def decide(self, distances_cm) -> np.ndarray:
        """Echo every trigger with its car's distance, run each Uno to its next tick and
        read what it did; check it against the Python controller given its reading."""
        d = np.asarray(distances_cm, dtype=float)
        cars = np.flatnonzero(self.pinged)
        for i, a in zip(cars, self._exchange(cars, [self._echo(d[i]) for i in cars])):
            self._answers[i] = a
        decided, shadow_pings = self.deciding(), self.shadow.reading()
        before = (self.pins.copy(), self.pwm.copy())
        for i, a in enumerate(self._answers):
            self._take(i, a)
        self._check(d, shadow_pings)
        if decided.any():
            self.outputs[decided] = np.atleast_2d(self._brain.forward(self.inputs[decided]))
        return decided | (self.pins != before[0]).any(axis=1) | (self.pwm != before[1])

    def _echo(self, distance: float) -> bytes:
        """The 'D' command: the echo's delay and width in cycles (width 0: no echo)."""
        if not np.isfinite(distance):
            return b"D" + struct.pack("<II", ECHO_DELAY_US * CYCLES_PER_US, 0)
        longest = echo_timeout_us(self.profile) + ECHO_CUT_AFTER_WAIT_US - ECHO_DELAY_US
        us = min(max(distance * self.profile.sensor.us_per_cm, MIN_ECHO_US), longest)
        return b"D" + struct.pack("<II", ECHO_DELAY_US * CYCLES_PER_US, round(us * CYCLES_PER_US))

    def _exchange(self, cars, commands) -> list:
        """Send every car its command, then collect the answers: the Unos run at once."""
        start = time.perf_counter()
        commands = [commands] * len(cars) if isinstance(commands, bytes) else commands
        for i, command in zip(cars, commands):
            self._emulators[i].send(command)
        answers = [self._emulators[i].answer() for i in cars]
        self.wall_s += time.perf_counter() - start
        return answers

    def _take(self, i: int, answer) -> None:
        """A car's state from its answer at the end of a tick (or at power-on)."""
        kind, _, work, width, cycle, start, io, car, uart = answer
        state = self._layout.read(car)
        self.servo_deg[i], self.hold[i], self.reading_cm[i] = state["servo_deg"], state["hold"], state["reading_cm"]
        self.inputs[i] = state["inputs"]
        self.pins[i] = motor_pins(io, self.profile)
        motors = self.profile.motors
        self.pwm[i] = enable_duty(io, motors.pins[motors.left.enable])
        self._right_pwm[i] = enable_duty(io, motors.pins[motors.right.enable])
        self.uart[i] += uart
        if kind == "T":
            self.servo_pulse_deg[i] = servo_angle(width)
            self._tick_figures(i, work, cycle - start)
            self._servo_figures(i, width)

    def _servo_figures(self, i: int, width: int) -> None:
        """The tick's servo pulse against the commanded angle's: interrupts delay one edge
        or the other by a few us, which the servo's deadband hides; more is a mismatch."""
        error = abs(width - int(SERVO_WIDTHS[np.clip(self.servo_deg[i], 0, 180)])) if width else 1 << 30
        c = self.counts
        c["max_servo_pulse_error_cycles"][i] = max(c["max_servo_pulse_error_cycles"][i], min(error, 1 << 20))
        c["servo_pulse_mismatches"][i] += error > SERVO_DEADBAND_US * CYCLES_PER_US

    def _tick_figures(self, i: int, work: int, cycles: int) -> None:
        c = self.counts
        c["ticks"][i] += 1
        c["emulated_cycles"][i] += cycles
        c["max_work_cycles"][i] = max(c["max_work_cycles"][i], work)
        c["late_ticks"][i] += cycles > (self.profile.control.tick_s * 1e6 + LATE_US) * CYCLES_PER_US

    def _check(self, distances, shadow_pings) -> None:
        """The Unos against the Python controller given the Unos' readings, and their
        readings against the simulator's."""
        c, pinged, shadow = self.counts, self.pinged, self.shadow
        sim = whole_cm(distances, self.profile.control.distance_clamp_cm)
        diff = np.where(pinged, np.abs(self.reading_cm - sim), 0)
        c["pings"] += pinged
        c["readings_differing"] += diff > 0
        c["readings_beyond_1cm"] += diff > 1
        c["max_reading_difference_cm"] = np.maximum(c["max_reading_difference_cm"], diff)
        differ = (shadow.servo_deg != self.servo_deg) | (shadow_pings != pinged)
        shadow.decide(np.where(pinged, self.reading_cm, np.inf))
        differ |= (shadow.pins != self.pins).any(axis=1) | (shadow.pwm != self.pwm) | (shadow.hold != self.hold)
        c["decision_mismatches"] += differ | (self.pwm != self._right_pwm)

    def figures(self, i: int) -> dict:
        """Car i's figures so far (see the module's description)."""
        out = {k: int(v[i]) for k, v in self.counts.items()}
        out["max_work_us"] = round(out["max_work_cycles"] / CYCLES_PER_US, 1)
        out["max_servo_pulse_error_us"] = round(out["max_servo_pulse_error_cycles"] / CYCLES_PER_US, 1)
        out["emulated_s"] = out["emulated_cycles"] / F_CPU
        return out

    @property
    def emulated_s(self) -> float:
        return float(self.counts["emulated_cycles"].sum()) / F_CPU

    def close(self) -> None:
        self._finalizer()


class FixedPointAvrController(AvrController):
    """AvrController running the fixed-point sketch: a float brain is replaced by its
    ``brain.fixedpoint`` twin (the "avr-fixed-point" controller of ``neurocar eval``)."""

    @AvrController.brain.setter
    def brain(self, brain):
        AvrController.brain.fset(self, to_fixed_point(brain))
