"""What community puts on people's home pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.core.dashboard import Task


def community_tasks(user: Any) -> list[Task]:
    from openprecinct.community import selectors
    from openprecinct.community.models import Donation, SafetyPost

    tasks: list[Task] = []
    if perms.can_triage_tips(user):
        counts = selectors.dashboard_counts()
        tips = reverse("community:tips")
        tasks.append(
            Task(
                counts["tips_untriaged"],
                "anonymous tips wait for triage",
                tips + "?status=received",
            )
        )
        tasks.append(
            Task(counts["tips_unscreened"], "tips wait to be screened", tips + "?status=triaged")
        )
        tasks.append(
            Task(counts["tip_messages_unscreened"], "tips have tipster messages to screen", tips)
        )
    elif perms._has(user, *perms.TIP_INVESTIGATORS):
        mine = selectors.tips_for_user(user).filter(status="assigned").count()
        tasks.append(Task(mine, "anonymous tips are assigned to you", reverse("community:tips")))
    if perms.can_review_safety_post(user):
        waiting = SafetyPost.objects.filter(status="in_review").exclude(author=user).count()
        tasks.append(Task(waiting, "safety posts wait for your review", reverse("community:posts")))
    if perms.can_check_donation_conflicts(user):
        pledged = Donation.objects.filter(status="pledged").exclude(recorded_by=user).count()
        tasks.append(
            Task(
                pledged,
                "pledges wait for a conflict-of-interest check",
                reverse("community:donations"),
            )
        )
    return tasks
