"""Slow reference: every figure of the CLI report recomputed from the raw rows of the real files.

The reference is deliberately obvious: the csv module, ``datetime.strptime`` per row, period
boundaries written out again here, and a loop that tests each row against each period.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from openprecinct.analytics.categories import MAJOR_SEVEN, compstat_category
from openprecinct.cli.main import main

DATA = Path("/work/shared/data")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.exists(), reason="needs the shared real data"),
]
TOTAL = "Total Seven Major Felonies"


def year_back(day: date, years: int) -> date:
    if day.month == 2 and day.day == 29 and (day.year - years) % 4 != 0:
        return date(day.year - years, 2, 28)
    return date(day.year - years, day.month, day.day)


def windows(end: date) -> dict[str, tuple[date, date]]:
    """Inclusive periods: current and prior WTD, 28 days, YTD, and YTD 2/12/20 years back."""
    out: dict[str, tuple[date, date]] = {}
    for years, tag in ((0, "current"), (1, "prior")):
        last = year_back(end, years)
        out[f"wtd_{tag}"] = (year_back(end - timedelta(days=6), years), last)
        out[f"d28_{tag}"] = (year_back(end - timedelta(days=27), years), last)
        out[f"ytd_{tag}"] = (date(end.year - years, 1, 1), last)
    for years in (2, 12, 20):
        out[f"ytd_{years}y_prior"] = (date(end.year - years, 1, 1), year_back(end, years))
    return out


def rows(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        yield from csv.DictReader(handle)


def cli_json(*args: str) -> list[dict[str, Any]]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main(["compstat", *args, "--format", "json", "--quiet"]) == 0
    data: list[dict[str, Any]] = json.loads(buffer.getvalue())
    return data


def pct(current: int | None, prior: int | None) -> float | None:
    if current is None or prior is None or prior == 0:
        return None
    return round(100.0 * (current - prior) / prior, 2)


def check_records(
    report: list[dict[str, Any]],
    records: list[tuple[str, date, str]],  # (precinct, day, category)
    end: date,
) -> int:
    first = min(day for _, day, _ in records)
    checked = 0
    for geo in report:
        precinct = geo["geography"]
        assert geo["week_end"] == end.isoformat()
        for line in geo["lines"]:
            category = line["category"]
            members = set(MAJOR_SEVEN) if category == TOTAL else {category}
            for key, (lo, hi) in windows(end).items():
                expected: int | None = sum(
                    1 for p, day, c in records if p == precinct and c in members and lo <= day <= hi
                )
                if lo < first:
                    expected = None
                assert line[key] == expected, (precinct, category, key)
                checked += 1
            for period in ("wtd", "d28", "ytd"):
                want = pct(line[f"{period}_current"], line[f"{period}_prior"])
                assert line[f"{period}_pct_change"] == want
            for years in (2, 12, 20):
                want = pct(line["ytd_current"], line[f"ytd_{years}y_prior"])
                assert line[f"ytd_{years}y_pct_change"] == want
    return checked


def nypd_day(text: str) -> date | None:
    try:
        day = datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError:
        return None
    return day if day.year >= 1900 else None


def complaint_records(field: str) -> list[tuple[str, date, str]]:
    out = []
    for row in rows(DATA / "nypd_complaints_si.csv.gz"):
        day = nypd_day(row[field])
        category = compstat_category(
            ky_cd=int(row["KY_CD"]) if row["KY_CD"].strip().isdigit() else None,
            pd_cd=None,
            ofns_desc=row["OFNS_DESC"],
            law_cat=row["LAW_CAT_CD"],
        )
        if day is not None and category is not None:
            out.append((str(int(row["ADDR_PCT_CD"])), day, category))
    return out


@pytest.mark.parametrize(
    ("end", "field", "option"),
    [
        (date(2016, 1, 3), "CMPLNT_FR_DT", "occurrence"),
        (date(2016, 1, 3), "RPT_DT", "report"),
        (date(2025, 4, 20), "RPT_DT", "report"),
        (date(2010, 3, 7), "CMPLNT_FR_DT", "occurrence"),
    ],
)
def test_complaint_reports_match_a_count_of_the_raw_rows(
    end: date, field: str, option: str
) -> None:
    report = cli_json(
        "--input",
        str(DATA / "nypd_complaints_si.csv.gz"),
        "--precinct",
        "all",
        "--week-ending",
        end.isoformat(),
        "--date-field",
        option,
    )
    assert [g["geography"] for g in report] == ["120", "121", "122", "123"]
    assert check_records(report, complaint_records(field), end) > 1000


@pytest.mark.parametrize("end", [date(2018, 6, 24), date(2016, 3, 6), date(2017, 1, 1)])
def test_drug_arrest_reports_match_a_count_of_the_raw_rows(end: date) -> None:
    report = cli_json(
        "--input",
        str(DATA / "nypd_arrests_si_drug_2013_2018.csv.gz"),
        "--schema",
        "generic",
        "--columns",
        "id=arrest_key,time=arrest_date,category=ofns_desc,precinct=arrest_precinct",
        "--precinct",
        "all",
        "--week-ending",
        end.isoformat(),
    )
    records = [
        (row["arrest_precinct"], date.fromisoformat(row["arrest_date"]), row["ofns_desc"])
        for row in rows(DATA / "nypd_arrests_si_drug_2013_2018.csv.gz")
    ]
    assert check_records(report, records, end) > 400


WEEKLY = DATA / "nypd_compstat_weekly_series_2024_2026.csv.gz"
NAMES = {"TotalMajor7": TOTAL, "Sht. Inc.": "Shooting Inc.", "Sht. Vic.": "Shooting Vic."}


@pytest.mark.parametrize("end", [date(2026, 8, 16), date(2026, 7, 19), date(2025, 8, 17)])
def test_weekly_count_reports_match_a_sum_of_the_raw_rows(end: date) -> None:
    report = cli_json(
        "--input",
        str(WEEKLY),
        "--schema",
        "nypd-weekly-counts",
        "--precinct",
        "all",
        "--week-ending",
        end.isoformat(),
    )
    table: dict[tuple[str, str], dict[date, int]] = {}
    labels: dict[tuple[str, int], list[date]] = {}
    for row in rows(WEEKLY):
        geo = row["geography"] if row["geography"] == "Citywide" else str(int(row["geography"]))
        metric = NAMES.get(row["metric"], row["metric"])
        day = date.fromisoformat(row["week_date"])
        table.setdefault((geo, metric), {})[day] = int(row["count"])
        labels.setdefault((metric, day.weekday()), []).append(day)

    def weeks_sum(geo: str, metric: str, lo: date, hi: date) -> int | None:
        length = (hi - lo).days + 1
        if length % 7:
            return None
        seen = labels.get((metric, hi.weekday()), [])
        if not seen or lo + timedelta(days=6) < min(seen) or hi > max(seen):
            return None
        weeks = table.get((geo, metric), {})
        return sum(weeks.get(hi - timedelta(days=7 * i), 0) for i in range(length // 7))

    checked = 0
    assert len(report) == 78  # every precinct of the series
    for entry in report:
        for item in entry["lines"]:
            for key, (lo, hi) in windows(end).items():
                want = weeks_sum(str(entry["geography"]), item["category"], lo, hi)
                assert item[key] == want, (entry["geography"], item["category"], key)
                checked += 1
    assert checked > 10_000
