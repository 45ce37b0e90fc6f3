"""``openprecinct backup FILE.tar``: every record and every stored file, with a manifest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.core.audit import audit_record
from openprecinct.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive: all records, all evidence files, counts and SHA-256 manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="the .tar file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = create_backup(options["archive"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        records = sum(manifest["counts"].values())
        audit_record(
            action="backup.create",
            object_type="backup",
            object_id=manifest["data"]["sha256"][:64],
            details={"records": records, "files": len(manifest["files"])},
        )
        self.stdout.write(
            f"Backup {options['archive']}: {records} records in {len(manifest['counts'])} "
            f"tables, {len(manifest['files'])} files, data SHA-256 {manifest['data']['sha256']}"
        )
