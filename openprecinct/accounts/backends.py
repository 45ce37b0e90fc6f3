from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class LockoutAwareBackend(ModelBackend):
    """Django's model backend, refusing locked accounts even with the right password."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None
