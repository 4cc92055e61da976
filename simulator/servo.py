"""The SG90's horn: where the sensor actually points, which lags the commanded angle.

The horn turns towards the last commanded angle at ``servo_deg_per_s`` (settling
included; ``simulator.measured.CarParams``, per car) and stops there. The firmware pings
right after commanding each step, before the horn has had time to move, so a ping
points where the previous tick left the horn: between the old and the new angle, or
further behind when the sweep asks for more than the servo's speed.
"""
import numpy as np


class ServoHorn:
    """n servo horns; ``deg`` (n,) float is where each points now."""

    def __init__(self, start_deg: float, deg_per_s):
        self.deg_per_s = np.asarray(deg_per_s, dtype=float)
        self.deg = np.full(len(self.deg_per_s), float(start_deg))

    def follow(self, commanded_deg, seconds: float) -> None:
        """Turn every horn towards its commanded angle for ``seconds``."""
        most = self.deg_per_s * seconds
        self.deg = self.deg + np.clip(np.asarray(commanded_deg, dtype=float) - self.deg, -most, most)
