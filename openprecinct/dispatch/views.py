"""Dispatch pages: the dispatcher's console, a call's page, the officer's phone view, BOLOs,
response times and patrol allocation. Views parse, call one service or selector, render."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import forbidden
from openprecinct.dispatch import analysis, selectors, services
from openprecinct.dispatch.models import (
    Bolo,
    Call,
    CallType,
    Disposition,
    Hazard,
    HazardCategory,
    Priority,
    Source,
    TimelineEntry,
    Unit,
    UnitStatus,
)

DISPATCHER_UNIT_ACTIONS = [
    ("sign_on", "Sign on"),
    ("en_route", "En route"),
    ("arrive", "On scene"),
    ("transport", "Transporting"),
    ("clear", "Clear"),
    ("busy", "Busy"),
    ("out_of_service", "Out of service"),
    ("back_in_service", "Back in service"),
    ("resolve_emergency", "Resolve emergency"),
    ("sign_off", "Sign off"),
]
MDT_BUTTONS = [
    ("en_route", "En route"),
    ("arrive", "On scene"),
    ("transport", "Transporting"),
    ("busy", "Busy"),
    ("out_of_service", "Out of service"),
    ("back_in_service", "Back in service"),
]


def _float(value: str | None, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise ApplicationError(f"The {name} must be a number, like 40.6437.") from None


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not target.startswith("/dispatch/"):
        target = default
    return HttpResponseRedirect(target)


def _panels_context(request: HttpRequest) -> dict[str, Any]:
    units = list(selectors.unit_board())
    queue = selectors.call_queue()
    available = [u for u in units if u.status == UnitStatus.AVAILABLE]
    rows = [(call, selectors.recommend_unit(call, available)) for call in queue]
    return {
        "queue": rows,
        "active": list(selectors.active_calls()),
        "units": units,
        "available": available,
        "unit_actions": DISPATCHER_UNIT_ACTIONS,
        "dispositions": Disposition.choices,
        "now": timezone.now(),
        "generated": Call.objects.filter(is_generated=True).exists(),
    }


# --- the console ------------------------------------------------------------------------------
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    if not perms.can_dispatch(request.user):
        return forbidden(request)
    context = _panels_context(request)
    context.update(
        {
            "priorities": Priority.choices,
            "call_types": CallType.objects.filter(self_initiated=False).order_by("-count_2024")[
                :120
            ],
        }
    )
    return render(request, "dispatch/console.html", context)


@require_GET
def console_panels(request: HttpRequest) -> HttpResponse:
    """The queue, active calls and unit board alone, for the page's live refresh."""
    if not perms.can_dispatch(request.user):
        return forbidden(request)
    return render(request, "dispatch/_panels.html", _panels_context(request))


@require_GET
def console_map(request: HttpRequest) -> JsonResponse:
    if not perms.can_dispatch(request.user):
        return JsonResponse({"error": "forbidden"}, status=403)
    calls = [
        {
            "id": c.pk,
            "number": c.number,
            "lat": c.latitude,
            "lon": c.longitude,
            "priority": c.priority,
            "status": c.status,
            "label": f"{c.number} {c.call_type.description}",
        }
        for c in [*selectors.call_queue(), *selectors.active_calls()]
        if c.latitude is not None
    ]
    units = [
        {"call_sign": u.call_sign, "lat": u.latitude, "lon": u.longitude, "status": u.status}
        for u in selectors.unit_board()
        if u.latitude is not None
    ]
    return JsonResponse({"calls": calls, "units": units})


