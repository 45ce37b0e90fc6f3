"""Row parsers: dates, times, codes and coordinates, by example and by property."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openprecinct.records.importing import parsers as p
from openprecinct.records.importing.errors import RowError


def test_missing_markers_of_the_nypd_files_are_empty():
    for marker in ("", "  ", "NA", "(null)", "NULL", "n/a", None):
        assert p.clean(marker) == ""
    assert p.clean(" UNKNOWN ") == "UNKNOWN"  # a real value (race, age group)


def test_it_reads_us_and_iso_dates():
    assert p.parse_date("01/20/2010") == date(2010, 1, 20)
    assert p.parse_date("1/2/2010") == date(2010, 1, 2)
    assert p.parse_date("2017-12-31") == date(2017, 12, 31)
    assert p.parse_date("2017-12-31T00:00:00.000") == date(2017, 12, 31)
    assert p.parse_date("(null)") is None


@pytest.mark.parametrize("bad", ["31/12/2010", "02/30/2010", "yesterday", "05/12/1015", "2010"])
def test_it_refuses_what_is_not_a_date(bad):
    with pytest.raises(RowError) as info:
        p.parse_date(bad, field="RPT_DT")
    assert info.value.code == "bad_date"
    assert "RPT_DT" in info.value.message


def test_times_accept_nypd_spellings():
    assert p.parse_time("3:57:00") == time(3, 57)
    assert p.parse_time("23:30") == time(23, 30)
    assert p.parse_time("24:00:00") == time(23, 59, 59)
    assert p.parse_time("12:15 AM") == time(0, 15)
    with pytest.raises(RowError):
        p.parse_time("25:00:00")


def test_thousands_separators_are_read_and_decimal_commas_refused():
    assert p.parse_coordinate("960,613") == 960613.0
    assert p.parse_coordinate("1,017,119.4375") == 1017119.4375
    assert p.parse_coordinate("-74.085135321") == -74.085135321
    assert p.parse_coordinate("NaN") is None  # a missing-value marker
    for bad in ("1,5", "96,0613", "12a", "inf", "1e999"):
        with pytest.raises(RowError) as info:
            p.parse_coordinate(bad)
        assert info.value.code == "bad_coordinates"


def test_codes_accept_spreadsheet_floats_and_refuse_garbage():
    assert p.parse_code("341") == 341
    assert p.parse_code("341.0") == 341
    assert p.parse_code("NA") is None
    for bad in ("34x", "-5", "3.5", "999999"):
        with pytest.raises(RowError):
            p.parse_code(bad)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_date_round_trips_in_both_layouts(day):
    assert p.parse_date(day.strftime("%m/%d/%Y")) == day
    assert p.parse_date(day.isoformat()) == day


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9999))
def test_thousands_separated_numbers_equal_the_plain_number(whole, frac):
    plain = f"{whole}.{frac:04d}"
    separated = f"{whole:,}.{frac:04d}"
    assert p.parse_coordinate(separated) == p.parse_coordinate(plain) == float(plain)


@given(st.text(max_size=30))
def test_parsers_either_parse_or_raise_a_row_error(text):
    for parser in (p.parse_date, p.parse_time, p.parse_code, p.parse_coordinate, p.parse_flag):
        try:
            parser(text)
        except RowError as exc:
            assert exc.code and exc.message


@given(st.integers(min_value=0, max_value=32767))
def test_codes_round_trip(code):
    assert p.parse_code(str(code)) == code
    assert p.parse_code(f"{code}.0") == code
    assert p.parse_code(f" {code} ") == code


@given(st.integers(min_value=1, max_value=999))
def test_precincts_are_plain_numbers_as_text(number):
    assert p.parse_precinct(f"{number}.0") == str(number)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "CMPLNT_NUM",
                "CMPLNT_FR_DT",
                "CMPLNT_FR_TM",
                "RPT_DT",
                "KY_CD",
                "PD_CD",
                "LAW_CAT_CD",
                "ADDR_PCT_CD",
                "X_COORD_CD",
                "Y_COORD_CD",
                "Latitude",
                "Longitude",
            ]
        ),
        st.text(max_size=12),
    )
)
def test_any_garbage_in_a_complaint_row_is_a_row_error_never_a_crash(garbage):
    from openprecinct.records.importing.schemas import NypdComplaints
    from tests.records.conftest import COMPLAINT_HEADER, COMPLAINT_ROW

    schema = NypdComplaints()
    schema.bind(COMPLAINT_HEADER, file_name="t.csv")
    row = [garbage.get(c, COMPLAINT_ROW[c]) for c in COMPLAINT_HEADER]
    try:
        parsed = schema.parse(row)
    except RowError as exc:
        assert exc.code and exc.message
    else:
        assert parsed.key and parsed.values["compstat_category"]
