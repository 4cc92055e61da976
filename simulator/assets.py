"""Where the shipped data lives, whether neurocar runs from a checkout or an install.

A checkout (and an editable install) reads ``assets/`` beside the packages; a regular
install reads the copy pip placed under ``<prefix>/share/neurocar/assets``.
"""
import site
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent / "assets"


def _candidates():
    yield _CHECKOUT
    # PREFIX/lib/pythonX.Y/site-packages/simulator/assets.py -> PREFIX
    installed_prefix = Path(__file__).resolve().parents[4]
    for prefix in (installed_prefix, sys.prefix, sys.base_prefix, site.getuserbase()):
        yield Path(prefix) / "share" / "neurocar" / "assets"


def assets_dir() -> Path:
    """The folder holding tables/, brains/, robots/ and worlds/."""
    for path in _candidates():
        if (path / "tables").is_dir():
            return path
    searched = ", ".join(str(p) for p in _candidates())
    raise FileNotFoundError(f"neurocar's assets folder was not found (looked in {searched}); reinstall neurocar")


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)
