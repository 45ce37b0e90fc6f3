"""Small helpers to make records for the workflow tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
# A point in sector 120A-ish, St. George (inside the 120th Precinct).
ST_GEORGE = (40.6437, -74.0776)


def report_data(**overrides):
    data = {
        "occurred_from": datetime(2026, 11, 20, 22, 15, tzinfo=NY),
        "occurred_to": None,
        "ky_cd": 107,
        "pd_description": "BURGLARY,RESIDENCE,NIGHT",
        "attempted": False,
        "premises": "RESIDENCE-HOUSE",
        "address": "100 RICHMOND TERRACE",
        "location_description": "INSIDE",
        "latitude": ST_GEORGE[0],
        "longitude": ST_GEORGE[1],
        "narrative": "Rear door forced; laptop and jewellery taken.",
    }
    data.update(overrides)
    return data


def imported_incident(**fields):
    from openprecinct.records.models import Incident

    defaults = {
        "source": "nypd-complaints",
        "source_key": f"K{Incident.objects.count() + 1}",
        "occurred_from": datetime(2025, 3, 1, 12, tzinfo=NY),
        "occurred_date": datetime(2025, 3, 1).date(),
        "ky_cd": 109,
        "offense_description": "GRAND LARCENY",
        "law_category": "felony",
        "attempted": False,
        "compstat_category": "Gr. Larceny",
        "premises": "STREET",
        "precinct": "120",
        "sector": "120A",
        "latitude": ST_GEORGE[0],
        "longitude": ST_GEORGE[1],
        "x_m": 295000.0,
        "y_m": 55000.0,
    }
    defaults.update(fields)
    if "occurred_date" in fields and "occurred_from" not in fields:
        day = fields["occurred_date"]
        defaults["occurred_from"] = datetime(day.year, day.month, day.day, 12, tzinfo=NY)
    return Incident.objects.create(**defaults)
