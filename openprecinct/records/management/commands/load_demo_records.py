"""Load the bundled Staten Island demo records through the importers (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openprecinct.records.importing import ImportFileError, records_import_file

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"

# (file in demo/data, schema, mapping file) -- see demo/data/CREDITS.md for the sources
DEMO_FILES: tuple[tuple[str, str, str | None], ...] = (
    ("si_complaints.csv.gz", "nypd-complaints", None),
    ("si_crime_map_felonies_2013_2015.csv.gz", "generic", "nypd-crime-map.json"),
    ("si_drug_arrests_2013_2018.csv.gz", "nypd-arrests", None),
    ("si_shootings_2006_2023h1.csv.gz", "nypd-shootings", None),
    ("si_hate_crimes_2019_2023.csv.gz", "nypd-hate-crimes", None),
)


class Command(BaseCommand):
    help = "Import the bundled Staten Island demo records (real NYPD data; re-running changes nothing)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.OPENPRECINCT_DEMO_DATA_DIR)
        self.stdout.write("Demo records (real NYPD open data, Staten Island):")
        for name, schema, mapping in DEMO_FILES:
            try:
                run = records_import_file(
                    path=data_dir / name,
                    schema=schema,
                    mapping_file=MAPPINGS / mapping if mapping else None,
                )
            except ImportFileError as exc:
                raise CommandError(f"demo file {name}: {exc}") from None
            self.stdout.write(
                f"  {name:<42} read {run.read:>6,}  new {run.imported:>6,}  "
                f"updated {run.updated:>5,}  unchanged {run.unchanged:>6,}  "
                f"quarantined {run.quarantined:>4,}"
            )
