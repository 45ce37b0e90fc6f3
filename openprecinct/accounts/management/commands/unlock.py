from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openprecinct.accounts.models import LoginFailure, User
from openprecinct.core.audit import audit_record


class Command(BaseCommand):
    help = "Lift the lock-out of an account (for administrators at the server's console)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account named {options['username']!r}.")
        with transaction.atomic():
            user.locked_at = None
            user.locked_reason = ""
            user.save(update_fields=["locked_at", "locked_reason"])
            LoginFailure.objects.filter(username=user.username).delete()
            audit_record(action="auth.account_unlock", obj=user, details={"via": "console"})
        self.stdout.write(f"{user.username} is unlocked.")
