"""CompStat from the database: records become a plain table, the analytics engine does the rest.

The same engine and renderers serve the CLI on a file, this web page, its PDF/CSV/JSON
downloads and the API, so every route shows the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from openprecinct.accounts import permissions as perms
from openprecinct.analytics import categories as cats
from openprecinct.analytics.compstat import (
    CompStatReport,
    compstat_reports,
    report_to_dict,
)
from openprecinct.analytics.compstat_history import (
    HistoricalPerspective,
    annual_counts_from_frame,
    historical_perspective,
)
from openprecinct.analytics.compstat_stats import (
    Reclassification,
    TrendWeek,
    reclassifications,
    weekly_trend,
)
from openprecinct.records.models import Arrest, Incident, IncidentRevision, ReportStatus

DRUG_ARREST_KY_CD = (117, 235)
COLUMNS = ["id", "time", "report_time", "category", "precinct", "sector"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def compstat_frame(*, user: Any, precincts: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per counted thing: incidents by their current category, one extra row per
    shooting victim ("Shooting Vic."), and drug arrests ("Drug Arrests").

    Only approved records count. Sealed records count only for roles allowed to see them.
    Dates are the precinct's local calendar dates.
    """
    incidents = Incident.objects.filter(status=ReportStatus.APPROVED).exclude(compstat_category="")
    arrests = Arrest.objects.filter(ky_cd__in=DRUG_ARREST_KY_CD)
    if not perms.can_view_sealed_records(user):
        incidents = incidents.filter(is_sealed=False)
        arrests = arrests.filter(is_sealed=False)
    if precincts:
        incidents = incidents.filter(precinct__in=list(precincts))
        arrests = arrests.filter(precinct__in=list(precincts))
    rows = list(
        incidents.values_list(
            "id",
            "occurred_date",
            "reported_date",
            "compstat_category",
            "precinct",
            "sector",
            "victim_count",
        ).iterator(chunk_size=5000)
    )
    frame = (
        pd.DataFrame(rows, columns=[*COLUMNS, "victims"]) if rows else _empty().assign(victims=[])
    )
    shootings = frame[frame["category"] == cats.SHOOTING_INCIDENTS]
    if len(shootings):
        victims = shootings.loc[
            np.repeat(shootings.index.to_numpy(), shootings["victims"].clip(lower=1))
        ]
        victims = victims.assign(
            category=cats.SHOOTING_VICTIMS, id=lambda d: "v" + d["id"].astype(str)
        )
        frame = pd.concat([frame, victims], ignore_index=True)
    arrest_rows = list(
        arrests.values_list("id", "arrest_date", "arrest_date", "precinct", "sector").iterator(
            chunk_size=5000
        )
    )
    if arrest_rows:
        drugs = pd.DataFrame(
            arrest_rows, columns=["id", "time", "report_time", "precinct", "sector"]
        )
        drugs = drugs.assign(category="Drug Arrests", id=lambda d: "a" + d["id"].astype(str))
        frame = pd.concat([frame, drugs], ignore_index=True)
    frame = frame.drop(columns=["victims"], errors="ignore")
    frame["id"] = frame["id"].astype(str)
    for column in ("time", "report_time"):
        frame[column] = pd.to_datetime(frame[column], errors="coerce")
    for column in ("precinct", "sector"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def default_week_ending(frame: pd.DataFrame, *, today: date) -> date:
    """The week of the newest record, unless that week is not over yet: then the last one that is."""
    last_sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
    if len(frame) and frame["time"].notna().any():
        latest = frame["time"].max().date()
        end = latest + timedelta(days=6 - latest.weekday())  # the Sunday ending its week
        return min(end, last_sunday)
    return last_sunday


@dataclass(frozen=True)
class CompStatView:
    """What the CompStat page, its downloads and the API show for one request."""

    reports: tuple[CompStatReport, ...]
    week_ending: date
    precinct: str
    sector: str
    trend: tuple[TrendWeek, ...]
    sector_changes: dict[str, float | None]
    reclassified: tuple[Reclassification, ...] = ()
    perspective: HistoricalPerspective | None = None

    def as_dicts(self) -> list[dict[str, Any]]:
        return [report_to_dict(r) for r in self.reports]


def compstat_view(
    *,
    user: Any,
    precinct: str,
    sector: str = "",
    week_ending: date | None,
    date_field: str = "occurrence",
    today: date,
) -> CompStatView:
    frame = compstat_frame(user=user, precincts=[precinct])
    week = week_ending or default_week_ending(frame, today=today)
    coverage = frame["time"].min().date() if len(frame) and frame["time"].notna().any() else None
    common = {
        "week_ending": week,
        "date_field": date_field,
        "coverage_start": coverage,
        "source": "OpenPrecinct records (approved)",
    }
    sectors = sorted(s for s in frame["sector"].unique() if s)
    if sector:
        reports = compstat_reports(
            frame, levels=("sector",), geographies={"sector": [sector]}, **common
        )
    else:
        reports = compstat_reports(
            frame,
            levels=("precinct", "sector"),
            geographies={"precinct": [precinct], "sector": sectors},
            **common,
        )
    chosen = frame[frame["sector"] == sector] if sector else frame
    majors = chosen[chosen["category"].isin(cats.MAJOR_SEVEN)]
    trend = weekly_trend(
        majors["time"].dropna().to_numpy(), week_ending=week, weeks=52, coverage_start=coverage
    )
    changes: dict[str, float | None] = {}
    for report in reports:
        if report.level == "sector":
            changes[report.geography] = report.line(cats.TOTAL_MAJOR_SEVEN).ytd_pct_change
    return CompStatView(
        reports=reports,
        week_ending=week,
        precinct=precinct,
        sector=sector,
        trend=trend,
        sector_changes=changes,
        reclassified=compstat_reclassifications(
            user=user, precinct=precinct, sector=sector, week_ending=week
        ),
        perspective=None if sector else compstat_perspective(precinct=precinct, year=week.year),
    )


ANNUAL_FILE = "nypd_annual_crime_si_1993_2025.csv.gz"


@lru_cache(maxsize=1)
def _annual() -> dict[tuple[str, str], dict[int, int]]:
    from django.conf import settings

    frame = pd.read_csv(settings.OPENPRECINCT_DEMO_DATA_DIR / ANNUAL_FILE)
    return annual_counts_from_frame(frame)


def compstat_perspective(*, precinct: str, year: int) -> HistoricalPerspective | None:
    """NYPD's Historical Perspective (complete years) from the bundled published aggregates."""
    annual = _annual()
    if not any(geography == precinct for geography, _ in annual):
        return None
    last_year = year - 1
    published = {y for (g, _), years in annual.items() if g == precinct for y in years}
    if last_year not in published:
        last_year = max(published)
    return historical_perspective(annual, geography=precinct, last_year=last_year)


def compstat_reclassifications(
    *, user: Any, precinct: str, sector: str, week_ending: date
) -> tuple[Reclassification, ...]:
    """Downgrades and upgrades of the geography's records, dated by when the change was made."""
    from django.utils import timezone

    revisions = IncidentRevision.objects.filter(incident__precinct=precinct)
    if sector:
        revisions = revisions.filter(incident__sector=sector)
    if not perms.can_view_sealed_records(user):
        revisions = revisions.filter(incident__is_sealed=False)
    rows = [
        (
            r.incident_id,
            timezone.localtime(r.at).replace(tzinfo=None),
            r.old_category or None,
            r.new_category or None,
        )
        for r in revisions.only("incident_id", "at", "old_category", "new_category")
    ]
    if not rows:
        return ()
    frame = pd.DataFrame(rows, columns=["record_id", "time", "old_category", "new_category"])
    return reclassifications(frame, week_ending=week_ending)
