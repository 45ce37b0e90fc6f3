"""What evidence puts on custodians' home pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task
from openprecinct.evidence.models import EvidenceItem, ItemStatus, RedactionRequest


def evidence_tasks(user: Any) -> list[Task]:
    if not perms._has(user, *perms.EVIDENCE_CUSTODIANS):
        return []
    redactions = (
        RedactionRequest.objects.filter(status=RedactionRequest.Status.REQUESTED)
        .exclude(requested_by=user)
        .count()
    )
    queued = EvidenceItem.objects.filter(status=ItemStatus.PENDING_DELETION).count()
    return [
        Task(redactions, "redaction requests wait for your review", reverse("evidence:redactions")),
        Task(
            queued,
            "evidence items are queued for deletion (can still be undone)",
            reverse("evidence:list") + "?status=pending_deletion",
        ),
    ]
