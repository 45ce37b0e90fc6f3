"""Reading accountability data: what each user may see, and the cross-app contracts.

Every list a person sees goes through :func:`complaints_for`, :func:`ia_cases_for` or
:func:`force_reports_for`, which apply the rules in ``accounts/permissions.py``: a user who may
not see a record gets the same "not found" as for a record that does not exist, and sealed
records never reach a list, a count or an export for a role not allowed to see them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from openprecinct.accountability.models import (
    Allegation,
    Complaint,
    ForceReport,
    IACase,
)
from openprecinct.accounts import permissions as perms

LOCAL_SOURCES = (Complaint.Source.STAFF, Complaint.Source.PUBLIC)


# --- what a user may see ---------------------------------------------------------------------
def complaints_for(user: Any) -> QuerySet[Complaint]:
    if not perms.can_view_complaints(user):
        return Complaint.objects.none()
    qs = Complaint.objects.all()
    if not perms.can_view_sealed_complaints(user):
        qs = qs.filter(is_sealed=False)
    return qs


def complaints_filtered(user: Any, *, source: str = "local", q: str = "") -> QuerySet[Complaint]:
    """The complaint list's filters, the same for the staff page and the API: where the
    complaints came from (``local``: entered here; or one source) and a text search."""
    qs = complaints_for(user)
    if source == "local":
        qs = qs.filter(source__in=LOCAL_SOURCES)
    elif source in Complaint.Source.values:
        qs = qs.filter(source=source)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(narrative__icontains=q)
            | Q(location__icontains=q)
            | Q(allegations__officer__last_name__icontains=q)
            | Q(allegations__allegation__icontains=q)
        ).distinct()
    return qs


def allegations_for(user: Any) -> QuerySet[Allegation]:
    if not perms.can_view_complaints(user):
        return Allegation.objects.none()
    qs = Allegation.objects.filter(complaint__isnull=False)
    if not perms.can_view_sealed_complaints(user):
        qs = qs.filter(is_sealed=False, complaint__is_sealed=False)
    return qs


def get_complaint_for(user: Any, pk: int) -> Complaint:
    try:
        return complaints_for(user).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404("No such complaint.") from None


def ia_cases_for(user: Any) -> QuerySet[IACase]:
    if not perms.can_view_ia_cases(user):
        return IACase.objects.none()
    qs = IACase.objects.all()
    if not perms.can_view_sealed_complaints(user):
        qs = qs.filter(is_sealed=False)
    return qs


def get_ia_case_for(user: Any, pk: int) -> IACase:
    try:
        return ia_cases_for(user).get(pk=pk)
    except (IACase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None


def force_reports_for(user: Any) -> QuerySet[ForceReport]:
    if not perms.can_view_force_reports(user):
        return ForceReport.objects.none()
    qs = ForceReport.objects.all()
    if not perms.can_view_all_force_reports(user):
        qs = qs.filter(author_id=user.pk)
    if not perms.can_view_sealed_complaints(user):
        qs = qs.filter(is_sealed=False)
    return qs


def get_force_report_for(user: Any, pk: int) -> ForceReport:
    try:
        return force_reports_for(user).get(pk=pk)
    except (ForceReport.DoesNotExist, ValueError, TypeError):
        raise Http404("No such force report.") from None


# --- contract 2: conduct events for early intervention ----------------------------------------
IA_KINDS = {
    IACase.Kind.PURSUIT: "pursuit",
    IACase.Kind.FIREARM: "firearm_discharge",
    IACase.Kind.VEHICLE_ACCIDENT: "vehicle_accident",
    IACase.Kind.IN_CUSTODY_INJURY: "in_custody_injury",
}


def conduct_events(start: date, end: date) -> list[dict]:
    """Complaints (one per officer per complaint), force uses and IA incidents, start..end.

    Sealed items are counted (early intervention is a staff-only supervisor tool) but only
    as ids and dates. Imported CCRB history is included: it is the officers' real record.
    """
    events: list[dict] = []
    seen: set[tuple[int, int]] = set()
    rows = (
        Allegation.objects.filter(
            complaint__isnull=False,
            officer__isnull=False,
        )
        .filter(
            Q(occurred_on__range=(start, end))
            | Q(occurred_on__isnull=True, complaint__received_date__range=(start, end))
        )
        .values_list("officer_id", "complaint_id", "occurred_on", "complaint__received_date")
        .order_by("complaint_id", "officer_id")
    )
    for officer_id, complaint_id, occurred_on, received in rows:
        if (officer_id, complaint_id) in seen:
            continue
        seen.add((officer_id, complaint_id))
        events.append(
            {
                "officer_id": officer_id,
                "kind": "complaint",
                "occurred_on": occurred_on or received,
                "source_id": f"complaint:{complaint_id}",
            }
        )
    force = (
        ForceReport.objects.filter(occurred_on__range=(start, end))
        .exclude(status=ForceReport.Status.DRAFT)
        .values_list("officers__officer_id", "pk", "occurred_on")
        .order_by("pk")
    )
    for officer_id, report_id, occurred_on in force:
        if officer_id is None:
            continue
        events.append(
            {
                "officer_id": officer_id,
                "kind": "force",
                "occurred_on": occurred_on,
                "source_id": f"force_report:{report_id}",
            }
        )
    cases = (
        IACase.objects.filter(kind__in=list(IA_KINDS), officer__isnull=False)
        .filter(occurred_on__range=(start, end))
        .values_list("officer_id", "pk", "kind", "occurred_on")
        .order_by("pk")
    )
    for officer_id, case_id, kind, occurred_on in cases:
        events.append(
            {
                "officer_id": officer_id,
                "kind": IA_KINDS[kind],
                "occurred_on": occurred_on,
                "source_id": f"ia_case:{case_id}",
            }
        )
    events.sort(key=lambda e: (e["occurred_on"], e["officer_id"], e["source_id"]))
    return events


# --- contract 4: complaints the oversight committee may review --------------------------------
REVIEWABLE_STATUSES = (
    Complaint.Status.FINDINGS,
    Complaint.Status.PENALTY,
    Complaint.Status.CLOSED,
)


def complaints_eligible_for_oversight() -> QuerySet[Complaint]:
    """Closed, or at findings, not sealed; locally handled (not the imported CCRB history).

    Juvenile and victim-protected complaints are returned (the committee may review the
    case); the oversight app leaves that material out of packets by its own rules.
    """
    return Complaint.objects.filter(
        status__in=REVIEWABLE_STATUSES, is_sealed=False, source__in=LOCAL_SOURCES
    )
