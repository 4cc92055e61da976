"""Where the replay is and how it moves: the playhead on the timeline, play and pause,
steps, jumps and speed. No pygame: the window's keys call these, and tests do too.

The playhead is a slot on the timeline (one control tick each). Playing moves it at the
chosen speed times real time, so that lost ticks take the time they took on the car;
the tick shown is the last one received at or before the playhead.
"""
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
NORMAL_SPEED = SPEEDS.index(1.0)
JUMP_TICKS = 40                  # Shift+arrow: one second of ticks
PAGE_TICKS = 400                 # Page Up / Down: ten seconds


class ReplayView:
    def __init__(self, run):
        self.run = run
        self.slot = 0.0
        self.index = 0
        self.playing = False
        self.speed_index = NORMAL_SPEED

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    @property
    def tick(self):
        return self.run.ticks[self.index]

    @property
    def at_end(self) -> bool:
        return self.index == len(self.run.ticks) - 1

    def _go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.run.ticks) - 1))
        self.slot = float(self.run.slots[self.index])

    def toggle_play(self) -> None:
        """Play from where it stands; from the last tick, play from the start again."""
        if not self.playing and self.at_end:
            self._go(0)
        self.playing = not self.playing

    def step(self, ticks: int) -> None:
        """Move ``ticks`` received ticks on (back when negative), and pause."""
        self.playing = False
        self._go(self.index + ticks)

    def jump(self, slots: int) -> None:
        """Move the playhead ``slots`` control ticks on or back, lost ones counted."""
        self.seek(self.run.slots[self.index] + slots)

    def seek(self, slot: float) -> None:
        """Put the playhead at ``slot`` (a click on the timeline), on the tick shown there."""
        slot = max(0.0, min(float(slot), float(self.run.slots[-1])))
        self.index = self.run.index_at(slot)
        self.slot = slot

    def home(self) -> None:
        self._go(0)

    def end(self) -> None:
        self.playing = False
        self._go(len(self.run.ticks) - 1)

    def faster(self, by: int = 1) -> None:
        self.speed_index = max(0, min(self.speed_index + by, len(SPEEDS) - 1))

    def advance(self, dt: float) -> None:
        """Play ``dt`` seconds of wall time; stop at the last tick."""
        if not self.playing:
            return
        self.slot += dt * self.speed / self.run.tick_s
        last = self.run.slots[-1]
        if self.slot >= last:
            self.slot = float(last)
            self.playing = False
        self.index = self.run.index_at(self.slot)
