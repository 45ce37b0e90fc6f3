from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record, audit_verify
from openprecinct.core.dashboard import tasks_for
from openprecinct.core.errors import ApplicationError
from openprecinct.core.geography import boundaries_geojson, station_houses_geojson
from openprecinct.core.models import AuditEntry


def act_and_return(
    request: HttpRequest, url: str, action: Callable[[], object], success: str = ""
) -> HttpResponse:
    """A form post's one service call: back to ``url`` with the service's refusal as an error
    message, or with ``success`` (if any) when it went through."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return HttpResponseRedirect(url)


def forbidden(request: HttpRequest, *, what: str = "") -> HttpResponse:
    """Refuse, and record the refusal. Used where a page (not a record) is off limits."""
    audit_record(
        action="access.denied",
        object_type="path",
        object_id=(what or request.path)[:64],
        outcome="denied",
    )
    return render(request, "403.html", status=403)


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    # The transparency portal's front-page section when the portal is installed.
    template = ["portal/front.html", "core/public_home.html"]
    return render(request, template, {"precinct": settings.OPENPRECINCT_PRECINCT})


# (title, text, url name, rule): the home page's cards, filtered by the user's rules.
HOME_CARDS = [
    (
        "Write a report",
        "Start an incident report and submit it for approval.",
        "records:create",
        perms.can_create_report,
    ),
    (
        "Incident records",
        "Search, filter and export the precinct's records.",
        "records:list",
        perms.can_view_records,
    ),
    (
        "Approvals",
        "Reports waiting for a supervisor's decision.",
        "records:approvals",
        lambda u: perms._has(u, *perms.SUPERVISORS),
    ),
    (
        "CompStat",
        "This week's numbers against last year's, by sector.",
        "insights:compstat",
        perms.can_view_compstat,
    ),
    (
        "Crime analysis",
        "Hotspots, forecasts and their backtests.",
        "insights:analysis",
        perms.can_run_analysis,
    ),
    (
        "Imports",
        "Load NYPD open data or another city's CSV; review quarantined rows.",
        "records:imports",
        perms.can_import_records,
    ),
    (
        "Precinct map",
        "The precinct, its sectors and station houses.",
        "core:map",
        perms.can_view_map,
    ),
    ("Users", "Roles, lock-outs and two-factor resets.", "accounts:users", perms.can_manage_users),
    (
        "Audit log",
        "Every sign-in and change, hash-chained.",
        "core:audit",
        perms.can_view_audit_log,
    ),
]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = getattr(user, "role", "")
    cards = []
    for title, text, name, rule in HOME_CARDS:
        if not rule(user):
            continue
        try:
            cards.append({"title": title, "text": text, "url": reverse(name)})
        except NoReverseMatch:
            continue
    context = {
        "role": role,
        "role_label": user.get_role_display() if role else "",  # type: ignore[union-attr]
        "cards": cards,
        "tasks": tasks_for(user),
    }
    return render(request, "core/home.html", context)


@require_GET
def map_view(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_map(request.user):
        return forbidden(request)
    return render(request, "core/map.html", {"precinct": settings.OPENPRECINCT_PRECINCT})


@require_GET
@cache_control(public=True, max_age=3600)
def boundaries(request: HttpRequest) -> JsonResponse:
    precinct = request.GET.get("precinct") or None
    return JsonResponse(boundaries_geojson(precinct=precinct))


@require_GET
@cache_control(public=True, max_age=3600)
def station_houses(request: HttpRequest) -> JsonResponse:
    return JsonResponse(station_houses_geojson())


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_audit_log(request.user):
        return forbidden(request)
    entries = AuditEntry.objects.order_by("-seq")[:200]
    verification = audit_verify() if request.GET.get("verify") else None
    return render(request, "core/audit.html", {"entries": entries, "verification": verification})


def _check_broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", None)
    if not url:
        return "not configured"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the broker is unreachable
        return "unavailable"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the job broker, when one is configured) answer, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    broker = _check_broker()
    ok = database == "ok" and broker in ("ok", "not configured")
    status = "ok" if ok else ("database unavailable" if database != "ok" else "broker unavailable")
    return JsonResponse(
        {"status": status, "database": database, "broker": broker}, status=200 if ok else 503
    )


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    import sys

    from openprecinct.core.resilience import DatabaseUnavailableMiddleware

    exc = sys.exc_info()[1]
    if exc is not None:  # a lost database (also in middleware, before any view): 503, plain
        unavailable = DatabaseUnavailableMiddleware(lambda r: HttpResponse()).process_exception(
            request, exc
        )
        if unavailable is not None:
            return unavailable
    return render(request, "500.html", status=500)
