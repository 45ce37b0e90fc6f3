"""Deny by default: every non-public page needs a signed-in, two-factor-verified, live session."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from openprecinct.core.audit import audit_record

Handler = Callable[[HttpRequest], HttpResponse]

# Reachable by anyone. Everything else needs a verified staff session (or an API token,
# which the API's own authentication checks).
PUBLIC_PREFIXES = ("/static/", "/portal/", "/api/v1/public/", "/healthz", "/accounts/login/")
# /metrics does its own check (a token, or loopback only): openprecinct/core/metrics.py
PUBLIC_EXACT = ("/", "/favicon.ico", "/robots.txt", "/metrics")
# Reachable after the password step, before the second factor.
SECOND_STEP_PREFIXES = ("/accounts/2fa/", "/accounts/logout/")
AUTH_AT = "op_auth_at"
LAST_SEEN = "op_last_seen"


def is_public_path(path: str) -> bool:
    return path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": {}}}, status=status)


def session_mark_authenticated(request: HttpRequest) -> None:
    now = timezone.now().timestamp()
    request.session[AUTH_AT] = now
    request.session[LAST_SEEN] = now


class SessionExpiryMiddleware:
    """End a session after 30 minutes idle or 12 hours since sign-in, whatever the cookie says."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
            reason = self._expired_reason(request)
            if reason:
                audit_record(
                    action="auth.session_expired",
                    obj=user,
                    details={"reason": reason},
                    actor_id=user.pk,
                    actor_username=user.get_username(),
                )
                logout(request)
                if _is_api(request.path):
                    return _api_error(401, "session_expired", f"Session ended: {reason}.")
                query = urlencode({"next": request.get_full_path(), "expired": reason})
                return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
            request.session[LAST_SEEN] = timezone.now().timestamp()
        return self.get_response(request)

    @staticmethod
    def _expired_reason(request: HttpRequest) -> str:
        now = timezone.now().timestamp()
        user = request.user
        if getattr(user, "locked_at", None) is not None or not user.is_active:
            return "account locked or disabled"
        auth_at = request.session.get(AUTH_AT)
        last_seen = request.session.get(LAST_SEEN)
        if auth_at is None or last_seen is None:
            return "sign-in time unknown"
        if now - last_seen > settings.OPENPRECINCT_SESSION_IDLE_SECONDS:
            return "idle for more than 30 minutes"
        if now - auth_at > settings.OPENPRECINCT_SESSION_ABSOLUTE_SECONDS:
            return "signed in for more than 12 hours"
        return ""


class StaffTwoFactorMiddleware:
    """Only public pages before sign-in; only the second-factor pages before the second factor."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if is_public_path(path):
            return self.get_response(request)
        user = request.user
        if _is_api(path) and "HTTP_AUTHORIZATION" in request.META:
            return self.get_response(request)  # token requests: the API authenticates them
        if not user.is_authenticated:
            if _is_api(path):
                if path.startswith("/api/v1/auth/"):
                    return self.get_response(request)
                return _api_error(401, "not_authenticated", "Sign in with a token or a session.")
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
        if path.startswith(SECOND_STEP_PREFIXES):
            return self.get_response(request)
        if not user.is_verified():  # type: ignore[union-attr]
            audit_record(
                action="access.denied_without_2fa",
                object_type="path",
                object_id=path[:64],
                outcome="denied",
            )
            if _is_api(path):
                return _api_error(403, "two_factor_required", "Complete two-factor sign-in first.")
            return HttpResponseRedirect(reverse("accounts:2fa_verify"))
        return self.get_response(request)
