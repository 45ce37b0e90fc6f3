"""Raise the day's response-deadline alerts (idempotent; run it nightly, e.g. from cron or the
job scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Raise due-soon, due-today and overdue alerts for the department's responses."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        from openprecinct.oversight.deadlines import raise_response_deadline_alerts

        raised = raise_response_deadline_alerts()
        for alert in raised:
            self.stdout.write(
                f"{alert.recommendation.number}: {alert.get_kind_display()} "
                f"(due {alert.due_on:%Y-%m-%d})"
            )
        self.stdout.write(f"{len(raised)} new deadline alert(s).")
