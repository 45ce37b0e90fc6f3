"""Revision history: reclassified and unfounded records, counted by direction, suppressed
like every other table, sealed records left out."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from openprecinct.portal.privacy import SUPPRESSED
from tests.portal.factories import BURGLARY, ROBBERY, incident
from tests.portal.htmltables import csv_rows, page_tables

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def _revise(record, old, new, *, month=7):
    from openprecinct.records.models import IncidentRevision

    IncidentRevision.objects.create(
        incident=record,
        at=datetime(2025, month, 3, 9, tzinfo=NY),
        changes={"compstat_category": [old, new]},
        old_category=old,
        new_category=new,
        reason="review",
    )


def test_reclassified_and_unfounded_records_are_published_by_direction(client):
    for n in range(6):
        _revise(
            incident(n + 1, **{**ROBBERY, "compstat_category": "Petit Larceny"}),
            "Robbery",
            "Petit Larceny",
        )
    for n in range(2):
        _revise(incident(n + 20, **BURGLARY), "Burglary", "")
    _revise(incident(30, is_sealed=True, **BURGLARY), "Burglary", "Criminal Trespass")
    header, rows = csv_rows(client.get("/portal/data/revisions.csv").content.decode())
    table = [dict(zip(header, r, strict=True)) for r in rows]
    assert {
        "year": "2025",
        "from_category": "Robbery",
        "to_category": "Petit Larceny",
        "change": "downgrade",
        "records": "6",
    } in table
    unfounded = next(r for r in table if r["change"] == "unfounded")
    assert unfounded["from_category"] == "Burglary" and unfounded["records"] == SUPPRESSED
    assert not any(r["to_category"] == "Criminal Trespass" for r in table)  # sealed
    tables, _ = page_tables(client.get("/portal/revisions/").content.decode())
    assert tables[0]["rows"] == rows
    api = client.get("/api/v1/public/datasets/revisions/").json()
    assert api["privacy"]["records"] == [
        {"rule": "none", "reason": "sealed or unapproved record", "records": 1}
    ]
