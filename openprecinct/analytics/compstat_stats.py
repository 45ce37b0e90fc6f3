"""Beyond NYPD's report: is a change real, the weekly trend, and reclassifications.

* :func:`poisson_change_test` - exact conditional test of two Poisson counts
  (Przyborowski and Wilenski 1940; the "C-test" of Krishnamoorthy and Thomson 2004): given
  ``n = current + prior`` events, ``current`` is Binomial(n, t1 / (t1 + t0)) when the rate
  did not change, with t1, t0 the lengths of the two periods in days.
* :func:`weekly_trend` - weekly counts with a seasonal baseline by the "historical limits"
  method (Stroup, Williamson and Herndon 1989, used by the CDC): the baseline of a week is
  the mean of the same week and the two weeks either side in each of the previous years,
  and its band is mean +/- 2 standard deviations.
* :func:`reclassifications` - how many records moved between categories in a period,
  from a revision table, split into downgrades (to a less serious class, e.g. Gr. Larceny
  to Petit Larceny) and upgrades.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pandas as pd

from openprecinct.analytics.categories import (
    FELONY_GROUPS,
    HARASSMENT_2,
    MAJOR_SEVEN,
    OTHER_VIOLATIONS,
)
from openprecinct.analytics.compstat import (
    PERIODS,
    ChangeTest,
    change_flag,
    change_p_values,
    compstat_periods,
    compstat_week,
)

__all__ = [
    "Reclassification",
    "TrendWeek",
    "change_flag",
    "change_p_values",
    "poisson_change_test",
    "reclassifications",
    "severity_rank",
    "weekly_trend",
]

_FELONY_GROUPS: Final = frozenset(FELONY_GROUPS)
_VIOLATION_GROUPS: Final = frozenset({HARASSMENT_2, OTHER_VIOLATIONS})


def poisson_change_test(
    *, current: int | None, prior: int | None, current_days: int = 1, prior_days: int = 1
) -> ChangeTest:
    """Exact two-sided test that the rate behind ``current`` equals the one behind ``prior``.

    Parameters
    ----------
    current, prior : int or None
        Counts of the current period and of the comparison period.
    current_days, prior_days : int
        Lengths of the two periods in days (they differ by one around 29 February).

    Returns
    -------
    ChangeTest
        ``p_value`` from the exact conditional binomial test (two-sided: the smaller tail
        doubled, capped at 1), and a plain-words ``flag``: "very likely a real rise" (p < 0.01), "likely a real rise"
        (p < 0.05), the same for falls, "within normal variation", or "not testable" when a
        count is missing.  With many lines tested every week, about one in twenty
        "likely" flags is expected by chance alone.
    """
    if current is None or prior is None:
        return ChangeTest(p_value=None, flag="not testable")
    if current_days <= 0 or prior_days <= 0:
        raise ValueError(
            "The 'current_days' and 'prior_days' parameters of poisson_change_test must be "
            f"positive. Got {current_days} and {prior_days} instead."
        )
    p_value = _binomial_p(int(current), int(prior), int(current_days), int(prior_days))
    return ChangeTest(p_value=p_value, flag=change_flag(p_value, current, prior))


@lru_cache(maxsize=65536)
def _binomial_p(current: int, prior: int, current_days: int, prior_days: int) -> float:
    return float(change_p_values([current], [prior], current_days, prior_days)[0])


# --------------------------------------------------------------------------- weekly trend


def _local(values: pd.Series[Any], timezone: str) -> pd.Series[Any]:
    """Naive local times: aware ones (a database returns UTC) are converted first."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        local: pd.Series[Any] = values.dt.tz_convert(timezone).dt.tz_localize(None)
        return local
    return values


@dataclass(frozen=True)
class TrendWeek:
    """One week of a trend with its seasonal baseline.

    Attributes
    ----------
    week_end : datetime.date
        Sunday ending the week.
    count : int
        Records in the week.
    baseline : float or None
        Mean of the same +/-2 weeks in the previous years; None without earlier years.
    lower, upper : float or None
        Baseline -/+ 2 standard deviations (lower floored at 0).
    flag : str
        "above seasonal range", "below seasonal range", "within seasonal range" or
        "no baseline".
    """

    week_end: date
    count: int
    baseline: float | None
    lower: float | None
    upper: float | None
    flag: str


