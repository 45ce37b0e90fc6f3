from __future__ import annotations

from typing import Any

from django.urls import reverse

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.core.dashboard import Task


def accounts_tasks(user: Any) -> list[Task]:
    if not perms.can_manage_users(user):
        return []
    locked = User.objects.filter(locked_at__isnull=False).count()
    return [Task(locked, "accounts are locked", reverse("accounts:users"))]
