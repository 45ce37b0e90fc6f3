from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

CONTEXT_WORDS = ("openprecinct", "precinct", "nypd", "police", "staten", "stgeorge", "password")


class ContextWordValidator:
    """Refuse passwords built on words an attacker would try first here."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = "".join(ch for ch in password.lower() if ch.isalnum())
        for word in CONTEXT_WORDS:
            if word in folded:
                raise ValidationError(
                    f"Choose a password that does not contain the word '{word}'.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password can't contain the name of the precinct, the department or the app."