@require_POST
def call_create(request: HttpRequest) -> HttpResponse:
    if not perms.can_dispatch(request.user):
        return forbidden(request)
    p = request.POST
    try:
        call = services.call_create(
            actor=request.user,  # type: ignore[arg-type]
            call_type_code=p.get("call_type", ""),
            address=p.get("address", ""),
            latitude=_float(p.get("latitude"), "latitude"),
            longitude=_float(p.get("longitude"), "longitude"),
            priority=p.get("priority") or None,
            caller_name=p.get("caller_name", ""),
            caller_callback=p.get("caller_callback", ""),
            remarks=p.get("remarks", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("dispatch:console"))
    messages.success(request, f"Call {call.number} entered ({call.get_priority_display()}).")
    return HttpResponseRedirect(reverse("dispatch:console"))


def _call_or_404(request: HttpRequest, call_id: int) -> Call:
    return selectors.call_get(user=request.user, call_id=call_id)  # type: ignore[arg-type]


@require_POST
def call_assign(request: HttpRequest, call_id: int) -> HttpResponse:
    if not perms.can_dispatch(request.user):
        return forbidden(request)
    call = _call_or_404(request, call_id)
    unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
    try:
        if unit is None:
            raise ApplicationError("Choose a unit to assign.")
        services.call_assign(actor=request.user, call=call, unit=unit)  # type: ignore[arg-type]
        messages.success(request, f"{unit} assigned to {call.number}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("dispatch:console"))


@require_GET
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call_or_404(request, call_id)
    user = request.user
    history = selectors.premise_history(user=user, call=call)  # type: ignore[arg-type]
    can_dispatch = perms.can_dispatch(user)
    return render(
        request,
        "dispatch/call_detail.html",
        {
            "call": call,
            "timeline": TimelineEntry.objects.filter(call=call).select_related("actor", "unit"),
            "assignments": call.assignments.select_related("unit").prefetch_related("crew"),
            "duplicates": call.duplicates.all(),
            "history": history,
            "can_dispatch": can_dispatch,
            "can_flag": perms.can_flag_hazard(user),
            "available": Unit.objects.filter(status=UnitStatus.AVAILABLE),
            "recommendation": selectors.recommend_unit(call) if can_dispatch else None,
            "dispositions": Disposition.choices,
            "priorities": Priority.choices,
            "hazard_categories": HazardCategory.choices,
            "open_events": Call.objects.filter(
                status__in=["pending", "dispatched", "en_route", "on_scene", "dispositioned"],
                duplicate_of__isnull=True,
            ).exclude(pk=call.pk)[:50],
        },
    )


@require_POST
def call_action(request: HttpRequest, call_id: int, action: str) -> HttpResponse:
    """Dispose, cancel, re-open, mark duplicate, change priority, add a remark."""
    call = _call_or_404(request, call_id)
    p = request.POST
    user: Any = request.user
    try:
        if action == "dispose":
            services.call_dispose(
                actor=user,
                call=call,
                disposition=p.get("disposition", ""),
                report_number=p.get("report_number", ""),
            )
        elif action == "cancel":
            services.call_cancel(actor=user, call=call, reason=p.get("reason", ""))
        elif action == "reopen":
            services.call_reopen(actor=user, call=call, reason=p.get("reason", ""))
        elif action == "duplicate":
            target = Call.objects.filter(number=p.get("event", "").strip()).first()
            if target is None:
                raise ApplicationError("Give the number of the event this call duplicates.")
            services.call_attach_duplicate(actor=user, call=call, to=target)
        elif action == "priority":
            services.call_change_priority(
                actor=user, call=call, priority=p.get("priority", ""), reason=p.get("reason", "")
            )
        elif action == "remark":
            services.call_add_remark(
                actor=user,
                call=call,
                text=p.get("text", ""),
                source=Source.MDT if not perms.can_dispatch(user) else Source.CAD,
            )
        elif action == "hazard":
            services.hazard_create(
                actor=user,
                address=p.get("address", "") or call.address,
                category=p.get("category", ""),
                guidance=p.get("guidance", ""),
                source=p.get("source", "") or f"call {call.number}",
                latitude=call.latitude,
                longitude=call.longitude,
            )
        else:
            raise Http404
        messages.success(request, "Saved.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("dispatch:call", args=[call.pk]))


@require_POST
def unit_status(request: HttpRequest, unit_id: int) -> HttpResponse:
    user: Any = request.user
    if not (perms.can_dispatch(user) or perms.can_use_mobile_view(user)):
        return forbidden(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    p = request.POST
    source = Source.CAD if perms.can_dispatch(user) else Source.MDT
    try:
        services.unit_status_update(
            actor=user,
            unit=unit,
            action=p.get("action", ""),
            disposition=p.get("disposition", ""),
            report_number=p.get("report_number", ""),
            source=source,
        )
        unit.refresh_from_db()
        messages.success(request, f"{unit}: {unit.get_status_display()}.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    default = reverse("dispatch:console" if source == Source.CAD else "dispatch:mobile")
    return _back(request, default)


@require_GET
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's own timeline: every status it had, when, who pressed it and from where."""
    if not perms.can_dispatch(request.user):
        return forbidden(request)
    unit = get_object_or_404(Unit.objects.prefetch_related("members"), pk=unit_id)
    timeline = (
        TimelineEntry.objects.filter(unit=unit)
        .select_related("call", "actor")
        .order_by("-at", "-id")[:200]
    )
    return render(request, "dispatch/unit_detail.html", {"unit": unit, "timeline": timeline})


# --- the officer's phone ----------------------------------------------------------------------
@require_GET
def mobile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not perms.can_use_mobile_view(user):
        return forbidden(request)
    assignment = selectors.current_assignment_for(user)
    unit = assignment.unit if assignment else selectors.unit_for(user)
    call = assignment.call if assignment else None
    query = request.GET.get("q", "").strip()
    hits: list[Bolo] = []
    results: dict[str, Any] = {}
    if query:
        hits = services.record_query(actor=user, query=query)
        results = analysis.query_records(user=user, query=query)
    return render(
        request,
        "dispatch/mobile.html",
        {
            "unit": unit,
            "assignment": assignment,
            "call": call,
            "history": selectors.premise_history(user=user, call=call) if call else None,
            "bolos": list(selectors.live_bolos()[:20]),
            "query": query,
            "hits": hits,
            "results": results,
            "buttons": MDT_BUTTONS,
            "dispositions": Disposition.choices,
            "self_types": CallType.objects.filter(self_initiated=True).order_by("-count_2024")[:12],
        },
    )


@require_POST
def mobile_self_initiate(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not perms.can_use_mobile_view(user):
        return forbidden(request)
    unit = selectors.unit_for(user)
    try:
        if unit is None:
            raise ApplicationError("You are not on a unit's crew: ask the dispatcher.")
        call = services.call_create_self_initiated(
            actor=user,
            unit=unit,
            call_type_code=request.POST.get("call_type", ""),
            address=request.POST.get("address", ""),
            remarks=request.POST.get("remarks", ""),
        )
        messages.success(request, f"Self-initiated event {call.number} started.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("dispatch:mobile"))


@require_GET
def mobile_map(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not perms.can_use_mobile_view(user):
        return forbidden(request)
    unit = selectors.unit_for(user)
    return render(request, "dispatch/mobile_map.html", {"unit": unit})


# --- BOLOs ------------------------------------------------------------------------------------
def bolos(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (perms.can_dispatch(user) or perms.can_flag_hazard(user)):
        return forbidden(request)
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("cancel"):
                services.bolo_cancel(actor=user, bolo=get_object_or_404(Bolo, pk=p["cancel"]))
            else:
                services.bolo_create(
                    actor=user,
                    kind=p.get("kind", ""),
                    name=p.get("name", ""),
                    plate=p.get("plate", ""),
                    description=p.get("description", ""),
                    reason=p.get("reason", ""),
                    armed_and_dangerous=bool(p.get("armed_and_dangerous")),
                    case_number=p.get("case_number", ""),
                    hours=int(p.get("hours") or 72),
                )
            messages.success(request, "Saved.")
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "Hours must be a whole number."))
        return HttpResponseRedirect(reverse("dispatch:bolos"))
    return render(
        request,
        "dispatch/bolos.html",
        {"bolos": selectors.live_bolos().select_related("created_by"), "kinds": Bolo.Kind.choices},
    )


# --- hazard flags -----------------------------------------------------------------------------
def hazards(request: HttpRequest) -> HttpResponse:
    """Every live hazard flag with its source, author and review date; overdue ones first.
    Unreviewed flags are a bias and liability risk, so supervisors keep or retire them here."""
    user: Any = request.user
    if not (perms.can_review_hazards(user) or perms.can_flag_hazard(user)):
        return forbidden(request)
    if request.method == "POST":
        hazard = get_object_or_404(Hazard, pk=request.POST.get("hazard") or 0)
        try:
            services.hazard_review(actor=user, hazard=hazard, keep=request.POST.get("keep") == "1")
            messages.success(request, "Reviewed.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("dispatch:hazards"))
    today = timezone.localdate()
    flags = (
        Hazard.objects.filter(retired_at__isnull=True)
        .select_related("author")
        .order_by("review_by")
    )
    return render(
        request,
        "dispatch/hazards.html",
        {"flags": flags, "today": today, "can_review": perms.can_review_hazards(user)},
    )


# --- response times ---------------------------------------------------------------------------
def _period(request: HttpRequest) -> tuple[date | None, date | None]:
    def parse(name: str) -> date | None:
        value = request.GET.get(name, "")
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    return parse("from"), parse("to")


@require_GET
def response_times(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_response_times(request.user):
        return forbidden(request)
    by = request.GET.get("by", "priority")
    if by not in analysis.GROUPINGS:
        by = "priority"
    start, end = _period(request)
    report = analysis.response_report(by=by, start=start, end=end)
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=list(report["rows"][0]) if report["rows"] else ["none"]
        )
        writer.writeheader()
        writer.writerows(report["rows"])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="response_times_by_{by}.csv"'
        return response
    return render(
        request,
        "dispatch/response_times.html",
        {
            "report": report,
            "by": by,
            "groupings": analysis.GROUPINGS,
            "start": start,
            "end": end,
        },
    )


# --- patrol allocation ------------------------------------------------------------------------
@require_GET
def patrol(request: HttpRequest) -> HttpResponse:
    if not perms.can_plan_patrol(request.user):
        return forbidden(request)
    try:
        cars = int(request.GET.get("cars", "4"))
        proposed_cars = int(request.GET.get("proposed", str(cars + 1)))
        tour = request.GET.get("tour", "third")
        if not (1 <= cars <= 12 and 1 <= proposed_cars <= 12):
            raise ValueError
        if tour not in ("first", "second", "third"):
            raise ValueError
    except ValueError:
        messages.error(
            request, "Cars must be whole numbers from 1 to 12 and the tour first, second or third."
        )
        cars, proposed_cars, tour = 4, 5, "third"
    plan = analysis.patrol_plan(cars=cars, proposed_cars=proposed_cars, tour=tour)
    return render(
        request,
        "dispatch/patrol.html",
        {
            "plan": plan,
            "cars": cars,
            "proposed": proposed_cars,
            "tour": tour,
            "generated_at": datetime.now(tz=timezone.get_current_timezone()),
        },
    )
