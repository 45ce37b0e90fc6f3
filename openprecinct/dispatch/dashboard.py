"""What dispatch puts on people's home pages (and the way there for analysts, whose menu has
no dispatch entry)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task
from openprecinct.dispatch.models import QUEUED_CALL_STATUSES, Call, Unit, UnitStatus


def dispatch_tasks(user: Any) -> list[Task]:
    tasks = []
    if perms.can_dispatch(user):
        waiting = Call.objects.filter(
            status__in=QUEUED_CALL_STATUSES, duplicate_of__isnull=True
        ).count()
        tasks.append(Task(waiting, "calls wait for a unit", reverse("dispatch:console")))
        emergencies = Unit.objects.filter(status=UnitStatus.EMERGENCY).count()
        if emergencies:
            tasks.append(
                Task(emergencies, "units signal an emergency", reverse("dispatch:console"))
            )
    if perms.can_use_mobile_view(user):
        assigned = Call.objects.filter(
            assignments__unit__members=user, assignments__status__in=["dispatched", "en_route"]
        ).count()
        tasks.append(Task(assigned, "calls assigned to your unit", reverse("dispatch:mobile")))
    if perms.can_view_response_times(user):
        calls = Call.objects.filter(duplicate_of__isnull=True).count()
        tasks.append(
            Task(calls, "calls in the response-time analysis", reverse("dispatch:response_times"))
        )
    if perms.can_plan_patrol(user):
        units = Unit.objects.count()
        tasks.append(
            Task(units, "patrol units to plan for (patrol allocation)", reverse("dispatch:patrol"))
        )
    return tasks
