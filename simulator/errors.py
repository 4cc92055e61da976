"""The error every layer raises for bad user input: printed as one line, exit status 2."""


class UserError(Exception):
    """Bad input from the user (a file, a value); the message names it and what is accepted."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that cleanup runs as for Ctrl-C (exit 143)."""
