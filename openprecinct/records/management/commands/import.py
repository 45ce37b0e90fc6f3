"""``openprecinct import --schema SCHEMA FILE``: load an incident file into the database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openprecinct.records.importing import (
    SCHEMA_NAMES,
    ImportFileError,
    import_summary,
    records_import_file,
)


class Error(CommandError):
    """Django prints a CommandError as ``<class name>: message``, so this reads ``Error: ...``."""


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: start fast, check nothing web
    help = (
        "Import an incident file (NYPD open-data schemas, or any CSV with a column mapping). "
        "Invalid rows are quarantined with their line number and reason; re-running changes "
        "nothing; a corrected file updates what changed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV file, optionally gzipped")
        parser.add_argument("--schema", required=True, choices=SCHEMA_NAMES)
        parser.add_argument(
            "--columns",
            help="generic schema: column mapping, e.g. id=case,time=date,x=lon,y=lat,offense=type "
            "(crs=EPSG:2263 when x/y are not longitude/latitude)",
        )
        parser.add_argument("--mapping", help="generic schema: a TOML or JSON mapping file")
        parser.add_argument(
            "--area", help="generic schema: GeoJSON area; points outside are quarantined"
        )
        parser.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = records_import_file(
                path=options["file"],
                schema=options["schema"],
                columns=options["columns"],
                mapping_file=options["mapping"],
                area=options["area"],
                encoding=options["encoding"],
                progress=not options["quiet"] and not options["json"],
            )
        except ImportFileError as exc:
            raise Error(str(exc), returncode=2) from None
        summary = import_summary(run)
        if options["json"]:
            self.stdout.write(json.dumps(summary, sort_keys=True))
            return
        self.stdout.write(f"{run.file_name} ({run.schema}), import run {run.pk}")
        for name in ("read", "imported", "updated", "unchanged", "quarantined"):
            self.stdout.write(f"  {name:<12} {summary[name]:>9,}")
        for reason, count in sorted(summary["reasons"].items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"    {reason:<22} {count:>7,}")
        if run.quarantined:
            self.stdout.write(
                f"Quarantined rows are kept with their line numbers in import run {run.pk}."
            )
