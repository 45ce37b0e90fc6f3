"""CompStat from NYPD's published weekly counts: labels, zero weeks, coverage.

Fixture: the rows of geographies 120 and Citywide of the real weekly series, unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from openprecinct.analytics.categories import TOTAL_MAJOR_SEVEN
from openprecinct.analytics.compstat_weekly import (
    WeeklySeries,
    compstat_from_weekly_counts,
    weekly_series_from_frame,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compstat"
FULL_SERIES = Path("/work/shared/data/nypd_compstat_weekly_series_2024_2026.csv.gz")


@pytest.fixture(scope="module")
def series() -> WeeklySeries:
    frame = pd.read_csv(FIXTURES / "nypd_compstat_weekly_120_citywide.csv.gz", dtype=str)
    return weekly_series_from_frame(frame)


def test_current_columns_use_sunday_weeks_and_prior_columns_saturday_labels(
    series: WeeklySeries,
) -> None:
    report = compstat_from_weekly_counts(series, geography="120", week_ending=date(2026, 8, 16))
    total = report.line(TOTAL_MAJOR_SEVEN)
    # Sundays 2026-07-26..08-16: 18, 12, 34, 15; Saturdays 2025-07-26..08-16: 27, 27, 22, 24
    assert (total.wtd_current, total.wtd_prior) == (15, 24)
    assert (total.d28_current, total.d28_prior) == (79, 100)
    assert total.wtd_pct_change == pytest.approx(-37.5)
    assert total.d28_pct_change == pytest.approx(-21.0)


def test_an_overlapping_week_of_2025_is_current_under_its_sunday_label(
    series: WeeklySeries,
) -> None:
    report = compstat_from_weekly_counts(series, geography="120", week_ending=date(2025, 8, 17))
    total = report.line(TOTAL_MAJOR_SEVEN)
    # Sunday 2025-08-17 holds 29 (its Saturday twin 2025-08-16 holds 24); prior: Sat 2024-08-17
    assert (total.wtd_current, total.wtd_prior) == (29, 30)


def test_a_missing_week_inside_the_series_is_a_zero_week(series: WeeklySeries) -> None:
    # 120 has Murder rows only for 2025-01-11, 2025-03-29, 2025-10-12 and 2026-05-03
    murder = compstat_from_weekly_counts(
        series, geography="120", week_ending=date(2025, 10, 12)
    ).line("Murder")
    assert (murder.wtd_current, murder.wtd_prior, murder.wtd_pct_change) == (1, 0, None)
    murder = compstat_from_weekly_counts(
        series, geography="120", week_ending=date(2026, 3, 29)
    ).line("Murder")
    assert (murder.wtd_current, murder.wtd_prior, murder.wtd_pct_change) == (0, 1, -100.0)


def test_periods_outside_the_series_are_none_not_zero(series: WeeklySeries) -> None:
    report = compstat_from_weekly_counts(series, geography="120", week_ending=date(2026, 8, 16))
    petit = report.line("Petit Larceny")  # the extra metrics stop at 2026-07-19
    assert petit.wtd_current is None and petit.d28_prior is None
    total = report.line(TOTAL_MAJOR_SEVEN)
    assert total.ytd_current is None and total.ytd_prior is None  # 1 Jan starts no week
    assert all(h.count is None for h in total.history)
    early = compstat_from_weekly_counts(series, geography="120", week_ending=date(2025, 8, 3))
    assert early.line(TOTAL_MAJOR_SEVEN).d28_current is None  # Sundays start 2025-07-20
    assert early.line(TOTAL_MAJOR_SEVEN).wtd_current == 21


def test_extra_metrics_are_covered_up_to_their_last_week(series: WeeklySeries) -> None:
    report = compstat_from_weekly_counts(series, geography="120", week_ending=date(2026, 7, 19))
    petit = report.line("Petit Larceny")
    assert (petit.wtd_current, petit.wtd_prior) == (20, 18)
    assert (petit.d28_current, petit.d28_prior) == (23 + 15 + 24 + 20, 19 + 23 + 13 + 18)


def test_metrics_are_printed_under_nypd_names(series: WeeklySeries) -> None:
    report = compstat_from_weekly_counts(
        series, geography="Citywide", week_ending=date(2026, 8, 16)
    )
    names = [line.category for line in report.lines]
    assert names[7] == TOTAL_MAJOR_SEVEN
    assert "Shooting Inc." in names and "Sht. Inc." not in names
    assert report.geography == "citywide"


@pytest.mark.skipif(not FULL_SERIES.exists(), reason="needs /work/shared/data")
def test_saturday_and_sunday_labels_of_a_week_are_periods_one_day_apart() -> None:
    """The evidence behind the label rule (docs/compstat.md): Saturday-minus-Sunday
    differences of consecutive weeks are correlated -0.5, as count(Sun before) - count(Sun
    after) would be; differences from re-pulling the same week would be uncorrelated."""
    frame = pd.read_csv(FULL_SERIES, dtype={"geography": str})
    frame = frame[(frame.metric == "TotalMajor7") & (frame.geography != "Citywide")]
    days = pd.to_datetime(frame.week_date)
    saturday = frame[(days.dt.day_of_week == 5) & (days >= pd.Timestamp("2025-07-19"))].assign(
        week=days + pd.Timedelta(days=1)
    )
    sunday = frame[(days.dt.day_of_week == 6) & (days <= pd.Timestamp("2025-08-17"))].assign(
        week=days
    )
    both = saturday.merge(sunday, on=["geography", "week"], how="outer").fillna(0)
    both["diff"] = both.count_x - both.count_y
    table = both.pivot_table(index="geography", columns="week", values="diff", fill_value=0)
    values = table.to_numpy()
    lag1 = np.corrcoef(values[:, :-1].ravel(), values[:, 1:].ravel())[0, 1]
    assert -0.65 < lag1 < -0.35
    assert values.sum(axis=1).var() < 2 * values.var(axis=0).mean()
