"""Errors a user can cause. Each carries one message meant to be printed as it is."""


class BrainError(Exception):
    """Bad input to the brain package: a table, a brain file, a setting."""


class TableError(BrainError):
    """A training table that cannot be used."""


class BrainFileError(BrainError):
    """A brain file that cannot be read, or does not fit its table."""


class TrainingError(BrainError):
    """Training that cannot start or cannot go on."""
