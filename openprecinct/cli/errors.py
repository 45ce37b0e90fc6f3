"""The one error type the command line turns into a one-line message."""

from __future__ import annotations


class CLIError(Exception):
    """A problem the user can fix; printed as ``Error: <message>`` with exit status ``code``."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
