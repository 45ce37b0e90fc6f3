"""Deadline alerts for the department's responses to recommendations.

Due dates are local calendar dates (``OPENPRECINCT_TIME_ZONE``, America/New_York by default):
a response due on 8 March is due that whole local day, whether the clocks changed overnight or
not. "Today" is always ``timezone.localdate(now)``, never the UTC date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from openprecinct.core.audit import audit_record
from openprecinct.oversight.models import Recommendation, Response, ResponseDeadlineAlert

DUE_SOON_DAYS = 7
K = ResponseDeadlineAlert.Kind


def alert_kind(due_on: date, today: date) -> str | None:
    days_left = (due_on - today).days
    if days_left < 0:
        return K.OVERDUE
    if days_left == 0:
        return K.DUE_TODAY
    if days_left <= DUE_SOON_DAYS:
        return K.DUE_SOON
    return None


def raise_response_deadline_alerts(now: datetime | None = None) -> list[ResponseDeadlineAlert]:
    """Raise the alerts that are due at ``now`` and not raised yet. Idempotent: each kind is
    raised once per recommendation and due date."""
    today = timezone.localdate(now or timezone.now())
    raised = []
    pending = Recommendation.objects.filter(response=Response.PENDING).order_by("pk")
    for rec in pending:
        kind = alert_kind(rec.response_due_on, today)
        if kind is None:
            continue
        with transaction.atomic():
            alert, created = ResponseDeadlineAlert.objects.get_or_create(
                recommendation=rec,
                kind=kind,
                due_on=rec.response_due_on,
                defaults={"raised_on": today},
            )
            if created:
                audit_record(
                    action=f"oversight.deadline.{kind}",
                    obj=rec,
                    details={"due": rec.response_due_on.isoformat(), "today": today.isoformat()},
                )
                raised.append(alert)
    return raised


def deadline_summary(*, recommendations: Any, today: date | None = None) -> dict[str, Any]:
    """Counts over ``recommendations`` (what the reader may see: a recommendation on a
    complaint sealed later must not show up even as a number)."""
    today = today or timezone.localdate()
    pending = list(recommendations.filter(response=Response.PENDING))
    kinds = [alert_kind(r.response_due_on, today) for r in pending]
    return {
        "overdue": kinds.count(K.OVERDUE),
        "due_today": kinds.count(K.DUE_TODAY),
        "due_soon": kinds.count(K.DUE_SOON),
    }
