"""The generated C, compiled for this machine, as a controller the simulator can drive.

``HostController`` implements ``simulator.controller.ControllerProtocol`` (as
``simulator.controller.Controller`` does, so ``simulator.controller.tick`` drives it)
but every tick runs the sketch's own C (``neurocar_sweep``,
``neurocar_decide`` ...), one state struct per car, loaded with ctypes. Only the
simulated sensor's reading is turned into whole centimetres on the Python side, as
the HC-SR04's echo time / 58 does on the car. Builds are cached by the C text's hash.
"""
import ctypes
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from brain.atomic import atomic_write_text
from brain.fixedpoint import FixedPointBrain, dequantise, quantise, to_fixed_point
from brain.i18n import _
from simulator.controller import output_kind, whole_cm

from firmware_export.ctemplates import source
from firmware_export.errors import ExportError
from firmware_export.sketch import header_only
from firmware_export.toolchain import default_cache, run as run_tool

HOST_FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared"]
NO_ECHO = 0xFFFF

# Exported wrappers around the generated static functions, for n cars at once.
SHIM = "host_shim.c"


def host_compiler() -> str:
    for cc in ("gcc", "cc"):
        if shutil.which(cc):
            return cc
    raise ExportError(_("no C compiler for this machine (gcc) was found; install it with: sudo apt-get install gcc"))


def build_library(brain, profile, cache_dir: Path | None = None) -> Path:
    """Compile the generated C (the sketch's header) into a shared library, cached."""
    header = header_only(brain, profile)
    key = hashlib.sha256((header + source(SHIM) + " ".join(HOST_FLAGS)).encode()).hexdigest()[:16]
    cache = Path(cache_dir) if cache_dir else default_cache()
    lib = cache / f"host-{key}.so"
    if lib.is_file():
        return lib
    with tempfile.TemporaryDirectory(prefix="neurocar-host-") as tmp:
        atomic_write_text(Path(tmp) / "neurocar_brain.h", header)
        atomic_write_text(Path(tmp) / "shim.c", source(SHIM))
        out = Path(tmp) / "lib.so"
        run_tool([host_compiler(), *HOST_FLAGS, f"-I{tmp}", Path(tmp) / "shim.c", "-o", out, "-lm"],
                 "compiling the generated C for this machine")
        cache.mkdir(parents=True, exist_ok=True)
        partial = lib.with_name(f"{lib.name}.{os.getpid()}.tmp")
        shutil.move(str(out), partial)
        partial.replace(lib)     # atomic: parallel eval workers may build the same one
    return lib


class HostNetwork:
    """The generated forward pass and decision alone, for one input row at a time.
    For a fixed-point build (``fixed``), ``forward`` and ``decide`` quantise float inputs
    as ``brain.fixedpoint`` does and ``forward`` returns the Q13 outputs dequantised;
    ``forward_int`` takes and gives the Q13 integers themselves."""

    def __init__(self, lib: ctypes.CDLL, n_outputs: int, fixed: bool = False):
        self.lib, self.n_outputs, self.fixed = lib, n_outputs, fixed

    @classmethod
    def build(cls, brain, profile, cache_dir=None) -> "HostNetwork":
        return cls(ctypes.CDLL(str(build_library(brain, profile, cache_dir))), brain.network.n_outputs,
                   isinstance(brain, FixedPointBrain))

    def forward(self, x) -> np.ndarray:
        if self.fixed:
            return dequantise(self.forward_int(quantise(np.atleast_2d(x))))
        x = np.ascontiguousarray(np.atleast_2d(x), dtype=np.float32)
        out = np.zeros((len(x), self.n_outputs), dtype=np.float32)
        for i in range(len(x)):
            self.lib.nc_forward(_ptr(x[i]), _ptr(out[i]))
        return out

    def forward_int(self, xq) -> np.ndarray:
        """Q13 outputs of Q13 inputs (a fixed-point build only)."""
        x = np.ascontiguousarray(np.atleast_2d(xq), dtype=np.int16)
        out = np.zeros((len(x), self.n_outputs), dtype=np.int16)
        for i in range(len(x)):
            self.lib.nc_forward(_ptr(x[i]), _ptr(out[i]))
        return out.astype(np.int64)

    def encode(self, distance_cm: int, angle: int) -> np.ndarray:
        """The firmware's own encoding of a whole-cm reading and a servo angle (Q13 in a
        fixed-point build, else float32)."""
        x = np.zeros(2, dtype=np.int16 if self.fixed else np.float32)
        self.lib.nc_encode(ctypes.c_int16(distance_cm), ctypes.c_int16(angle), _ptr(x))
        return x

    def decide(self, x) -> np.ndarray:
        if self.fixed:
            x = np.ascontiguousarray(quantise(np.atleast_2d(x)), dtype=np.int16)
        else:
            x = np.ascontiguousarray(np.atleast_2d(x), dtype=np.float32)
        out = np.zeros((len(x), self.n_outputs), dtype=np.int8)
        for i in range(len(x)):
            self.lib.nc_decide_outputs(_ptr(x[i]), _ptr(out[i]))
        return out.astype(int)


