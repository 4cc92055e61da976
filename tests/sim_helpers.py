"""Driving a one-car ``Simulation`` for a stretch of time, as the tests do."""
from simulator.episode import ticks_in


def run_for(sim, seconds: float) -> None:
    """Run the whole control ticks in ``seconds``, one ``step_tick`` each, as the window does."""
    for _ in range(ticks_in(seconds, sim.profile.control.tick_s)):
        sim.step_tick()
