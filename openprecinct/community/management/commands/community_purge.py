"""Run the community retention purge: closed tips, SARs past review, expired safety posts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openprecinct.community.services import purge_expired


class Command(BaseCommand):
    help = "Purge closed tips and reviewed SARs whose retention ended; expire old safety posts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--as-of", default="", help="the day to purge as of (YYYY-MM-DD, default today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = (
                date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
            )
        except ValueError:
            raise CommandError("--as-of must be a date such as 2026-03-01.") from None
        result = purge_expired(as_of)
        self.stdout.write(
            f"Purged {result['tips']} tips and {result['sars']} SARs; expired {result['posts_expired']} safety posts."
        )
