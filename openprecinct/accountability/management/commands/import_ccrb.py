"""Import a CCRB file (ProPublica allegations, or the MOS officer/complaint histories)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.accountability.ccrb import DATASETS, import_ccrb_file, source_note, summary
from openprecinct.records.importing.errors import ImportFileError


class Command(BaseCommand):
    help = (
        "Import CCRB records: --dataset propublica|mos_officers|mos_complaints FILE. "
        "Import MOS officers before their complaints. Re-running changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--dataset", required=True, choices=DATASETS)
        parser.add_argument("--status", default="", choices=("", "active", "inactive"))
        parser.add_argument("--precinct", type=int, default=None, help="keep only this precinct")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = import_ccrb_file(
                options["path"],
                options["dataset"],
                mos_status=options["status"],
                precinct=options["precinct"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        s = summary(run)
        self.stdout.write(
            f"{s['file']}: read {s['rows_read']:,}  new {s['created']:,}  updated {s['updated']:,}  "
            f"unchanged {s['unchanged']:,}  duplicates {s['duplicates']:,}  "
            f"skipped {s['skipped']:,}  quarantined {s['quarantined']:,}  "
            f"reconciles: {'yes' if s['reconciles'] else 'NO'}"
        )
        if s["reasons"]:
            self.stdout.write(f"  details: {s['reasons']}")
        self.stdout.write(f"  Note: {source_note()}")
