"""``openprecinct restore FILE.tar [--replace]``: restore a backup and prove the round trip."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.core.audit import audit_record
from openprecinct.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and file store, then check every "
        "record count, every file's SHA-256 and the audit chain against the backup."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="the .tar file written by openprecinct backup")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database that holds records"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(options["archive"], replace=options["replace"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        audit_record(action="backup.restore", object_type="backup", details=report)
        self.stdout.write(
            f"Restored {report['records']} records in {report['models']} tables and "
            f"{report['files_verified']} files (SHA-256 verified) from the backup of "
            f"{report['created_at']}; audit chain intact ({report['audit_entries']} entries)."
        )
