"""``openprecinct evidence verify|purge|digest``: fixity, retention and the weekly digest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openprecinct.core import context


class Command(BaseCommand):
    help = "Evidence: verify files and custody chains, purge expired items, list coming deletions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify",
            help="Re-hash every stored file and every custody chain; exit 1 on a mismatch.",
        )
        verify.add_argument("--item", help="Check only the item with this UUID.")
        sub.add_parser(
            "purge",
            help="Queue items whose retention ended; delete queued items past their undo window.",
        )
        digest = sub.add_parser("digest", help="Items to be deleted in the coming days.")
        digest.add_argument("--days", type=int, default=7)
        digest.add_argument(
            "--email",
            action="store_true",
            help="Also e-mail it to the custodians (commanding officer, records clerks).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.set_current(context.ActorContext(username="cli", source="cli"))
        try:
            getattr(self, "_" + options["subcommand"])(**options)
        finally:
            context.reset(token)

    def _verify(self, item: str | None = None, **_: Any) -> None:
        from openprecinct.evidence.models import EvidenceItem
        from openprecinct.evidence.services import evidence_verify

        items = EvidenceItem.objects.filter(uuid=item) if item else None
        result = evidence_verify(items=items)
        for problem in result.problems:
            self.stderr.write(f"MISMATCH {problem}")
        if not result.ok:
            bad = len({p.item_uuid for p in result.problems})
            raise CommandError(
                f"{bad} of {result.items_checked} evidence items failed verification."
            )
        self.stdout.write(
            f"OK: {result.items_checked} evidence items, files and custody chains intact."
        )

    def _purge(self, **_: Any) -> None:
        from openprecinct.evidence.services import evidence_purge

        result = evidence_purge()
        for uid in result.queued:
            self.stdout.write(f"queued for deletion (7-day undo): {uid}")
        for uid in result.deleted:
            self.stdout.write(f"deleted, tombstone kept: {uid}")
        for uid, why in result.kept:
            self.stdout.write(f"kept: {uid}: {why}")
        self.stdout.write(
            f"{len(result.queued)} queued, {len(result.deleted)} deleted, {len(result.kept)} kept."
        )

    def _digest(self, days: int = 7, email: bool = False, **_: Any) -> None:
        from openprecinct.evidence.services import evidence_deletion_digest

        rows = evidence_deletion_digest(days=days)
        lines = [f"Evidence to be deleted in the next {days} days: {len(rows)}"]
        for row in rows:
            blocked = f" (blocked: {row['blocked']})" if row["blocked"] else ""
            lines.append(
                f"{row['when']:%Y-%m-%d} {row['uuid']} {row['title']}: {row['why']}{blocked}"
            )
        self.stdout.write("\n".join(lines))
        if email:
            from django.core.mail import send_mail

            from openprecinct.accounts import permissions as perms
            from openprecinct.accounts.models import User

            to = [
                u.email
                for u in User.objects.filter(role__in=perms.EVIDENCE_CUSTODIANS, is_active=True)
                if u.email
            ]
            if to:
                send_mail("Evidence deletions coming up", "\n".join(lines), None, to)
            self.stderr.write(f"sent to {len(to)} custodian(s)")
