"""Deadline alerts: the 18-month limit, acknowledgements, tasks, force reports, IA cases.

:func:`raise_due_alerts` is idempotent and meant to run daily (and whenever the dashboard
opens). An alert for threshold *T* fires on the first local day on which the deadline is *T*
days away or closer, and never again for that deadline. "Day" is the calendar day in the
platform's time zone, so an alert due on the day clocks change fires at local midnight, not at
UTC midnight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction

from openprecinct.accountability.models import (
    CaseTask,
    Complaint,
    DeadlineAlert,
    ForceReport,
    IACase,
)
from openprecinct.accountability.sol import local_date, today

K = DeadlineAlert.Kind
THRESHOLDS: dict[str, tuple[int, ...]] = {
    K.SOL: (90, 30, 7, 0),
    K.ACKNOWLEDGEMENT: (2, 0),
    K.TASK: (3, 0),
    K.FORCE_SUBMISSION: (0,),
    K.FORCE_COMPLETION: (7, 0),
    K.IA_CASE: (7, 0),
}
SOL_STATUSES = (
    Complaint.Status.INTAKE,
    Complaint.Status.SCREENING,
    Complaint.Status.ASSIGNED,
    Complaint.Status.MEDIATION_OFFERED,
    Complaint.Status.MEDIATION_SCHEDULED,
    Complaint.Status.INVESTIGATING,
    Complaint.Status.CLOSING_REPORT,
    Complaint.Status.BOARD_REVIEW,
    Complaint.Status.FINDINGS,
    Complaint.Status.PENALTY,
)
LOCAL = (Complaint.Source.STAFF, Complaint.Source.PUBLIC)


def _deadlines() -> Iterable[tuple[str, str, str, date, str, Complaint | None, bool]]:
    """(kind, object_type, object_id, due_on, label, complaint, sealed) for every open deadline."""
    complaints = Complaint.objects.filter(source__in=LOCAL)
    for c in complaints.filter(status__in=SOL_STATUSES, sol_date__isnull=False):
        yield K.SOL, "complaint", str(c.pk), c.sol_date, f"Complaint {c.number}", c, c.is_sealed
    for c in complaints.filter(acknowledged_at__isnull=True, acknowledgement_due__isnull=False):
        yield (
            K.ACKNOWLEDGEMENT,
            "complaint",
            str(c.pk),
            c.acknowledgement_due,
            f"Complaint {c.number}",
            c,
            c.is_sealed,
        )
    tasks = CaseTask.objects.filter(status=CaseTask.Status.OPEN).select_related(
        "complaint", "ia_case"
    )
    for t in tasks:
        parent = t.complaint or t.ia_case
        yield (
            K.TASK,
            "task",
            str(t.pk),
            t.due_on,
            f"{t.title} ({parent.number})",
            t.complaint,
            parent.is_sealed,
        )
    reports = ForceReport.objects.exclude(status__in=(ForceReport.Status.CLOSED,))
    for r in reports:
        if r.status in (ForceReport.Status.DRAFT,):
            yield (
                K.FORCE_SUBMISSION,
                "force_report",
                str(r.pk),
                local_date(r.submission_due_at),
                f"{r.number} not submitted",
                None,
                r.is_sealed,
            )
        if r.status != ForceReport.Status.DISPOSITIONED:
            yield (
                K.FORCE_COMPLETION,
                "force_report",
                str(r.pk),
                r.completion_due_on,
                f"{r.number} review",
                None,
                r.is_sealed,
            )
    for case in IACase.objects.exclude(status=IACase.Status.CLOSED).filter(due_on__isnull=False):
        yield K.IA_CASE, "ia_case", str(case.pk), case.due_on, case.number, None, case.is_sealed


def raise_due_alerts(
    *, on: date | None = None, progress: Callable[[int, int], None] | None = None
) -> list[DeadlineAlert]:
    """Raise the alerts due on local day ``on`` (default: today, local). Returns the new ones."""
    day = on or today()
    created: list[DeadlineAlert] = []
    items = list(_deadlines())
    for i, (kind, otype, oid, due_on, label, complaint, sealed) in enumerate(items, 1):
        left = (due_on - day).days
        reached = [t for t in THRESHOLDS[kind] if left <= t]
        if reached:
            threshold = min(reached)  # only the closest threshold reached today
            exists = DeadlineAlert.objects.filter(
                kind=kind, object_type=otype, object_id=oid, due_on=due_on, days_left=threshold
            ).exists()
            if not exists:
                when = (
                    "today"
                    if left == 0
                    else (f"in {left} days" if left > 0 else f"{-left} days ago")
                )
                try:
                    with transaction.atomic():
                        created.append(
                            DeadlineAlert.objects.create(
                                kind=kind,
                                object_type=otype,
                                object_id=oid,
                                complaint=complaint,
                                due_on=due_on,
                                days_left=threshold,
                                raised_on=day,
                                message=(
                                    f"{K(kind).label}: {label} due {when} ({due_on:%Y-%m-%d})"
                                )[:200],
                                is_sealed=sealed,
                            )
                        )
                except IntegrityError:  # raised concurrently by another run
                    pass
        if progress:
            progress(i, len(items))
    return created


def raise_due_alerts_at(moment: datetime) -> list[DeadlineAlert]:
    return raise_due_alerts(on=local_date(moment))
