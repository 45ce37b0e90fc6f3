"""The safety-post email digest: print it, or send it to the given addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openprecinct.community import feeds, selectors


class Command(BaseCommand):
    help = "Build the digest of safety posts published or corrected in the last N days; print or email it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="look back this many days (default 7)"
        )
        parser.add_argument(
            "--host", default="", help="host name for links (default: the first ALLOWED_HOSTS)"
        )
        parser.add_argument(
            "--to", action="append", default=[], help="an address to email (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["days"] <= 366:
            raise CommandError("--days must be from 1 to 366.")
        host = options["host"] or next(
            (h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost"
        )
        since = timezone.now() - timedelta(days=options["days"])
        text = feeds.digest(selectors.public_posts(), host=host, since=since)
        if not options["to"]:
            self.stdout.write(text)
            return
        subject = f"Precinct {settings.OPENPRECINCT_PRECINCT} safety updates"
        sent = send_mail(subject, text, None, options["to"])
        self.stdout.write(f"Digest sent to {sent and len(options['to'])} address(es).")
