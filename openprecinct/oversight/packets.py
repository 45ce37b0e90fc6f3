"""The one place a review packet is built, and its redaction rules.

Rules (applied here and nowhere else; the committee's pages, API and exports only ever read
``ReviewPacket.content``):

1. A sealed complaint gets no packet at all.
2. An item (the complaint's own narrative, an allegation, an attachment, a linked IA case)
   that is sealed, involves a juvenile or is victim-protected (NY Civil Rights Law §50-b) is
   left out entirely: not summarised, not counted in the content.
3. The complainant's identity and contact details never enter a packet, whatever the flags.
4. Evidence requests appear only as their kind, status and due date (their titles are free text).

After building, :func:`assert_admissible` re-reads the case and checks that no text of a
withheld item appears anywhere in the packet: a second lock on the same door.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from openprecinct.core.errors import ApplicationError

REASONS = ("sealed", "juvenile", "victim_protected")


def _restricted_reasons(item: Any) -> list[str]:
    reasons = []
    if getattr(item, "is_sealed", False):
        reasons.append("sealed")
    if getattr(item, "involves_juvenile", False):
        reasons.append("juvenile")
    if getattr(item, "victim_protected", False):
        reasons.append("victim_protected")
    return reasons


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class _Withheld:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}

    def note(self, what: str, reasons: list[str]) -> None:
        bucket = self.counts.setdefault(what, dict.fromkeys(REASONS, 0))
        for reason in reasons:
            bucket[reason] += 1


def build_packet_content(complaint: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(content, withheld) for ``complaint``. Raises ApplicationError for a sealed complaint."""
    if complaint.is_sealed:
        raise ApplicationError("A sealed complaint can't go before the committee.")
    withheld = _Withheld()
    own = _restricted_reasons(complaint)
    content: dict[str, Any] = {
        "complaint": {
            "number": complaint.number,
            "status": complaint.get_status_display(),
            "channel": complaint.get_channel_display(),
            "received_on": _day(complaint.received_date),
            "incident_on": _day(complaint.incident_date),
            "limit_18_months": _day(complaint.sol_date),
            "closed_on": _day(complaint.closed_date),
            "truncation": complaint.get_truncation_reason_display()
            if complaint.truncation_reason
            else "",
            "mediation_attempted": complaint.mediation_attempted,
        }
    }
    if own:
        withheld.note("complaint narrative", own)
        content["complaint"]["narrative"] = None
        content["complaint"]["location"] = None
        content["complaint"]["closing_report"] = None
        content["complaint"]["narrative_withheld"] = True
    else:
        content["complaint"]["narrative"] = complaint.narrative
        content["complaint"]["location"] = complaint.location
        content["complaint"]["closing_report"] = complaint.closing_report
        content["complaint"]["narrative_withheld"] = False

    allegations = []
    for allegation in complaint.allegations.select_related("officer").order_by("pk"):
        reasons = _restricted_reasons(allegation)
        if reasons:
            withheld.note("allegations", reasons)
            continue
        officer = allegation.officer
        allegations.append(
            {
                "officer": str(officer) if officer is not None else allegation.officer_description,
                "officer_command": officer.command if officer is not None else "",
                "fado_type": allegation.get_fado_type_display(),
                "allegation": allegation.allegation,
                "description": allegation.description,
                "occurred_on": _day(allegation.occurred_on),
                "finding": allegation.get_disposition_display() if allegation.disposition else "",
                "finding_note": allegation.finding_note,
                "penalty_recommended": allegation.get_penalty_recommended_display()
                if allegation.penalty_recommended
                else "",
                "penalty_final": allegation.get_penalty_final_display()
                if allegation.penalty_final
                else "",
            }
        )
    content["allegations"] = allegations

    attachments = []
    for attachment in complaint.attachments.order_by("pk"):
        reasons = _restricted_reasons(attachment)
        if reasons:
            withheld.note("attachments", reasons)
            continue
        attachments.append(
            {
                "title": attachment.title,
                "body": attachment.body,
                "evidence": str(attachment.evidence_uuid) if attachment.evidence_uuid else None,
                "added_on": _day(attachment.added_at.date()),
            }
        )
    content["attachments"] = attachments

    cases = []
    for case in complaint.ia_cases.order_by("pk"):
        reasons = _restricted_reasons(case)
        if reasons:
            withheld.note("internal-affairs cases", reasons)
            continue
        cases.append(
            {
                "number": case.number,
                "kind": case.get_kind_display(),
                "status": case.get_status_display(),
                "summary": case.summary,
                "findings": case.findings_summary,
                "discipline": case.get_discipline_display() if case.discipline else "",
            }
        )
    content["internal_affairs"] = cases

    content["evidence_requests"] = [
        {
            "kind": task.get_evidence_kind_display()
            if task.evidence_kind
            else task.get_kind_display(),
            "status": task.get_status_display(),
            "due_on": _day(task.due_on),
        }
        for task in complaint.tasks.order_by("due_on", "pk")
    ]
    assert_admissible(content, complaint)
    return content, withheld.counts


def _withheld_texts(complaint: Any) -> list[str]:
    """Every piece of free text that belongs to a withheld item (long enough to be telling)."""
    texts: list[str] = []
    if _restricted_reasons(complaint):
        texts += [complaint.narrative, complaint.closing_report, complaint.location]
    for allegation in complaint.allegations.all():
        if _restricted_reasons(allegation):
            texts += [allegation.description, allegation.finding_note]
    for attachment in complaint.attachments.all():
        if _restricted_reasons(attachment):
            texts += [attachment.title, attachment.body]
    for case in complaint.ia_cases.all():
        if _restricted_reasons(case):
            texts += [case.summary, case.findings_summary, case.number]
    texts += [
        complaint.complainant_name,
        complaint.complainant_email,
        complaint.complainant_phone,
        complaint.tracking_code,
    ]
    return [t.strip() for t in texts if t and len(t.strip()) >= 6]


def assert_admissible(content: dict[str, Any], complaint: Any) -> None:
    """Refuse a packet in which any withheld text appears (a bug must never leak)."""
    blob = json.dumps(content, ensure_ascii=False)
    for text in _withheld_texts(complaint):
        if text in blob:
            raise ApplicationError(
                "The packet would contain withheld material; it was not built. "
                "Check the case's confidentiality flags."
            )


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
