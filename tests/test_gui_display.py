"""Without a screen, the window says so instead of running invisibly."""
import os
import subprocess


def test_no_display_gives_one_clear_line(neurocar_cmd):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = subprocess.run(neurocar_cmd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "no display to open the window on" in proc.stderr
    assert "neurocar eval" in proc.stderr and "Traceback" not in proc.stderr
