"""What the whole-sketch loop (``firmware_export.avr_loop``) runs: the exported sketch
built as the Arduino IDE builds it, the places in its ELF the runner watches, and the
runner itself (``templates/avr_runner.c``, simavr through libsimavr, built with the host
compiler). Both builds are cached by content, like ``host_controller.build_library``.

The Uno's wiring, from the ATmega328P datasheet: pins 0-7 are port D, 8-13 port B and
14-19 (A0-A5) port C; an ``analogWrite`` pin gives PWM when its timer's COM bit is set
(its duty is then the OCR register), else it is a plain output at 0 or 255.
"""
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from brain.atomic import atomic_write_text
from brain.i18n import _

from firmware_export.ctemplates import source
from firmware_export.errors import ExportError
from firmware_export.host_controller import host_compiler
from firmware_export.sketch import generate
from firmware_export.toolchain import build_sketch, default_cache, require_toolchain, run as run_tool

RUNNER = "avr_runner.c"
SIMAVR_INCLUDE = Path("/usr/include/simavr")
RUNNER_FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-D_POSIX_C_SOURCE=200809L"]
PORTS = {"B": 0x25, "C": 0x28, "D": 0x2B}                 # PORTx data addresses
# PWM pin -> (TCCRnA, its COM bit for the pin, OCRnx), data addresses.
PWM = {5: (0x44, 0x20, 0x48), 6: (0x44, 0x80, 0x47), 9: (0x80, 0x80, 0x88), 10: (0x80, 0x20, 0x8A)}
IO_ADDRESSES = (*PORTS.values(), 0x44, 0x47, 0x48, 0x80, 0x88, 0x8A)   # what each answer reports
RAM_BASE = 0x800000          # avr-gcc's data addresses in the ELF
# The sketch's own names (templates/sketch.ino, C++ internal linkage) and the core's.
CAR, SCHEDULE, MILLIS, DRIVE = "_ZL3car", "_ZL12next_tick_ms", "timer0_millis", "_ZL5drive"


def require_libsimavr() -> None:
    """The runner builds against libsimavr's headers: say which package if they are missing."""
    if not (SIMAVR_INCLUDE / "sim_avr.h").is_file():
        raise ExportError(_("the whole-sketch loop needs libsimavr ({value} not found); "
                          "install it with: sudo apt-get install libsimavr-dev").format(
                              value=SIMAVR_INCLUDE / 'sim_avr.h'))


def uno_pin(pin) -> tuple[str, int]:
    """(port letter, bit) of an Uno pin: 0-19 or A0-A5."""
    text = str(pin)
    number = 14 + int(text[1:]) if text.startswith("A") else int(text)
    if number < 8:
        return "D", number
    return ("B", number - 8) if number < 14 else ("C", number - 14)


def build_runner(cache_dir=None) -> Path:
    """The host program that runs a sketch's ELF in simavr, compiled once and cached."""
    require_libsimavr()
    text = source(RUNNER)
    key = hashlib.sha256((text + " ".join(RUNNER_FLAGS)).encode()).hexdigest()[:16]
    cache = Path(cache_dir) if cache_dir else default_cache()
    exe = cache / f"avr-runner-{key}"
    if exe.is_file():
        return exe
    with tempfile.TemporaryDirectory(prefix="neurocar-runner-") as tmp:
        atomic_write_text(Path(tmp) / RUNNER, text)
        out = Path(tmp) / "runner"
        run_tool([host_compiler(), *RUNNER_FLAGS, f"-I{SIMAVR_INCLUDE}", Path(tmp) / RUNNER, "-o", out, "-lsimavr"],
                 "compiling the simavr runner")
        _publish(out, exe)
    return exe


@dataclass(frozen=True)
class Firmware:
    """A built sketch and where the runner looks in it."""
    elf: Path
    car_addr: int            # the sketch's controller struct, a data address
    car_size: int
    schedule_addr: int       # next_tick_ms: a write to it begins a tick
    millis_addr: int
    drive_pc: int            # drive(), the tick's last call (0: not found, no timing)


def build_firmware(brain, profile, cache_dir=None, telemetry=None) -> Firmware:
    """The sketch ``neurocar export`` writes for this brain and profile (``telemetry``:
    the log's header, for the sketch of ``--telemetry``), built for the Uno (the .elf of
    the .hex it uploads), cached by the sketch's text."""
    require_toolchain()
    sketch = generate(brain, profile, "neurocar", telemetry=telemetry)
    key = hashlib.sha256((sketch.ino + sketch.header + sketch.telemetry).encode()).hexdigest()[:16]
    cache = Path(cache_dir) if cache_dir else default_cache()
    elf = cache / f"avr-sketch-{key}.elf"
    if not elf.is_file():
        with tempfile.TemporaryDirectory(prefix="neurocar-sketch-") as tmp:
            build = build_sketch(sketch.write(tmp), Path(tmp) / "build", cache)
            _publish(build.elf, elf)
    return locate(elf)


def locate(elf: Path) -> Firmware:
    """The runner's addresses from the ELF's symbol table (avr-nm)."""
    found = {}
    out = run_tool(["avr-nm", "-S", "--defined-only", elf], "reading the sketch's symbols")
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            found.setdefault(parts[3].split(".")[0], (int(parts[0], 16), int(parts[1], 16)))
    missing = [name for name in (CAR, SCHEDULE, MILLIS) if name not in found]
    if missing:
        raise ExportError(_("{elf}: the sketch has no {value}; the whole-sketch loop runs sketches "
                          "that neurocar export writes").format(elf=elf, value=', '.join(missing)))
    drive = next((addr for name, (addr, _) in found.items() if name.startswith(DRIVE)), 0)
    return Firmware(elf, found[CAR][0] - RAM_BASE, found[CAR][1], found[SCHEDULE][0] - RAM_BASE,
                    found[MILLIS][0] - RAM_BASE, drive)


def runner_args(runner: Path, firmware: Firmware, profile, settle_cycles: int) -> list[str]:
    pins = [uno_pin(p) for p in (profile.sensor.trig_pin, profile.sensor.echo_pin, profile.servo.pin)]
    return [str(runner), str(firmware.elf), *(f"{port}{bit}" for port, bit in pins),
            *(str(v) for v in (firmware.car_addr, firmware.car_size, firmware.schedule_addr, firmware.millis_addr,
                               firmware.drive_pc, settle_cycles)),
            ",".join(str(a) for a in IO_ADDRESSES)]


def motor_pins(io: bytes, profile) -> list[int]:
    """The motor pins' levels (pin_order) from an answer's IO bytes."""
    ports = dict(zip(PORTS, io))
    return [(ports[port] >> bit) & 1
            for port, bit in (uno_pin(profile.motors.pins[p]) for p in profile.motors.pin_order)]


def enable_duty(io: bytes, pin: int) -> int:
    """The duty (0-255) on an enable pin: the OCR while its PWM is on, else 0 or 255."""
    regs = dict(zip(IO_ADDRESSES, io))
    tccr, com, ocr = PWM[pin]
    if regs[tccr] & com:
        return regs[ocr]
    port, bit = uno_pin(pin)
    return 255 * ((regs[PORTS[port]] >> bit) & 1)


def _publish(built: Path, target: Path) -> None:
    """Move a build into the cache atomically: parallel workers may build the same one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    shutil.copy2(built, partial)
    partial.replace(target)
