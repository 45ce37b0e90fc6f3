"""Writing accountability records: complaints, IA cases, force reports.

Every state change is a row of an explicit transition table (``(from status, action) -> to
status``); anything else is refused with :class:`TransitionNotAllowed`. Each change runs in one
``transaction.atomic()`` with its timeline event (``CaseEvent``/``ForceReview``) and its audit
entry, so a step and its record are stored together or not at all. Who may take a step is
asked of ``accounts/permissions.py``.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from openprecinct.accountability.models import (
    SUBSTANTIATED,
    Allegation,
    CaseEvent,
    CaseLink,
    CaseTask,
    Complaint,
    Disposition,
    FadoType,
    ForceOfficer,
    ForceReport,
    ForceReview,
    ForceSubject,
    ForceType,
    IACase,
    Injury,
    Officer,
    Penalty,
    Referral,
)
from openprecinct.accountability.sol import ACKNOWLEDGE_DAYS, local_date, sol_date
from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed

S = Complaint.Status

# --- the complaint transition table ------------------------------------------------------------
COMPLAINT_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.INTAKE, "screen"): S.SCREENING,
    (S.SCREENING, "refer"): S.REFERRED,
    (S.SCREENING, "assign"): S.ASSIGNED,
    (S.ASSIGNED, "assign"): S.ASSIGNED,  # re-assignment to another investigator
    (S.INVESTIGATING, "assign"): S.INVESTIGATING,
    (S.ASSIGNED, "start_investigation"): S.INVESTIGATING,
    (S.ASSIGNED, "offer_mediation"): S.MEDIATION_OFFERED,
    (S.INVESTIGATING, "offer_mediation"): S.MEDIATION_OFFERED,
    (S.MEDIATION_OFFERED, "schedule_mediation"): S.MEDIATION_SCHEDULED,
    (S.MEDIATION_OFFERED, "mediation_declined"): S.INVESTIGATING,
    (S.MEDIATION_SCHEDULED, "mediation_failed"): S.INVESTIGATING,
    (S.MEDIATION_SCHEDULED, "complete_mediation"): S.MEDIATED,
    (S.ASSIGNED, "truncate"): S.TRUNCATED,
    (S.INVESTIGATING, "truncate"): S.TRUNCATED,
    (S.INVESTIGATING, "submit_closing_report"): S.CLOSING_REPORT,
    (S.CLOSING_REPORT, "send_to_panel"): S.BOARD_REVIEW,
    (S.CLOSING_REPORT, "return_to_investigation"): S.INVESTIGATING,
    (S.BOARD_REVIEW, "return_to_investigation"): S.INVESTIGATING,
    (S.BOARD_REVIEW, "record_findings"): S.FINDINGS,
    (S.FINDINGS, "recommend_penalty"): S.PENALTY,
    (S.FINDINGS, "close"): S.CLOSED,
    (S.PENALTY, "close"): S.CLOSED,
    (S.CLOSED, "reopen"): S.INVESTIGATING,
    (S.TRUNCATED, "reopen"): S.INVESTIGATING,
    (S.MEDIATED, "reopen"): S.INVESTIGATING,
    (S.REFERRED, "reopen"): S.SCREENING,
}
COMPLAINT_ACTIONS = tuple(sorted({a for _, a in COMPLAINT_TRANSITIONS}))
CLOSING_STATUSES = (S.CLOSED, S.TRUNCATED, S.MEDIATED, S.REFERRED)
# Notes the step cannot be taken without.
NOTE_REQUIRED = ("return_to_investigation", "reopen", "mediation_declined", "mediation_failed")
# Where an investigator may record a finding on an allegation.
FINDING_STATUSES = (S.INVESTIGATING, S.CLOSING_REPORT, S.BOARD_REVIEW)
WORKING_STATUSES = (S.SCREENING, S.ASSIGNED, S.INVESTIGATING, S.MEDIATION_OFFERED, S.CLOSING_REPORT)

ACTION_LABELS = {
    "screen": "Start the jurisdiction screen",
    "refer": "Refer (not FADO)",
    "assign": "Assign an investigator",
    "start_investigation": "Start the investigation",
    "offer_mediation": "Offer mediation",
    "schedule_mediation": "Schedule mediation",
    "mediation_declined": "Mediation declined",
    "mediation_failed": "Mediation failed",
    "complete_mediation": "Mediation completed",
    "truncate": "Truncate",
    "submit_closing_report": "Submit the closing report",
    "send_to_panel": "Send to panel review",
    "return_to_investigation": "Return for more investigation",
    "record_findings": "Record the findings",
    "recommend_penalty": "Recommend penalties",
    "close": "Close",
    "reopen": "Re-open",
}


def _audit(action: str, obj: Any, actor: Any, **details: Any) -> None:
    audit_record(
        action=action,
        obj=obj,
        details=details,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", ""),
    )


def _event(
    *, actor: Any, action: str, before: str = "", after: str = "", note: str = "", **parent: Any
) -> CaseEvent:
    return CaseEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=before,
        to_status=after,
        note=note,
        **parent,
    )


def _next_number(model: Any, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    last = (
        model.objects.filter(number__startswith=stem)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{n:05d}"


def _clean(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


# --- intake ------------------------------------------------------------------------------------
INTAKE_CHANNELS = tuple(c for c in Complaint.Channel.values if c != Complaint.Channel.IMPORTED)


def complaint_intake(*, actor: Any | None, data: dict[str, Any]) -> Complaint:
    """Create a complaint from any channel. ``actor`` is None for the public web form.

    ``data``: channel, narrative (required), incident_at (aware datetime) or incident_date,
    location, precinct, officer_description, unit_description, anonymous, complainant_name,
    complainant_email, complainant_phone, preferred_language, latitude, longitude.
    """
    public = actor is None
    channel = Complaint.Channel.WEB if public else _clean(data.get("channel"))
    if channel not in INTAKE_CHANNELS:
        raise ApplicationError(
            "Say how the complaint came in: one of " + ", ".join(INTAKE_CHANNELS) + "."
        )
    if not public and not perms.can_enter_complaint(actor):
        raise ApplicationError("Your role may not enter complaints.")
    narrative = _clean(data.get("narrative"))
    if not narrative:
        raise ApplicationError("Describe what happened: the complaint needs a description.")
    anonymous = bool(data.get("anonymous"))
    name = "" if anonymous else _clean(data.get("complainant_name"), 120)
    email = "" if anonymous else _clean(data.get("complainant_email"), 254)
    phone = "" if anonymous else _clean(data.get("complainant_phone"), 40)
    if not anonymous and not (name or email or phone):
        raise ApplicationError(
            "Give a name, an email or a phone number so we can reach you, "
            "or choose to complain anonymously."
        )
    incident_at: datetime | None = data.get("incident_at")
    if incident_at is not None and timezone.is_naive(incident_at):
        raise ApplicationError("The incident time needs a time zone.")
    incident_date: date | None = data.get("incident_date")
    if incident_at is not None:
        incident_date = local_date(incident_at)
    now = timezone.now()
    if incident_at is not None and incident_at > now + timedelta(minutes=5):
        raise ApplicationError("The incident time is in the future; check the date.")
    if incident_date is not None and incident_date > local_date(now):
        raise ApplicationError("The incident date is in the future; check the date.")
    received = local_date(now)
    with transaction.atomic():
        complaint = Complaint(
            number=_next_number(Complaint, "CC", received.year),
            source=Complaint.Source.PUBLIC if public else Complaint.Source.STAFF,
            channel=channel,
            received_at=now,
            received_date=received,
            acknowledgement_due=received + timedelta(days=ACKNOWLEDGE_DAYS),
            incident_at=incident_at,
            incident_date=incident_date,
            sol_date=sol_date(incident_date or received),
            location=_clean(data.get("location"), 200),
            precinct=data.get("precinct") or None,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            narrative=narrative,
            officer_description=_clean(data.get("officer_description")),
            unit_description=_clean(data.get("unit_description"), 100),
            anonymous=anonymous,
            complainant_name=name,
            complainant_email=email,
            complainant_phone=phone,
            preferred_language=_clean(data.get("preferred_language"), 40),
            tracking_code=secrets.token_hex(5).upper(),
            created_by=None if public else actor,
        )
        complaint.save()
        _event(actor=actor, action="intake", after=complaint.status, complaint=complaint)
        _audit(
            "accountability.complaint.create",
            complaint,
            actor,
            channel=channel,
            anonymous=anonymous,
            number=complaint.number,
        )
    return complaint


def _locked_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def allowed_complaint_actions(user: Any, complaint: Complaint) -> list[str]:
    """The steps this user may take now (the table and the rules both say yes)."""
    return [
        action
        for (status, action) in COMPLAINT_TRANSITIONS
        if status == complaint.status and perms.can_act_on_complaint(user, complaint, action)
    ]


def _check_guards(complaint: Complaint, action: str, params: dict[str, Any]) -> None:
    """The conditions a step needs beyond its place in the table."""
    allegations = list(complaint.allegations.all())
    if action == "refer":
        if params.get("recipient") not in Referral.Recipient.values:
            raise ApplicationError(
                "Say where the complaint is referred: " + ", ".join(Referral.Recipient.values) + "."
            )
        if not _clean(params.get("note")):
            raise ApplicationError("Give the reason for the referral (why it is not FADO).")
    elif action == "assign":
        investigator = params.get("investigator")
        if investigator is None or getattr(investigator, "role", "") != Role.IA_INVESTIGATOR:
            raise ApplicationError("Choose an internal-affairs investigator to assign.")
    elif action == "offer_mediation":
        if any(a.fado_type == FadoType.FORCE for a in allegations):
            raise ApplicationError(
                "Mediation is not offered where force is alleged; investigate instead."
            )
    elif action == "truncate":
        reason = params.get("reason")
        if reason not in Complaint.Truncation.values or not reason:
            raise ApplicationError(
                "Give the truncation reason: "
                + ", ".join(v for v in Complaint.Truncation.values if v)
                + "."
            )
    elif action == "submit_closing_report":
        if not _clean(params.get("note")) and not complaint.closing_report.strip():
            raise ApplicationError("Write the closing report before submitting it.")
        if not allegations:
            raise ApplicationError("A closing report needs at least one allegation.")
    elif action == "record_findings":
        missing = [a.pk for a in allegations if not a.disposition]
        if not allegations or missing:
            raise ApplicationError(
                "Every allegation needs a finding before the findings are recorded "
                f"({len(missing)} without one)."
            )
    elif action == "recommend_penalty":
        subst = [a for a in allegations if a.disposition in SUBSTANTIATED]
        if not subst:
            raise ApplicationError("No allegation is substantiated: close the case instead.")
        if any(not a.penalty_recommended for a in subst):
            raise ApplicationError("Recommend a penalty for every substantiated allegation.")
    elif action == "close":
        subst = [a for a in allegations if a.disposition in SUBSTANTIATED]
        if complaint.status == S.FINDINGS and subst:
            raise ApplicationError(
                "Substantiated allegations need a penalty recommendation before closing."
            )
        if complaint.status == S.PENALTY and any(not a.penalty_final for a in subst):
            raise ApplicationError(
                "Record the final penalty (the Police Commissioner's decision) "
                "for every substantiated allegation before closing."
            )
    if action in NOTE_REQUIRED and not _clean(params.get("note")):
        raise ApplicationError("Give the reason for this step.")


def complaint_transition(
    *, actor: Any, complaint: Complaint, action: str, **params: Any
) -> Complaint:
    """Take one step of the complaint lifecycle (see ``COMPLAINT_TRANSITIONS``)."""
    with transaction.atomic():
        complaint = _locked_complaint(complaint)
        key = (complaint.status, action)
        if key not in COMPLAINT_TRANSITIONS:
            raise TransitionNotAllowed(
                f"A complaint that is {complaint.get_status_display().lower()} "
                f"cannot take the step '{action}'."
            )
        if not perms.can_act_on_complaint(actor, complaint, action):
            raise ApplicationError(f"Your role may not take the step '{action}' on a complaint.")
        _check_guards(complaint, action, params)
        before = complaint.status
        after = COMPLAINT_TRANSITIONS[key]
        note = _clean(params.get("note"))
        now = timezone.now()
        details: dict[str, Any] = {"from": before, "to": after}
        if action == "refer":
            complaint.is_fado = False
            Referral.objects.create(
                complaint=complaint,
                recipient=params["recipient"],
                agency_name=_clean(params.get("agency_name"), 120),
                reason=note,
                referred_by=actor,
            )
            details["recipient"] = params["recipient"]
        elif action == "assign":
            complaint.is_fado = True
            complaint.investigator = params["investigator"]
            details["investigator"] = params["investigator"].username
        elif action in ("mediation_declined", "mediation_failed"):
            complaint.mediation_attempted = True
        elif action == "complete_mediation":
            complaint.allegations.update(disposition=Disposition.MEDIATED)
        elif action == "truncate":
            complaint.truncation_reason = params["reason"]
            disposition = _truncation_disposition(params["reason"])
            complaint.allegations.filter(disposition="").update(disposition=disposition)
            details["reason"] = params["reason"]
        elif action == "submit_closing_report" and note:
            complaint.closing_report = note
        elif action == "reopen":
            complaint.reopen_count += 1
            complaint.closed_at = None
            complaint.closed_date = None
            complaint.truncation_reason = ""
        complaint.status = after
        if after in CLOSING_STATUSES and before not in CLOSING_STATUSES:
            complaint.closed_at = now
            complaint.closed_date = local_date(now)
        complaint.updated_at = now
        complaint.save()
        _event(
            actor=actor, action=action, before=before, after=after, note=note, complaint=complaint
        )
        _audit(f"accountability.complaint.{action}", complaint, actor, **details)
        _sync_evidence_links(complaint)
    return complaint


def _truncation_disposition(reason: str) -> str:
    return {
        "complainant_uncooperative": Disposition.COMPLAINANT_UNCOOPERATIVE,
        "complainant_unavailable": Disposition.COMPLAINANT_UNAVAILABLE,
        "complaint_withdrawn": Disposition.WITHDRAWN,
        "victim_unidentified": Disposition.VICTIM_UNIDENTIFIED,
        "officer_unidentified": Disposition.OFFICER_UNIDENTIFIED,
        "closed_pending_litigation": Disposition.PENDING_LITIGATION,
    }.get(reason, Disposition.MISC)


def _sync_evidence_links(complaint: Complaint) -> None:
    """Keep the evidence app's links to this complaint open exactly while it is open."""
    try:
        from openprecinct.evidence.models import EvidenceLink, LinkKind
    except ImportError:  # pragma: no cover - the evidence app is part of the platform
        return
    EvidenceLink.objects.filter(kind=LinkKind.COMPLAINT, ref=complaint.number).update(
        is_open=complaint.is_open
    )


