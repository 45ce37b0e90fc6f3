"""One error type for rule violations raised by services; views turn it into a 4xx."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule said no. ``message`` is safe to show to the user."""

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class TransitionNotAllowed(ApplicationError):
    """A state change that the transition table does not allow."""
