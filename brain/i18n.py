"""User-facing text in the user's language: English (the msgids) and Spanish.

Catalogs live beside this module (``brain/locale/<lang>/LC_MESSAGES/neurocar.mo``, package
data), made by ``make catalogs``. Every layer imports ``_`` from here, as brain is the lowest.
What machines read (eval rows, JSON keys, table roles, decoders, file formats, telemetry,
key names) is never passed through ``_``; ``english()`` marks such literals for the check in
tests/test_i18n.py. Text kept in module constants is marked with ``N_`` and translated with
``_`` where it is shown, so that the language can change after import.
"""
import gettext
import os
from pathlib import Path

from brain.errors import SettingError

DOMAIN = "neurocar"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "es")
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")   # gettext's own order

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _load(language: str) -> None:
    global _translation, _language
    _translation = gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[language], fallback=True)
    _language = language


def language_from_environment(environ=None) -> str:
    """The first of en/es that the locale asks for; English when it asks for neither."""
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable)
        if not value:
            continue
        for wanted in value.split(":"):
            code = wanted.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
        if variable != "LANGUAGE":          # LANGUAGE may list only others; the rest decide
            return "en"
    return "en"


def set_language(language: str | None = None) -> str:
    """Use ``language`` (en or es), or the locale's when None; returns the one in use.

    argparse looks its own strings ("usage: ", "error: ", ...) up with ``gettext.gettext``,
    the global text domain, so neurocar's domain is made the global one and LANGUAGE is set:
    argparse's lines then come from this catalog too."""
    language = language or language_from_environment()
    if language not in LANGUAGES:
        raise SettingError(_("--lang {language}: use en or es").format(language=language))
    _load(language)
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    return language


def language_option(argv) -> tuple[str | None, list[str]]:
    """(the language of a ``--lang X`` or ``--lang=X`` in ``argv``, or None; ``argv`` without
    it): read before any parser is built, so that its help comes in that language."""
    argv, chosen = list(argv), None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
            del argv[i:i + 2]
            break
        if arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
            del argv[i]
            break
    return chosen, argv


def language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (module constants)."""
    return message


def english(message: str) -> str:
    """Mark ``message`` as read by machines or kept in English on purpose: never translated."""
    return message


_load(language_from_environment())        # the locale's until set_language says otherwise
