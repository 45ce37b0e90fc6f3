"""Writing incident records: the report workflow, supplements, sealing and reclassification.

Each state change goes through the transition table, inside one ``transaction.atomic()`` that
also writes the review step and the audit entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.geography import locate
from openprecinct.records.models import (
    Incident,
    IncidentRevision,
    ReportStatus,
    ReviewAction,
    Supplement,
)
from openprecinct.records.offenses import offense_for

S = ReportStatus
A = ReviewAction.Action

# (from status, action) -> to status. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
}

# Fields an officer fills in; everything else is derived or set by the workflow.
REPORT_FIELDS = (
    "occurred_from",
    "occurred_to",
    "reported_at",
    "ky_cd",
    "pd_cd",
    "pd_description",
    "attempted",
    "premises",
    "location_description",
    "address",
    "latitude",
    "longitude",
    "victim_age_group",
    "victim_race",
    "victim_sex",
    "suspect_age_group",
    "suspect_race",
    "suspect_sex",
    "narrative",
)
# Fields whose change after approval is a reclassification or correction (a revision).
CLASSIFICATION_FIELDS = ("ky_cd", "pd_cd", "pd_description", "attempted", "law_category")


def _derive(incident: Incident) -> None:
    """Fill what follows from what the officer typed: offence names, category, place."""
    offense = offense_for(incident.ky_cd)
    if offense is not None:
        incident.offense_description = offense.description
        incident.law_category = offense.law_category
        incident.compstat_category = offense.compstat_category or ""
    if incident.occurred_from is not None:
        incident.occurred_date = timezone.localtime(incident.occurred_from).date()
    if incident.reported_at is not None:
        incident.reported_date = timezone.localtime(incident.reported_at).date()
    if incident.latitude is not None and incident.longitude is not None:
        x, y = transform_xy(
            [incident.longitude], [incident.latitude], src_crs=WGS84, dst_crs=ANALYSIS_CRS
        )
        incident.x_m, incident.y_m = float(x[0]), float(y[0])
        incident.precinct, incident.sector = locate(
            latitude=incident.latitude, longitude=incident.longitude
        )
        incident.borough = "STATEN ISLAND" if incident.precinct else incident.borough


def _step(incident: Incident, *, action: str, actor: User, before: str, reasons: str = "") -> None:
    ReviewAction.objects.create(
        incident=incident,
        action=action,
        actor=actor,
        at=timezone.now(),
        from_status=before,
        to_status=incident.status,
        reasons=reasons,
    )
    audit_record(
        action=f"incident.{action}",
        obj=incident,
        details={
            "from": before,
            "to": incident.status,
            **({"reasons": reasons} if reasons else {}),
        },
    )


def _transition(incident: Incident, *, action: str) -> str:
    target = TRANSITIONS.get((incident.status, action))
    if target is None:
        raise TransitionNotAllowed(
            f"A report that is {incident.get_status_display().lower()} can't be {action}ed."
        )
    return target


def incident_create_report(*, author: User, data: dict[str, Any]) -> Incident:
    """A new draft report written by an officer."""
    if not perms.can_create_report(author):
        raise ApplicationError("Your role can't write incident reports.")
    with transaction.atomic():
        incident = Incident(
            source="platform",
            source_key=f"draft-{timezone.now().timestamp():.6f}-{author.pk}",
            status=S.DRAFT,
            author=author,
            reported_at=data.get("reported_at") or timezone.now(),
        )
        for name in REPORT_FIELDS:
            if name in data and data[name] is not None:
                setattr(incident, name, data[name])
        _derive(incident)
        incident.save()
        year = timezone.localdate().year
        incident.report_number = f"{incident.precinct or author.precinct}-{year}-{incident.pk:06d}"
        incident.source_key = incident.report_number
        incident.save(update_fields=["report_number", "source_key"])
        _step(incident, action=A.CREATE, actor=author, before="")
    return incident


def _locked(incident: Incident) -> Incident:
    """The current row, locked for this transaction: rules are checked on it, not on a copy."""
    return Incident.objects.select_for_update().get(pk=incident.pk)


def incident_update_report(*, actor: User, incident: Incident, data: dict[str, Any]) -> Incident:
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_edit_report(actor, incident):
            raise ApplicationError(
                "Only the author can change a report, and only while it is a draft or returned."
            )
        for name in REPORT_FIELDS:
            if name in data:
                setattr(incident, name, data[name])
        _derive(incident)
        incident.save()
        _step(incident, action=A.EDIT, actor=actor, before=incident.status)
    return incident


def _missing_for_submission(incident: Incident) -> list[str]:
    problems = []
    if incident.occurred_from is None:
        problems.append("when it happened")
    if offense_for(incident.ky_cd) is None:
        problems.append("a known offence code")
    if incident.latitude is None or incident.longitude is None:
        problems.append("where it happened (a point on the map)")
    elif not incident.precinct:
        problems.append("a location inside the precinct")
    if not incident.narrative.strip():
        problems.append("a narrative")
    if incident.attempted is None:
        problems.append("whether it was attempted or completed")
    return problems


def incident_submit(*, actor: User, incident: Incident) -> Incident:
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_submit_report(actor, incident):
            raise ApplicationError("Only the author can submit a draft or returned report.")
        missing = _missing_for_submission(incident)
        if missing:
            raise ApplicationError("Before submitting, add " + ", ".join(missing) + ".")
        before = incident.status
        incident.status = _transition(incident, action=A.SUBMIT)
        incident.submitted_at = timezone.now()
        incident.save(update_fields=["status", "submitted_at", "updated_at"])
        _step(incident, action=A.SUBMIT, actor=actor, before=before)
    return incident


def incident_return(*, actor: User, incident: Incident, reasons: str) -> Incident:
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_approve_report(actor, incident):
            raise ApplicationError(
                "Only a supervisor other than the author can return a submitted report."
            )
        if not reasons.strip():
            raise ApplicationError("Say what must change: a returned report needs reasons.")
        before = incident.status
        incident.status = _transition(incident, action=A.RETURN)
        incident.save(update_fields=["status", "updated_at"])
        _step(incident, action=A.RETURN, actor=actor, before=before, reasons=reasons.strip())
    return incident


def incident_approve(*, actor: User, incident: Incident) -> Incident:
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_approve_report(actor, incident):
            raise ApplicationError(
                "Only a supervisor can approve a submitted report, and never their own."
            )
        before = incident.status
        incident.status = _transition(incident, action=A.APPROVE)
        incident.approved_by = actor
        incident.approved_at = timezone.now()
        incident.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        _step(incident, action=A.APPROVE, actor=actor, before=before)
    return incident


def incident_add_supplement(*, actor: User, incident: Incident, text: str) -> Supplement:
    """Approved reports are locked: changes come as numbered supplements."""
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_add_supplement(actor, incident):
            raise ApplicationError(
                "Supplements are added to approved reports by officers and clerks."
            )
        if not text.strip():
            raise ApplicationError("A supplement needs text.")
        last = incident.supplements.aggregate(n=Max("number"))["n"] or 0
        supplement = Supplement.objects.create(
            incident=incident, number=last + 1, author=actor, text=text.strip()
        )
        _step(incident, action=A.SUPPLEMENT, actor=actor, before=incident.status)
    return supplement


def incident_reclassify(
    *, actor: User, incident: Incident, ky_cd: int, pd_cd: int | None = None, reason: str
) -> Incident:
    """Change an approved record's classification, keeping the old one as a revision."""
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_add_supplement(actor, incident) or not perms.can_seal_record(actor):
            raise ApplicationError(
                "Only a commanding officer or a records clerk can reclassify an approved record."
            )
        if offense_for(ky_cd) is None:
            raise ApplicationError(f"{ky_cd} is not a known offence code.")
        if not reason.strip():
            raise ApplicationError("Give the reason for the reclassification.")
        before = {
            name: getattr(incident, name) for name in (*CLASSIFICATION_FIELDS, "compstat_category")
        }
        incident.ky_cd = ky_cd
        incident.pd_cd = pd_cd
        _derive(incident)
        incident.save()
        after = {name: getattr(incident, name) for name in before}
        IncidentRevision.objects.create(
            incident=incident,
            at=timezone.now(),
            actor=actor,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            old_category=before["compstat_category"] or "",
            new_category=incident.compstat_category,
            reason=reason.strip(),
        )
        audit_record(
            action="incident.reclassify",
            obj=incident,
            details={"from": before["compstat_category"], "to": incident.compstat_category},
        )
    return incident


def incident_seal(*, actor: User, incident: Incident, reason: str, seal: bool = True) -> Incident:
    with transaction.atomic():
        incident = _locked(incident)
        if not perms.can_seal_record(actor, incident):
            raise ApplicationError(
                "Only a commanding officer or a records clerk can seal a record."
            )
        if seal and not reason.strip():
            raise ApplicationError("Give the legal reason for sealing (for example CPL 160.50).")
        incident.is_sealed = seal
        incident.sealed_reason = reason.strip() if seal else ""
        incident.save(update_fields=["is_sealed", "sealed_reason", "updated_at"])
        _step(
            incident,
            action=A.SEAL if seal else A.UNSEAL,
            actor=actor,
            before=incident.status,
            reasons=reason.strip(),
        )
    return incident


def parse_local_datetime(value: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` from a datetime-local input, in the precinct's time zone."""
    if not value:
        return None
    naive = datetime.fromisoformat(value)
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive
