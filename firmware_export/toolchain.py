"""The AVR toolchain: find it, build a sketch for the Uno the IDE's way, measure it.

Everything comes from distribution packages (``gcc-avr avr-libc arduino-core-avr``);
nothing is downloaded. The Arduino core is found at run time: ``$ARDUINO_AVR_CORE``
(the folder holding ``cores/`` and ``variants/``), ``$ARDUINO_DIR`` (arduino-mk's name
for the Arduino folder), or beside the compiler under ``<prefix>/share/arduino``.
Debian's core 1.8.7 needs ``-std=gnu++11 -DDECIMAL_DIG=9`` with its avr-gcc 5.4.
"""
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from firmware_export.errors import ExportError
from brain.i18n import _

PACKAGES = "gcc-avr avr-libc arduino-core-avr"
MCU = "atmega328p"
F_CPU = 16_000_000
DEFINES = [f"-mmcu={MCU}", f"-DF_CPU={F_CPU}L", "-DARDUINO=10807", "-DARDUINO_AVR_UNO",
           "-DARDUINO_ARCH_AVR", "-DDECIMAL_DIG=9"]
COMMON = ["-Os", "-g", "-flto", "-ffunction-sections", "-fdata-sections"] + DEFINES
C_FLAGS = ["-std=gnu11"] + COMMON
CXX_FLAGS = ["-std=gnu++11", "-fpermissive", "-fno-exceptions", "-fno-threadsafe-statics"] + COMMON
ASM_FLAGS = ["-x", "assembler-with-cpp", "-flto"] + DEFINES
LINK_FLAGS = ["-Os", "-flto", "-fuse-linker-plugin", "-Wl,--gc-sections", f"-mmcu={MCU}"]
WARNINGS = ["-Wall", "-Wextra", "-Werror"]   # for the sketch and harness, not the core
TOOLS = ("avr-gcc", "avr-g++", "avr-objcopy", "avr-size")


@dataclass
class Build:
    elf: Path
    hex: Path
    flash_bytes: int
    ram_bytes: int


def missing_tools(tools=TOOLS) -> list[str]:
    return [t for t in tools if shutil.which(t) is None]


def require_toolchain() -> Path:
    """The Arduino core folder, or an ExportError saying which packages to install."""
    missing = missing_tools()
    if missing:
        raise ExportError(_("the AVR toolchain is missing ({value} not found); "
                          "install it with: sudo apt-get install {PACKAGES}").format(
                              value=', '.join(missing), PACKAGES=PACKAGES))
    core = find_core()
    if core is None:
        raise ExportError(_("the Arduino AVR core was not found (looked in $ARDUINO_AVR_CORE, $ARDUINO_DIR and "
                          "<prefix>/share/arduino); install it with: sudo apt-get install {PACKAGES}").format(
                              PACKAGES=PACKAGES))
    return core


def find_core() -> Path | None:
    candidates = []
    if os.environ.get("ARDUINO_AVR_CORE"):
        candidates.append(Path(os.environ["ARDUINO_AVR_CORE"]))
    if os.environ.get("ARDUINO_DIR"):
        candidates.append(Path(os.environ["ARDUINO_DIR"]) / "hardware" / "arduino" / "avr")
    gcc = shutil.which("avr-gcc")
    if gcc:
        prefix = Path(gcc).resolve().parent.parent
        candidates.append(prefix / "share" / "arduino" / "hardware" / "arduino" / "avr")
    for path in candidates:
        if (path / "cores" / "arduino" / "Arduino.h").is_file() and (path / "variants" / "standard").is_dir():
            return path
    return None


def run(cmd, what: str) -> str:
    """Run a tool; a failure becomes one message with the tool's own first lines."""
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        text = (result.stderr or result.stdout).strip().splitlines()
        detail = "\n".join(text[:20])
        raise ExportError(_("{what} failed ({name} exit {returncode}):\n{detail}").format(
            what=what, name=Path(str(cmd[0])).name, returncode=result.returncode, detail=detail))
    return result.stdout


def core_library(core: Path, cache_dir: Path) -> Path:
    """The Arduino core compiled once into an archive, cached by core folder and flags."""
    archive = cache_dir / f"arduino-core-{core_key(core)}.a"
    if archive.is_file():
        return archive
    cache_dir.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="core-", dir=cache_dir))   # one per process: builds may race
    try:
        _build_core(core, build, archive)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return archive


def core_key(core: Path) -> str:
    """What the cached core depends on: the compiler's version, every flag, and each
    core source's name, size and time, so an upgrade of either rebuilds it."""
    version = run(["avr-gcc", "--version"], "asking avr-gcc its version").splitlines()[:1]
    sources = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted((core / "cores" / "arduino").iterdir())]
    return hashlib.sha256(repr((str(core), version, C_FLAGS, CXX_FLAGS, ASM_FLAGS, sources)).encode()).hexdigest()[:16]


def _build_core(core: Path, build: Path, archive: Path) -> None:
    includes = _includes(core)
    objects = []
    for src in sorted((core / "cores" / "arduino").iterdir()):
        flags = {".c": ("avr-gcc", C_FLAGS), ".cpp": ("avr-g++", CXX_FLAGS),
                 ".S": ("avr-gcc", ASM_FLAGS)}.get(src.suffix)
        if flags is None:
            continue
        obj = build / (src.name + ".o")
        run([flags[0], "-c", *flags[1], "-w", *includes, str(src), "-o", obj],
            f"compiling the Arduino core ({src.name})")
        objects.append(obj)
    partial = build / "core.a"
    run(["avr-gcc-ar", "rcs", partial, *objects], "archiving the Arduino core")
    os.replace(partial, archive)      # atomic: a racing build replaces it with the same file


def _includes(core: Path) -> list[str]:
    return [f"-I{core / 'cores' / 'arduino'}", f"-I{core / 'variants' / 'standard'}"]


def build_sketch(sketch_dir: Path, build_dir: Path, cache_dir: Path | None = None) -> Build:
    """Compile DIR/NAME/NAME.ino for the Uno; returns the ELF, the HEX and the sizes."""
    core = require_toolchain()
    sketch_dir, build_dir = Path(sketch_dir), Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    name = sketch_dir.name
    ino = sketch_dir / f"{name}.ino"
    cpp = build_dir / f"{name}.ino.cpp"
    cpp.write_text(f'#line 1 "{ino.name}"\n' + ino.read_text(encoding="utf-8"), encoding="utf-8")
    archive = core_library(core, Path(cache_dir) if cache_dir else default_cache())
    obj = build_dir / f"{name}.ino.o"
    run(["avr-g++", "-c", *CXX_FLAGS, *WARNINGS, *_includes(core), f"-I{sketch_dir}", cpp, "-o", obj],
        f"compiling the sketch {ino.name}")
    elf = build_dir / f"{name}.elf"
    run(["avr-gcc", *LINK_FLAGS, "-o", elf, obj, archive, "-lm"], "linking the sketch")
    hex_path = build_dir / f"{name}.hex"
    run(["avr-objcopy", "-O", "ihex", "-R", ".eeprom", elf, hex_path], "writing the HEX file")
    flash, ram = sizes(elf)
    return Build(elf, hex_path, flash, ram)


def sizes(elf: Path) -> tuple[int, int]:
    """(flash, RAM) as the Arduino IDE reports them: .text + .data, and .data + .bss."""
    out = run(["avr-size", "-A", elf], "measuring the sketch")
    sections = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\.\w+)\s+(\d+)", out, re.M)}
    data = sections.get(".data", 0)
    return sections.get(".text", 0) + data, data + sections.get(".bss", 0)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "neurocar"
