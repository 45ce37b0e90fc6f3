"""Hostile input, by property: every importer, parser and upload check either accepts a value
or refuses it with the project's one-line error (or quarantines the row), never a traceback.

Examples are derandomized by the suite's Hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.records.conftest import COMPLAINT_HEADER, COMPLAINT_ROW

# Cells that break naive CSV readers: separators, quotes, newlines, NUL, BOM, huge numbers,
# spreadsheet formulas, Unicode look-alikes and markers of missing values.
NASTY = st.sampled_from(
    [
        "",
        ",",
        '"',
        '""',
        "\n",
        "\r\n",
        "\x00",
        "\ufeff",
        "NA",
        "(null)",
        "1e309",
        "-0",
        "NaN",
        "99999999999999999999",
        "=cmd|'/c calc'!A1",
        "01/32/2015",
        "2015-02-29",
        "24:00:00",
        "0x1F",
        "١٢٠",  # Arabic-Indic digits
        "１２０",  # full-width digits
        "'; DROP TABLE records_incident; --",
        "../../etc/passwd",
        "\u202e",
    ]
)
CELL = st.one_of(NASTY, st.text(max_size=12))
ONE_LINE = {"max_size": 2000}


def _csv_line(cells: list[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' if i % 2 else c for i, c in enumerate(cells))


@st.composite
def hostile_csv(draw) -> bytes:
    """A file in the complaint layout with fuzzed cells, or raw bytes, or a broken encoding."""
    kind = draw(st.sampled_from(["layout", "raw", "header-only", "latin1", "ragged"]))
    if kind == "raw":
        return draw(st.binary(max_size=300))
    header = list(COMPLAINT_HEADER)
    if kind == "header-only":
        return (",".join(header) + "\n").encode()
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row = dict(COMPLAINT_ROW)
        for name in draw(st.lists(st.sampled_from(header), max_size=6)):
            row[name] = draw(CELL)
        cells = [row[h] for h in header]
        if kind == "ragged":
            cells = cells[: draw(st.integers(0, len(cells) + 2))]
        rows.append(_csv_line(cells))
    text = ",".join(header) + "\n" + "\n".join(rows) + "\n"
    if kind == "latin1":
        return text.encode("utf-8") + b"\xff\xfe\xe9\x80"
    return text.encode("utf-8", errors="surrogatepass")


def _one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=hostile_csv(),
    schema=st.sampled_from(
        ["nypd-complaints", "nypd-arrests", "nypd-shootings", "nypd-hate-crimes", "generic"]
    ),
)
def test_records_importers_refuse_or_quarantine(tmp_path, data, schema):
    from openprecinct.records.importing.errors import ImportFileError
    from openprecinct.records.importing.service import records_import_file

    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    columns = "id=CMPLNT_NUM,time=CMPLNT_FR_DT,x=Longitude,y=Latitude,offense=OFNS_DESC"
    try:
        run = records_import_file(
            path=path, schema=schema, columns=columns if schema == "generic" else None
        )
    except ImportFileError as exc:
        _one_line(str(exc))
        return
    assert run.read == run.imported + run.updated + run.unchanged + run.quarantined
    for row in run.quarantined_rows.all():
        assert row.reason_code and row.reason


@given(text=st.text(max_size=120))
def test_column_mapping_option_is_parsed_or_refused_in_one_line(text):
    from openprecinct.records.importing.errors import ImportFileError
    from openprecinct.records.importing.schemas import ColumnMapping

    try:
        ColumnMapping.from_option(text)
    except ImportFileError as exc:
        _one_line(str(exc))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(
    raw=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "time",
                "date",
                "x",
                "y",
                "crs",
                "offense",
                "precinct",
                "timezone",
                "source",
                "count",
                "date_format",
                "bogus",
            ]
        ),
        JSONISH,
        max_size=8,
    )
)
def test_column_mapping_dict_is_parsed_or_refused_in_one_line(raw):
    from openprecinct.records.importing.errors import ImportFileError
    from openprecinct.records.importing.schemas import ColumnMapping

    try:
        ColumnMapping.from_dict(raw)
    except ImportFileError as exc:
        _one_line(str(exc))


@given(value=st.one_of(CELL, st.none()))
def test_row_parsers_return_a_value_or_a_row_error(value):
    from zoneinfo import ZoneInfo

    from openprecinct.records.importing import parsers as p
    from openprecinct.records.importing.errors import RowError

    tz = ZoneInfo("America/New_York")
    calls = [
        lambda: p.parse_date(value),
        lambda: p.parse_time(value),
        lambda: p.parse_datetime(value, tz=tz),
        lambda: p.parse_code(value),
        lambda: p.parse_coordinate(value),
        lambda: p.parse_precinct(value),
        lambda: p.parse_flag(value),
        lambda: p.parse_law_category(value),
        lambda: p.parse_attempted(value),
        lambda: p.text(value, 50),
    ]
    for call in calls:
        try:
            call()
        except RowError as exc:
            assert exc.code and exc.message


@settings(max_examples=30, deadline=None)
@given(
    data=hostile_csv(),
    schema=st.sampled_from(
        ["nypd-complaints", "nypd-arrests", "nypd-shootings", "nypd-hate-crimes", "generic"]
    ),
)
def test_compstat_file_readers_refuse_in_one_line(tmp_path_factory, data, schema):
    from openprecinct.cli import compstat
    from openprecinct.cli.errors import CLIError

    path = tmp_path_factory.mktemp("cs") / "hostile.csv"
    path.write_bytes(data)
    argv = ["--input", str(path), "--schema", schema, "--week-ending", "2015-06-28", "--quiet"]
    if schema == "generic":
        argv += ["--columns", "time=CMPLNT_FR_DT,category=OFNS_DESC,precinct=ADDR_PCT_CD"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            compstat.run(argv)
        except CLIError as exc:
            _one_line(str(exc))
    assert "Traceback" not in err.getvalue()


@given(text=st.text(max_size=80))
def test_compstat_column_mapping_is_parsed_or_refused(text):
    from openprecinct.analytics.compstat_io import parse_column_mapping, records_from_generic

    try:
        mapping = parse_column_mapping(text)
    except ValueError as exc:
        _one_line(str(exc))
        return
    import pandas as pd

    frame = pd.DataFrame({"a": ["01/02/2015", "x"], "b": ["ROBBERY", ""]})
    try:
        records_from_generic(frame, mapping)
    except ValueError as exc:
        assert "\n" not in str(exc)


@given(name=st.text(max_size=300), content_type=st.text(max_size=40), head=st.binary(max_size=64))
def test_evidence_upload_checks_accept_or_reject_cleanly(name, content_type, head):
    from openprecinct.evidence import ingest

    try:
        expected = ingest.check_declared_type(name=name, content_type=content_type)
    except ingest.UploadRejected as exc:
        _one_line(exc.message)
        return
    try:
        ingest.check_magic(head, expected=expected)
    except ingest.UploadRejected as exc:
        _one_line(exc.message)
