from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from openprecinct.accounts.permissions import can_use_staff_pages


class IsVerifiedStaff(BasePermission):
    """Deny by default: a staff account that passed the second factor (session or token)."""

    message = "Sign in with two-factor authentication (session) or an API token."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not can_use_staff_pages(user):
            return False
        if isinstance(request.auth, Token):
            return True  # tokens are issued only after the password and a TOTP code
        return bool(getattr(user, "is_verified", lambda: False)())


class PublicReadOnly(BasePermission):
    """For ``/api/v1/public/`` only: anyone may read, nobody may write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS")
