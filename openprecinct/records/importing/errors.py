"""The two ways an import says no: to the whole file, or to one row."""

from __future__ import annotations


class ImportFileError(Exception):
    """The file cannot be imported at all; the message is one line saying what is wrong.

    Raised before any row is written (unreadable, empty, not CSV, missing columns, bad
    mapping), or when the file turns out to be broken part-way (then only complete batches
    were written, and re-running the import after fixing the file resumes idempotently).
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class RowError(ValueError):
    """One row is refused: ``code`` is the reason counted in the summary, ``message`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
