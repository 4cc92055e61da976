"""The desktop window: draws simulator state and turns keys into commands.

The only place pygame is imported (headless runs never import this package).
"""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