# --- work on a complaint (not state changes) ----------------------------------------------------
def _require_work(actor: Any, complaint: Complaint) -> None:
    if not perms.can_work_complaint(actor, complaint):
        raise ApplicationError("Only the internal-affairs investigators work complaints.")


def complaint_acknowledge(*, actor: Any, complaint: Complaint, note: str = "") -> Complaint:
    with transaction.atomic():
        complaint = _locked_complaint(complaint)
        if not perms.can_act_on_complaint(actor, complaint, "screen"):
            raise ApplicationError("Only internal affairs acknowledges complaints.")
        if complaint.acknowledged_at is not None:
            raise ApplicationError("This complaint was already acknowledged.")
        complaint.acknowledged_at = timezone.now()
        complaint.save(update_fields=["acknowledged_at", "updated_at"])
        late = local_date(complaint.acknowledged_at) > complaint.acknowledgement_due
        _event(actor=actor, action="acknowledge", note=_clean(note), complaint=complaint)
        _audit("accountability.complaint.acknowledge", complaint, actor, late=late)
    return complaint


def allegation_add(
    *,
    actor: Any,
    complaint: Complaint,
    fado_type: str,
    allegation: str,
    officer: Officer | None = None,
    officer_description: str = "",
    description: str = "",
) -> Allegation:
    """One allegation is one officer and one act."""
    with transaction.atomic():
        complaint = _locked_complaint(complaint)
        _require_work(actor, complaint)
        if complaint.status not in WORKING_STATUSES + (S.INTAKE,):
            raise ApplicationError("Allegations are added while the complaint is being worked.")
        if fado_type not in FadoType.values:
            raise ApplicationError("Choose the FADO type: " + ", ".join(FadoType.values) + ".")
        if not _clean(allegation):
            raise ApplicationError("Name the allegation (its sub-type, e.g. 'Stop', 'Word').")
        if officer is None and not _clean(officer_description):
            raise ApplicationError("Choose the officer or describe them (unidentified officer).")
        if (
            officer is not None
            and complaint.allegations.filter(
                officer=officer, fado_type=fado_type, allegation__iexact=_clean(allegation)
            ).exists()
        ):
            raise ApplicationError("This officer already has this allegation on this complaint.")
        row = Allegation.objects.create(
            complaint=complaint,
            officer=officer,
            officer_description=_clean(officer_description, 200),
            fado_type=fado_type,
            allegation=_clean(allegation, 120),
            description=_clean(description),
            occurred_on=complaint.incident_date,
        )
        _event(
            actor=actor,
            action="allegation_added",
            note=f"{row.get_fado_type_display()}: {row.allegation}",
            complaint=complaint,
        )
        _audit("accountability.allegation.create", row, actor, complaint=complaint.number)
    return row


