"""Prometheus metrics at ``/metrics``: requests, latency, jobs, database reachability.

Deny by default. With ``OPENPRECINCT_METRICS_TOKEN`` set, a scrape must send
``Authorization: Bearer <token>``; without it, only direct requests from the loopback interface
(no X-Forwarded-For, i.e. not relayed by the reverse proxy) are answered. Everyone else gets the
same 404 as for a page that does not exist.

Under gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory
(prometheus-client's multiprocess mode) so that a scrape sums every worker.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "openprecinct_http_requests_total",
    "HTTP requests answered, by method, route and status class.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "openprecinct_http_request_duration_seconds",
    "Time to answer a request, by route.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10),
)
LOOPBACK = {"127.0.0.1", "::1"}


class MetricsMiddleware:
    """Count and time every request under its URL pattern (not the raw path: bounded labels)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else "unmatched"
        route = route[:100]
        REQUESTS.labels(request.method or "", route, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        return response


class _StateCollector:
    """Read at scrape time: jobs by status, database reachable."""

    def collect(self):  # type: ignore[no-untyped-def]
        from django.db import connection
        from django.db.models import Count

        from openprecinct.core.jobs.models import Job

        up = GaugeMetricFamily("openprecinct_database_up", "1 when the database answers.")
        jobs = GaugeMetricFamily(
            "openprecinct_jobs", "Background jobs by status.", labels=["status"]
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            counts = dict(
                Job.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
            )
            up.add_metric([], 1)
            for status in Job.Status.values:
                jobs.add_metric([status], counts.get(status, 0))
        except Exception:  # noqa: BLE001 - a scrape reports the outage rather than failing
            up.add_metric([], 0)
        yield up
        yield jobs


def _allowed(request: HttpRequest) -> bool:
    token = settings.OPENPRECINCT_METRICS_TOKEN
    if token:
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else ""
        return bool(given) and hmac.compare_digest(given.encode(), token.encode())
    relayed = "X-Forwarded-For" in request.headers or "X-Real-Ip" in request.headers
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not relayed


def metrics_view(request: HttpRequest) -> HttpResponse:
    if request.method != "GET" or not _allowed(request):
        raise Http404("Page not found")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_StateCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
