"""What records put on people's home pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task
from openprecinct.records.models import ImportRun, Incident


def records_tasks(user: Any) -> list[Task]:
    tasks = []
    if perms.can_create_report(user):
        mine = Incident.objects.filter(author=user)
        url = reverse("records:list")
        tasks.append(
            Task(
                mine.filter(status="returned").count(),
                "of your reports were returned for changes",
                url + "?status=returned",
            )
        )
        tasks.append(
            Task(
                mine.filter(status="draft").count(),
                "drafts not yet submitted",
                url + "?status=draft",
            )
        )
    if perms._has(user, *perms.SUPERVISORS):
        waiting = Incident.objects.filter(status="submitted").exclude(author=user).count()
        tasks.append(Task(waiting, "reports wait for your approval", reverse("records:approvals")))
    if perms.can_import_records(user):
        runs = ImportRun.objects.filter(quarantined__gt=0).count()
        tasks.append(Task(runs, "imports have quarantined rows", reverse("records:imports")))
    return tasks
