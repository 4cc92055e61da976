"""How many control ticks each frame runs: speeds x1, x4, x16 and as fast as possible,
pause and single step.

The simulation always advances by whole control ticks of the robot's fixed length; the
frame rate only decides how many of them run between two frames.
"""
import time

import pygame

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


IDLE_WAIT_S = 0.25            # longest sleep while idle: a message's end shows this late at most
BLINK_HZ = 3                  # the text cursor's phases a second


class Idle:
    """Paused with nothing running on its own (no single steps owed, no retraining), the
    window sleeps until an event comes or what it shows changes with time (the cursor's
    blink, a message ending, the collision flash), and draws only then: a paused window
    costs next to no CPU."""

    def __init__(self):
        self.shown = None             # what the last frame showed of what time changes

    @staticmethod
    def applies(app) -> bool:
        return app.realtime and app.pacing.paused and not app.pacing.pending_steps and app.state.training.job is None

    def wait(self) -> list:
        """Sleep until an event or IDLE_WAIT_S; the event, if one came."""
        event = pygame.event.wait(int(IDLE_WAIT_S * 1000))
        return [] if event.type == pygame.NOEVENT else [event]

    def changed(self, app) -> bool:
        """Whether anything that changes with time alone shows differently than in the last frame."""
        s = app.state
        shown = (app.blink if s.entry is not None or s.modal is not None else None,
                 bool(s.message.text) and s.wall_time < s.message.until, s.flash_until > s.wall_time)
        changed, self.shown = shown != self.shown, shown
        return changed
