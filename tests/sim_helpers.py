"""Driving a one-car ``Simulation`` for a stretch of time, and many controllers against
one-car replays, as the tests do."""
from simulator.controller import Controller, replay
from simulator.episode import ticks_in


def run_for(sim, seconds: float) -> None:
    """Run the whole control ticks in ``seconds``, one ``step_tick`` each, as the window does."""
    for _ in range(ticks_in(seconds, sim.profile.control.tick_s)):
        sim.step_tick()


def assert_cars_match_replays(profile, brain, readings, field: str) -> None:
    """n cars driven at once, readings (ticks, n), give car by car what ``replay`` of each
    car's own readings gives, in the controller's ``field`` (pins, inputs, ...)."""
    n = readings.shape[1]
    ctl = Controller(profile, brain, n)
    seen = []
    for row in readings:
        ctl.sweep()
        ctl.decide(row)
        seen.append(getattr(ctl, field).copy())
    for car in range(n):
        single = [getattr(r, field) for r in replay(profile, brain, readings[:, car])]
        assert single == [tuple(x[car]) for x in seen]
