"""The error every layer raises for bad user input: printed as one line, exit status 2."""


class UserError(Exception):
    """Bad input from the user (a file, a value); the message names it and what is accepted."""
