"""The Arduino sketch: the generated header (network + tick) and the .ino around it.

Layout (the Arduino IDE's convention)::

    DIR/NAME/NAME.ino               hardware: pins, servo, HC-SR04, motors, the 25 ms loop
    DIR/NAME/neurocar_brain.h       plain C: weights in flash, forward pass, controller tick
    DIR/NAME/neurocar_telemetry.h   with --telemetry only: the serial log (telemetry_format)

The header is the part every verification runs (host gcc and simavr); the .ino only
wires it to the car. Both are filled in from the C templates (``firmware_export.ctemplates``,
which also explains the servo-driver choice) into one self-contained sketch folder.
"""
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from brain.atomic import atomic_write_text
from brain.fixedpoint import FORMAT, FixedPointBrain
from brain.i18n import _
from simulator.controller import memory_inputs, paced_hold_ticks

from firmware_export import cgen, cgen_fixed
from firmware_export.ctemplates import fill, piece
from firmware_export.ctick import controller_source
from firmware_export.errors import ExportError
from firmware_export.limits import check_fits, echo_timeout_us
from firmware_export.names import check_identifier
from firmware_export.telemetry_format import (BAUD, HEADER_EVERY_TICKS, Header, Tick, format_header, format_tick,
                                              profile_hash)

HEADER_NAME = "neurocar_brain.h"
TELEMETRY_NAME = "neurocar_telemetry.h"
SKETCH_VERSION = f"neurocar-{version('neurocar')}"
LOG_QUEUE_BYTES = 128          # the telemetry's line queue: two lines or more (a power of two)
# Uno pins with hardware PWM, and the two the servo driver's timer (Timer2) takes.
PWM_PINS = frozenset({3, 5, 6, 9, 10, 11})
SERVO_TIMER_PINS = frozenset({3, 11})
_PIN_NAME = re.compile(r"(A[0-5]|1[0-9]|[0-9])\Z")


@dataclass
class Sketch:
    name: str
    ino: str
    header: str
    telemetry: str = ""            # TELEMETRY_NAME's text, with --telemetry

    def write(self, out_dir) -> Path:
        """Write DIR/NAME/NAME.ino and the header(s); returns the sketch folder."""
        folder = Path(out_dir) / self.name
        atomic_write_text(folder / HEADER_NAME, self.header)
        if self.telemetry:
            atomic_write_text(folder / TELEMETRY_NAME, self.telemetry)
        atomic_write_text(folder / f"{self.name}.ino", self.ino)
        return folder


def generate(brain, profile, name: str = "neurocar", brain_path: str = "<brain>",
             telemetry: Header | None = None) -> Sketch:
    """The whole sketch, or an ExportError before anything is written; ``telemetry``:
    the log's header (``telemetry_header``), for a sketch that logs over serial."""
    check_identifier(name)
    check_pins(profile)
    check_fits(brain.network, profile)
    banner = generated_by(brain, brain_path, profile)
    header = banner + fill("brain.h", body=header_only(brain, profile))
    values = _ino_values(profile, brain) | _telemetry_calls(telemetry is not None)
    logged = banner + telemetry_source(telemetry, brain, profile) if telemetry else ""
    return Sketch(name, banner + fill("sketch.ino", **values, servo_driver=piece("servo_timer2.h")), header, logged)


def telemetry_header(brain, profile, brain_sha256: str) -> Header:
    """The log's header for a brain (float, or its fixed-point twin) exported from a
    brain file whose ``Brain.sha256`` is ``brain_sha256``."""
    return Header(brain_sha256, profile_hash(profile), SKETCH_VERSION,
                  "fixed" if isinstance(brain, FixedPointBrain) else "float", tuple(brain.input_names),
                  tuple(profile.motors.pin_order))


def telemetry_source(header: Header, brain, profile) -> str:
    """TELEMETRY_NAME's C: the log for this brain and car, header text included."""
    line = format_header(header)
    if len(line) + 2 >= 255 or not line.isascii() or any(c in line for c in '"\\?'):
        raise ExportError(_("the telemetry header cannot be written into the sketch: {line!r}").format(line=line))
    memory = memory_inputs(brain)
    fields = {"left_nearest": "c->nearest_last[0]", "right_nearest": "c->nearest_last[1]",
              "previous": "log->previous"}
    snapshot = "".join(f"        log->memory[{k}] = {fields[name]};  /* {name} */\n" for k, name in enumerate(memory))
    return fill("telemetry.h", baud=BAUD, header_every=HEADER_EVERY_TICKS, line_max=line_max(brain, profile),
                queue=LOG_QUEUE_BYTES, bytes_per_ms=BAUD // 10 // 1000, n_memory=len(memory), header_line=line,
                memory_begin="    log->previous = c->previous;\n" if memory else "",
                memory_tick=f"    if (decided) {{\n{snapshot}    }}\n    log->previous = c->previous;\n"
                if memory else "")


