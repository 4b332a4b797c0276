"""The command line's own error: bad input from the user, printed as one line with exit status 2."""


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""