def allegation_record_finding(
    *, actor: Any, allegation: Allegation, disposition: str, note: str = ""
) -> Allegation:
    with transaction.atomic():
        complaint = _locked_complaint(allegation.complaint)
        allegation = Allegation.objects.select_for_update().get(pk=allegation.pk)
        if not perms.can_view_complaint(actor, complaint) or not (
            perms.can_work_complaint(actor, complaint)
            or perms.can_act_on_complaint(actor, complaint, "record_findings")
        ):
            raise ApplicationError("Your role may not record findings.")
        if complaint.status not in FINDING_STATUSES:
            raise ApplicationError(
                "Findings are recorded during the investigation, the closing report "
                "or the panel review."
            )
        if disposition not in Disposition.values or not disposition:
            raise ApplicationError("Choose a finding from CCRB's dispositions.")
        before = allegation.disposition
        allegation.disposition = disposition
        allegation.finding_note = _clean(note)
        allegation.finding_by = actor
        allegation.finding_at = timezone.now()
        allegation.save()
        _event(
            actor=actor,
            action="finding",
            note=f"{allegation.allegation}: {allegation.get_disposition_display()}",
            complaint=complaint,
        )
        _audit(
            "accountability.allegation.finding",
            allegation,
            actor,
            before=before,
            after=disposition,
        )
    return allegation


