"""The CompStat engine on small real extracts, against counts made by hand from the rows.

Fixtures (tests/fixtures/compstat/) are unchanged rows of the real NYPD files in
/work/shared/data: precinct 120 complaints (2010, end of 2015, late reports of 2025), 120th
drug arrests of February-March 2015-2017, Staten Island shootings of Q1 2011-2013.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from openprecinct.analytics.categories import TOTAL_MAJOR_SEVEN
from openprecinct.analytics.compstat import (
    CompStatReport,
    compstat_counts,
    compstat_reports,
    report_to_dict,
)
from openprecinct.analytics.compstat_io import records_from_generic, records_from_nypd_complaints

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compstat"


@pytest.fixture(scope="module")
def complaints() -> pd.DataFrame:
    frame = pd.read_csv(
        FIXTURES / "nypd_complaints_120_extract.csv", dtype=str, keep_default_na=False
    )
    return records_from_nypd_complaints(frame)


@pytest.fixture(scope="module")
def arrests() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "nypd_arrests_120_febmar_2015_2017.csv", dtype=str)
    return records_from_generic(
        frame,
        {
            "id": "arrest_key",
            "time": "arrest_date",
            "category": "ofns_desc",
            "precinct": "arrest_precinct",
        },
    )


def one(records: pd.DataFrame, week_ending: date, **kwargs: Any) -> CompStatReport:
    reports = compstat_reports(
        records, week_ending=week_ending, geographies={"precinct": ["120"]}, **kwargs
    )
    assert len(reports) == 1
    return reports[0]


def test_a_week_spanning_1_january_counts_december_days_in_wtd_but_not_ytd(
    complaints: pd.DataFrame,
) -> None:
    report = one(complaints, date(2016, 1, 3), id_column="id")
    total = report.line(TOTAL_MAJOR_SEVEN)
    # 15 complaints occurred on 31 Dec 2015, one of them a G.L.A. (KY_CD 110)
    assert (total.wtd_current, total.d28_current, total.ytd_current) == (1, 1, 0)
    # 20 occurred on 1 Jan 2015: Rape, G.L.A., Fel. Assault and Burglary among them
    assert (total.wtd_prior, total.d28_prior, total.ytd_prior) == (4, 4, 4)
    assert total.wtd_pct_change == pytest.approx(-75.0)
    assert total.ytd_pct_change == pytest.approx(-100.0)
    assault = report.line("Misd. Assault")  # KY_CD 344: 3 on 31 Dec 2015, 4 on 1 Jan 2015
    assert (assault.wtd_current, assault.wtd_prior) == (3, 4)
    assert assault.wtd_pct_change == pytest.approx(-25.0)
    harassment = report.line("Harassment 2")  # KY_CD 578: 5 against 1
    assert (harassment.wtd_current, harassment.wtd_prior) == (5, 1)
    assert (harassment.ytd_current, harassment.ytd_prior) == (0, 1)


def test_a_change_from_zero_is_none_never_a_division_error(complaints: pd.DataFrame) -> None:
    report = one(complaints, date(2016, 1, 3))
    murder = report.line("Murder")
    assert (murder.wtd_current, murder.wtd_prior, murder.wtd_pct_change) == (0, 0, None)
    gla = report.line("G.L.A.")  # 1 on 31 Dec 2015 against 1 on 1 Jan 2015
    assert (gla.ytd_current, gla.ytd_prior, gla.ytd_pct_change) == (0, 1, -100.0)
    data = report_to_dict(report)
    assert data["lines"][0]["wtd_pct_change"] is None


def test_the_seven_majors_and_their_total_come_first_even_when_zero(
    complaints: pd.DataFrame,
) -> None:
    report = one(complaints, date(2016, 1, 3))
    names = [line.category for line in report.lines]
    assert names[:8] == [
        "Murder",
        "Rape",
        "Robbery",
        "Fel. Assault",
        "Burglary",
        "Gr. Larceny",
        "G.L.A.",
        TOTAL_MAJOR_SEVEN,
    ]
    assert names[8:11] == ["Petit Larceny", "Misd. Assault", "Misd. Sex Crimes"]


def test_records_reported_in_the_period_count_there_only_with_report_dating(
    complaints: pd.DataFrame,
) -> None:
    # Week of 14-20 April 2025: four complaints reported (two Gr. Larceny, one Petit
    # Larceny, one KY_CD 361), all of which occurred in 2020-2023.
    by_occurrence = one(complaints, date(2025, 4, 20))
    assert by_occurrence.line("Gr. Larceny").wtd_current == 0
    assert by_occurrence.line("Gr. Larceny").ytd_current == 0
    by_report = one(complaints, date(2025, 4, 20), date_field="report")
    larceny = by_report.line("Gr. Larceny")
    assert larceny.wtd_current == 2
    assert larceny.d28_current == 3  # reported 10, 14 and 16 April
    assert larceny.ytd_current == 5  # plus 7 and 20 February
    assert larceny.ytd_prior == 0
    assert by_report.line("Petit Larceny").wtd_current == 1
    assert by_report.line("Other Misdemeanors").wtd_current == 1
    assert by_report.date_field == "report"


def test_report_dating_of_the_week_spanning_1_january(complaints: pd.DataFrame) -> None:
    report = one(complaints, date(2016, 1, 3), date_field="report")
    total = report.line(TOTAL_MAJOR_SEVEN)
    # reported 1 Jan 2015: 11 complaints, of which a Fel. Assault and a Burglary
    assert total.wtd_prior == 2
    assert sum(line.wtd_prior or 0 for line in report.lines[8:]) == 9


def test_leap_years_compare_the_same_calendar_dates(arrests: pd.DataFrame) -> None:
    # Week 29 Feb - 6 Mar 2016: 1 + 5 + 2 + 2 arrests; 28 Feb - 6 Mar 2015: 2+2+1+3+2+4+9
    line = one(arrests, date(2016, 3, 6)).line("DANGEROUS DRUGS")
    assert (line.wtd_current, line.wtd_prior) == (10, 23)
    # Week 27 Feb - 5 Mar 2017 (16) against 27 Feb - 5 Mar 2016, 8 days holding 29 Feb (11)
    line = one(arrests, date(2017, 3, 5)).line("DANGEROUS DRUGS")
    assert (line.wtd_current, line.wtd_prior) == (16, 11)
    assert (line.d28_current, line.d28_prior) == (89, 53)


def test_the_exact_test_uses_the_lengths_of_the_periods(arrests: pd.DataFrame) -> None:
    from scipy import stats

    line = one(arrests, date(2017, 3, 5)).line("DANGEROUS DRUGS")
    test = line.test("wtd")
    assert test is not None
    share = 7 / 15  # 7 days against 8
    expected = min(1.0, 2 * min(stats.binom.cdf(16, 27, share), stats.binom.sf(15, 27, share)))
    assert test.p_value == pytest.approx(expected)


def test_a_record_counts_once_in_its_current_category(complaints: pd.DataFrame) -> None:
    # 446389841 (31 Dec 2015) was a G.L.A.; a later row reclassifies it as Petit Larceny
    row = complaints[complaints["id"] == "446389841"].copy()
    row["category"] = "Petit Larceny"
    revised = pd.concat([complaints, row], ignore_index=True)
    report = one(revised, date(2016, 1, 3), id_column="id")
    assert report.line("G.L.A.").wtd_current == 0
    assert report.line("Petit Larceny").wtd_current == 3  # 2 + the reclassified one
    assert report.line(TOTAL_MAJOR_SEVEN).wtd_current == 0


def test_periods_before_the_records_start_are_not_covered(arrests: pd.DataFrame) -> None:
    report = one(arrests, date(2016, 3, 6))
    line = report.line("DANGEROUS DRUGS")
    history = {h.years: h for h in line.history}
    assert history[2].count is None and history[2].source == "not covered"  # 2014: no data
    assert history[12].pct_change is None
    assert report_to_dict(report)["lines"][0]["ytd_2y_prior"] is None


def test_counts_of_sectors_and_precincts_come_from_one_pass() -> None:
    times = np.array(
        [
            "2018-06-18T00:00",
            "2018-06-24T23:59",
            "2018-06-25T00:00",
            "2017-06-18T12:00",
            "2017-06-25T00:00",
            "NaT",
        ],
        dtype="datetime64[s]",
    )
    cats = np.array([0, 0, 0, 0, 1, 0])
    sectors = np.array([0, 1, 1, 0, 0, 0])
    precincts = np.array([0, 0, 0, 0, 0, 0])
    counted = compstat_counts(
        times=times,
        categories=cats,
        category_labels=["Robbery", "Burglary"],
        geographies={"sector": (sectors, ["120A", "120B"]), "precinct": (precincts, ["120"])},
        week_ending=date(2018, 6, 24),
        history_years=(2,),
    )
    assert counted["precinct"].value("120", "Robbery", 0, "wtd") == 2  # 25 June is next week
    assert counted["precinct"].value("120", "Robbery", 1, "wtd") == 1  # Sunday 18 June 2017
    assert counted["precinct"].value("120", "Burglary", 1, "wtd") == 0  # 25 June 2017
    assert counted["sector"].value("120B", "Robbery", 0, "wtd") == 1


def test_it_names_a_missing_column() -> None:
    with pytest.raises(ValueError, match="must have a 'precinct' column"):
        compstat_reports(
            pd.DataFrame({"time": pd.to_datetime(["2018-06-18"]), "category": ["Robbery"]}),
            week_ending=date(2018, 6, 24),
        )


def test_aware_times_are_dated_in_the_precincts_time_zone() -> None:
    # 03:30 UTC on Monday 25 June 2018 is 23:30 on Sunday 24 June in New York
    records = pd.DataFrame(
        {
            "time": pd.to_datetime(["2018-06-25 03:30"]).tz_localize("UTC"),
            "category": ["Robbery"],
            "precinct": ["120"],
        }
    )
    (report,) = compstat_reports(
        records, week_ending=date(2018, 6, 24), coverage_start=date(2017, 1, 1)
    )
    assert report.line("Robbery").wtd_current == 1


def test_points_are_placed_in_sectors_by_their_coordinates() -> None:
    from openprecinct.analytics.compstat_io import assign_sectors

    def square(name: str, x0: float) -> dict[str, Any]:
        ring = [[x0, 0.0], [x0 + 1, 0.0], [x0 + 1, 1.0], [x0, 1.0], [x0, 0.0]]
        return {
            "type": "Feature",
            "properties": {"sector": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    boundaries = {"type": "FeatureCollection", "features": [square("120A", 0), square("120B", 1)]}
    placed = assign_sectors([0.5, 1.5, 5.0, None], [0.5, 0.5, 0.5, 0.5], boundaries)
    assert placed.tolist() == ["120A", "120B", "", ""]
    with pytest.raises(ValueError, match="'sector' property"):
        assign_sectors([0.5], [0.5], {"type": "FeatureCollection", "features": []})