def line_max(brain, profile) -> int:
    """The longest tick line the sketch can write, CR LF included: a 10-digit tick and
    every other field at its widest."""
    control, clamp = profile.control, profile.control.distance_clamp_cm
    longest = Tick(4_294_967_295, max(profile.servo.min_deg, profile.servo.max_deg), True, float(clamp),
                   (clamp,) * len(memory_inputs(brain)), int(paced_hold_ticks(0, control)),
                   (1,) * len(profile.motors.pin_order), max(profile.drive.reference_pwm, profile.drive.turn_pwm))
    return len(format_tick(longest)) + 2


def _telemetry_calls(enabled: bool) -> dict:
    """The sketch's calls into the log: none without --telemetry (the sketch as before)."""
    if not enabled:
        return {"telemetry_include": "", "telemetry_setup": "", "telemetry_idle": "", "telemetry_tick": ""}
    return {"telemetry_include": f'#include "{TELEMETRY_NAME}"\n',
            "telemetry_setup": "    Serial.begin(NEUROCAR_LOG_BAUD);\n"
                               "    neurocar_log_begin(&neurocar_telemetry, &car);\n",
            "telemetry_idle": "        neurocar_log_pump(&neurocar_telemetry, (long)(next_tick_ms - now));\n",
            "telemetry_tick": "    neurocar_log_tick(&neurocar_telemetry, &car, distance_cm);\n"
                              "    neurocar_log_pump(&neurocar_telemetry, (long)(next_tick_ms - millis()));\n"}


def header_only(brain, profile) -> str:
    """The generated C alone (network + tick), for host and simavr builds: float, or the
    fixed-point arithmetic of ``brain.fixedpoint`` for a ``FixedPointBrain``."""
    net = cgen_fixed.network_source if isinstance(brain, FixedPointBrain) else cgen.network_source
    return net(brain.network) + "\n" + controller_source(brain, profile)


def generated_by(brain, brain_path: str, profile) -> str:
    prov = brain.provenance
    table = prov.get("table", "unknown table")
    table_hash = prov.get("table_sha256", "unknown")
    sizes = "-".join(map(str, brain.network.sizes))
    acts = ", ".join(layer.activation.name for layer in brain.network.layers)
    if isinstance(brain, FixedPointBrain):
        acts += f"; {FORMAT} fixed point"
    return (f"/* Generated by neurocar from the brain file {_comment_safe(str(brain_path))}\n"
            f"   (network {sizes}, {acts}; brain sha256 {brain.sha256()}),\n"
            f"   trained on the table {_comment_safe(str(table))} (sha256 {table_hash}),\n"
            f"   for the robot {_comment_safe(profile.name)}. Re-export instead of editing. */\n\n")


def _comment_safe(text: str) -> str:
    return text.replace("*/", "* /")


def check_pins(profile) -> None:
    """Pins must be Uno pin names, and the enable pins must give PWM beside the servo."""
    motors, sensor, servo = profile.motors, profile.sensor, profile.servo
    named = {f"motors.pins.{k}": v for k, v in motors.pins.items()}
    named |= {"sensor.trig_pin": sensor.trig_pin, "sensor.echo_pin": sensor.echo_pin, "servo.pin": servo.pin}
    for key, pin in named.items():
        if not _PIN_NAME.match(str(pin)):
            raise ExportError(_("{source}: {key} = {pin!r} is not an Arduino Uno pin (0-19 or A0-A5)").format(
                source=profile.source, key=key, pin=pin))
    for side in (motors.left, motors.right):
        pin = motors.pins[side.enable]
        if pin not in PWM_PINS or pin in SERVO_TIMER_PINS:
            raise ExportError(
                _("{source}: enable pin {enable} = {pin} cannot give PWM while the sketch drives "
                "the servo with Timer2; use pin 5, 6, 9 or 10").format(
                    source=profile.source, enable=side.enable, pin=pin))
    if servo.pin in (motors.pins[motors.left.enable], motors.pins[motors.right.enable]):
        raise ExportError(_("{source}: servo.pin {pin} is also a motor enable pin").format(
            source=profile.source, pin=servo.pin))


def _ino_values(profile, brain) -> dict:
    motors, sensor, servo, control = profile.motors, profile.sensor, profile.servo, profile.control
    holding = control.read_while_holding and memory_inputs(brain)     # pings while holding too
    return {
        "header": HEADER_NAME,
        "pings": "neurocar_reading" if holding else "neurocar_deciding",
        "motor_pins": ", ".join(str(motors.pins[p]) for p in motors.pin_order),
        "pin_order": " ".join(motors.pin_order),
        "left_enable": motors.pins[motors.left.enable],
        "right_enable": motors.pins[motors.right.enable],
        "trig_pin": sensor.trig_pin,
        "echo_pin": sensor.echo_pin,
        "us_per_cm": sensor.us_per_cm,
        "servo_pin": servo.pin,
        "echo_timeout_us": echo_timeout_us(profile),
        "clamp_cm": control.distance_clamp_cm,
    }