def allegation_set_penalty(
    *, actor: Any, allegation: Allegation, penalty: str, final: bool = False, note: str = ""
) -> Allegation:
    """The recommended penalty (findings stage) or the final penalty (penalty stage)."""
    with transaction.atomic():
        complaint = _locked_complaint(allegation.complaint)
        allegation = Allegation.objects.select_for_update().get(pk=allegation.pk)
        step = "close" if final else "recommend_penalty"
        if not perms.can_act_on_complaint(actor, complaint, step):
            raise ApplicationError("Only the reviewing authority records penalties.")
        wanted = S.PENALTY if final else S.FINDINGS
        if complaint.status != wanted:
            raise ApplicationError(
                "The final penalty is recorded after the recommendation."
                if final
                else "Penalties are recommended once the findings are recorded."
            )
        if allegation.disposition not in SUBSTANTIATED:
            raise ApplicationError("Only a substantiated allegation carries a penalty.")
        if penalty not in Penalty.values or not penalty:
            raise ApplicationError("Choose a penalty.")
        if final:
            allegation.penalty_final = penalty
        else:
            allegation.penalty_recommended = penalty
        if note:
            allegation.penalty_note = _clean(note, 200)
        allegation.save()
        deviates = final and allegation.penalty_recommended != penalty
        _event(
            actor=actor,
            action="penalty_final" if final else "penalty_recommended",
            note=f"{allegation.allegation}: {allegation.get_penalty_final_display() if final else allegation.get_penalty_recommended_display()}",
            complaint=complaint,
        )
        _audit(
            "accountability.allegation.penalty",
            allegation,
            actor,
            final=final,
            penalty=penalty,
            deviates_from_recommendation=deviates,
        )
    return allegation


def task_add(
    *,
    actor: Any,
    complaint: Complaint | None = None,
    ia_case: IACase | None = None,
    title: str,
    due_on: date | None,
    kind: str = CaseTask.Kind.TASK,
    evidence_kind: str = "",
    requested_from: str = "",
) -> CaseTask:
    """An investigation task or an evidence request (BWC, force report, call records...)."""
    with transaction.atomic():
        if complaint is not None:
            complaint = _locked_complaint(complaint)
            _require_work(actor, complaint)
            if not complaint.is_open:
                raise ApplicationError("Re-open the complaint before adding tasks.")
        elif ia_case is not None:
            if not perms.can_act_on_ia_case(actor, ia_case, "start_investigation"):
                raise ApplicationError("Only internal affairs adds case tasks.")
        else:
            raise ApplicationError("A task belongs to a complaint or a case.")
        if kind not in CaseTask.Kind.values:
            raise ApplicationError("Choose the task kind.")
        if (
            kind == CaseTask.Kind.EVIDENCE_REQUEST
            and evidence_kind not in CaseTask.EvidenceKind.values[1:]
        ):
            raise ApplicationError("Say what evidence is requested (body camera, force report...).")
        if not _clean(title):
            raise ApplicationError("Say what the task is.")
        if due_on is None:
            raise ApplicationError("Give the task a due date.")
        task = CaseTask.objects.create(
            complaint=complaint,
            ia_case=ia_case,
            kind=kind,
            evidence_kind=evidence_kind if kind == CaseTask.Kind.EVIDENCE_REQUEST else "",
            title=_clean(title, 200),
            requested_from=_clean(requested_from, 120),
            due_on=due_on,
            assigned_to=actor,
        )
        _event(
            actor=actor,
            action="task_added",
            note=f"{task.get_kind_display()}: {task.title} (due {due_on:%Y-%m-%d})",
            complaint=complaint,
            ia_case=ia_case,
        )
        _audit("accountability.task.create", task, actor, kind=kind, due_on=due_on)
    return task


