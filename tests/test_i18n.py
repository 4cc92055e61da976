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
PROSE = re.compile(r"[a-z]{2,} [a-z]{2,} [a-z]{2,}")     # a sentence's words (not a command, file or format name)
NAME = "neurocar"                                         # the program's name is the same in every language
# the window's text calls, its message line (report, say, error) and its title bar
DRAWING = {"draw", "render", "fit", "width", "wrap", "wrap_at_most", "say", "error", "report", "set_caption"}
SHOWN_KEYWORDS = {"note", "title_note", "action"}          # keyword arguments the window draws
CARDS = {"Prompt": (0, 1), "Choice": (1,), "section": (3,)}     # a card's title, lines and choices
# The telemetry format's line errors are only counted (telemetry_log skips such lines), never shown.
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
    """A literal (or a sum, choice, join or format of literals, or an f-string) with words in
    it, not passed to _()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(WORDS.search(node.value.replace(NAME, "")))
    if isinstance(node, ast.JoinedStr):
        return any(_wording(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values)
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Div):       # path / "name.ino" is a file
        return _wording(node.left) or _wording(node.right)
    if isinstance(node, ast.IfExp):
        return _wording(node.body) or _wording(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_wording(v) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return _wording(node.func.value)
    return False


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _lines(node) -> bool:
    """A (text, th.COLOUR) pair: a line that a card, legend or box draws."""
    return (isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Attribute)
            and _name(node.elts[1].value) == "th" and _wording(node.elts[0]))


def _constants(tree) -> set:
    """The module's constants that hold a sentence without N_() (a message's part when formatted in)."""
    return {t.id for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            and PROSE.search(str(node.value.value)) for t in node.targets if isinstance(t, ast.Name)}


def _formatted_in(node, constants: set):
    """The unmarked constants and words a _("...").format(...) call puts into a translated message."""
    if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Call) \
            and _name(node.func.value.func) == "_":
        values = node.args + [k.value for k in node.keywords]
        return [f"constant {a.id}" for a in values if isinstance(a, ast.Name) and a.id in constants] + \
            ["formatted in" for a in values if _wording(a)]
    return []


def _raised(node, errors: set) -> bool:
    """A user error raised with untranslated words: a NeurocarError, or a class passed in (``error``)."""
    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
        return False
    func = node.exc.func
    known = _name(func) in errors or isinstance(func, ast.Name) and func.id[:1].islower()
    return known and any(_wording(a) for a in node.exc.args[:1])


def _shown_in_window(node) -> list:
    """What a call in the window draws, says or shows on a card without _()."""
    found = []
    if _name(node.func) in DRAWING and isinstance(node.func, ast.Attribute):
        found += ["drawn" for a in node.args if _wording(a)]
        found += [k.arg for k in node.keywords if k.arg in SHOWN_KEYWORDS and _wording(k.value)]
    if _name(node.func) in CARDS:
        shown = [node.args[i] for i in CARDS[_name(node.func)] if i < len(node.args)]
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        shown += [e for a in shown if isinstance(a, ast.List) for e in a.elts]
        found += ["card" for a in shown if _wording(a)]
    return found


def untranslated(module: str, tree, errors: set, printed: frozenset = frozenset()):
    """(line, what) for each user-facing literal in ``tree`` that does not go through _()."""
    gui, constants = module.startswith("simulator.gui"), _constants(tree)
    for node in ast.walk(tree):
        if _raised(node, errors):
            yield node.lineno, "raise"
        if isinstance(node, ast.FormattedValue) and any(isinstance(c, ast.Call) and _name(c.func) in TRANSLATING
                                                        and c.args and isinstance(c.args[0], ast.Constant)
                                                        for c in ast.walk(node.value)):
            yield node.lineno, "_() in an f-string"         # pybabel does not look inside f-strings: never extracted
        if gui and _lines(node):
            yield node.lineno, "line"
        if gui and isinstance(node, ast.Assign) and any(_name(t) == "error" for t in node.targets) \
                and _wording(node.value):
            yield node.lineno, "error"
        if isinstance(node, ast.FunctionDef) and node.name in printed:       # its lines, returned to a print
            marked = {id(m) for c in ast.walk(node) if isinstance(c, ast.Call) and _name(c.func) in TRANSLATING
                      for m in ast.walk(c)}
            yield from ((r.lineno, "printed") for r in ast.walk(node) if id(r) not in marked and (
                isinstance(r, ast.JoinedStr) and _wording(r)
                or isinstance(r, ast.Return) and r.value is not None and _wording(r.value)))
        if not isinstance(node, ast.Call):
            continue
        yield from ((node.lineno, k.arg) for k in node.keywords
                    if k.arg in ("help", "description", "epilog") and _wording(k.value))
        yield from ((node.lineno, what) for what in _formatted_in(node, constants))
        if _name(node.func) in ("read_text", "read_json") and any(_wording(a) for a in node.args[1:2]):
            yield node.lineno, "file kind"                  # named in the reader's errors
        if _name(node.func) == "print" and module.startswith("simulator.cli"):
            yield from ((node.lineno, "print") for a in node.args if _wording(a))
        if gui:
            yield from ((node.lineno, what) for what in _shown_in_window(node))


def printed_functions() -> frozenset:
    """The functions whose results the command line prints: print(f(...)) in simulator.cli."""
    cli = [tree for name, _path, tree in ALL if name.startswith("simulator.cli") and name not in PENDING]
    return frozenset(_name(c.func) for tree in cli
                     for node in ast.walk(tree) if isinstance(node, ast.Call) and _name(node.func) == "print"
                     for a in node.args for c in ast.walk(a) if isinstance(c, ast.Call)) - {"_", "format", "join"}


def test_user_facing_literals_go_through_the_catalog():
    errors, printed = _error_names(), printed_functions()
    found = [f"{path.relative_to(ROOT)}:{line} {what}" for name, path, tree in ALL if name not in PENDING
             for line, what in untranslated(name, tree, errors, printed)]
    assert found == []


# What the check finds: each pattern that once showed English in Spanish (module, code) ...
CAUGHT = [
    ("simulator.gui.worldedit", 'self.hooks.report(f"the {new.type} is {size} now ([ shrinks, ] grows)")'),
    ("simulator.gui.global_commands", 'app.state.say("paused: N steps" if paused else "running")'),
    ("simulator.gui.replay_cards", 'lines = [(f"profile hash {h.profile_hash} ", th.TEXT)]'),
    ("simulator.gui.replay_cards", 'text.draw(surface, f"{\'left\' if left else \'right\'} {deg}°", at)'),
    ("simulator.gui.replay_timeline", 'section(surface, text, rect, _("Timeline"), note=f"x{s:g} · click a tick")'),
    ("simulator.gui.app", 'view.draw(screen, text, box, title_note=f"{name} · {n} rows")'),
    ("simulator.gui.dialogs", 'self.error = f"{n} names hold {name!r}: type more"'),
    ("simulator.gui.replay_window", 'pygame.display.set_caption(f"neurocar replay · {run.name}")'),
    ("simulator.cli.training", 'print(f"training: epoch {e}/{total}" if curve else "", end="")'),
    ("simulator.cli.eval_summary", 'def format_summary(s):\n    return "\\n".join([f"brain {b}: {n} episodes"])'),
    ("brain.fileio", 'raise error(f"{path}: no such {kind}") from None'),
    ("simulator.gui.files", 'data = read_json(path, "file", NeurocarError, OPEN_EXPECTED)'),
    ("simulator.gui.replay_source",
     'ACCEPTED = "a telemetry log from a sketch"\nraise E(_("{p}: expected {a}").format(p=p, a=ACCEPTED))'),
    ("simulator.gui.session", 'say(_("discarded{value}").format(value=f" (the one before stays as {name})"))'),
    ("brain.report", 'table = f"{prov.get(\'table\', _(\'an unnamed table\'))}"'),
]
# ... and what machines read, or names kept as they are, which it leaves alone.
LEFT_ALONE = [
    ("simulator.cli.eval_summary", 'def format_summary(s):\n    return json.dumps({"world": s["world"]})'),
    ("simulator.gui.tablefor", 'Table(columns, inputs, targets, labels, f"{stem}_decisions.csv", ["a comment"])'),
    ("simulator.gui.files", 'app.state.say(_("sketch: {value}").format(value=folder / (name + ".ino")))'),
    ("simulator.cli.video",
     'INSTALL = "pip install \'neurocar[video]\'"\nraise VideoError(_("needs {INSTALL}").format(INSTALL=INSTALL))'),
    ("simulator.calibration_profile", 'def old_and_new(p):\n    return [english(f"drive.{k}") for k in p]'),
    ("simulator.gui.app", 'pygame.display.set_caption("neurocar")'),
    ("simulator.gui.replay_cards", 'lines = [(f"{_(run.kind)}: {run.name}", th.TEXT)]'),
]


@pytest.mark.parametrize("module, code", CAUGHT, ids=[m for m, _c in CAUGHT])
def test_the_check_finds_english_shown_to_people(module, code):
    assert list(untranslated(module, ast.parse(code), {"E"}, frozenset({"format_summary", "old_and_new"})))


@pytest.mark.parametrize("module, code", LEFT_ALONE, ids=[m for m, _c in LEFT_ALONE])
def test_the_check_leaves_what_machines_read_alone(module, code):
    assert list(untranslated(module, ast.parse(code), {"E"}, frozenset({"format_summary", "old_and_new"}))) == []


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
