"""``analytics.times.parse_times`` and CompStat's date + time columns: what is not a date."""

from __future__ import annotations

import pandas as pd

from openprecinct.analytics.compstat_io import parse_times as compstat_times
from openprecinct.analytics.times import parse_times


def test_a_clock_time_alone_is_not_a_date() -> None:
    got = parse_times(pd.Series(["10:30", "10:30 PM", "2019-01-01 10:00", "", "n/a"]))
    assert got.isna().tolist() == [True, True, False, True, True]


def test_a_record_without_a_date_stays_undated_whatever_its_time() -> None:
    dates = pd.Series(["", None, "(null)", "01/05/1015", "01/02/2015"])
    clock = pd.Series(["15:33:20"] * 5)
    got = compstat_times(dates, clock)
    assert got.isna().tolist() == [True, True, True, True, False]
    assert got.iloc[4] == pd.Timestamp("2015-01-02 15:33:20")
