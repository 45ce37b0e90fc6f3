"""Historical Perspective from NYPD's annual aggregates, against NYPD's 2013 report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from openprecinct.analytics.compstat_history import (
    annual_counts_from_frame,
    annual_geography,
    historical_perspective,
    perspective_to_dict,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compstat"


@pytest.fixture(scope="module")
def annual() -> dict[tuple[str, str], dict[int, int]]:
    return annual_counts_from_frame(pd.read_csv(FIXTURES / "nypd_precinct_annual_crime_si.csv"))


def test_precinct_names_become_numbers() -> None:
    assert annual_geography("120th Precinct") == "120"
    assert annual_geography("14th Precinct (Midtown South)") == "14"
    assert annual_geography("citywide") == "citywide"


def test_it_reproduces_the_1993_1998_2001_columns_of_nypds_2013_report(
    annual: dict[tuple[str, str], dict[int, int]],
) -> None:
    perspective = historical_perspective(annual, geography="120", last_year=2012)
    counts = {line.category: dict(line.counts) for line in perspective.lines}
    # printed on cs120pct_week_ending_2013-02-17: Murder 21/9/7, Robbery 1,016/359/272 ...
    printed = {
        "Murder": (21, 9, 7),
        "Rape": (56, 38, 30),
        "Robbery": (1016, 359, 272),
        "Fel. Assault": (791, 517, 451),
        "Burglary": (1705, 708, 581),
        "Gr. Larceny": (589, 439, 424),
        "G.L.A.": (1347, 525, 320),
        "Total Seven Major Felonies": (5525, 2595, 2085),
    }
    for category, (y1993, y1998, y2001) in printed.items():
        assert (counts[category][1993], counts[category][1998], counts[category][2001]) == (
            y1993,
            y1998,
            y2001,
        )
    # 2012 is NYPD's later revision: the 2013 report printed 1,872, the file says 1,872 too
    assert counts["Total Seven Major Felonies"][2012] == 1872
    total = next(x for x in perspective.lines if x.category == "Total Seven Major Felonies")
    assert dict(total.changes)[2001] == pytest.approx(100 * (1872 - 2085) / 2085)
    assert "121st Precinct" in perspective.notes[0]


def test_years_before_a_series_starts_are_none(
    annual: dict[tuple[str, str], dict[int, int]],
) -> None:
    perspective = historical_perspective(annual, geography="121", last_year=2024)
    data = perspective_to_dict(perspective)
    petit = next(x for x in data["lines"] if x["category"] == "Petit Larceny")
    assert petit["counts"]["1993"] is None and petit["pct_change_vs"]["1993"] is None
    assert data["source"].startswith("NYPD annual precinct aggregates")