class HostController:
    """A ``simulator.controller.ControllerProtocol`` run by the sketch's compiled C
    (the "firmware" controller of ``neurocar eval``)."""

    def __init__(self, profile, brain, n: int = 1, cache_dir=None):
        self.profile, self.n, self._cache_dir = profile, int(n), cache_dir
        self.brain = brain
        self.reset()

    @property
    def brain(self):
        return self._brain

    @brain.setter
    def brain(self, brain):
        output_kind(brain, self.profile)          # the simulator's own refusal, first
        self._lib = ctypes.CDLL(str(build_library(brain, self.profile, self._cache_dir)))
        self._lib.nc_state_size.restype = ctypes.c_size_t
        self._brain = brain
        self._net = HostNetwork(self._lib, brain.network.n_outputs, isinstance(brain, FixedPointBrain))
        self._state = ctypes.create_string_buffer(self._lib.nc_state_size() * self.n)
        self._lib.nc_reset(self._state, None, self.n)
        self.outputs = np.zeros((self.n, brain.network.n_outputs))
        self._pull()

    def reset(self, mask=None) -> None:
        m = None if mask is None else np.ascontiguousarray(np.asarray(mask, dtype=np.uint8))
        self._lib.nc_reset(self._state, None if m is None else _ptr(m), self.n)
        if mask is None:
            self.outputs = np.zeros((self.n, self._brain.network.n_outputs))
        self._pull()

    def sweep(self) -> np.ndarray:
        self._lib.nc_sweep(self._state, self.n)
        self._pull()
        return self.servo_deg

    def deciding(self) -> np.ndarray:
        return self.hold == 0

    def reading(self) -> np.ndarray:
        pinging = np.zeros(self.n, dtype=np.uint8)
        self._lib.nc_reading(self._state, _ptr(pinging), self.n)
        return pinging.astype(bool)

    def decide(self, distances_cm) -> np.ndarray:
        d = np.asarray(distances_cm, dtype=float)
        readings = np.where(np.isfinite(d), whole_cm(d, self.profile.control.distance_clamp_cm), NO_ECHO)
        readings = np.ascontiguousarray(readings, dtype=np.uint16)
        decided = np.zeros(self.n, dtype=np.uint8)
        self._lib.nc_decide(self._state, _ptr(readings), _ptr(decided), self.n)
        self._pull()
        need = decided.astype(bool)
        if need.any():
            self.outputs[need] = self._net.forward(self.inputs[need])
        return need

    def _pull(self) -> None:
        n, n_pins = self.n, len(self.profile.motors.pin_order)
        servo, hold = np.zeros(n, np.int16), np.zeros(n, np.uint16)
        pins, pwm = np.zeros((n, n_pins), np.uint8), np.zeros(n, np.uint8)
        reading = np.zeros(n, np.int16)
        inputs = np.zeros((n, self._brain.network.n_inputs), np.int16 if self._net.fixed else np.float32)
        self._lib.nc_state(self._state, n, *(_ptr(a) for a in (servo, hold, pins, pwm, reading, inputs)))
        self.servo_deg, self.hold = servo.astype(int), hold.astype(int)
        self.pins, self.pwm, self.reading_cm = pins.astype(int), pwm.astype(int), reading.astype(int)
        self.inputs = dequantise(inputs) if self._net.fixed else inputs.astype(float)


class FixedPointHostController(HostController):
    """HostController running the fixed-point sketch's C: a float brain is replaced by
    its ``brain.fixedpoint`` twin (the "firmware-fixed-point" controller of ``neurocar eval``)."""

    @HostController.brain.setter
    def brain(self, brain):
        HostController.brain.fset(self, to_fixed_point(brain))


def _ptr(array: np.ndarray):
    return array.ctypes.data_as(ctypes.c_void_p)
