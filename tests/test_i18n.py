"""English and Spanish: the catalogs are complete and compiled, user-facing text goes
through them, and the command line speaks Spanish end to end (argparse's lines too)."""
import ast
import io
import os
import re
import subprocess
import sysconfig
import sys
from pathlib import Path

import pygame
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from brain import i18n
from brain.errors import NeurocarError
from simulator.gui.app import App
from tests.gui_helpers import frames, key
from tests.test_architecture import ALL, ROOT
from tests.test_gui_polish_layout import check_layout

LOCALE = ROOT / "brain" / "locale"
TRANSLATING = {"_", "ngettext", "N_", "english"}     # english(): read by machines, stays English
WORDS = re.compile(r"[A-Za-z]{2,}")
DRAWING = {"draw", "render", "fit", "width", "wrap", "wrap_at_most", "say", "error"}   # the window's text calls
CARDS = {"Prompt": (0, 1), "Choice": (1,), "section": (3,)}     # a card's title, lines and choices
# The telemetry format's module is kept byte-stable by its owner: its line errors stay English.
PENDING = {"firmware_export.telemetry_format"}


def catalog(language):
    with open(LOCALE / language / "LC_MESSAGES" / "neurocar.po", "rb") as f:
        return read_po(f, locale=language)


def extracted() -> set:
    found = set()
    for package in ("brain", "simulator", "firmware_export"):
        for _, _, message, _, _ in extract_from_dir(ROOT / package, method_map=[("**.py", "python")]):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_committed_mo_is_what_the_po_compiles_to(language):
    buffer = io.BytesIO()
    write_mo(buffer, catalog(language))
    assert (LOCALE / language / "LC_MESSAGES" / "neurocar.mo").read_bytes() == buffer.getvalue(), \
        "run make catalogs"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_marked_string_is_in_the_catalog(language):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
    assert sorted(extracted() - ids) == [], "run make catalogs"


def test_every_spanish_string_is_translated_and_keeps_its_placeholders():
    spanish = catalog("es")
    untranslated = [m.id for m in spanish if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                                          else [m.string]))]
    assert untranslated == []
    assert [(m.id, errors) for m in spanish if m.id for errors in [list(m.check(spanish))] if errors] == []
    fields = re.compile(r"\{[^{}]*\}")           # str.format's fields: the same ones, in any order
    assert [m.id for m in spanish if isinstance(m.id, str) and m.id
            and sorted(fields.findall(m.id)) != sorted(fields.findall(m.string))] == []


def _error_names() -> set:
    names, todo = set(), [NeurocarError]
    for name, _, _ in ALL:
        if not name.startswith(("simulator.gui", "simulator.envs.render")) and not name.endswith("__main__"):
            __import__(name)
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _wording(node) -> bool:
    """A literal (or a sum or f-string of literals) with words in it, not passed to _()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_wording(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _wording(node.left) or _wording(node.right)
    return False


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def untranslated(module: str, tree, errors: set):
    """(line, what) for each user-facing literal in ``tree`` that does not go through _()."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc.func) in errors:
            yield from ((node.lineno, "raise") for a in node.exc.args[:1] if _wording(a))
        if not isinstance(node, ast.Call):
            continue
        yield from ((node.lineno, k.arg) for k in node.keywords
                    if k.arg in ("help", "description", "epilog") and _wording(k.value))
        if _name(node.func) == "print" and module.startswith("simulator.cli"):
            yield from ((node.lineno, "print") for a in node.args if _wording(a))
        if _name(node.func) in DRAWING and module.startswith("simulator.gui") and isinstance(node.func, ast.Attribute):
            yield from ((node.lineno, "drawn") for a in node.args if _wording(a))
        if _name(node.func) in CARDS and module.startswith("simulator.gui"):
            shown = [node.args[i] for i in CARDS[_name(node.func)] if i < len(node.args)]
            shown += [e for a in shown if isinstance(a, ast.List) for e in a.elts]
            yield from ((node.lineno, "card") for a in shown if _wording(a))


def test_user_facing_literals_go_through_the_catalog():
    errors = _error_names()
    found = [f"{path.relative_to(ROOT)}:{line} {what}" for name, path, tree in ALL if name not in PENDING
             for line, what in untranslated(name, tree, errors)]
    assert found == []


