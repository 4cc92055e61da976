"""The shipped assets and C templates are found from a checkout (editable) and from a
regular install, and a wheel installed into a fresh virtual environment exports a sketch."""
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from brain import load_brain
from simulator.assets import asset, assets_dir
from simulator.profile import default_profile

from firmware_export.ctemplates import TEMPLATE_DIR
from firmware_export.sketch import HEADER_NAME, generate

ROOT = Path(__file__).resolve().parent.parent


def test_editable_install_reads_the_checkout_assets():
    assert assets_dir() == ROOT / "assets"
    assert asset("tables", "seed_turn_direction.csv").is_file()


def test_regular_install_ships_and_finds_the_assets(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                    "--prefix", str(prefix), str(ROOT)],
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


def _checkout_copy(dest: Path) -> Path:
    """The checkout's files (tracked or new, not ignored) copied aside, so that building
    the wheel leaves no build/ or egg-info in the checkout others work in."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def test_wheel_in_a_fresh_venv_exports_a_sketch(tmp_path):
    """A plain, non-editable install of the built wheel holds the C templates, and its
    neurocar export writes the same sketch as the checkout. The fresh venv reuses this
    environment's already-installed dependencies (a .pth line naming its site-packages)
    instead of downloading them; neurocar itself comes only from the wheel."""
    source = _checkout_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True, timeout=600)
    wheel, = (tmp_path / "dist").glob("neurocar-*.whl")
    with zipfile.ZipFile(wheel) as z:
        shipped = {n for n in z.namelist() if n.startswith("firmware_export/templates/")}
    assert shipped == {f"firmware_export/templates/{p.name}" for p in TEMPLATE_DIR.iterdir()}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, timeout=600)
    brain = ROOT / "assets" / "brains" / "default.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([venv / "bin" / "neurocar", "export", "--brain", str(brain), "--out", str(tmp_path / "out")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    where = subprocess.run([python, "-c", "import firmware_export.ctemplates as t; print(t.TEMPLATE_DIR)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv)                  # the installed copy, not the checkout
    expected = generate(load_brain(brain), default_profile(), "neurocar", str(brain))
    written = tmp_path / "out" / "neurocar"
    assert (written / "neurocar.ino").read_text() == expected.ino
    assert (written / HEADER_NAME).read_text() == expected.header
