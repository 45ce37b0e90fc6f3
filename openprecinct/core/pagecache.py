"""Whole-page cache for anonymous public pages (portal, public API), keyed by a data version.

The portal's pages are aggregates of thousands of records and identical for every visitor.
A page is cached when the request is an anonymous GET without cookies and the response is a
200 that sets no cookie (so no form with a CSRF token, no session): every request without
cookies gets the same page, whatever ``Vary: Cookie`` says. The key includes the audit log's sequence number: every change to any record writes
an audit entry, so a page is never served from before the latest change. Entries also expire
after ``PUBLIC_PAGE_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

PUBLIC_PREFIXES = ("/portal/", "/api/v1/public/")


def data_version() -> int:
    from openprecinct.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(id=1).values_list("seq", flat=True).first()
    return int(head or 0)


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)
        path = request.path
        if (
            not seconds
            or request.method != "GET"
            or request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or not (path == "/" or path.startswith(PUBLIC_PREFIXES))
        ):
            return self.get_response(request)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{data_version()}:{digest}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type, headers = hit
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies  # a form's CSRF cookie, a session: never shared
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        ):
            keep = [
                (n, v)
                for n, v in response.items()
                if n.lower() in ("cache-control", "content-disposition", "x-robots-tag")
            ]
            cache.set(key, (response.content, response["Content-Type"], keep), seconds)
        return response
