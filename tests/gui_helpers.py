"""Driving the simulator window headless with real key events (SDL's dummy video driver),
shared by the window's test files."""
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame


def key(k, mod=0, unicode=None, up=False):
    if unicode is None:
        name = pygame.key.name(k)
        unicode = name if len(name) == 1 else ""
    pygame.event.post(pygame.event.Event(pygame.KEYUP if up else pygame.KEYDOWN, key=k, mod=mod, unicode=unicode))


def type_text(s):
    for ch in s:
        try:
            k = pygame.key.key_code(ch)
        except ValueError:
            k = pygame.K_UNKNOWN
        key(k, unicode=ch)


def frames(app, n=1):
    app.run(frames=app.frame + n)


def edit_cell(app, text):
    key(pygame.K_RETURN)
    frames(app)
    for _ in range(8):
        key(pygame.K_BACKSPACE)
    type_text(text)
    key(pygame.K_RETURN)
    frames(app)


def clear_entry(n=80):
    for _ in range(n):
        key(pygame.K_BACKSPACE)
