"""Frames of an environment's car, drawn by the window's own renderer
(``simulator.gui.worldview``): the world, the car, its beam to the last reading.

pygame is imported only here, inside the functions, so an environment made with
``render_mode=None`` never loads it. ``rgb_array`` needs no display: it draws on a plain
surface. ``human`` opens a window and shows a frame after each reset and step, at most
as often as the control ticks.
"""
import math

import numpy as np

FRAME_PX = (480, 360)


def frame(slots, i: int, size=FRAME_PX) -> np.ndarray:
    """Slot i's world and car now, (height, width, 3) uint8."""
    import pygame
    surface = pygame.Surface(size)
    draw(surface, slots, i)
    return np.ascontiguousarray(pygame.surfarray.array3d(surface).swapaxes(0, 1))


def draw(surface, slots, i: int) -> None:
    """Slot i's world, fitted to the surface, with its car and beam."""
    from simulator.gui.camera import Camera
    from simulator.gui.simlink import CarState
    from simulator.gui.worldview import draw_beam, draw_car, draw_floor, draw_world
    world, profile = slots.worlds[i], slots.profile
    cam = Camera(surface.get_rect())
    t = world.wall_cm
    cam.fit(-t, -t, world.width_cm + t, world.height_cm + t, margin_px=8)
    draw_floor(surface, cam, world)
    draw_world(surface, cam, world)
    x, y = (float(v) for v in slots.pos[i])
    heading = float(slots.heading[i])
    mount = profile.sensor.mount_forward_cm if slots.car is None else float(slots.car.mount_forward_cm[i])
    pointing = float(slots.servo_deg[i] if slots.horn is None else slots.horn.deg[i])
    axis = heading + profile.servo.left_sign * math.radians(pointing - 90.0)
    reading = int(slots.last_cm[i])
    car = CarState(x, y, heading, int(slots.servo_deg[i]),
                   (x + mount * math.cos(heading), y + mount * math.sin(heading)),
                   axis, float(reading) if reading < slots.clamp else math.inf)
    draw_beam(surface, cam, car, profile, slots.clamp, slots.setup.model)
    draw_car(surface, cam, car, profile)


class Window:
    """The ``human`` render mode's window: one frame per call, at most one per tick."""

    def __init__(self, size=FRAME_PX):
        import pygame
        pygame.display.init()
        self.screen = pygame.display.set_mode(size)
        pygame.display.set_caption("neurocar: ObstacleCar")
        self.clock = pygame.time.Clock()

    def show(self, slots, i: int, seconds: float) -> None:
        import pygame
        pygame.event.pump()
        draw(self.screen, slots, i)
        pygame.display.flip()
        self.clock.tick(max(1.0, 1.0 / max(seconds, 1e-3)))

    def close(self) -> None:
        import pygame
        pygame.display.quit()
