"""One error shape for every API response: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError


def _message(detail: Any) -> str:
    if isinstance(detail, dict):
        return "Some fields are not valid: " + ", ".join(sorted(str(k) for k in detail))
    if isinstance(detail, list):
        return "; ".join(str(item) for item in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(
            {"error": {"code": "rule_violation", "message": exc.message, "details": exc.extra}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, OverflowError | DataError):
        # A number or text the database cannot store (a 30-digit id, say) is the caller's
        # mistake, not a server error; serializers should bound their fields, this is the net.
        return Response(
            {
                "error": {
                    "code": "out_of_range",
                    "message": "A value is too large or too long to be stored.",
                    "details": {},
                }
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(
        exc,
        exceptions.PermissionDenied | exceptions.NotAuthenticated | exceptions.AuthenticationFailed,
    ):
        request = context.get("request")
        audit_record(
            action="access.denied",
            object_type="api",
            object_id=(request.path if request is not None else "")[:64],
            outcome="denied",
            details={"reason": type(exc).__name__},
        )
    detail = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    response.data = {
        "error": {
            "code": code,
            "message": _message(
                detail.get("detail", detail) if isinstance(detail, dict) else detail
            ),
            "details": detail if isinstance(detail, dict) and "detail" not in detail else {},
        }
    }
    return response
