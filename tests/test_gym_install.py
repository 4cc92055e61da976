"""The environment from a regular (non-editable) install: a fresh virtual environment holding
the built wheel makes it by its id alone, with nothing of neurocar imported first, and
runs it from the installed copy (its robot profile and worlds included)."""
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.test_packaging import _checkout_copy

pytest.importorskip("gymnasium", reason="the gym extra: pip install 'neurocar[gym]'")

CODE = """
import sys
import gymnasium
assert not any(m == 'simulator' or m.startswith(('simulator.', 'brain')) for m in sys.modules)
env = gymnasium.make('simulator.envs:neurocar/ObstacleCar-v0', seconds=1)
obs, info = env.reset(seed=0)
for _ in range(10):
    obs, reward, terminated, truncated, info = env.step(0)
envs = gymnasium.make_vec('neurocar/ObstacleCar-v0', num_envs=2, vectorization_mode='vector_entry_point')
envs.reset(seed=0)
import simulator.envs
print(simulator.envs.__file__)
print(env.unwrapped.setup.profile.source)
print(info['seconds'] > 0)
"""


def test_the_installed_wheel_makes_the_environment_by_its_id(tmp_path):
    source = _checkout_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=600)
    wheel, = (tmp_path / "dist").glob("neurocar-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # this environment's dependencies (a plain path: its .pth files, the editable install's among them, are not read)
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, timeout=600)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([python, "-c", CODE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    module, profile, moved = run.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(venv)                  # the installed copy, not the checkout
    assert Path(profile).is_relative_to(venv) and moved == "True"
