"""Install pip into a venv made with --without-pip, from the pip wheel on PyPI.

Debian and Ubuntu split ensurepip out of python3 (package python3-venv); this lets
`make` work on a machine that has only python3 and make.
"""
import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

INDEX = "https://pypi.org/pypi/pip/json"
with urllib.request.urlopen(INDEX, timeout=60) as reply:
    release = json.load(reply)
wheel = next(u for u in release["urls"] if u["filename"].endswith("py3-none-any.whl"))
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / wheel["filename"]
    urllib.request.urlretrieve(urllib.parse.urljoin(INDEX, wheel["url"]), path)
    # A pip wheel can run itself: python pip.whl/pip install pip
    subprocess.run([sys.executable, str(path / "pip"), "install", "-q", str(path)], check=True)
