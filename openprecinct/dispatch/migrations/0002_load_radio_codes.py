"""Load the NYPD radio-code table (2024) as data, so call types are never hard-coded."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "radio_codes.csv"


def load(apps, schema_editor):
    CallType = apps.get_model("dispatch", "CallType")
    with CSV.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    CallType.objects.bulk_create(
        [
            CallType(
                code=r["radio_code"],
                description=r["description"][:120],
                category=r["category"][:80],
                super_category=r["super_category"][:40],
                priority=r["priority"],
                self_initiated=r["self_initiated"] == "1",
                count_2024=int(r["count_2024"] or 0),
            )
            for r in rows
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("dispatch", "CallType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_calls_units_timeline")]
    operations = [migrations.RunPython(load, unload)]
