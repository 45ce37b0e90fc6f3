"""API authentication: verified browser sessions, or expiring tokens issued after 2FA."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request

from openprecinct.core import context


def _bind_actor(request: Request, user: Any) -> None:
    current = context.current()
    context.set_current(
        context.ActorContext(
            user_id=user.pk,
            username=user.get_username(),
            ip_address=current.ip_address,
            source="api",
            request_id=current.request_id,
        )
    )


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts only after the second factor (django-otp's ``is_verified``)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not user.is_verified():
            return None
        return result


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; tokens last ``OPENPRECINCT_API_TOKEN_HOURS`` hours."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        max_age = timedelta(hours=settings.OPENPRECINCT_API_TOKEN_HOURS)
        if token.created < timezone.now() - max_age:
            token.delete()
            raise exceptions.AuthenticationFailed("Token expired: request a new one.")
        if getattr(user, "locked_at", None) is not None:
            raise exceptions.AuthenticationFailed("Account locked: ask an administrator.")
        return user, token

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            _bind_actor(request, result[0])
        return result
