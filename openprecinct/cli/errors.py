"""The one error type the command line turns into a one-line message."""

from __future__ import annotations


class CLIError(Exception):
    """A problem the user can fix; printed as ``Error: <message>`` with exit status ``code``."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        # One line, whatever the cause said: pandas' parser errors end in a newline.
        super().__init__(" ".join(str(message).split()))
        self.code = code
