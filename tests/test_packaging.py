"""The shipped assets are found from a checkout (editable) and from a regular install."""
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from simulator.assets import asset, assets_dir

ROOT = Path(__file__).resolve().parent.parent


def test_editable_install_reads_the_checkout_assets():
    assert assets_dir() == ROOT / "assets"
    assert asset("tables", "seed_turn_direction.csv").is_file()


def test_regular_install_ships_and_finds_the_assets(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", "--prefix", str(prefix), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import simulator.assets as a, brain; "
            "t = brain.load_table(a.asset('tables', 'seed_turn_direction.csv')); "
            "b = brain.load_brain(a.asset('brains', 'default.json')); "
            "print(a.__file__); print(a.assets_dir()); print(len(t))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert Path(out[0]).is_relative_to(prefix)          # the installed copy, not the checkout
    assert Path(out[1]) == prefix / "share" / "neurocar" / "assets"
    assert out[2] == "12"
    # and the install under test left this environment's own install alone
    subprocess.run([sys.executable, "-c", "import importlib.metadata as m; m.version('neurocar')"], check=True)
