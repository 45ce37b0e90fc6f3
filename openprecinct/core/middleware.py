from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from openprecinct.core import context

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by clients and cannot be trusted unless the
    # reverse proxy overwrites it, which the deployment guide configures as REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Make the acting user and address available to the audit log for this request.

    Routes that must not record who is calling (anonymous tips) set
    ``request.anonymous_route = True`` in a decorator; they are then logged with no address.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        ctx = context.ActorContext(
            user_id=user.pk if authenticated and user is not None else None,
            username=user.get_username() if authenticated and user is not None else "",
            ip_address=client_ip(request),
            source="api" if request.path.startswith("/api/") else "web",
            request_id=str(uuid.uuid4()),
        )
        token = context.set_current(ctx)
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy, and no caching of staff pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
