"""Exact change tests, the weekly trend with its seasonal baseline, reclassifications."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from openprecinct.analytics.compstat_stats import (
    poisson_change_test,
    reclassifications,
    severity_rank,
    weekly_trend,
)


def test_the_change_test_is_the_exact_conditional_binomial() -> None:
    result = poisson_change_test(current=30, prior=12, current_days=28, prior_days=28)
    # two-sided: the smaller binomial tail doubled; for p = 1/2 it equals scipy's binomtest
    assert result.p_value == pytest.approx(2 * stats.binom.sf(29, 42, 0.5))
    assert result.p_value == pytest.approx(stats.binomtest(30, 42, 0.5).pvalue)
    assert result.flag == "very likely a real rise"
    assert poisson_change_test(current=5, prior=7).flag == "within normal variation"
    assert poisson_change_test(current=0, prior=0).p_value == 1.0
    missing = poisson_change_test(current=None, prior=3)
    assert (missing.p_value, missing.flag) == (None, "not testable")


def test_the_change_test_holds_its_level_under_no_change() -> None:
    rng = np.random.default_rng(7)
    draws = rng.poisson(20, size=(2000, 2))
    p = np.array([poisson_change_test(current=int(a), prior=int(b)).p_value for a, b in draws])
    assert (p < 0.05).mean() <= 0.05  # exact tests are conservative, never liberal


def test_it_refuses_empty_periods() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        poisson_change_test(current=1, prior=1, current_days=0)


def test_the_trend_counts_monday_to_sunday_weeks() -> None:
    end = date(2018, 6, 24)
    times = pd.Series(
        pd.to_datetime(
            ["2018-06-18 00:00", "2018-06-24 23:00", "2018-06-17 00:00", "2018-06-25 00:00"]
        )
    )
    trend = weekly_trend(times, week_ending=end, weeks=2, baseline_years=0)
    assert [(w.week_end, w.count) for w in trend] == [(date(2018, 6, 17), 1), (end, 2)]
    assert trend[-1].flag == "no baseline"


def test_the_trend_flags_a_week_above_its_seasonal_range() -> None:
    rng = np.random.default_rng(3)
    end = date(2018, 6, 24)
    start = end - timedelta(days=7 * 52 * 4 - 1)
    days = [start + timedelta(days=int(d)) for d in range((end - start).days + 1)]
    counts = rng.poisson(3, size=len(days))
    counts[-7:] = 15  # the report week: about 105 against a usual 21
    times = pd.Series(pd.to_datetime(np.repeat(np.array(days, dtype="datetime64[D]"), counts)))
    trend = weekly_trend(times, week_ending=end, weeks=52, baseline_years=3)
    assert trend[-1].flag == "above seasonal range"
    assert trend[-1].baseline == pytest.approx(21, abs=4)
    assert sum(w.flag == "above seasonal range" for w in trend) <= 4


def test_reclassifications_split_downgrades_and_upgrades() -> None:
    revisions = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e"],
            "time": pd.to_datetime(
                ["2018-06-20", "2018-06-05", "2018-03-01", "2018-06-21", "2017-06-20"]
            ),
            "old_category": [
                "Gr. Larceny",
                "Petit Larceny",
                "Robbery",
                "Fel. Assault",
                "Gr. Larceny",
            ],
            "new_category": ["Petit Larceny", "Gr. Larceny", "Gr. Larceny", None, "Petit Larceny"],
        }
    )
    moves = {
        (m.category, m.period): m
        for m in reclassifications(revisions, week_ending=date(2018, 6, 24))
    }
    wtd = moves[("Gr. Larceny", "wtd")]
    assert (wtd.downgraded_out, wtd.upgraded_in) == (1, 0)
    ytd = moves[("Gr. Larceny", "ytd")]
    assert (ytd.downgraded_out, ytd.upgraded_in, ytd.lateral_in) == (1, 1, 1)
    assert moves[("Fel. Assault", "wtd")].downgraded_out == 1  # voided as unfounded
    assert ("Petit Larceny", "d28") in moves
    only_b = reclassifications(revisions, week_ending=date(2018, 6, 24), record_ids=["b"])
    assert {m.category for m in only_b} == {"Gr. Larceny", "Petit Larceny"}


def test_severity_ranks() -> None:
    assert severity_rank("Murder") > severity_rank("Fel. Dangerous Drugs")
    assert severity_rank("Fel. Dangerous Drugs") > severity_rank("Petit Larceny")
    assert severity_rank("Petit Larceny") > severity_rank("Harassment 2") > severity_rank(None)


def test_aware_revision_and_trend_times_are_dated_in_new_york() -> None:
    # 02:00 UTC on Monday 25 June 2018 is still Sunday 24 June in New York
    late_sunday = pd.Timestamp("2018-06-25 02:00", tz="UTC")
    revisions = pd.DataFrame(
        {
            "record_id": ["a"],
            "time": [late_sunday],
            "old_category": ["Burglary"],
            "new_category": ["Petit Larceny"],
        }
    )
    moves = reclassifications(revisions, week_ending=date(2018, 6, 24))
    assert {(m.category, m.period) for m in moves} >= {("Burglary", "wtd")}
    trend = weekly_trend(
        pd.Series([late_sunday]), week_ending=date(2018, 6, 24), weeks=1, baseline_years=0
    )
    assert trend[-1].count == 1
