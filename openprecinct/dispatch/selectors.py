"""Reading dispatch data: the queue, the unit board, one call, premise history, workloads."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.dispatch.models import (
    ACTIVE_ASSIGNMENT,
    OPEN_CALL_STATUSES,
    PRIORITY_RANK,
    QUEUED_CALL_STATUSES,
    Assignment,
    Bolo,
    Call,
    Hazard,
    Unit,
    UnitStatus,
)

# The recommended unit: straight-line distance times a road factor, at a patrol speed.
# North Shore streets are a grid broken by hills and the Expressway; 1.3 is the usual
# network-to-crow-flies ratio for urban grids, 30 km/h a realistic urban emergency speed.
ROAD_FACTOR = 1.3
SPEED_M_PER_S = 30_000 / 3600
PREMISE_RADIUS_M = 75.0


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


# --- contract 3: calls handled, for early intervention ----------------------------------------
def calls_handled_by_officer(start: date, end: date) -> dict[int, int]:
    """Calls each officer handled from ``start`` to ``end`` (local dates, inclusive).

    Keyed by ``accounts.User`` id: the crew of every unit that **arrived** at a call (so a
    unit sent and recalled does not count). Duplicate 911 calls are not separate calls; a
    self-initiated event counts (it is work the officer did). Generated demo calls count too:
    the caller decides what to do with demo data.
    """
    lo, hi = _day_bounds(start, end)
    rows = (
        Assignment.objects.filter(
            arrived_at__isnull=False,
            call__entered_at__gte=lo,
            call__entered_at__lt=hi,
            call__duplicate_of__isnull=True,
        )
        .values("crew")
        .annotate(calls=Count("call", distinct=True))
        .filter(crew__isnull=False)
    )
    return {int(r["crew"]): int(r["calls"]) for r in rows}


# --- the console ------------------------------------------------------------------------------
def call_queue() -> list[Call]:
    """Waiting calls: critical first, then the oldest."""
    calls = list(
        Call.objects.filter(status__in=QUEUED_CALL_STATUSES, duplicate_of__isnull=True)
        .select_related("call_type")
        .annotate(duplicate_count=Count("duplicates"))
    )
    calls.sort(key=lambda c: (PRIORITY_RANK.get(c.priority, 9), c.entered_at, c.pk))
    return calls


def active_calls() -> QuerySet[Call]:
    """Calls with units working on them (not waiting, not finished)."""
    return (
        Call.objects.filter(status__in=OPEN_CALL_STATUSES, duplicate_of__isnull=True)
        .exclude(status__in=QUEUED_CALL_STATUSES)
        .select_related("call_type")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related(
                    "unit"
                ),
                to_attr="active_assignments",
            )
        )
        .order_by("entered_at")
    )


def unit_board() -> QuerySet[Unit]:
    return Unit.objects.exclude(status=UnitStatus.OFF_DUTY).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related("call"),
            to_attr="active_assignments",
        ),
        "members",
    )


@dataclass(frozen=True)
class Recommendation:
    unit: Unit
    seconds: float
    distance_m: float
    reason: str


def travel_estimate_s(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float]:
    distance = math.hypot(x1 - x0, y1 - y0) * ROAD_FACTOR
    return distance / SPEED_M_PER_S, distance


def recommend_unit(call: Call, units: list[Unit] | None = None) -> Recommendation | None:
    """The nearest available unit by estimated travel time, with the reason in words.

    Units without a known position are ranked after located ones; among those a unit whose
    home sector is the call's sector comes first.
    """
    pool = [
        u
        for u in (units if units is not None else Unit.objects.filter(status="available"))
        if u.status == UnitStatus.AVAILABLE
    ]
    if not pool:
        return None
    best: Recommendation | None = None
    for unit in pool:
        if None not in (unit.x_m, unit.y_m, call.x_m, call.y_m):
            seconds, distance = travel_estimate_s(unit.x_m, unit.y_m, call.x_m, call.y_m)
            reason = (
                f"{unit.call_sign} is available and nearest: {distance / 1000:.1f} km by road "
                f"(straight line × {ROAD_FACTOR}), about {seconds / 60:.0f} min at "
                f"{SPEED_M_PER_S * 3.6:.0f} km/h"
            )
        else:
            same = bool(call.sector) and unit.home_sector == call.sector
            seconds, distance = (1e6 if same else 2e6), math.inf
            reason = (
                f"{unit.call_sign} is available"
                + (f" and patrols sector {call.sector}" if same else "")
                + " (no position known, so no travel estimate)"
            )
        candidate = Recommendation(unit, seconds, distance, reason)
        if best is None or (candidate.seconds, unit.call_sign) < (
            best.seconds,
            best.unit.call_sign,
        ):
            best = candidate
    return best


def call_get(*, user: User, call_id: int) -> Call:
    """One call for a dispatcher or a field officer; 404 alike for missing and not allowed."""
    if not (perms.can_dispatch(user) or perms.can_use_mobile_view(user)):
        raise Http404
    try:
        return Call.objects.select_related("call_type", "duplicate_of", "incident").get(pk=call_id)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def current_assignment_for(user: User) -> Assignment | None:
    """The call the officer's unit is working now (the MDT's call card)."""
    return (
        Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT, unit__members=user)
        .select_related("call", "call__call_type", "unit")
        .order_by("-assigned_at")
        .first()
    )


def unit_for(user: User) -> Unit | None:
    return Unit.objects.filter(members=user).order_by("call_sign").first()


def _near(qs: QuerySet, x: float | None, y: float | None, radius: float) -> QuerySet:
    if x is None or y is None:
        return qs.none()
    return qs.filter(
        x_m__gte=x - radius, x_m__lte=x + radius, y_m__gte=y - radius, y_m__lte=y + radius
    )


def premise_history(*, user: User, call: Call, limit: int = 10) -> dict:
    """Earlier calls and incident records at or near the call's address, and live hazards.

    Records go through the records app's own visibility rule, so sealed records stay hidden.
    """
    from openprecinct.records.selectors import incident_list_for_user

    addr = Q(address__iexact=call.address) if call.address else Q(pk__in=[])
    near_calls = Call.objects.filter(
        (
            addr
            | Q(pk__in=_near(Call.objects.all(), call.x_m, call.y_m, PREMISE_RADIUS_M).values("pk"))
        )
        & Q(entered_at__lt=call.entered_at)
    ).exclude(pk=call.pk)
    visible = incident_list_for_user(user=user)
    records = visible.filter(
        addr | Q(pk__in=_near(visible, call.x_m, call.y_m, PREMISE_RADIUS_M).values("pk"))
    )
    return {
        "calls": list(near_calls.select_related("call_type").order_by("-entered_at")[:limit]),
        "records": list(records.order_by("-occurred_from")[:limit]),
        "hazards": list(hazards_near(call=call)),
    }


def hazards_near(*, call: Call) -> QuerySet[Hazard]:
    today = timezone.localdate()
    live = Hazard.objects.filter(retired_at__isnull=True, review_by__gte=today)
    addr = Q(address__iexact=call.address) if call.address else Q(pk__in=[])
    return live.filter(
        addr
        | Q(pk__in=_near(Hazard.objects.all(), call.x_m, call.y_m, PREMISE_RADIUS_M).values("pk"))
    ).select_related("author")


def live_bolos() -> QuerySet[Bolo]:
    now = timezone.now()
    return Bolo.objects.filter(cancelled_at__isnull=True, expires_at__gt=now)


def _norm_plate(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def bolo_hits(query: str) -> list[Bolo]:
    """Live BOLOs whose name or plate matches the query (plates ignoring spaces and dashes)."""
    q = query.strip()
    if len(q) < 2:
        return []
    plate = _norm_plate(q)
    hits = []
    for bolo in live_bolos():
        if bolo.plate and plate and _norm_plate(bolo.plate) == plate:
            hits.append(bolo)
        elif bolo.name and (q.lower() in bolo.name.lower() or bolo.name.lower() in q.lower()):
            hits.append(bolo)
    return hits
