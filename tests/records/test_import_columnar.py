"""The column-wise fast path gives exactly what the row parser gives: values, digests, refusals.

The row parser (``Schema.parse`` + the importer's ``_locate`` + ``content_hash``) is the
reference; ``columnar.parse_complaints`` must flag exactly the rows the row parser refuses and
give every other row the same canonical value in every field (so the same content digest).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openprecinct.records.importing import ImportFileError, columnar, records_import_file
from openprecinct.records.importing.errors import RowError
from openprecinct.records.importing.locate import bundled_boundaries
from openprecinct.records.importing.schemas import NEW_YORK, NypdComplaints
from openprecinct.records.importing.service import _Importer
from openprecinct.records.importing.writer import INCIDENT_FIELDS, canonical, content_hash
from openprecinct.records.models import Incident
from tests.records.conftest import COMPLAINT_HEADER, COMPLAINT_ROW, counts

MARKERS = ["", "NA", "(null)", "N/A", "NULL", "nan", "None", "#N/A", " ", "UNKNOWN"]
GARBAGE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


def _dates() -> st.SearchStrategy[str]:
    day = st.dates(min_value=date(1890, 1, 1), max_value=date(2110, 12, 31))
    # the days clocks change in New York, where local midnight + time needs care
    shifts = st.sampled_from(
        [date(2017, 3, 12), date(2017, 11, 5), date(2021, 3, 14), date(2021, 11, 7)]
    )
    return st.one_of(
        day.map(lambda d: d.strftime("%m/%d/%Y")),
        day.map(lambda d: d.isoformat()),
        shifts.map(lambda d: d.strftime("%m/%d/%Y")),
        (shifts | day).map(lambda d: f"{d.month}/{d.day}/{d.year}"),
        st.sampled_from(MARKERS + ["13/45/2010", "02/30/2019", "1015-01-01", " 01/02/2015 "]),
        GARBAGE,
    )


def _times() -> st.SearchStrategy[str]:
    clock = st.tuples(st.integers(0, 25), st.integers(0, 61), st.integers(0, 61))
    return st.one_of(
        clock.map(lambda t: f"{t[0]:02d}:{t[1]:02d}:{t[2]:02d}"),
        clock.map(lambda t: f"{t[0]}:{t[1]:02d}"),
        st.sampled_from(MARKERS + ["24:00:00", "02:30:00", "01:30:00", "12:00 PM", "7:05 am"]),
        GARBAGE,
    )


def _codes(values: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([str(v) for v in values]),
        st.sampled_from([f"{v}.0" for v in values] + [f" {v} " for v in values]),
        st.integers(-5, 40_000).map(str),
        st.sampled_from(MARKERS + ["x", "1e2", "٣٤١", "+341", "341.5"]),
    )


def _coordinate(low: float, high: float, *, whole: bool) -> st.SearchStrategy[str]:
    number = st.floats(low - (high - low) * 0.2, high + (high - low) * 0.2)
    return st.one_of(
        number.map(lambda v: str(int(v)) if whole else repr(v)),
        number.map(lambda v: f"{int(v):,}"),
        number.map(lambda v: f"{v:.9f}"),
        st.sampled_from(MARKERS + ["1,5", "1e999", "inf", "nan", "٣", "0", "-0", "1e3"]),
        GARBAGE,
    )


TEXT = st.one_of(
    st.sampled_from(["STREET", "PETIT LARCENY", "  two  spaces ", "tab\there", "Café", "ÉLAN"]),
    st.sampled_from(MARKERS),
    GARBAGE,
    st.text(max_size=130),
)

CELLS = {
    "CMPLNT_NUM": st.one_of(
        st.integers(1, 10**12).map(str),
        st.sampled_from(["", " 7 ", "NA", "a\tb", "x" * 65, "ключ"]),
        GARBAGE,
    ),
    "CMPLNT_FR_DT": _dates(),
    "CMPLNT_FR_TM": _times(),
    "CMPLNT_TO_DT": _dates(),
    "CMPLNT_TO_TM": _times(),
    "RPT_DT": _dates(),
    "KY_CD": _codes([101, 104, 105, 106, 107, 109, 110, 341, 344, 578, 1500]),
    "PD_CD": _codes([321, 157, 101, 0]),
    "OFNS_DESC": st.one_of(
        st.sampled_from(["PETIT LARCENY", "RAPE", "GRAND LARCENY", "DANGEROUS DRUGS"]), TEXT
    ),
    "LAW_CAT_CD": st.sampled_from(["FELONY", "MISDEMEANOR", "VIOLATION", "F", "m", "", "X"]),
    "CRM_ATPT_CPTD_CD": st.sampled_from(["COMPLETED", "ATTEMPTED", "attempt", "", "NA", "?"]),
    "ADDR_PCT_CD": _codes([120, 121, 122, 123, 0, 999, 1000]),
    "X_COORD_CD": _coordinate(905_000, 1_070_000, whole=True),
    "Y_COORD_CD": _coordinate(105_000, 280_000, whole=True),
    "Latitude": _coordinate(40.45, 40.95, whole=False),
    "Longitude": _coordinate(-74.30, -73.65, whole=False),
}
for _name in ("PD_DESC", "PREM_TYP_DESC", "LOC_OF_OCCUR_DESC", "BORO_NM", "VIC_RACE", "SUSP_SEX"):
    CELLS[_name] = TEXT


def row_strategy() -> st.SearchStrategy[dict[str, str]]:
    """A complaint row: the real row, with any subset of its cells replaced."""
    changes = st.fixed_dictionaries({}, optional=CELLS)
    return changes.map(lambda c: {**COMPLAINT_ROW, **c})


def _row_path(schema: NypdComplaints, cells: list[str]) -> dict | RowError:
    try:
        rec = schema.parse(cells)
    except RowError as exc:
        return exc

    class _Self:
        pass

    me = _Self()
    me.schema, me.area, me.boundaries = schema, None, bundled_boundaries()
    quarantine: list = []
    located = _Importer._locate(me, [(None, rec)], quarantine)  # type: ignore[arg-type]
    assert located and not quarantine
    values = located[0][1].values
    values["content_hash"] = content_hash(values, INCIDENT_FIELDS)
    return values


def _column_path(schema: NypdComplaints, rows: list[list[str]]):
    index = schema._index

    def get(column: str) -> columnar.ObjectCells:
        i = index.get(column)
        out = np.empty(len(rows), dtype=object)
        out[:] = [r[i] if i is not None else "" for r in rows]
        return columnar.ObjectCells(out)

    cols, flagged = columnar.parse_complaints(
        get, len(rows), source=schema.source, tz=NEW_YORK, boundaries=bundled_boundaries()
    )
    batch = columnar.ColumnBatch(cols, np.arange(len(rows), dtype=np.int64))
    batch.compute_digests(INCIDENT_FIELDS)
    return batch, flagged


def _check(rows: list[dict[str, str]]) -> None:
    schema = NypdComplaints()
    schema.bind(COMPLAINT_HEADER, file_name="t.csv")
    cells = [[r[h] for h in COMPLAINT_HEADER] for r in rows]
    batch, flagged = _column_path(schema, cells)
    for i, row in enumerate(cells):
        reference = _row_path(schema, row)
        if isinstance(reference, RowError):
            assert flagged[i], (row, reference.code)
            continue
        assert not flagged[i], row
        for field in INCIDENT_FIELDS:
            assert batch.cols[field].canon[i] == canonical(reference[field]), (field, row)
            assert canonical(batch.cols[field].py[i]) == canonical(reference[field]), field
        assert batch.digests[i] == reference["content_hash"]


@settings(max_examples=150, deadline=None)
@given(st.lists(row_strategy(), min_size=1, max_size=6))
def test_the_column_wise_path_equals_the_row_parser(rows):
    _check(rows)


def test_the_column_wise_path_on_clock_changes_and_awkward_cells():
    rows = [
        {**COMPLAINT_ROW, "CMPLNT_FR_DT": "03/12/2017", "CMPLNT_FR_TM": "02:30:00"},  # no such
        {**COMPLAINT_ROW, "CMPLNT_FR_DT": "11/05/2017", "CMPLNT_FR_TM": "01:30:00"},  # twice
        {**COMPLAINT_ROW, "CMPLNT_FR_DT": "11/05/2017", "CMPLNT_TO_DT": "11/05/2017"},
        {**COMPLAINT_ROW, "X_COORD_CD": "(null)", "Y_COORD_CD": "(null)"},
        {**COMPLAINT_ROW, "Latitude": "", "Longitude": ""},
        {**COMPLAINT_ROW, "CMPLNT_NUM": " 42 ", "PD_DESC": "a\tb  c", "VIC_SEX": "NA"},
        {**COMPLAINT_ROW, "X_COORD_CD": "960613", "Y_COORD_CD": "162401.5"},
        {**COMPLAINT_ROW, "CMPLNT_TO_DT": "12/31/2009"},  # ends before it starts
        {**COMPLAINT_ROW, "KY_CD": "1500"},  # unknown offence
        {**COMPLAINT_ROW, "X_COORD_CD": "1e999"},
        {**COMPLAINT_ROW, "Latitude": "٤٠.٦"},
        {**COMPLAINT_ROW, "ADDR_PCT_CD": "", "X_COORD_CD": "", "Y_COORD_CD": ""},
    ]
    _check(rows)
    _check(rows[:1] * 70)  # 64 points and more take the batched transformer


@pytest.mark.django_db
def test_records_written_by_the_row_path_are_unchanged_for_the_column_wise_path(
    complaints_file, monkeypatch
):
    path = complaints_file(
        {"CMPLNT_NUM": "1"},
        {"CMPLNT_NUM": "2", "X_COORD_CD": "(null)", "Y_COORD_CD": "(null)"},
        {"CMPLNT_NUM": "3", "CMPLNT_FR_DT": "11/05/2017", "CMPLNT_FR_TM": "01:30:00"},
    )
    real_init = _Importer.__init__

    def row_path_only(self, **kwargs):
        real_init(self, **kwargs)
        self.columnar = False

    monkeypatch.setattr(_Importer, "__init__", row_path_only)
    first = records_import_file(path=path, schema="nypd-complaints")
    assert first.imported == 3
    monkeypatch.undo()

    again = records_import_file(path=path, schema="nypd-complaints")

    assert counts(again) == {
        "read": 3,
        "imported": 0,
        "updated": 0,
        "unchanged": 3,
        "quarantined": 0,
    }
    assert Incident.objects.count() == 3


def test_a_day_of_clock_change_is_recognised():
    days = columnar._Days([date(2017, 3, 12), date(2017, 3, 13), None], NEW_YORK)
    assert days.shifting.tolist()[:3] == [True, False, False]
    assert days.midnight[1] - days.midnight[0] == timedelta(hours=23).total_seconds()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=-1e6, max_value=1e6).map(lambda v: round(v, 7)),
            st.integers(min_value=-(10**16), max_value=10**16).map(float),
            st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e15, 1e16, 123456789012345.6]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_float_texts_made_by_pyarrow_are_repr(values):
    """The digest and COPY text of a coordinate is ``repr`` of the float, however it is made."""
    column = columnar.Column.floats(np.array(values, dtype=float))
    want = [repr(v) if np.isfinite(v) else "\x00" for v in values]
    assert column.arrow("canon").to_pylist() == want
    assert column.arrow("copy").to_pylist() == [w if w != "\x00" else "\\N" for w in want]
    rounded = [v for v in values if np.isfinite(v) and round(v, 7) == v]  # as locate gives
    assert columnar.Column.floats(np.array(rounded)).canon.tolist() == [
        canonical(v) for v in rounded
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(min_value=-2_500_000_000, max_value=4_300_000_000),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_datetime_texts_made_by_pyarrow_are_canonical(seconds):
    """UTC seconds (1890..2106) give the canonical text of the aware datetime, and COPY reads
    the same instant."""
    from datetime import UTC, datetime

    epoch = np.array([columnar._NO_TIME if s is None else s for s in seconds], dtype=np.int64)
    column = columnar.Column.datetimes(epoch)
    moments = [None if s is None else datetime.fromtimestamp(s, UTC) for s in seconds]
    assert column.arrow("canon").to_pylist() == [canonical(m) for m in moments]
    copies = column.arrow("copy").to_pylist()
    for moment, text in zip(moments, copies, strict=True):
        if moment is None:
            assert text == "\\N"
        else:
            assert datetime.fromisoformat(text) == moment
    assert [canonical(v) for v in column.py] == [canonical(m) for m in moments]


@settings(max_examples=150, deadline=None)
@given(st.lists(row_strategy(), min_size=1, max_size=6))
def test_block_cells_parse_as_object_cells(tmp_path_factory, rows):
    """Read from a file, the reader's pyarrow cells give the fast path exactly what the same
    cells as Python strings give: flags, every field's digest and COPY text, digests."""
    from openprecinct.records.importing.reader import CsvSource
    from tests.records.conftest import csv_text

    path = tmp_path_factory.mktemp("blocks") / "c.csv"
    path.write_text(csv_text(COMPLAINT_HEADER, rows), encoding="utf-8", newline="")
    schema = NypdComplaints()
    schema.bind(COMPLAINT_HEADER, file_name="c.csv")
    try:
        with CsvSource(path) as source:
            blocks = list(source.blocks(block_bytes=1 << 20))
    except ImportFileError:
        return  # (a lone carriage return: a file the csv module cannot read)
    fast = [b for b in blocks if b.rows is None]
    if not fast:
        return  # (a quoted newline or a wrong field count: the row reader's case)
    block = fast[0]
    index = schema._index
    n = len(block)

    def from_block(column: str):
        i = index.get(column)
        blank = columnar.ObjectCells(np.full(n, "", dtype=object))
        return blank if i is None else block.cells(i, 0, n)

    def from_objects(column: str):
        i = index.get(column)
        cells = from_block(column)
        return columnar.ObjectCells(cells.strings()) if i is not None else cells

    got, got_flags = columnar.parse_complaints(
        from_block, n, source=schema.source, tz=NEW_YORK, boundaries=bundled_boundaries()
    )
    want, want_flags = columnar.parse_complaints(
        from_objects, n, source=schema.source, tz=NEW_YORK, boundaries=bundled_boundaries()
    )
    assert got_flags.tolist() == want_flags.tolist()
    keep = np.flatnonzero(~want_flags)
    a = columnar.ColumnBatch(got, block.lines).take(keep)
    b = columnar.ColumnBatch(want, block.lines).take(keep)
    for field in INCIDENT_FIELDS:
        assert a.cols[field].canon.tolist() == b.cols[field].canon.tolist(), field
        assert a.cols[field].copy.tolist() == b.cols[field].copy.tolist(), field
    a.compute_digests(INCIDENT_FIELDS)
    b.compute_digests(INCIDENT_FIELDS)
    assert a.digests.tolist() == b.digests.tolist()


def test_seen_keys_remember_every_key_across_merges():
    """In-file duplicates are caught however many keys came before (the small sorted run is
    merged into the main one as it grows)."""
    from openprecinct.records.importing.service import SeenKeys

    rng = np.random.default_rng(3)
    keys = rng.permutation(np.arange(1, 300_001, dtype=np.int64) * 7919)
    seen = SeenKeys()
    for lo in range(0, len(keys), 10_000):
        batch = keys[lo : lo + 10_000]
        assert not seen.lookup(batch).any()
        seen.add(batch, batch + 1)
    probe = np.concatenate([keys[::997], np.array([5, 6], dtype=np.int64)])
    assert seen.lookup(probe).tolist() == [*(keys[::997] + 1).tolist(), 0, 0]


def test_factorize_keeps_values_that_differ_after_a_nul():
    """Distinct values stay distinct whatever they contain (a hash table over C strings would
    stop at the NUL and merge "a\\x00b" with "a\\x00c", and "\\x00" with "")."""
    values = ["", "\x00", "a\x00b", "a\x00c", "a\x00b"]
    codes, uniques = columnar.factorize(columnar.objects(values))
    assert [uniques[c] for c in codes.tolist()] == values
    assert len(uniques) == 4
