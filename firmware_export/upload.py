"""Uploading a compiled sketch to an Uno with avrdude (the Uno's bootloader speaks
the STK500v1 protocol at 115200 baud, as the Arduino IDE uses it)."""
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from firmware_export.errors import ExportError
from firmware_export.toolchain import MCU
from brain.i18n import _

PROGRAMMER = "arduino"
BAUD = 115_200


def avrdude_command(hex_path, port: str) -> list[str]:
    """The exact avrdude command that writes the HEX file to the board's flash."""
    return ["avrdude", "-p", MCU, "-c", PROGRAMMER, "-P", port, "-b", str(BAUD), "-D",
            "-U", f"flash:w:{Path(hex_path)}:i"]


def check_port(port: str, dry_run: bool = False) -> str:
    """Refuse, before anything is built, a port avrdude could not open: an empty or
    option-like name always, and one that does not exist unless this is a dry run."""
    if not port or port.startswith("-") or port != port.strip():
        raise ExportError(_("--port {port!r} is not a serial port name; use for example /dev/ttyACM0 or COM3").format(
            port=port))
    if not dry_run and not re.fullmatch(r"COM\d+", port, re.I) and not Path(port).exists():
        raise ExportError(_("--port {port}: no such serial port; plug the board in and look for /dev/ttyACM* "
                          "or /dev/ttyUSB* (ls /dev/tty*), or pass --dry-run to print the command only").format(
                              port=port))
    return port


def upload(hex_path, port: str, dry_run: bool = False, echo=print) -> int:
    cmd = avrdude_command(hex_path, port)
    if dry_run:
        echo(shlex.join(cmd))
        return 0
    if shutil.which("avrdude") is None:
        raise ExportError(_("avrdude is missing; install it with: sudo apt-get install avrdude"))
    echo(f"uploading to {port}: {shlex.join(cmd)}")
    result = subprocess.run(cmd)
    if result.returncode != 0:
        raise ExportError(_("avrdude failed (exit {returncode}); check the port ({port}), the cable, "
                          "and that no serial monitor holds the port").format(returncode=result.returncode, port=port))
    return 0
