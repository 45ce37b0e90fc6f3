"""What personnel puts on people's home pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task


def personnel_tasks(user: Any) -> list[Task]:
    from openprecinct.personnel import selectors, services

    tasks = []
    if perms.can_triage_alert(user):
        raised = selectors.alert_list_for_user(user=user, status="raised").count()
        tasks.append(
            Task(raised, "early-intervention alerts wait for triage", reverse("personnel:home"))
        )
    if perms.can_view_early_intervention(user):
        review = selectors.alert_list_for_user(user=user, status="supervisor_review").count()
        tasks.append(
            Task(
                review,
                "early-intervention alerts wait for supervisor review",
                reverse("personnel:home") + "?status=supervisor_review",
            )
        )
        due = services.follow_ups_due().exclude(plan__alert__officer__user_id=user.pk).count()
        tasks.append(Task(due, "intervention follow-ups are due", reverse("personnel:home")))
    return tasks
