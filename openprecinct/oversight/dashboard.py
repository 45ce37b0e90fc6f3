"""What the committee puts on people's home pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task


def oversight_tasks(user: Any) -> list[Task]:
    from openprecinct.oversight.models import PacketAccess, Recommendation

    tasks = []
    home = reverse("oversight:home")
    if perms.can_vote_in_committee(user):
        now = timezone.now()
        open_packets = (
            PacketAccess.objects.filter(
                member=user, revoked_at__isnull=True, opens_at__lte=now, closes_at__gt=now
            )
            .exclude(review__complaint__is_sealed=True)
            .values("review")
            .distinct()
            .count()
        )
        if open_packets:  # members see the task only when there is something to read
            tasks.append(Task(open_packets, "case packets are open for your review", home))
    if perms.can_respond_to_recommendation(user):
        today = timezone.localdate()
        pending = Recommendation.objects.filter(response="pending")
        tasks.append(
            Task(
                pending.filter(response_due_on__lt=today).count(),
                "committee recommendations are past their response deadline",
                home,
            )
        )
        tasks.append(
            Task(
                pending.filter(response_due_on__gte=today).count(),
                "committee recommendations await the department's response",
                home,
            )
        )
    return tasks
