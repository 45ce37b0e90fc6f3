"""When the database is unreachable: a generic 503 (retry later), never a 500 or a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger("openprecinct.resilience")


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into 503 with ``Retry-After``; the next request
    reconnects (Django drops unusable connections, ``CONN_HEALTH_CHECKS`` checks reused ones)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable on %s %s: %s", request.method, request.path, exception)
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        message = "The database is unavailable for a moment. Try again in a few seconds."
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"error": {"code": "unavailable", "message": message, "details": {}}}, status=503
            )
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