def task_complete(
    *, actor: Any, task: CaseTask, result: str = "", cancel: bool = False
) -> CaseTask:
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().get(pk=task.pk)
        if task.complaint_id:
            _require_work(actor, task.complaint)
        elif not perms.can_act_on_ia_case(actor, task.ia_case, "start_investigation"):
            raise ApplicationError("Only internal affairs completes case tasks.")
        if task.status != CaseTask.Status.OPEN:
            raise TransitionNotAllowed("This task is already finished.")
        task.status = CaseTask.Status.CANCELLED if cancel else CaseTask.Status.DONE
        task.result = _clean(result)
        task.completed_at = timezone.now()
        task.save()
        _event(
            actor=actor,
            action="task_cancelled" if cancel else "task_done",
            note=task.title,
            complaint=task.complaint,
            ia_case=task.ia_case,
        )
        _audit("accountability.task.complete", task, actor, status=task.status)
    return task


def referral_record_outcome(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    with transaction.atomic():
        if not perms.can_act_on_complaint(actor, referral.complaint, "refer"):
            raise ApplicationError("Only internal affairs tracks referrals.")
        if not _clean(outcome):
            raise ApplicationError("Describe the outcome the other body reported.")
        referral.outcome = _clean(outcome)
        referral.outcome_at = timezone.now()
        referral.save(update_fields=["outcome", "outcome_at"])
        _event(
            actor=actor,
            action="referral_outcome",
            note=referral.outcome,
            complaint=referral.complaint,
        )
        _audit("accountability.referral.outcome", referral, actor)
    return referral


def complaint_set_flags(
    *,
    actor: Any,
    complaint: Complaint,
    is_sealed: bool | None = None,
    involves_juvenile: bool | None = None,
    victim_protected: bool | None = None,
    reason: str,
) -> Complaint:
    """Seal or unseal, mark juvenile or victim-protected: the complaint and its allegations."""
    with transaction.atomic():
        complaint = _locked_complaint(complaint)
        if not perms.can_seal_complaint(actor, complaint) or not perms.can_view_complaint(
            actor, complaint
        ):
            raise ApplicationError("Only internal affairs seals complaints.")
        if not _clean(reason):
            raise ApplicationError("Give the legal reason for the change (e.g. the sealing order).")
        changed = {}
        for name, value in (
            ("is_sealed", is_sealed),
            ("involves_juvenile", involves_juvenile),
            ("victim_protected", victim_protected),
        ):
            if value is not None and getattr(complaint, name) != value:
                setattr(complaint, name, value)
                changed[name] = value
        if not changed:
            return complaint
        complaint.save()
        complaint.allegations.update(**changed)
        complaint.attachments.update(**changed)
        _event(actor=actor, action="flags", note=_clean(reason), complaint=complaint)
        _audit("accountability.complaint.flags", complaint, actor, reason=_clean(reason), **changed)
    return complaint


def complaint_link(
    *, actor: Any, complaint: Complaint, kind: str, ref: str, label: str = ""
) -> CaseLink:
    """Accept a suggested link: a call for service, an evidence item or a force report."""
    with transaction.atomic():
        complaint = _locked_complaint(complaint)
        _require_work(actor, complaint)
        if kind not in CaseLink.Kind.values:
            raise ApplicationError(
                "Choose what to link: a call, an evidence item or a force report."
            )
        if kind == CaseLink.Kind.EVIDENCE:
            from openprecinct.evidence.models import EvidenceItem, LinkKind
            from openprecinct.evidence.services import evidence_link

            item = EvidenceItem.objects.filter(uuid=ref).first() if _is_uuid(ref) else None
            if item is None or not perms.can_view_evidence_item(actor, item):
                raise ApplicationError("There is no such evidence item.")
            evidence_link(actor=actor, item=item, kind=LinkKind.COMPLAINT, ref=complaint.number)
            label = label or item.title
        elif kind == CaseLink.Kind.FORCE_REPORT:
            report = ForceReport.objects.filter(number=ref).first()
            if report is None:
                raise ApplicationError("There is no such force report.")
            label = label or str(report)
        link, created = CaseLink.objects.get_or_create(
            complaint=complaint,
            kind=kind,
            ref=str(ref),
            defaults={"label": _clean(label, 200), "linked_by": actor},
        )
        if created:
            _event(
                actor=actor,
                action="linked",
                note=f"{link.get_kind_display()} {link.label or ref}",
                complaint=complaint,
            )
            _audit("accountability.complaint.link", complaint, actor, kind=kind, ref=str(ref))
    return link


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- internal-affairs cases ------------------------------------------------------------------
IS = IACase.Status
IA_TRANSITIONS: dict[tuple[str, str], str] = {
    (IS.OPEN, "start_investigation"): IS.INVESTIGATING,
    (IS.INVESTIGATING, "submit_for_approval"): IS.PENDING_APPROVAL,
    (IS.PENDING_APPROVAL, "return"): IS.INVESTIGATING,
    (IS.PENDING_APPROVAL, "approve"): IS.FINDINGS,
    (IS.FINDINGS, "impose_discipline"): IS.DISCIPLINE,
    (IS.FINDINGS, "close"): IS.CLOSED,
    (IS.DISCIPLINE, "appeal"): IS.APPEAL,
    (IS.DISCIPLINE, "close"): IS.CLOSED,
    (IS.APPEAL, "decide_appeal"): IS.CLOSED,
    (IS.CLOSED, "reopen"): IS.INVESTIGATING,
}
IA_ACTION_LABELS = {
    "start_investigation": "Start the investigation",
    "submit_for_approval": "Submit for supervisory approval",
    "return": "Return to the investigator",
    "approve": "Approve the investigation",
    "impose_discipline": "Impose discipline",
    "appeal": "Record an appeal",
    "decide_appeal": "Record the appeal decision",
    "close": "Close",
    "reopen": "Re-open",
}


def ia_case_open(*, actor: Any, data: dict[str, Any]) -> IACase:
    if not perms.can_open_ia_case(actor):
        raise ApplicationError("Your role may not open internal-affairs cases.")
    kind = data.get("kind")
    if kind not in IACase.Kind.values:
        raise ApplicationError("Choose the kind of case: " + ", ".join(IACase.Kind.values) + ".")
    summary = _clean(data.get("summary"))
    if not summary:
        raise ApplicationError("Summarise the case.")
    occurred_at = data.get("occurred_at")
    occurred_on = local_date(occurred_at) if occurred_at else data.get("occurred_on")
    with transaction.atomic():
        case = IACase.objects.create(
            number=_next_number(IACase, "IA", local_date(timezone.now()).year),
            kind=kind,
            summary=summary,
            occurred_at=occurred_at,
            occurred_on=occurred_on,
            officer=data.get("officer"),
            complaint=data.get("complaint"),
            force_report=data.get("force_report"),
            investigator=data.get("investigator") or actor,
            due_on=data.get("due_on"),
            created_by=actor,
        )
        _event(actor=actor, action="open", after=case.status, ia_case=case)
        _audit("accountability.ia_case.create", case, actor, kind=kind)
    return case


def allowed_ia_actions(user: Any, case: IACase) -> list[str]:
    return [
        a
        for (s, a) in IA_TRANSITIONS
        if s == case.status and perms.can_act_on_ia_case(user, case, a)
    ]


def ia_case_transition(*, actor: Any, case: IACase, action: str, **params: Any) -> IACase:
    with transaction.atomic():
        case = IACase.objects.select_for_update().get(pk=case.pk)
        key = (case.status, action)
        if key not in IA_TRANSITIONS:
            raise TransitionNotAllowed(
                f"A case that is {case.get_status_display().lower()} cannot take the step '{action}'."
            )
        if not perms.can_act_on_ia_case(actor, case, action):
            raise ApplicationError(f"Your role may not take the step '{action}' on a case.")
        note = _clean(params.get("note"))
        before, after = case.status, IA_TRANSITIONS[key]
        if action == "submit_for_approval":
            if not note and not case.findings_summary:
                raise ApplicationError("Write the findings summary before asking for approval.")
            if note:
                case.findings_summary = note
            if (
                case.kind != IACase.Kind.COMMENDATION
                and case.allegations.filter(disposition="").exists()
            ):
                raise ApplicationError("Every allegation needs a finding before approval.")
        elif action == "approve":
            if case.investigator_id == actor.pk:
                raise ApplicationError("The investigator cannot approve their own investigation.")
            case.approved_by = actor
            case.approved_at = timezone.now()
        elif action == "impose_discipline":
            penalty = params.get("penalty")
            if penalty not in Penalty.values or not penalty:
                raise ApplicationError("Choose the discipline imposed.")
            if not case.allegations.filter(disposition__in=SUBSTANTIATED).exists():
                raise ApplicationError("Discipline follows only a substantiated allegation.")
            case.discipline = penalty
            case.discipline_note = _clean(note, 200)
        elif action in ("return", "appeal", "decide_appeal", "reopen") and not note:
            raise ApplicationError("Give the reason for this step.")
        if action == "decide_appeal":
            case.appeal_outcome = _clean(note, 200)
        if after == IS.CLOSED:
            case.closed_at = timezone.now()
        if action == "reopen":
            case.closed_at = None
        case.status = after
        case.save()
        _event(actor=actor, action=action, before=before, after=after, note=note, ia_case=case)
        _audit(f"accountability.ia_case.{action}", case, actor, **{"from": before, "to": after})
    return case


def ia_allegation_add(
    *, actor: Any, case: IACase, officer: Officer | None, allegation: str, fado_type: str = ""
) -> Allegation:
    with transaction.atomic():
        case = IACase.objects.select_for_update().get(pk=case.pk)
        if not perms.can_act_on_ia_case(actor, case, "start_investigation"):
            raise ApplicationError("Only internal affairs adds allegations to a case.")
        if case.status not in (IS.OPEN, IS.INVESTIGATING):
            raise ApplicationError("Allegations are added while the case is under investigation.")
        if not _clean(allegation):
            raise ApplicationError("Describe the allegation.")
        if fado_type and fado_type not in FadoType.values:
            raise ApplicationError("Unknown FADO type.")
        row = Allegation.objects.create(
            ia_case=case,
            officer=officer or case.officer,
            fado_type=fado_type,
            allegation=_clean(allegation, 120),
            occurred_on=case.occurred_on,
        )
        _event(actor=actor, action="allegation_added", note=row.allegation, ia_case=case)
        _audit("accountability.allegation.create", row, actor, ia_case=case.number)
    return row


def ia_allegation_finding(*, actor: Any, allegation: Allegation, disposition: str) -> Allegation:
    with transaction.atomic():
        case = IACase.objects.select_for_update().get(pk=allegation.ia_case_id)
        if not perms.can_act_on_ia_case(actor, case, "submit_for_approval"):
            raise ApplicationError("Only the IA investigator records findings.")
        if case.status != IS.INVESTIGATING:
            raise ApplicationError("Findings are recorded during the investigation.")
        if disposition not in Disposition.values or not disposition:
            raise ApplicationError("Choose a finding.")
        allegation.disposition = disposition
        allegation.finding_by = actor
        allegation.finding_at = timezone.now()
        allegation.save()
        _event(
            actor=actor,
            action="finding",
            note=f"{allegation.allegation}: {allegation.get_disposition_display()}",
            ia_case=case,
        )
        _audit("accountability.allegation.finding", allegation, actor, after=disposition)
    return allegation


# --- use-of-force reports ---------------------------------------------------------------------
F = ForceReport.Status
FORCE_TRANSITIONS: dict[tuple[str, str], str] = {
    (F.DRAFT, "submit"): F.SUPERVISOR_REVIEW,
    (F.CHANGES_REQUESTED, "submit"): F.SUPERVISOR_REVIEW,
    (F.SUPERVISOR_REVIEW, "supervisor_approve"): F.COMMAND_REVIEW,
    (F.SUPERVISOR_REVIEW, "request_changes"): F.CHANGES_REQUESTED,
    (F.COMMAND_REVIEW, "command_approve"): F.DISPOSITIONED,  # level 1 only (guard)
    (F.COMMAND_REVIEW, "request_changes"): F.CHANGES_REQUESTED,
    (F.IA_REVIEW, "ia_approve"): F.DISPOSITIONED,
    (F.IA_REVIEW, "request_changes"): F.CHANGES_REQUESTED,
    (F.DISPOSITIONED, "close"): F.CLOSED,
}
# Level 2-4: the commanding officer's approval forwards to internal affairs instead.
FORCE_LEVEL2_ROUTE = {(F.COMMAND_REVIEW, "command_approve"): F.IA_REVIEW}
FORCE_ACTION_LABELS = {
    "submit": "Submit for review",
    "supervisor_approve": "Approve (supervisor)",
    "command_approve": "Approve (command)",
    "ia_approve": "Approve and disposition (IA)",
    "request_changes": "Request changes",
    "close": "Close",
}
SUBMISSION_HOURS = 24
COMPLETION_DAYS = 30


def force_target(report: ForceReport, action: str) -> str | None:
    key = (report.status, action)
    if key not in FORCE_TRANSITIONS:
        return None
    if report.level >= 2 and key in FORCE_LEVEL2_ROUTE:
        return FORCE_LEVEL2_ROUTE[key]
    return FORCE_TRANSITIONS[key]


def is_fbi_reportable(report: ForceReport) -> bool:
    """FBI National Use-of-Force: death, serious bodily injury, or a firearm discharged at a person."""
    if report.firearm_discharged_at_person:
        return True
    return report.subjects.filter(injury__in=(Injury.SERIOUS, Injury.DEATH)).exists()


def force_report_create(
    *,
    actor: Any,
    data: dict[str, Any],
    subjects: list[dict[str, Any]] | None = None,
    officers: list[dict[str, Any]] | None = None,
) -> ForceReport:
    if not perms.can_create_force_report(actor):
        raise ApplicationError("Your role may not write force reports.")
    level = data.get("level")
    if level not in (1, 2, 3, 4):
        raise ApplicationError("Choose the force level, 1 to 4.")
    occurred_at = data.get("occurred_at")
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ApplicationError("Give when the force was used (date and time).")
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError("The time of the incident is in the future.")
    if not _clean(data.get("location")):
        raise ApplicationError("Give where the force was used.")
    if not _clean(data.get("narrative")):
        raise ApplicationError("Describe what happened (the narrative).")
    with transaction.atomic():
        occurred_on = local_date(occurred_at)
        report = ForceReport.objects.create(
            number=_next_number(ForceReport, "TRI", occurred_on.year),
            level=level,
            occurred_at=occurred_at,
            occurred_on=occurred_on,
            location=_clean(data.get("location"), 200),
            precinct=data.get("precinct"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            reason_for_contact=_clean(data.get("reason_for_contact"), 120),
            call_ref=_clean(data.get("call_ref"), 40),
            narrative=_clean(data.get("narrative")),
            officer_approached=bool(data.get("officer_approached")),
            ambush=bool(data.get("ambush")),
            supervisor_present=bool(data.get("supervisor_present")),
            firearm_discharged_at_person=bool(data.get("firearm_discharged_at_person")),
            submission_due_at=occurred_at + timedelta(hours=SUBMISSION_HOURS),
            completion_due_on=occurred_on + timedelta(days=COMPLETION_DAYS),
            author=actor,
        )
        for s in subjects or []:
            injury = s.get("injury", Injury.NONE)
            if injury not in Injury.values:
                raise ApplicationError("Unknown subject injury; choose from the list.")
            ForceSubject.objects.create(
                report=report,
                age=s.get("age"),
                sex=_clean(s.get("sex"), 20),
                race=_clean(s.get("race"), 40),
                behaviour=_clean(s.get("behaviour"), 120),
                armed=bool(s.get("armed")),
                injury=injury,
                arrested=bool(s.get("arrested")),
            )
        for o in officers or []:
            types = list(o.get("force_types") or [])
            bad = [t for t in types if t not in ForceType.values]
            if bad or not types:
                raise ApplicationError("Each officer needs at least one known force type.")
            officer = o.get("officer")
            if not isinstance(officer, Officer):
                raise ApplicationError("Choose each officer from the roster.")
            ForceOfficer.objects.create(
                report=report, officer=officer, force_types=types, injury=o.get("injury", "none")
            )
        report.fbi_reportable = is_fbi_reportable(report)
        report.save(update_fields=["fbi_reportable"])
        _event(actor=actor, action="create", after=report.status, force_report=report)
        _audit("accountability.force_report.create", report, actor, level=level)
    return report


def allowed_force_actions(user: Any, report: ForceReport) -> list[str]:
    return [
        a
        for (s, a) in FORCE_TRANSITIONS
        if s == report.status and perms.can_act_on_force_report(user, report, a)
    ]


def force_report_transition(
    *, actor: Any, report: ForceReport, action: str, comments: str = "", **params: Any
) -> ForceReport:
    with transaction.atomic():
        report = ForceReport.objects.select_for_update().get(pk=report.pk)
        after = force_target(report, action)
        if after is None:
            raise TransitionNotAllowed(
                f"A force report in {report.get_status_display().lower()} "
                f"cannot take the step '{action}'."
            )
        if not perms.can_act_on_force_report(actor, report, action):
            raise ApplicationError(
                f"Your role may not take the step '{action}' on this report"
                " (nobody reviews their own report)."
            )
        comments = _clean(comments)
        if action == "request_changes" and not comments:
            raise ApplicationError("Say what must change: a change request needs comments.")
        if action == "submit":
            if not report.officers.exists():
                raise ApplicationError("Add the officers who used force before submitting.")
            if not report.subjects.exists():
                raise ApplicationError("Add the subject(s) before submitting.")
            report.submitted_at = timezone.now()
        if after == F.DISPOSITIONED:
            finding = params.get("finding")
            if finding not in ForceReport.Finding.values or not finding:
                raise ApplicationError(
                    "Enter the disposition: within policy, policy violation, "
                    "training issue or tactics/equipment issue."
                )
            report.finding = finding
            report.recommendation = _clean(params.get("recommendation"))
            report.dispositioned_at = timezone.now()
        before = report.status
        report.status = after
        report.fbi_reportable = is_fbi_reportable(report)
        report.save()
        ForceReview.objects.create(
            report=report, stage=before, action=action, comments=comments, reviewer=actor
        )
        _event(
            actor=actor,
            action=action,
            before=before,
            after=after,
            note=comments,
            force_report=report,
        )
        _audit(
            f"accountability.force_report.{action}", report, actor, **{"from": before, "to": after}
        )
        if after == F.DISPOSITIONED and report.finding == ForceReport.Finding.POLICY_VIOLATION:
            first = report.officers.select_related("officer").first()
            ia_case_open(
                actor=actor,
                data={
                    "kind": IACase.Kind.FORCE,
                    "summary": f"Policy violation found in {report.number}: {report.recommendation}",
                    "occurred_at": report.occurred_at,
                    "officer": first.officer if first else None,
                    "force_report": report,
                },
            )
    return report


# --- FBI National Use-of-Force Data Collection export -------------------------------------------
def fbi_use_of_force_export(*, actor: Any, year: int, month: int) -> dict[str, Any]:
    """The month's reportable incidents as NUOFDC-style segments, or a zero report."""
    if not perms.can_export_force_reports(actor):
        raise ApplicationError("Your role may not export force data.")
    qs = ForceReport.objects.filter(
        fbi_reportable=True, occurred_on__year=year, occurred_on__month=month
    ).exclude(status=F.DRAFT)
    if not perms.can_view_sealed_complaints(actor):
        qs = qs.filter(is_sealed=False)
    incidents = []
    for r in qs.prefetch_related("subjects", "officers__officer").order_by("occurred_at", "pk"):
        incidents.append(
            {
                "Action": "Add",
                "ActionTime": timezone.now().isoformat(timespec="seconds"),
                "Incident": {
                    "IncidentId": r.number,
                    "DateTime": timezone.localtime(r.occurred_at).isoformat(timespec="minutes"),
                    "Location": r.location,
                    "NumberOfOfficersApplyingForce": r.officers.count(),
                    "ReasonForInitialContact": r.reason_for_contact,
                    "OfficerApproached": r.officer_approached,
                    "Ambush": r.ambush,
                    "SupervisorPresent": r.supervisor_present,
                    "FirearmDischargedAtPerson": r.firearm_discharged_at_person,
                },
                "Subjects": [
                    {
                        "Age": s.age,
                        "Sex": s.sex,
                        "Race": s.race,
                        "Injury": s.injury,
                        "Armed": s.armed,
                    }
                    for s in r.subjects.all()
                ],
                "Officers": [
                    {
                        "ForceTypes": o.force_types,
                        "Injury": o.injury,
                        "Rank": o.officer.rank,
                    }
                    for o in r.officers.all()
                ],
            }
        )
    audit_record(
        action="accountability.force_report.fbi_export",
        object_type="accountability.forcereport",
        object_id=f"{year:04d}-{month:02d}",
        actor_id=actor.pk,
        actor_username=actor.username,
        details={"year": year, "month": month, "incidents": len(incidents)},
    )
    return {
        "ReportingMonth": f"{year:04d}-{month:02d}",
        "ZeroReport": not incidents,
        "Incidents": incidents,
    }
