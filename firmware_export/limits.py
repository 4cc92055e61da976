"""The Arduino Uno's memory, and the room a sketch must leave in it.

The estimate runs before anything is written; ``--check`` then measures the real
figures with avr-size and holds them to the same limits.
"""
from firmware_export.errors import ExportError

FLASH_LIMIT = 32_256     # bytes of flash usable beside the Uno's bootloader
RAM_LIMIT = 2_048        # bytes of SRAM
FLASH_SHARE = 0.90       # keep 10 % of flash free for changes to the sketch
RAM_SHARE = 0.75         # keep a quarter of RAM for the stack (loop, ISR, libm)
# Measured for the generated sketch with no weights (core, tick, servo, libm tanh), with
# headroom; the per-weight and per-buffer costs are exact (4-byte floats).
SKETCH_FLASH_BASE = 5_200
SKETCH_RAM_BASE = 120


def estimate(network) -> tuple[int, int]:
    """(flash, RAM) bytes the sketch will need: weights in flash, two layer buffers and
    the output pre-activations in RAM."""
    weights = sum(layer.weights.size + (layer.n_out if layer.has_bias else 0) for layer in network.layers)
    flash = SKETCH_FLASH_BASE + 4 * weights
    ram = SKETCH_RAM_BASE + 4 * (2 * max(network.sizes) + network.n_outputs + network.n_inputs)
    return flash, ram


def check_fits(network) -> None:
    flash, ram = estimate(network)
    check_sizes(flash, ram, "needs about")


def check_sizes(flash: int, ram: int, verb: str = "uses") -> None:
    """Refuse a sketch that leaves the Uno too little room, naming the figures."""
    if flash > FLASH_SHARE * FLASH_LIMIT:
        raise ExportError(f"the sketch {verb} {flash:,} bytes of flash; the Uno has {FLASH_LIMIT:,} and the "
                          f"export keeps {100 - round(100 * FLASH_SHARE)} % free: use fewer or smaller hidden layers")
    if ram > RAM_SHARE * RAM_LIMIT:
        raise ExportError(f"the sketch {verb} {ram:,} bytes of RAM; the Uno has {RAM_LIMIT:,} and the export "
                          f"keeps {100 - round(100 * RAM_SHARE)} % for the stack: use narrower layers")
