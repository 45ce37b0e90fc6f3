"""CompStat from NYPD's published weekly counts (CompStat 2.0 "Timeline - 52 Week" series).

The series (``nypd_compstat_weekly_series_2024_2026.csv.gz``: geography, metric,
week_date, count) has two kinds of week labels, and we read every label as **the last
day of a 7-day period**:

* Sunday labels are CompStat weeks (Monday-Sunday): the current-year columns;
* Saturday labels come from NYPD's "same period last year" request: the same calendar
  dates one year before a Sunday-ending week, hence Sunday-Saturday periods ending on a
  Saturday.  They are the prior-year columns.

So the five weeks that appear under both a Saturday and a Sunday label (2025-07-19/20 ...
2025-08-16/17) are *not* duplicates: they are periods one day apart.  The data say so: for
every precinct, the difference Saturday-label minus next-day Sunday-label has a lag-1
correlation of -0.49 (TotalMajor7; -0.52 Gr. Larceny, -0.50 Fel. Assault) across the five
weeks, and the variance of its 5-week sum equals that of a single week (9.6 against 10.4):
the signature of ``count(Sunday before) - count(Sunday after)``.  Revisions between two pulls
would give independent differences (correlation 0, variance growing with the number of
weeks).  A report for the week ending 2026-08-16 therefore takes its current columns from
Sunday labels and its prior-year columns from Saturday labels; a report for the week
ending 2025-08-17 takes its current columns from the Sunday labels of 2025.

A period is covered when it is a run of whole 7-day periods ending on its last day, every
one of them inside the range the metric's series spans (weeks missing inside that range
are zero weeks, which NYPD omits).  Year-to-date periods start on 1 January and are
therefore covered only when 1 January is the first day of a labelled week; otherwise the
YTD and historical columns are None, never estimated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import pandas as pd

from openprecinct.analytics.categories import (
    HATE_CRIMES,
    SHOOTING_INCIDENTS,
    SHOOTING_VICTIMS,
    TOTAL_MAJOR_SEVEN,
)
from openprecinct.analytics.compstat import (
    CITYWIDE,
    DEFAULT_HISTORY_YEARS,
    CompStatReport,
    build_lines,
    compstat_periods,
    compstat_week,
    geography_label,
)

#: NYPD's metric names in the series -> the names printed on the weekly report.
METRIC_NAMES: Final[dict[str, str]] = {
    "TotalMajor7": TOTAL_MAJOR_SEVEN,
    "Sht. Inc.": SHOOTING_INCIDENTS,
    "Sht. Vic.": SHOOTING_VICTIMS,
    "Hate Crimes": HATE_CRIMES,
}


@dataclass(frozen=True)
class WeeklySeries:
    """Published weekly counts, indexed for look-up.

    Attributes
    ----------
    counts : dict
        ``{(geography, category): {period_end: count}}``.
    spans : dict
        ``{(category, weekday of the labels): (first label, last label)}``, over all
        geographies: inside a span a missing week is a zero week.
    """

    counts: dict[tuple[str, str], dict[date, int]]
    spans: dict[tuple[str, int], tuple[date, date]]

    def geographies(self) -> list[str]:
        """Geographies present in the series."""
        return sorted({g for g, _ in self.counts})

    def categories(self) -> list[str]:
        """Categories (printed names) present in the series."""
        return sorted({c for c, _ in self.spans})

    def period(self, geography: str, category: str, first: date, last: date) -> int | None:
        """Count of ``category`` from ``first`` to ``last`` (inclusive), or None when the
        series does not cover exactly that period."""
        length = (last - first).days + 1
        if length <= 0 or length % 7:
            return None
        span = self.spans.get((category, last.weekday()))
        # the first week of the period ends 6 days after its first day
        if span is None or first + timedelta(days=6) < span[0] or last > span[1]:
            return None
        weeks = self.counts.get((geography, category), {})
        return sum(weeks.get(last - timedelta(days=7 * i), 0) for i in range(length // 7))


def weekly_series_from_frame(frame: pd.DataFrame) -> WeeklySeries:
    """Index a frame with columns ``geography, metric, week_date, count``.

    Raises
    ------
    ValueError
        When a column is missing or a count is not a whole number.
    """
    needed = ("geography", "metric", "week_date", "count")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            "The file does not look like NYPD's weekly count series: it needs the columns "
            f"{', '.join(needed)}. Got {', '.join(map(str, frame.columns))} instead."
        )
    days = pd.to_datetime(frame["week_date"], errors="coerce")
    counts = pd.to_numeric(frame["count"], errors="coerce")
    bad = days.isna() | counts.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"Row {row + 2} of the weekly series has no usable week_date or count: "
            f"{frame.iloc[row].to_dict()}."
        )
    geographies = [_geography(g) for g in frame["geography"].tolist()]
    categories = [METRIC_NAMES.get(str(m), str(m)) for m in frame["metric"].tolist()]
    indexed: dict[tuple[str, str], dict[date, int]] = {}
    spans: dict[tuple[str, int], tuple[date, date]] = {}
    for geography, category, stamp, count in zip(
        geographies, categories, days.dt.date.tolist(), counts.tolist(), strict=True
    ):
        weeks = indexed.setdefault((geography, category), {})
        weeks[stamp] = weeks.get(stamp, 0) + int(count)
        key = (category, stamp.weekday())
        first, last = spans.get(key, (stamp, stamp))
        spans[key] = (min(first, stamp), max(last, stamp))
    return WeeklySeries(indexed, spans)


def _geography(value: Any) -> str:
    label = geography_label(value)
    return CITYWIDE if label.lower() == "citywide" else label


def compstat_from_weekly_counts(
    series: WeeklySeries,
    *,
    geography: str,
    week_ending: date,
    history_years: Iterable[int] = DEFAULT_HISTORY_YEARS,
    with_tests: bool = True,
) -> CompStatReport:
    """The CompStat report of one geography built from NYPD's weekly counts.

    Parameters
    ----------
    series : WeeklySeries
        From :func:`weekly_series_from_frame`.
    geography : str
        Precinct number ("120") or "citywide".
    week_ending : datetime.date
        Sunday that ends the report week.
    history_years : iterable of int
        Years back of the longer YTD comparisons.
    with_tests : bool
        Add the exact change tests.

    Returns
    -------
    CompStatReport
        Lines for every metric of the series, in printed order; figures the series does not
        cover are None.  "Total Seven Major Felonies" is NYPD's own TotalMajor7 (it differs
        from the sum of the seven lines in 0.2 % of weeks, by one).
    """
    week_start, week_end = compstat_week(week_ending)
    geography = _geography(geography)
    years = sorted(set(history_years))
    periods = {y: compstat_periods(week_ending=week_ending, years_back=y) for y in (0, 1, *years)}

    def value(category: str, back: int, period: str) -> int | None:
        first, last = periods[back][period]
        return series.period(geography, category, first, last)

    def days(back: int, period: str) -> int:
        first, last = periods[back][period]
        return (last - first).days + 1

    lines = build_lines(
        categories=series.categories(),
        value=value,
        days=days,
        history_years=years,
        week_ending=week_ending,
        with_tests=with_tests,
        total_from_majors=False,
    )
    notes = [
        "Built from NYPD's published weekly counts (CompStat 2.0, preliminary). Current "
        "columns use Monday-Sunday weeks (Sunday labels); prior-year columns use the same "
        "calendar dates one year earlier (Saturday labels).",
    ]
    if any(line.ytd_current is None for line in lines):
        notes.append(
            "Year-to-date and longer columns are n/c: 1 January does not start a labelled "
            "week, so weekly counts cannot give them exactly."
        )
    return CompStatReport(
        geography=geography,
        level="city" if geography == CITYWIDE else "precinct",
        week_start=week_start,
        week_end=week_end,
        lines=lines,
        date_field="occurrence",
        source="NYPD weekly count series",
        notes=tuple(notes),
    )
