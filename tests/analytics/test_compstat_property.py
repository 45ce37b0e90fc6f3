"""The fast counting core against a naive count, on random data (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from openprecinct.analytics.compstat import compstat_counts, compstat_periods

UNITS = ["120", "121", "122"]
CATS = ["Robbery", "Burglary", "Petit Larceny"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[date, list[tuple[datetime | None, int, int]], str]:
    sunday = date(1966, 1, 2) + timedelta(weeks=draw(st.integers(0, 3400)))
    rows = []
    for _ in range(draw(st.integers(0, 60))):
        if draw(st.integers(0, 9)) == 0:
            when = None  # NaT
        else:
            back = draw(st.integers(-10, 800))  # days before the report Sunday, some after
            when = datetime.combine(sunday, datetime.min.time()) - timedelta(
                days=back, seconds=draw(st.integers(-1, 86_399))
            )
        rows.append((when, draw(st.integers(-1, 2)), draw(st.integers(-1, 2))))
    unit = draw(st.sampled_from(["s", "us", "ns"]))
    return sunday, rows, unit


@settings(max_examples=150, deadline=None)
@given(cases())
def test_fast_counts_equal_a_naive_count(case: tuple[date, list[Any], str]) -> None:
    sunday, rows, unit = case
    times = np.array(
        [np.datetime64("NaT") if t is None else np.datetime64(t) for t, _, _ in rows],
        dtype=f"datetime64[{unit}]",
    )
    counted = compstat_counts(
        times=times,
        categories=np.array([c for _, c, _ in rows], dtype=np.int64),
        category_labels=CATS,
        geographies={"precinct": (np.array([u for _, _, u in rows], dtype=np.int8), UNITS)},
        week_ending=sunday,
        history_years=(2,),
        coverage_start=date(1900, 1, 1),
    )["precinct"]
    for years, period in counted.columns:
        first, last = compstat_periods(week_ending=sunday, years_back=years)[period]
        for u, unit_label in enumerate(UNITS):
            for c, cat_label in enumerate(CATS):
                expected = sum(
                    1
                    for t, cc, uu in rows
                    if t is not None and cc == c and uu == u and first <= t.date() <= last
                )
                got = counted.value(unit_label, cat_label, years, period)
                assert got == expected, (years, period, unit_label, cat_label)


def test_coverage_starts_at_the_first_dated_record_not_at_nat() -> None:
    def prior_wtd(values: list[str]) -> int | None:
        counted = compstat_counts(
            times=np.array(values, dtype="datetime64[s]"),
            categories=np.zeros(len(values), dtype=np.int8),
            category_labels=["Robbery"],
            geographies={"precinct": (np.zeros(len(values), dtype=np.int8), ["120"])},
            week_ending=date(2018, 6, 24),
        )["precinct"]
        return counted.value("120", "Robbery", 1, "wtd")

    assert prior_wtd(["NaT", "2018-06-20T10:00"]) is None  # data start after 18 Jun 2017
    assert prior_wtd(["NaT", "2017-06-18T00:00", "2018-06-20T10:00"]) == 1
    assert prior_wtd(["1999-01-01T00:00", "2018-06-20T10:00"]) == 0  # early rows: covered


def test_coverage_starts_where_the_records_do_not_at_stray_old_ones() -> None:
    from openprecinct.analytics.compstat import first_complete_day

    bulk = np.datetime64("2015-01-01") + np.arange(0, 1800, 0.5).astype("timedelta64[D]")
    strays = np.array(["1998-05-01", "2003-02-02", "2009-09-09"], dtype="datetime64[D]")
    assert first_complete_day(np.concatenate([strays, bulk])) == date(2015, 1, 1)
    # a file starting late in a month starts at the next month, where it is complete
    assert first_complete_day(bulk[56:]) == date(2015, 2, 1)
    # a thin series (a shooting a month or two) starts at its first record, as before
    thin = np.array(["2006-01-14", "2006-03-02", "2006-03-20", "2007-08-01"], "datetime64[D]")
    assert first_complete_day(thin) == date(2006, 1, 14)
    assert first_complete_day(np.array([], "datetime64[D]")) is None


def test_generic_names_match_lines_only_when_unambiguous() -> None:
    import pandas as pd

    from openprecinct.analytics.compstat_io import generic_category_map

    names = pd.Series(["burglary", "g.l.a.", "Motor Vehicle Theft", "DANGEROUS DRUGS", "THEFT"])
    assert generic_category_map(names) == {
        "burglary": "Burglary",
        "g.l.a.": "G.L.A.",
        "Motor Vehicle Theft": "G.L.A.",
    }  # drugs may be a felony or a misdemeanour; theft is not a grand larceny


def test_an_empty_table_covers_nothing() -> None:
    counted = compstat_counts(
        times=np.array([], dtype="datetime64[s]"),
        categories=np.array([], dtype=np.int8),
        category_labels=["Robbery"],
        geographies={"precinct": (np.array([], dtype=np.int8), ["120"])},
        week_ending=date(2018, 6, 24),
    )["precinct"]
    assert counted.value("120", "Robbery", 0, "wtd") is None
