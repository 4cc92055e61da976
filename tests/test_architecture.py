"""The shape of the code, checked so that it stays: layers that import one way only, no
import by string, and small functions and modules with no copied blocks.

Layers, from the bottom: ``brain`` (knows nothing of cars) <- the ``simulator`` core
(headless: never pygame) <- ``firmware_export`` <- the application (``simulator.cli``,
``simulator.gui``, ``simulator.envs``). A module may import its own layer and those below,
never above. Only the window and the environments' frames (``simulator.envs.render``,
inside its functions) import pygame.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("brain", "simulator", "firmware_export")
APPLICATION = ("simulator.cli", "simulator.gui", "simulator.envs")
DRAWING = ("simulator.gui", "simulator.envs.render")      # the modules that may import pygame
LAYERS = ("brain", "simulator core", "firmware_export", "application")
# A function may import only these: pygame's drawing code, which a headless run never
# reaches, and the optional extras.
FUNCTION_LEVEL_OK = ("pygame", "simulator.gui", "ray", "gymnasium", "cma", "serial", "imageio", "PIL")
MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 400


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path, ast.parse(path.read_text(), str(path))


def layer(module: str) -> int | None:
    if module.startswith(APPLICATION) and module.split(".")[1] in ("cli", "gui", "envs"):
        return 3
    top = module.split(".")[0]
    return {"brain": 0, "simulator": 1, "firmware_export": 2}.get(top)


def imports(tree):
    """(module imported, line, inside a function) for every import statement."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in inside
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import at line {node.lineno}"
            for alias in node.names:       # `from simulator import cli` imports simulator.cli
                sub = f"{node.module}.{alias.name}"
                yield (sub if sub in MODULE_NAMES else node.module), node.lineno, id(node) in inside


ALL = list(modules())
MODULE_NAMES = {name for name, _, _ in ALL}


def test_the_packages_are_all_found():
    names = {name for name, _, _ in ALL}
    assert {"brain.network", "simulator.episode", "firmware_export.sketch", "simulator.cli",
            "simulator.gui.app"} <= names


def test_no_layer_imports_a_layer_above_it():
    upward = [f"{name} ({LAYERS[layer(name)]}) imports {target} ({LAYERS[layer(target)]}) at line {line}"
              for name, _, tree in ALL for target, line, _ in imports(tree)
              if layer(target) is not None and layer(target) > layer(name)]
    assert upward == []


def test_only_the_window_imports_pygame():
    found = [f"{name} line {line}" for name, _, tree in ALL for target, line, _ in imports(tree)
             if target.split(".")[0] == "pygame" and not name.startswith(DRAWING)]
    assert found == []


def test_no_import_by_string():
    found = []
    for name, _, tree in ALL:
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            what = getattr(called, "attr", None) or getattr(called, "id", None)
            if what in ("import_module", "__import__") or (isinstance(node, ast.Import) and
                                                            any(a.name == "importlib" for a in node.names)):
                found.append(f"{name} line {node.lineno}")
    assert found == []


def test_functions_import_only_drawing_code_or_optional_extras():
    found = [f"{name} line {line}: {target}" for name, _, tree in ALL for target, line, in_function in imports(tree)
             if in_function and not target.startswith(FUNCTION_LEVEL_OK)]
    assert found == []


def test_no_function_is_longer_than_50_lines():
    long = [f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines" for name, _, tree in ALL
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


def test_no_module_is_longer_than_400_lines():
    long = [f"{path.relative_to(ROOT)}: {n} lines" for _, path, _ in ALL
            if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES]
    assert long == []


def test_pylint_finds_no_duplicated_code():
    pytest.importorskip("pylint", reason="pylint comes with the test extra: pip install -e '.[test]'")
    r = subprocess.run([sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code",
                        "--min-similarity-lines=6", "--score=n", *PACKAGES],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_layer_check_would_catch_an_upward_import(tmp_path):
    """The check itself: a core module importing the window is found."""
    tree = ast.parse("from simulator.gui.app import main\nimport firmware_export.sketch\n")
    upward = [t for t, _, _ in imports(tree) if layer(t) > layer("simulator.episode")]
    assert upward == ["simulator.gui.app", "firmware_export.sketch"]
