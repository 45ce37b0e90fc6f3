"""Definitions checked against NYPD's own 2013 weekly CompStat reports (pdftotext layout).

* every printed % change is (current - prior) / prior, and ``***.*`` when prior is 0;
* TOTAL is the sum of the seven majors in each column;
* the Shooting Vic. / Shooting Inc. lines are reproduced exactly from the shooting
  incident records (victims = rows, incidents = distinct INCIDENT_KEY), which also pins the
  period definitions: Monday-Sunday week, 28 days, YTD, same dates one and two years back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from openprecinct.analytics.categories import MAJOR_SEVEN
from openprecinct.analytics.compstat import compstat_reports, pct_change
from openprecinct.analytics.compstat_render import UNDEFINED_PCT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compstat"
REPORTS = {"120": "cs120pct", "122": "cs122pct", "123": "cs123pct"}
NAMES = [
    *MAJOR_SEVEN,
    "TOTAL",
    "Petit Larceny",
    "Misd. Assault",
    "Misd. Sex Crimes",
    "Shooting Vic.",
    "Shooting Inc.",
]


def printed_lines(precinct: str) -> dict[str, list[str]]:
    text = (FIXTURES / f"{REPORTS[precinct]}_week_ending_2013-02-17.txt").read_text()
    lines: dict[str, list[str]] = {}
    for raw in text.splitlines():
        stripped = raw.strip()
        for name in NAMES:
            if stripped.startswith(name + " ") and name not in lines:
                lines[name] = stripped[len(name) :].split()
    return lines


@pytest.mark.parametrize("precinct", sorted(REPORTS))
def test_every_printed_percent_change_follows_the_definition(precinct: str) -> None:
    for name, cells in printed_lines(precinct).items():
        for current, prior, printed in (cells[0:3], cells[3:6], cells[6:9]):
            change = pct_change(int(current), int(prior))
            if change is None:
                assert printed == UNDEFINED_PCT, name
            else:
                decimals = len(printed.split(".")[1])
                assert f"{change:.{decimals}f}" == printed, (name, current, prior)


@pytest.mark.parametrize("precinct", sorted(REPORTS))
def test_total_is_the_sum_of_the_seven_majors(precinct: str) -> None:
    lines = printed_lines(precinct)
    for column in (0, 1, 3, 4, 6, 7):
        assert int(lines["TOTAL"][column]) == sum(int(lines[m][column]) for m in MAJOR_SEVEN)


def shooting_records() -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "nypd_shootings_si_q1_2011_2013.csv", dtype=str)
    raw["time"] = pd.to_datetime(
        raw["OCCUR_DATE"] + " " + raw["OCCUR_TIME"], format="%m/%d/%Y %H:%M:%S"
    )
    victims = pd.DataFrame(
        {"time": raw["time"], "category": "Shooting Vic.", "precinct": raw["PRECINCT"]}
    )
    incidents = raw.drop_duplicates("INCIDENT_KEY")
    incidents = pd.DataFrame(
        {"time": incidents["time"], "category": "Shooting Inc.", "precinct": incidents["PRECINCT"]}
    )
    return pd.concat([victims, incidents], ignore_index=True)


@pytest.mark.parametrize("precinct", sorted(REPORTS))
def test_shooting_lines_match_nypd_2013_reports(precinct: str) -> None:
    (report,) = compstat_reports(
        shooting_records(),
        week_ending=date(2013, 2, 17),
        geographies={"precinct": [precinct]},
        coverage_start=date(2011, 1, 1),  # the extract holds all of Q1 2011-2013
    )
    printed = printed_lines(precinct)
    for name in ("Shooting Vic.", "Shooting Inc."):
        line = report.line(name)
        cells = printed[name]
        ours = [
            line.wtd_current,
            line.wtd_prior,
            line.d28_current,
            line.d28_prior,
            line.ytd_current,
            line.ytd_prior,
        ]
        assert ours == [int(cells[i]) for i in (0, 1, 3, 4, 6, 7)], name
        two_year = line.history[0]
        assert two_year.years == 2 and two_year.year == 2011
        expected = cells[9]
        shown = UNDEFINED_PCT if two_year.pct_change is None else f"{two_year.pct_change:.1f}"
        assert shown == expected, (name, two_year)
