"""Records for the portal tests, made through the records models (shared with the browser
tests)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
DAY = date(2025, 6, 25)  # a Wednesday; its CompStat week ends Sunday 2025-06-29


def incident(n: int, *, day: date = DAY, hour: int = 14, **fields):
    """One approved imported record; ``n`` spreads the points over St. George."""
    from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy
    from tests.records.factories import imported_incident

    lat = fields.pop("latitude", 40.6437 - 0.0009 * (n % 7))
    lon = fields.pop("longitude", -74.0776 + 0.0011 * (n % 5))
    x, y = transform_xy([lon], [lat], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
    return imported_incident(
        source_key=f"T{n}",
        occurred_from=datetime(day.year, day.month, day.day, hour, 17, tzinfo=NY),
        occurred_date=day,
        latitude=lat,
        longitude=lon,
        x_m=float(x[0]),
        y_m=float(y[0]),
        **fields,
    )


BURGLARY = {"ky_cd": 107, "offense_description": "BURGLARY", "compstat_category": "Burglary"}
ROBBERY = {"ky_cd": 105, "offense_description": "ROBBERY", "compstat_category": "Robbery"}
RAPE = {"ky_cd": 104, "offense_description": "RAPE", "compstat_category": "Rape"}
MURDER = {
    "ky_cd": 101,
    "offense_description": "MURDER & NON-NEGL. MANSLAUGHTER",
    "compstat_category": "Murder",
}
# domestic violence and child abuse hide inside ordinary categories: the wording decides
DV_ASSAULT = {
    "ky_cd": 106,
    "offense_description": "FELONY ASSAULT",
    "pd_description": "ASSAULT 2,1,UNCLASSIFIED DOMESTIC",
    "compstat_category": "Fel. Assault",
}
CHILD_ABUSE = {
    "ky_cd": 233,
    "offense_description": "OFFENSES RELATED TO CHILDREN",
    "pd_description": "ENDANGERING WELFARE,CHILD",
    "law_category": "misdemeanor",
    "compstat_category": "Other Misdemeanors",
}
LARCENY = {}  # the factory's default: grand larceny
