"""Reading incident records: what each user may see, filtered and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.core.audit import audit_record
from openprecinct.records.models import Incident, ReportStatus

SORTS = {
    "occurred": "occurred_from",
    "-occurred": "-occurred_from",
    "reported": "reported_at",
    "-reported": "-reported_at",
    "category": "compstat_category",
    "-category": "-compstat_category",
    "sector": "sector",
    "-sector": "-sector",
    "status": "status",
    "-status": "-status",
    "number": "report_number",
    "-number": "-report_number",
}


@dataclass(frozen=True)
class IncidentFilters:
    date_from: date | None = None
    date_to: date | None = None
    category: str = ""
    ky_cd: int | None = None
    sector: str = ""
    precinct: str = ""
    premises: str = ""
    status: str = ""
    kind: str = ""
    source: str = ""
    q: str = ""
    sort: str = "-occurred"


def _visible_to(user: User) -> Q:
    """Deny by default: the rows ``can_view_record`` would allow, as a query."""
    if not perms.can_view_records(user):
        return Q(pk__in=[])
    rule = Q()
    if not perms.can_view_sealed_records(user):
        rule &= Q(is_sealed=False)
    if not perms._has(user, *perms.SUPERVISORS):
        unfinished = Q(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        rule &= ~unfinished | Q(author=user)
    return rule


def incident_list_for_user(
    *, user: User, filters: IncidentFilters | None = None
) -> QuerySet[Incident]:
    f = filters or IncidentFilters()
    qs = Incident.objects.filter(_visible_to(user))
    if f.date_from:
        qs = qs.filter(occurred_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_date__lte=f.date_to)
    if f.category:
        qs = qs.filter(compstat_category=f.category)
    if f.ky_cd is not None:
        qs = qs.filter(ky_cd=f.ky_cd)
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.precinct:
        qs = qs.filter(precinct=f.precinct)
    if f.premises:
        qs = qs.filter(premises=f.premises)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.q:
        text = f.q.strip()
        qs = qs.filter(
            Q(report_number__iexact=text)
            | Q(source_key=text)
            | Q(offense_description__icontains=text)
            | Q(pd_description__icontains=text)
            | Q(address__icontains=text)
            | Q(narrative__icontains=text)
        )
    return qs.order_by(SORTS.get(f.sort, "-occurred_from"), "-id")


def incident_get_for_user(*, user: User, incident_id: int) -> Incident:
    """The record, or 404 whether it is missing or not the user's to see (no leak)."""
    incident = (
        Incident.objects.select_related("author", "approved_by").filter(pk=incident_id).first()
    )
    if incident is None:
        raise Http404("No such record.")
    if not perms.can_view_record(user, incident):
        # The same 404 as a missing record, so a sealed record's existence never leaks; the
        # refusal is still written down.
        audit_record(action="incident.view", obj=incident, outcome="denied")
        raise Http404("No such record.")
    return incident


def incident_approval_queue(*, user: User) -> QuerySet[Incident]:
    if not perms._has(user, *perms.SUPERVISORS):
        return Incident.objects.none()
    return (
        Incident.objects.filter(status=ReportStatus.SUBMITTED)
        .exclude(author=user)
        .select_related("author")
        .order_by("submitted_at")
    )


def incident_timeline(*, incident: Incident) -> list[dict[str, object]]:
    """The record's history: review steps, supplements and revisions, oldest first."""
    events: list[dict[str, object]] = []
    for step in incident.review_actions.select_related("actor"):
        events.append(
            {
                "at": step.at,
                "kind": step.get_action_display(),
                "who": step.actor,
                "text": step.reasons,
            }
        )
    for sup in incident.supplements.select_related("author"):
        events.append(
            {
                "at": sup.created_at,
                "kind": f"Supplement {sup.number}",
                "who": sup.author,
                "text": sup.text,
            }
        )
    for rev in incident.revisions.select_related("actor"):
        text = f"{rev.old_category or '—'} → {rev.new_category or '—'}"
        if rev.reason:
            text += f": {rev.reason}"
        events.append({"at": rev.at, "kind": "Reclassified", "who": rev.actor, "text": text})
    return sorted(events, key=lambda e: e["at"])  # type: ignore[arg-type,return-value]


def incident_linked(*, user: User, incident: Incident, limit: int = 10) -> QuerySet[Incident]:
    """Other visible records at the same address or within ~100 m and 7 days."""
    if incident.x_m is None or incident.occurred_date is None:
        return Incident.objects.none()
    from datetime import timedelta

    window = timedelta(days=7)
    return (
        Incident.objects.filter(_visible_to(user))
        .exclude(pk=incident.pk)
        .filter(
            x_m__range=(incident.x_m - 100, incident.x_m + 100),
            y_m__range=(incident.y_m - 100, incident.y_m + 100),
            occurred_date__range=(incident.occurred_date - window, incident.occurred_date + window),
        )
        .order_by("occurred_from")[:limit]
    )
