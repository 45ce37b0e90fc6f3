"""``openprecinct audit verify``: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check the hash chain of the audit log and name any altered, deleted or moved entry."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"OK: {result.entries_checked} audit entries, chain intact.")
            return
        for problem in result.problems:
            self.stderr.write(f"BROKEN {problem}")
        raise CommandError(
            f"audit chain broken: {len(result.problems)} problem(s) in "
            f"{result.entries_checked} entries"
        )
