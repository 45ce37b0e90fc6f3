"""NYPD offence classification to CompStat lines, checked on the real Staten Island records."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from openprecinct.analytics.categories import (
    CATEGORY_ORDER,
    MAJOR_SEVEN,
    TOTAL_MAJOR_SEVEN,
    category_sort_key,
    compstat_category,
)

DATA = Path("/work/shared/data")


@pytest.mark.parametrize(
    ("ky_cd", "expected"),
    [
        (101, "Murder"),
        (104, "Rape"),
        (105, "Robbery"),
        (106, "Fel. Assault"),
        (107, "Burglary"),
        (109, "Gr. Larceny"),
        (110, "G.L.A."),
    ],
)
def test_it_maps_the_seven_key_codes_to_the_printed_names(ky_cd: int, expected: str) -> None:
    assert compstat_category(ky_cd=ky_cd, pd_cd=None, ofns_desc=None, law_cat="FELONY") == expected


def test_it_keeps_negligent_homicide_out_of_murder() -> None:
    for ky_cd in (102, 103):
        category = compstat_category(ky_cd=ky_cd, pd_cd=None, ofns_desc=None, law_cat="FELONY")
        assert category == "Other Felonies"


def test_it_tells_felony_from_misdemeanour_sex_crimes_by_key_code() -> None:
    assert compstat_category(ky_cd=116, pd_cd=None, ofns_desc="SEX CRIMES", law_cat="FELONY") == (
        "Fel. Sex Crimes"
    )
    assert compstat_category(
        ky_cd=233, pd_cd=None, ofns_desc="SEX CRIMES", law_cat="MISDEMEANOR"
    ) == ("Misd. Sex Crimes")


def test_it_falls_back_on_the_description_when_the_key_code_is_missing() -> None:
    assert (
        compstat_category(
            ky_cd=None, pd_cd=None, ofns_desc=" murder & non-negl. manslaughter", law_cat=None
        )
        == "Murder"
    )
    assert (
        compstat_category(ky_cd=None, pd_cd=None, ofns_desc="HARRASSMENT 2", law_cat="VIOLATION")
        == "Harassment 2"
    )
    assert (
        compstat_category(ky_cd=None, pd_cd=None, ofns_desc="DANGEROUS DRUGS", law_cat="FELONY")
        == "Fel. Dangerous Drugs"
    )


def test_other_cities_ucr_names_place_the_majors_and_ambiguous_names_are_not_guessed() -> None:
    def place(desc: str, law: str | None = None) -> str | None:
        return compstat_category(ky_cd=None, pd_cd=None, ofns_desc=desc, law_cat=law)

    assert place("Motor Vehicle Theft") == place("AUTO THEFT") == "G.L.A."
    assert place("AGGRAVATED ASSAULT") == "Fel. Assault" and place("HOMICIDE") == "Murder"
    assert place("LARCENY-THEFT") is None  # neither grand nor petit larceny as such
    assert place("PETIT LARCENY") == "Petit Larceny"  # one line, whatever the law category
    assert place("DANGEROUS DRUGS") is None  # felony or misdemeanour: not guessed
    assert place("DANGEROUS DRUGS", "MISDEMEANOR") == "Misd. Dangerous Drugs"


def test_it_returns_none_when_nothing_places_the_record() -> None:
    assert compstat_category(ky_cd=None, pd_cd=None, ofns_desc="(null)", law_cat="(null)") is None


def test_it_places_every_real_staten_island_complaint_and_agrees_with_the_description() -> None:
    with gzip.open(DATA / "nypd_complaints_si.csv.gz", "rt") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    for row in frame.itertuples():
        by_code = compstat_category(
            ky_cd=int(row.KY_CD), pd_cd=None, ofns_desc=None, law_cat=row.LAW_CAT_CD
        )
        by_desc = compstat_category(
            ky_cd=None, pd_cd=None, ofns_desc=row.OFNS_DESC, law_cat=row.LAW_CAT_CD
        )
        assert by_code is not None
        assert by_code == by_desc or by_code.startswith("Other")
    majors = frame[frame.KY_CD.isin(["101", "104", "105", "106", "107", "109", "110"])]
    assert len(majors) == 7 + 2 + 6 + 8 + 40 + 3  # hand-counted from the file's key codes


def test_the_printed_order_starts_with_the_seven_majors_and_their_total() -> None:
    assert CATEGORY_ORDER[:8] == (*MAJOR_SEVEN, TOTAL_MAJOR_SEVEN)
    assert sorted(["Zebra", "G.L.A.", "Murder"], key=category_sort_key) == [
        "Murder",
        "G.L.A.",
        "Zebra",
    ]
