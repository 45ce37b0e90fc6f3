"""CompStat periods: Monday-Sunday weeks, four-week 28 days, YTD from 1 January, same dates a
year earlier (29 February -> 28 February)."""

from __future__ import annotations

from datetime import date

import pytest

from openprecinct.analytics.compstat import compstat_periods, compstat_week, shift_years


def test_a_week_runs_monday_to_sunday() -> None:
    assert compstat_week(date(2018, 6, 24)) == (date(2018, 6, 18), date(2018, 6, 24))


def test_it_refuses_a_week_ending_that_is_not_a_sunday() -> None:
    with pytest.raises(ValueError, match="must be a Sunday.*2018-06-23, a Saturday"):
        compstat_week(date(2018, 6, 23))


def test_28_days_are_the_last_four_report_weeks_and_ytd_starts_on_1_january() -> None:
    periods = compstat_periods(week_ending=date(2018, 6, 24))
    assert periods["wtd"] == (date(2018, 6, 18), date(2018, 6, 24))
    assert periods["d28"] == (date(2018, 5, 28), date(2018, 6, 24))
    assert periods["ytd"] == (date(2018, 1, 1), date(2018, 6, 24))


def test_prior_year_periods_cover_the_same_calendar_dates() -> None:
    prior = compstat_periods(week_ending=date(2018, 6, 24), years_back=1)
    assert prior["wtd"] == (date(2017, 6, 18), date(2017, 6, 24))  # Sunday to Saturday
    assert prior["d28"] == (date(2017, 5, 28), date(2017, 6, 24))
    assert prior["ytd"] == (date(2017, 1, 1), date(2017, 6, 24))


def test_a_week_spanning_1_january_keeps_its_december_days_out_of_ytd() -> None:
    periods = compstat_periods(week_ending=date(2016, 1, 3))
    assert periods["wtd"] == (date(2015, 12, 28), date(2016, 1, 3))
    assert periods["d28"] == (date(2015, 12, 7), date(2016, 1, 3))
    assert periods["ytd"] == (date(2016, 1, 1), date(2016, 1, 3))


def test_29_february_maps_to_28_february_so_leap_periods_differ_by_a_day() -> None:
    assert shift_years(date(2016, 2, 29), 1) == date(2015, 2, 28)
    # the week of 29 Feb 2016 against 28 Feb - 6 Mar 2015: 7 days each
    prior = compstat_periods(week_ending=date(2016, 3, 6), years_back=1)
    assert prior["wtd"] == (date(2015, 2, 28), date(2015, 3, 6))
    # the week ending 5 Mar 2017 against 27 Feb - 5 Mar 2016, which holds 29 Feb: 8 days
    prior = compstat_periods(week_ending=date(2017, 3, 5), years_back=1)
    assert prior["wtd"] == (date(2016, 2, 27), date(2016, 3, 5))
    assert (prior["wtd"][1] - prior["wtd"][0]).days + 1 == 8
