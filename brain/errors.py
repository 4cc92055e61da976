"""The one root of every error a user can cause, and its kinds.

Each carries one message meant to be printed as it is: the command line prints it as one
line and exits 2, the window shows it. Any other exception is a bug in neurocar."""


class NeurocarError(Exception):
    """Bad input from the user (a file, a value, a setting); the message names it and
    what is accepted."""


class TableError(NeurocarError):
    """A training table that cannot be used."""


class BrainFileError(NeurocarError):
    """A brain file that cannot be read, or does not fit its table."""


class TrainingError(NeurocarError):
    """Training that cannot start or cannot go on."""


class SettingError(NeurocarError):
    """A command-line option or setting outside what it accepts."""


class FixedPointError(NeurocarError):
    """A brain that the int16 fixed-point network cannot hold or compute."""