def test_the_language_comes_from_the_locale_first_of_en_and_es():
    assert i18n.language_from_environment({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}) == "es"
    assert i18n.language_from_environment({"LC_ALL": "es_ES.UTF-8", "LANG": "en_GB"}) == "es"
    assert i18n.language_from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.language_from_environment({"LANG": "C.UTF-8", "LC_MESSAGES": "es_MX"}) == "es"
    assert i18n.language_from_environment({}) == "en"


def neurocar(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in i18n.ENVIRONMENT} | (env or {})
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=environ, timeout=120)


def test_help_in_spanish_with_lang_and_from_the_locale():
    for run in (neurocar("--lang", "es", "--help"), neurocar("--help", env={"LANG": "es_ES.UTF-8"})):
        assert run.returncode == 0
        assert run.stdout.startswith("uso: neurocar")
        assert "opciones:" in run.stdout and "muestra este mensaje de ayuda y sale" in run.stdout
        assert "usage" not in run.stdout and "show this help" not in run.stdout
    english = neurocar("--lang", "en", "--help", env={"LANG": "es_ES.UTF-8"})
    assert english.stdout.startswith("usage: neurocar") and "options:" in english.stdout


def test_argparse_errors_in_spanish():
    run = neurocar("--lang", "es", "train")
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1] == ("neurocar train: error: se requieren los siguientes argumentos: "
                                          "table, --out")
    assert neurocar("--lang", "es", "nada").stderr.splitlines()[-1].startswith(
        "neurocar: error: argumento COMANDO: opción no válida: 'nada' (elija entre ")


def test_a_bad_value_is_one_line_in_spanish(tmp_path):
    run = neurocar("--lang", "es", "train", str(tmp_path / "no.csv"), "--out", str(tmp_path / "b.json"),
                   "--epochs", "0")
    assert (run.returncode, run.stderr) == (2, "neurocar train: --epochs 0: debe ser un número entero, 1 o más\n")


def test_an_unknown_language_is_one_line():
    run = neurocar("--lang", "fr", "--help")
    assert (run.returncode, run.stderr) == (2, "neurocar: --lang fr: use en or es\n")


@pytest.fixture
def spanish(monkeypatch, tmp_path):
    """The window's language Spanish for one test, English (or what it was) again after."""
    monkeypatch.setenv("NEUROCAR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANGUAGE", os.environ.get("LANGUAGE", ""))
    before = i18n.language()
    i18n.set_language("es")
    yield
    i18n.set_language(before)


def test_the_window_speaks_spanish_and_its_help_fits_at_1280x720(spanish):
    app = App(realtime=False, restore=False, size=(1280, 720))
    try:
        check_layout(app, (1280, 720))
        app.text.drawn = []
        frames(app)
        shown = {text for text, _ in app.text.drawn}
        assert {"Tabla de entrenamiento", "Hiperparámetros", "Red", "Coste"} <= shown
        assert any(t.startswith("foco: mundo") for t in shown) and any("choques" in t for t in shown)
        key(pygame.K_h)
        app.text.drawn = []
        frames(app)
        help_shown = app.text.drawn
        texts = {text for text, _ in help_shown}
        assert {"neurocar — teclas", "En todas partes", "Tabla (foco)", "muestra u oculta esta ayuda"} <= texts
        assert "show or hide this help" not in texts
        screen = pygame.Rect((0, 0), (1280, 720))
        assert [(t, r) for t, r in help_shown if not screen.contains(r)] == []
    finally:
        app.close()
        pygame.quit()


def test_a_plain_install_ships_the_compiled_catalogs(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", "--prefix",
                    str(prefix), str(ROOT)], check=True, capture_output=True, timeout=600)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)}))
    code = "import brain.i18n as i; print(i.__file__); import simulator.cli as c; c.main(['--lang', 'es', '--help'])"
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(site)}, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    lines = run.stdout.splitlines()
    assert Path(lines[0]).is_relative_to(prefix)           # the installed copy, not the checkout
    assert lines[1].startswith("uso: neurocar") and "muestra este mensaje de ayuda y sale" in run.stdout