def weekly_trend(
    times: pd.Series | np.ndarray,
    *,
    week_ending: date,
    weeks: int = 52,
    baseline_years: int = 3,
    coverage_start: date | None = None,
    timezone: str = "America/New_York",
) -> tuple[TrendWeek, ...]:
    """Weekly counts ending at ``week_ending`` with a seasonal baseline.

    Parameters
    ----------
    times : pandas.Series or numpy.ndarray of datetime64
        Dates of the records to count (already filtered to a geography and category).
    week_ending : datetime.date
        Sunday of the last week shown.
    weeks : int
        Number of weeks shown.
    baseline_years : int
        Previous years used for the baseline.  Years are 52 weeks (364 days) apart, so a
        baseline week is always a Monday-Sunday week.
    coverage_start : datetime.date, optional
        First complete day of the data; baseline weeks before it are left out.  Defaults
        to the earliest record.
    timezone : str
        Time zone of the precinct: timezone-aware times are dated there.

    Returns
    -------
    tuple of TrendWeek
        Oldest week first.
    """
    if weeks < 1:
        raise ValueError(
            f"The 'weeks' parameter of weekly_trend must be at least 1. Got {weeks} instead."
        )
    if baseline_years < 0:
        raise ValueError(
            "The 'baseline_years' parameter of weekly_trend must be >= 0. "
            f"Got {baseline_years} instead."
        )
    _, end = compstat_week(week_ending)
    values = _local(pd.to_datetime(pd.Series(times)), timezone).dropna()
    days = (values.dt.normalize() - pd.Timestamp(end)).dt.days.to_numpy()
    span = weeks + 52 * baseline_years + 2
    # week index span - 1 = the report week (days -6..0), 0 = the oldest week of the span
    index = span - 1 - ((-days) // 7)
    ok = (days <= 0) & (index >= 0)
    counts = np.bincount(index[ok], minlength=span)[:span]
    if coverage_start is None:
        first = values.min().date() if len(values) else end
    else:
        first = coverage_start
    back = (end - first).days
    # the week holding the first day counts only when that day is its Monday
    first_index = span - 1 - back // 7 + (0 if back % 7 == 6 else 1)
    result = []
    for i in range(span - weeks, span):
        week_end = end - timedelta(days=7 * (span - 1 - i))
        samples = [
            counts[j]
            for year in range(1, baseline_years + 1)
            for j in range(i - 52 * year - 2, i - 52 * year + 3)
            if 0 <= j < span and j >= first_index
        ]
        if len(samples) >= 5:
            mean = float(np.mean(samples))
            sd = float(np.std(samples, ddof=1))
            lower, upper = max(0.0, mean - 2 * sd), mean + 2 * sd
            count = int(counts[i])
            if count > upper:
                flag = "above seasonal range"
            elif count < lower:
                flag = "below seasonal range"
            else:
                flag = "within seasonal range"
            result.append(TrendWeek(week_end, count, mean, lower, upper, flag))
        else:
            result.append(TrendWeek(week_end, int(counts[i]), None, None, None, "no baseline"))
    return tuple(result)


# --------------------------------------------------------------------------- reclassification


def severity_rank(category: str | None) -> int:
    """Rank of a category for up/downgrades: 3 seven majors, 2 other felonies,
    1 misdemeanours, 0 violations, -1 none (unfounded or voided)."""
    if category is None or category == "" or (isinstance(category, float)):
        return -1
    if category in MAJOR_SEVEN:
        return 3
    if category in _FELONY_GROUPS:
        return 2
    if category in _VIOLATION_GROUPS:
        return 0
    return 1


@dataclass(frozen=True)
class Reclassification:
    """Moves into and out of one category during one period.

    Attributes
    ----------
    category : str
    period : str
        "wtd", "d28" or "ytd" (by the time of the revision).
    downgraded_out : int
        Records moved from this category to a less serious class.
    upgraded_out : int
        Records moved from this category to a more serious class.
    downgraded_in, upgraded_in : int
        Records that arrived in this category from a more / less serious class.
    lateral_out, lateral_in : int
        Moves between categories of the same rank (e.g. Robbery to Gr. Larceny).
    """

    category: str
    period: str
    downgraded_out: int
    upgraded_out: int
    lateral_out: int
    downgraded_in: int
    upgraded_in: int
    lateral_in: int


def reclassifications(
    revisions: pd.DataFrame,
    *,
    week_ending: date,
    record_ids: Sequence[object] | None = None,
    time_column: str = "time",
    old_column: str = "old_category",
    new_column: str = "new_category",
    id_column: str = "record_id",
    timezone: str = "America/New_York",
) -> tuple[Reclassification, ...]:
    """Count reclassifications in the current WTD, 28-day and YTD periods.

    Parameters
    ----------
    revisions : pandas.DataFrame
        Revision history: record id, time of the change, old category, new category (None
        or empty for a record voided as unfounded).
    week_ending : datetime.date
        Sunday that ends the report week.
    record_ids : sequence, optional
        Only revisions of these records are counted (e.g. the records of one precinct).
    timezone : str
        Time zone of the precinct: timezone-aware revision times are dated there.

    Returns
    -------
    tuple of Reclassification
        One per (category, period) with at least one move, categories in printed order.
    """
    for name in (time_column, old_column, new_column, id_column):
        if name not in revisions.columns:
            raise ValueError(
                f"The 'revisions' parameter of reclassifications must have a '{name}' column. "
                f"Got columns {list(revisions.columns)} instead."
            )
    frame = revisions
    if record_ids is not None:
        frame = frame[frame[id_column].isin(list(record_ids))]
    times = _local(pd.to_datetime(frame[time_column], errors="coerce"), timezone).dt.normalize()
    old = frame[old_column].where(frame[old_column].notna(), None).tolist()
    new = frame[new_column].where(frame[new_column].notna(), None).tolist()
    periods = compstat_periods(week_ending=week_ending)
    from openprecinct.analytics.categories import category_sort_key

    tallies: dict[tuple[str, str], list[int]] = {}
    for when, before, after in zip(times.tolist(), old, new, strict=True):
        if pd.isna(when) or before == after:
            continue
        day = when.date()
        for period in PERIODS:
            first, last = periods[period]
            if not first <= day <= last:
                continue
            change = severity_rank(after) - severity_rank(before)
            slot = 0 if change < 0 else (1 if change > 0 else 2)
            if before:
                tallies.setdefault((str(before), period), [0] * 6)[slot] += 1
            if after:
                # arriving by a downgrade means coming from a more serious class
                tallies.setdefault((str(after), period), [0] * 6)[3 + slot] += 1
    result = [
        Reclassification(category, period, *values)
        for (category, period), values in tallies.items()
    ]
    result.sort(key=lambda r: (category_sort_key(r.category), PERIODS.index(r.period)))
    return tuple(result)
