"""argparse's own user-facing strings, exactly as CPython 3.11's Lib/argparse.py spells them.

Python ships no Spanish catalog for argparse, which looks these up with ``gettext.gettext``
in the global text domain; brain.i18n.set_language makes that domain neurocar's, so listing
them here puts them in neurocar's catalog. Nothing reads the tuple: it exists for ``make catalogs``'s
extraction.
"""
from brain.i18n import N_, ngettext

ARGPARSE_TEXT = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    ngettext("expected %s argument", "expected %s arguments", 2),
)
