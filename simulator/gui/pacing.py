"""How many control ticks each frame runs: speeds x1, x4, x16 and as fast as possible,
pause and single step.

The simulation always advances by whole control ticks of the robot's fixed length; the
frame rate only decides how many of them run between two frames.
"""
import time

SPEEDS = (("x1", 1.0), ("x4", 4.0), ("x16", 16.0), ("max", None))
SIM_BUDGET_S = 0.012          # most wall time per frame spent stepping the simulation
MAX_TICKS_PER_FRAME = 400


class Pacing:
    def __init__(self, tick_s: float, realtime: bool = True):
        self.tick_s = tick_s
        self.realtime = realtime      # False: never drop ticks to keep up (tests, benchmarks)
        self.speed = 0                # index into SPEEDS
        self.paused = False
        self.pending_steps = 0        # single steps asked for while paused
        self.acc = 0.0                # simulated seconds owed to the simulation

    @property
    def label(self) -> str:
        return SPEEDS[self.speed][0]

    def set_speed(self, i: int) -> None:
        self.speed = i
        self.acc = 0.0

    def run(self, dt: float, tick) -> int:
        """Call ``tick()`` as many times as ``dt`` seconds of wall time ask for; returns how many."""
        if self.paused:
            self.acc = 0.0
            n = self.pending_steps
            self.pending_steps = 0
            for _ in range(n):
                tick()
            return n
        factor = SPEEDS[self.speed][1]
        start = time.perf_counter()
        if factor is None:                               # as fast as the budget allows
            n = 0
            while n < MAX_TICKS_PER_FRAME and (n % 8 or time.perf_counter() - start < SIM_BUDGET_S):
                tick()
                n += 1
            return n
        self.acc += dt * factor
        n = min(int(self.acc / self.tick_s + 1e-9), MAX_TICKS_PER_FRAME)
        self.acc -= n * self.tick_s
        for i in range(n):
            tick()
            if self.realtime and time.perf_counter() - start > SIM_BUDGET_S:
                self.acc = 0.0                           # cannot keep up: run slower, never stall
                return i + 1
        return n
