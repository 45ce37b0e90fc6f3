"""Column-wise parsing of a block of rows: the fast path of the importer.

A block of rows (pyarrow string columns from the reader, or arrays of Python strings) is
parsed a column at a time. Every cell parser of :mod:`~openprecinct.records.importing.parsers`
runs once per *distinct* value of a column (pyarrow's ``dictionary_encode``), never per row, so
each value is exactly what the row parser makes of it; coordinates (nearly all distinct) are
converted in bulk after a check that they are plain numbers. A row any of whose cells or
row-level checks fails is *flagged* and handed to the schema's row parser, which gives the
same quarantine reason and message as before. Tests prove that both paths give the same
values and digests (``tests/records/test_import_columnar.py``).

The result is a :class:`ColumnBatch`: per model field the Python values, the canonical text of
the content digest (:func:`~openprecinct.records.importing.writer.canonical`) and the text of
PostgreSQL's ``COPY``, each an object array.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from openprecinct.analytics import categories as cats
from openprecinct.records.importing import arrow
from openprecinct.records.importing import parsers as p
from openprecinct.records.importing.errors import RowError
from openprecinct.records.importing.locate import project
from openprecinct.records.importing.writer import canonical, copy_text

ObjArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def objects(values: Sequence[Any]) -> ObjArray:
    """A 1-d object array of ``values`` (numpy never unpacks them)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values) if not isinstance(values, list) else values
    return out


class Column:
    """One field of a batch: Python values, digest text and COPY text, row by row.

    A column is held in the cheapest form its values allow: codes into a table of distinct
    values (``mapped``, ``constant``), float64 values (``floats``), UTC seconds (``datetimes``),
    or explicit arrays. ``py``, ``canon`` and ``copy`` are made on first use; the digest and
    the ``COPY`` payload read :meth:`arrow` instead, which builds the texts in pyarrow without a
    Python string per cell.
    """

    __slots__ = ("_py", "_canon", "_copy", "_epoch", "_codes", "_table", "_floats", "_arrows")

    def __init__(
        self,
        py: ObjArray | None,
        canon: ObjArray | None,
        copy: ObjArray | None,
        epoch: npt.NDArray[np.int64] | None = None,
    ) -> None:
        self._py = py
        self._canon = canon
        self._copy = copy
        self._epoch = epoch  # datetimes: UTC seconds, INT64_MIN for None
        self._codes: IntArray | None = None  # mapped: codes into _table
        self._table: tuple[ObjArray, ObjArray, ObjArray] | None = None  # (py, canon, copy)
        self._floats: npt.NDArray[np.float64] | None = None  # floats: NaN for None
        self._arrows: dict[str, pa.Array] = {}

    def __len__(self) -> int:
        for arr in (self._codes, self._floats, self._epoch, self._py, self._canon):
            if arr is not None:
                return len(arr)
        return 0

    @property
    def py(self) -> ObjArray:
        if self._py is None:
            if self._codes is not None:
                assert self._table is not None
                self._py = self._table[0][self._codes]
            elif self._floats is not None:
                values = self._floats
                index = np.flatnonzero(np.isfinite(values))
                py = np.full(len(values), None, dtype=object)
                py[index] = values[index].tolist()
                self._py = py
            else:
                assert self._epoch is not None
                self._py = objects(
                    [
                        None if e == _NO_TIME else datetime.fromtimestamp(e, UTC)
                        for e in self._epoch.tolist()
                    ]
                )
        return self._py

    @property
    def canon(self) -> ObjArray:
        if self._canon is None:
            if self._codes is not None:
                assert self._table is not None
                self._canon = self._table[1][self._codes]
            else:
                self._canon = objects(self.arrow("canon").to_pylist())
        return self._canon

    @property
    def copy(self) -> ObjArray:
        if self._copy is None:
            if self._codes is not None:
                assert self._table is not None
                self._copy = self._table[2][self._codes]
            else:
                self._copy = objects(self.arrow("copy").to_pylist())
        return self._copy

    def arrow(self, which: str) -> pa.Array:
        """The digest (``"canon"``) or ``COPY`` (``"copy"``) text of every row, as pyarrow."""
        found = self._arrows.get(which)
        if found is None:
            found = self._arrows[which] = self._make_arrow(which)
        return found

    def _make_arrow(self, which: str) -> pa.Array:
        if self._codes is not None:
            assert self._table is not None
            _, canon_u, copy_u = self._table
            codes = arrow.ints(self._codes)
            if which == "copy":
                if copy_u is canon_u:
                    return self.arrow("canon")
                return arrow.strings(copy_u.tolist()).take(codes)
            return arrow.strings(canon_u.tolist()).take(codes)
        explicit = self._canon if which == "canon" else self._copy
        if which == "copy" and explicit is not None and explicit is self._canon:
            return self.arrow("canon")
        if explicit is not None:
            return arrow.strings(explicit.tolist())
        missing = "\x00" if which == "canon" else "\\N"
        if "base" not in self._arrows:  # the texts without the missing marker
            if self._floats is not None:
                texts, none = _float_texts(self._floats)
            else:
                assert self._epoch is not None
                texts, none = _epoch_texts(self._epoch)
            self._arrows["base"] = texts
            if none is not None:
                self._arrows["none"] = none
        texts, none = self._arrows["base"], self._arrows.get("none")
        if which == "copy" and self._floats is None:
            texts = pc.binary_join_element_wise(texts, arrow.text("Z"), arrow.text(""))
        if none is not None:
            texts = pc.if_else(none, arrow.text(missing), texts)
        return texts

    def take(self, idx: IntArray) -> Column:
        if self._codes is not None:
            assert self._table is not None
            return Column._from_codes(self._codes[idx], self._table)
        if self._floats is not None:
            return Column.floats(self._floats[idx])
        if self._epoch is not None and self._canon is None:
            return Column.datetimes(self._epoch[idx])
        return Column(
            self.py[idx],
            self.canon[idx],
            self.copy[idx],
            None if self._epoch is None else self._epoch[idx],
        )

    @classmethod
    def concat(cls, columns: list[Column]) -> Column:
        if all(c._floats is not None for c in columns):
            return cls.floats(np.concatenate([c._floats for c in columns]))  # type: ignore[misc]
        if all(c._epoch is not None and c._canon is None for c in columns):
            return cls.datetimes(np.concatenate([c._epoch for c in columns]))  # type: ignore[misc]
        return cls(
            np.concatenate([c.py for c in columns]),
            np.concatenate([c.canon for c in columns]),
            np.concatenate([c.copy for c in columns]),
        )

    @classmethod
    def _from_codes(cls, codes: IntArray, table: tuple[ObjArray, ObjArray, ObjArray]) -> Column:
        column = cls(None, None, None)
        column._codes = codes
        column._table = table
        return column

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> Column:
        py = objects(values)
        return cls(py, objects([canonical(v) for v in py]), objects([copy_text(v) for v in py]))

    @classmethod
    def constant(cls, value: Any, n: int) -> Column:
        return cls.mapped(np.zeros(n, dtype=np.int64), [value])

    @classmethod
    def mapped(cls, codes: IntArray, uniques_py: Sequence[Any]) -> Column:
        """Rows that take the values of a small table of distinct values."""
        texts = [_texts(v) for v in uniques_py]
        canon = [t[0] for t in texts]
        copy = [t[1] for t in texts]
        canon_u = objects(canon)
        copy_u = canon_u if canon == copy else objects(copy)  # (the same array: one text)
        table = (objects(uniques_py), canon_u, copy_u)
        return cls._from_codes(np.asarray(codes, dtype=np.int64), table)

    @classmethod
    def floats(cls, values: npt.NDArray[np.float64]) -> Column:
        """Coordinates already rounded to at most 7 decimals (``locate.project``), for which
        ``repr(round(v, 7)) == repr(v)``: one text serves the digest and COPY. Not finite is
        None."""
        column = cls(None, None, None)
        column._floats = np.asarray(values, dtype=np.float64)
        return column

    @classmethod
    def datetimes(cls, epoch: npt.NDArray[np.int64]) -> Column:
        """Aware datetimes from UTC seconds (``_NO_TIME`` for None)."""
        return cls(None, None, None, np.asarray(epoch, dtype=np.int64))

    def sqlite_values(self) -> ObjArray:
        """What Django's SQLite backend stores: naive UTC text for datetimes."""
        if self._epoch is None and not any(isinstance(v, datetime) for v in self.py):
            return self.py
        return objects(
            [
                str(v.astimezone(UTC).replace(tzinfo=None)) if isinstance(v, datetime) else v
                for v in self.py
            ]
        )


def _float_texts(values: npt.NDArray[np.float64]) -> tuple[pa.Array, pa.Array | None]:
    """``repr(v)`` of each finite value, made by pyarrow, and where the values are not finite
    (None if nowhere).

    pyarrow prints the shortest text that reads back as the same double, as ``repr`` does; it
    differs from ``repr`` only in form: no ``.0`` on whole numbers, and other rules for
    exponents. Texts without a point get their ``.0``; texts with an exponent, and values where
    ``repr`` writes one (below 1e-4 or from 1e16 in size), are printed by ``repr`` itself.
    """
    finite = np.isfinite(values)
    clean = np.where(finite, values, 0.0)
    texts = pc.cast(arrow.floats(clean), pa.string())
    exponent = arrow.to_numpy(pc.match_substring(texts, "e"))
    point = arrow.to_numpy(pc.match_substring(texts, "."))
    whole = ~point & ~exponent
    if whole.any():
        point_zero = pc.binary_join_element_wise(texts, arrow.text(".0"), arrow.text(""))
        texts = pc.if_else(arrow.bools(whole), point_zero, texts)
    size = np.abs(clean)
    odd = np.flatnonzero(exponent | (((size < 1e-4) | (size >= 1e15)) & (clean != 0.0)))
    if len(odd):
        out = texts.to_pylist()
        for i in odd.tolist():
            out[i] = repr(float(clean[i]))
        texts = arrow.strings(out)
    return texts, (None if finite.all() else arrow.bools(~finite))


@cache
def _clock() -> pa.Array:
    """``HH:MM:SS`` of every second of a day."""
    seconds = np.arange(86_400)
    hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
    return arrow.strings(
        [
            f"{h:02d}:{m:02d}:{s:02d}"
            for h, m, s in zip(hours.tolist(), minutes.tolist(), secs.tolist(), strict=True)
        ]
    )


def _epoch_texts(epoch: npt.NDArray[np.int64]) -> tuple[pa.Array, pa.Array | None]:
    """``YYYY-MM-DDTHH:MM:SS`` of UTC seconds, and where there is no time (None if
    nowhere)."""
    none = epoch == _NO_TIME
    day, second = np.divmod(np.where(none, 0, epoch), 86_400)
    days, day_codes = np.unique(day, return_inverse=True)
    day_texts = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()
    dates = arrow.strings(day_texts).take(arrow.ints(day_codes.reshape(-1)))
    clock = _clock().take(arrow.ints(second))
    texts = pc.binary_join_element_wise(dates, clock, arrow.text("T"))
    return texts, (arrow.bools(none) if none.any() else None)


_NO_TIME = np.iinfo(np.int64).min
_TEXTS: dict[tuple[type, Any], tuple[str, str]] = {}


def _texts(value: Any) -> tuple[str, str]:
    """(digest text, COPY text) of a value, remembered (a bounded cache)."""
    key = (value.__class__, value)
    found = _TEXTS.get(key)
    if found is None:
        found = (canonical(value), copy_text(value))
        if len(_TEXTS) < MEMO_LIMIT:
            _TEXTS[key] = found
    return found


class ColumnBatch:
    """Records of one batch, column-wise: ``cols[field]``, their ``lines`` and ``keys``."""

    def __init__(self, cols: dict[str, Column], lines: IntArray) -> None:
        self.cols = cols
        self.lines = lines
        self.digests: ObjArray = np.empty(0, dtype=object)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def keys(self) -> ObjArray:
        return self.cols["source_key"].py

    def take(self, idx: IntArray) -> ColumnBatch:
        if len(idx) == len(self) and (len(idx) == 0 or (np.diff(idx) == 1).all() and idx[0] == 0):
            return self  # all of it, in order
        out = ColumnBatch({k: c.take(idx) for k, c in self.cols.items()}, self.lines[idx])
        if len(self.digests):
            out.digests = self.digests[idx]
        return out

    @classmethod
    def concat(cls, batches: list[ColumnBatch]) -> ColumnBatch:
        batches = [b for b in batches if len(b)] or batches[:1]
        if len(batches) == 1:
            return batches[0]
        cols = {k: Column.concat([b.cols[k] for b in batches]) for k in batches[0].cols}
        out = cls(cols, np.concatenate([b.lines for b in batches]))
        out.digests = np.concatenate([b.digests for b in batches])
        return out

    @classmethod
    def from_records(
        cls, records: list[dict[str, Any]], lines: list[int], fields: Sequence[str]
    ) -> ColumnBatch:
        cols = {f: Column.from_values([r[f] for r in records]) for f in fields}
        out = cls(cols, np.asarray(lines, dtype=np.int64))
        out.digests = objects([r["content_hash"] for r in records])
        return out

    def compute_digests(self, fields: Sequence[str]) -> None:
        """:func:`~openprecinct.records.importing.writer.content_hash`, column-wise: the
        joined texts are made by pyarrow, each row's bytes hashed in place."""
        if not len(self):
            self.digests = np.empty(0, dtype=object)
            return
        data, offsets = arrow.joined_texts([self.cols[f].arrow("canon") for f in fields], "\x1e")
        blake = hashlib.blake2b
        self.digests = objects(
            [
                blake(data[a:b], digest_size=16).hexdigest()
                for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
            ]
        )

    def values(self, i: int, fields: Sequence[str]) -> dict[str, Any]:
        """Record ``i`` as the row path's values dict."""
        return {f: self.cols[f].py[i] for f in fields}


# -- cell parsers over distinct values ------------------------------------------------------


def factorize(values: ObjArray) -> tuple[IntArray, list[str]]:
    encoded = arrow.strings(values.tolist()).dictionary_encode()
    codes = arrow.to_numpy(encoded.indices).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


class ObjectCells:
    """A column of cells given as an object array of str (the interface of
    :class:`~openprecinct.records.importing.reader.BlockCells`)."""

    def __init__(self, values: ObjArray) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def factorized(self) -> tuple[IntArray, list[str]]:
        return factorize(self.values)

    def strings(self, index: IntArray | None = None) -> ObjArray:
        return self.values if index is None else self.values[index]

    @property
    def column(self) -> pa.Array:
        """The cells as a pyarrow string array (as the reader's cells hold them)."""
        return arrow.strings(self.values.tolist())


MEMO_LIMIT = 100_000  # remembered parses per column (dates, codes, texts repeat across batches)


def per_value(
    codes: IntArray,
    uniques: list[str],
    parse: Callable[[str], Any],
    memo: dict[str, tuple[Any, bool]] | None = None,
) -> tuple[list[Any], BoolArray]:
    """``parse`` of each distinct value; rows whose value it refuses are flagged.

    ``memo`` remembers the parses of earlier batches (bounded by :data:`MEMO_LIMIT`).
    """
    out: list[Any] = []
    bad_u = np.zeros(len(uniques) + 1, dtype=bool)
    memo = {} if memo is None else memo
    for k, value in enumerate(uniques):
        known = memo.get(value)
        if known is None:
            try:
                known = (parse(value), False)
            except RowError:
                known = (None, True)
            if len(memo) < MEMO_LIMIT:
                memo[value] = known
        out.append(known[0])
        bad_u[k] = known[1]
    return out, bad_u[codes]


# what parsers.parse_coordinate reads as a plain number (no thousands separator)
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"


def _plain_numbers(column: pa.Array) -> tuple[npt.NDArray[np.float64], BoolArray]:
    """The cells that are plain finite numbers, converted (NaN elsewhere), and which those
    are. pyarrow's conversion rounds correctly, as Python's ``float()`` does."""
    n = len(column)
    out = np.full(n, np.nan)
    plain = np.zeros(n, dtype=bool)
    match = pc.match_substring_regex(column, _PLAIN_NUMBER)
    index = np.flatnonzero(arrow.to_numpy(match))
    if not len(index):
        return out, plain
    try:
        converted = arrow.to_numpy(pc.cast(column.filter(match), pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return out, plain  # let the row parser read them all
    finite = np.isfinite(converted)
    out[index[finite]] = converted[finite]
    plain[index[finite]] = True  # 1e999 is left to the row parser, which refuses it
    return out, plain


def coordinates(cells: Any, field: str) -> tuple[npt.NDArray[np.float64], BoolArray]:
    """:func:`~openprecinct.records.importing.parsers.parse_coordinate` of a column (NaN for
    None), and the rows it refuses.

    Plain numbers (the row parser's own number pattern, without thousands separators) are
    converted by pyarrow, which rounds exactly as Python's ``float()``; everything else
    (thousands separators, missing markers, spaces, garbage) goes through the row parser once
    per distinct value.
    """
    n = len(cells)
    bad = np.zeros(n, dtype=bool)
    out, plain = _plain_numbers(cells.column)
    rest = np.flatnonzero(~plain)
    if len(rest):
        codes, uniques = factorize(cells.strings(rest))
        parsed, refused = per_value(codes, uniques, lambda v: p.parse_coordinate(v, field=field))
        table = np.array([np.nan if v is None else v for v in parsed] + [np.nan], dtype=float)
        out[rest] = table[codes]
        bad[rest] = refused
    return out, bad


def _cleaned(cells: Any) -> tuple[ObjArray, IntArray]:
    """:func:`~openprecinct.records.importing.parsers.clean` of each cell (values that are
    nearly all distinct, such as record keys), and the length of each result.

    A cell of seven or more printable ASCII characters without a space is its own clean value
    (nothing to strip, longer than any missing-value marker); pyarrow finds those, and only the
    other cells go through ``clean``.
    """
    column = cells.column
    keys = objects(column.to_pylist())
    lengths = arrow.to_numpy(pc.binary_length(column)).astype(np.int64)
    plain = arrow.to_numpy(pc.match_substring_regex(column, r"^[!-~]{7,}$"))
    for i in np.flatnonzero(~plain).tolist():
        keys[i] = key = p.clean(keys[i])
        lengths[i] = len(key)
    return keys, lengths


# -- the NYPD complaint schema ----------------------------------------------------------------

COMPLAINT_COLUMNS = (
    "CMPLNT_NUM",
    "CMPLNT_FR_DT",
    "CMPLNT_FR_TM",
    "CMPLNT_TO_DT",
    "CMPLNT_TO_TM",
    "RPT_DT",
    "KY_CD",
    "PD_CD",
    "OFNS_DESC",
    "PD_DESC",
    "LAW_CAT_CD",
    "CRM_ATPT_CPTD_CD",
    "VIC_AGE_GROUP",
    "VIC_RACE",
    "VIC_SEX",
    "SUSP_AGE_GROUP",
    "SUSP_RACE",
    "SUSP_SEX",
    "ADDR_PCT_CD",
    "BORO_NM",
    "PREM_TYP_DESC",
    "LOC_OF_OCCUR_DESC",
    "X_COORD_CD",
    "Y_COORD_CD",
    "LATITUDE",
    "LONGITUDE",
)

_TEXT_FIELDS = (  # model field, source column, length
    ("pd_description", "PD_DESC", 100),
    ("victim_age_group", "VIC_AGE_GROUP", 20),
    ("victim_race", "VIC_RACE", 40),
    ("victim_sex", "VIC_SEX", 10),
    ("suspect_age_group", "SUSP_AGE_GROUP", 20),
    ("suspect_race", "SUSP_RACE", 40),
    ("suspect_sex", "SUSP_SEX", 10),
    ("borough", "BORO_NM", 20),
    ("premises", "PREM_TYP_DESC", 100),
    ("location_description", "LOC_OF_OCCUR_DESC", 100),
)


_DAYS: dict[tuple[date, str], tuple[int, bool]] = {}


class _Days:
    """Local dates to UTC seconds of their midnight, and the days a clock change happens on."""

    def __init__(self, days: list[date | None], tz: Any) -> None:
        midnight = np.full(len(days) + 1, _NO_TIME, dtype=np.int64)
        shifting = np.zeros(len(days) + 1, dtype=bool)
        for k, day in enumerate(days):
            if day is None:
                continue
            key = (day, str(tz))
            found = _DAYS.get(key)
            if found is None:
                start = datetime.combine(day, time(0, 0), tzinfo=tz)
                end = datetime.combine(day, time(23, 59, 59), tzinfo=tz)
                found = (int(start.timestamp()), start.utcoffset() != end.utcoffset())
                if len(_DAYS) < MEMO_LIMIT:
                    _DAYS[key] = found
            midnight[k], shifting[k] = found
        self.midnight = midnight
        self.shifting = shifting


def _clock_seconds(times: list[time | None]) -> IntArray:
    out = np.zeros(len(times) + 1, dtype=np.int64)
    for k, clock in enumerate(times):
        if clock is not None:
            out[k] = clock.hour * 3600 + clock.minute * 60 + clock.second
    return out


def _moments(
    day_codes: IntArray,
    days: list[date | None],
    time_codes: IntArray,
    times: list[time | None],
    tz: Any,
) -> IntArray:
    """UTC seconds of :func:`parsers.combine` (local date + time, midnight without a time)."""
    table = _Days(days, tz)
    seconds = _clock_seconds(times)
    midnight = table.midnight[day_codes]
    epoch = np.where(midnight == _NO_TIME, _NO_TIME, midnight + seconds[time_codes])
    for i in np.flatnonzero(table.shifting[day_codes]).tolist():
        moment = p.combine(days[day_codes[i]], times[time_codes[i]], tz=tz)
        assert moment is not None
        epoch[i] = int(moment.timestamp())
    return epoch


def parse_complaints(
    get: Callable[[str], Any],
    n: int,
    *,
    source: str,
    tz: Any,
    boundaries: Any,
    memo: dict[str, dict[str, tuple[Any, bool]]] | None = None,
) -> tuple[dict[str, Column], BoolArray]:
    """The incident fields of ``n`` complaint rows, and the rows flagged for the row parser.

    ``get(COLUMN)`` returns a source column's cells (:class:`ObjectCells` or the reader's
    ``BlockCells``; empty cells when the file has no such column). Values of flagged rows are
    meaningless; the caller drops them.
    """
    flagged = np.zeros(n, dtype=bool)
    cols: dict[str, Column] = {}
    memo = {} if memo is None else memo

    def parsed(column: str, parse: Callable[[str], Any]) -> tuple[IntArray, list[Any]]:
        codes, uniques = get(column).factorized()
        values, refused = per_value(codes, uniques, parse, memo.setdefault(column, {}))
        flagged[refused] = True
        return codes, values

    # key
    keys, key_len = _cleaned(get("CMPLNT_NUM"))
    flagged |= (key_len == 0) | (key_len > 64)
    cols["source"] = Column.constant(source, n)
    joined = "".join(keys.tolist())
    if any(c in joined for c in ("\\", "\t", "\n", "\r")):
        cols["source_key"] = Column(keys, keys, objects([copy_text(k) for k in keys]))
    else:
        cols["source_key"] = Column(keys, keys, keys)
    cols["kind"] = Column.constant("complaint", n)

    # when
    fr_d, fr_days = parsed("CMPLNT_FR_DT", lambda v: p.parse_date(v, field="CMPLNT_FR_DT"))
    fr_t, fr_times = parsed("CMPLNT_FR_TM", lambda v: p.parse_time(v, field="CMPLNT_FR_TM"))
    to_d, to_days = parsed("CMPLNT_TO_DT", lambda v: p.parse_date(v, field="CMPLNT_TO_DT"))
    to_t, to_times = parsed("CMPLNT_TO_TM", lambda v: p.parse_time(v, field="CMPLNT_TO_TM"))
    rp_d, rp_days = parsed("RPT_DT", lambda v: p.parse_date(v, field="RPT_DT"))
    no_fr = np.array([d is None for d in fr_days] + [True])[fr_d]
    no_rp = np.array([d is None for d in rp_days] + [True])[rp_d]
    flagged |= no_fr & no_rp
    occurred_from = _moments(fr_d, fr_days, fr_t, fr_times, tz)
    occurred_to = _moments(to_d, to_days, to_t, to_times, tz)
    backwards = (
        (occurred_to != _NO_TIME) & (occurred_from != _NO_TIME) & (occurred_to < occurred_from)
    )
    occurred_to[backwards] = _NO_TIME  # an end before the start is a typing error
    cols["occurred_from"] = Column.datetimes(occurred_from)
    cols["occurred_to"] = Column.datetimes(occurred_to)
    cols["occurred_date"] = Column.mapped(fr_d, fr_days)
    cols["reported_at"] = Column.constant(None, n)
    cols["reported_date"] = Column.mapped(rp_d, rp_days)

    # what
    ky_c, ky = parsed("KY_CD", lambda v: p.parse_code(v, field="KY_CD"))
    pd_c, pdc = parsed("PD_CD", lambda v: p.parse_code(v, field="PD_CD"))
    of_c, ofns = parsed("OFNS_DESC", lambda v: p.text(v, 100))
    law_c, law = parsed("LAW_CAT_CD", p.parse_law_category)
    combo = ((ky_c * (len(pdc) + 1) + pd_c) * (len(ofns) + 1) + of_c) * (len(law) + 1) + law_c
    combos, combo_c = np.unique(combo, return_inverse=True)
    category: list[str | None] = []
    for value in combos.tolist():
        rest, lw = divmod(value, len(law) + 1)
        rest, of = divmod(rest, len(ofns) + 1)
        k, pc = divmod(rest, len(pdc) + 1)
        parts = [ky + [None], pdc + [None], ofns + [""], law + [""]]
        category.append(
            cats.compstat_category(
                ky_cd=parts[0][k],
                pd_cd=parts[1][pc],
                ofns_desc=parts[2][of],
                law_cat=parts[3][lw].upper(),
            )
        )
    combo_c = combo_c.reshape(-1).astype(np.int64)
    flagged |= np.array([c is None for c in category] + [True])[combo_c]
    cols["ky_cd"] = Column.mapped(ky_c, ky)
    cols["pd_cd"] = Column.mapped(pd_c, pdc)
    cols["offense_description"] = Column.mapped(of_c, ofns)
    cols["law_category"] = Column.mapped(law_c, law)
    cols["compstat_category"] = Column.mapped(combo_c, [c or "" for c in category])
    at_c, attempted = parsed("CRM_ATPT_CPTD_CD", p.parse_attempted)
    cols["attempted"] = Column.mapped(at_c, attempted)
    cols["bias_motive"] = Column.constant("", n)
    cols["victim_count"] = Column.constant(1, n)
    cols["fatal"] = Column.constant(None, n)
    for name, column, length in _TEXT_FIELDS:
        codes, values = parsed(column, lambda v, n_=length: p.text(v, n_))
        cols[name] = Column.mapped(codes, values)
    pct_c, pct = parsed("ADDR_PCT_CD", lambda v: p.parse_precinct(v, field="ADDR_PCT_CD"))
    cols["reported_precinct"] = Column.mapped(pct_c, pct)
    cols["address"] = Column.constant("", n)

    # where
    x, bad_x = coordinates(get("X_COORD_CD"), "X_COORD_CD")
    y, bad_y = coordinates(get("Y_COORD_CD"), "Y_COORD_CD")
    lat, bad_lat = coordinates(get("LATITUDE"), "LATITUDE")
    lon, bad_lon = coordinates(get("LONGITUDE"), "LONGITUDE")
    flagged |= bad_x | bad_y | bad_lat | bad_lon
    has_x, has_y, has_lat, has_lon = (np.isfinite(a) for a in (x, y, lat, lon))
    flagged |= (has_x != has_y) | (has_lat != has_lon)
    from openprecinct.records.importing.schemas import NYC_LAT, NYC_LON, NYC_X_FT, NYC_Y_FT

    with np.errstate(invalid="ignore"):
        out_xy = (
            has_x
            & has_y
            & ~((x >= NYC_X_FT[0]) & (x <= NYC_X_FT[1]) & (y >= NYC_Y_FT[0]) & (y <= NYC_Y_FT[1]))
        )
        out_ll = (
            has_lat
            & has_lon
            & ~(
                (lat >= NYC_LAT[0])
                & (lat <= NYC_LAT[1])
                & (lon >= NYC_LON[0])
                & (lon <= NYC_LON[1])
            )
        )
    flagged |= out_xy | out_ll
    no_pct = np.array([v == "" for v in pct] + [True])[pct_c]
    flagged |= ~has_x & ~has_lat & no_pct
    located = locate_columns(x, y, lon, lat, src_crs=_NYPD_CRS, boundaries=boundaries)
    lon_o, lat_o, x_m, y_m, pct_idx, sec_idx = located
    cols["latitude"] = Column.floats(lat_o)
    cols["longitude"] = Column.floats(lon_o)
    cols["x_m"] = Column.floats(x_m)
    cols["y_m"] = Column.floats(y_m)
    # today's precinct by point-in-polygon, else the reported one; sector or blank
    n_p = len(boundaries.precinct_names)
    reported = [v or "" for v in pct] + [""]  # (None: a flagged row)
    pair = np.where(pct_idx >= 0, pct_idx, n_p) * (len(pct) + 1) + pct_c
    pairs, pair_c = np.unique(pair, return_inverse=True)
    today = [*boundaries.precinct_names, ""]
    cols["precinct"] = Column.mapped(
        pair_c.reshape(-1).astype(np.int64),
        [today[k // (len(pct) + 1)] or reported[k % (len(pct) + 1)] for k in pairs.tolist()],
    )
    sector_c = np.where(sec_idx >= 0, sec_idx, len(boundaries.sector_names))
    cols["sector"] = Column.mapped(sector_c.astype(np.int64), [*boundaries.sector_names, ""])
    return cols, flagged


_NYPD_CRS = "EPSG:2263"


def locate_columns(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    *,
    src_crs: str,
    boundaries: Any,
) -> tuple[npt.NDArray[np.float64], ...]:
    """:func:`locate.project` and the point-in-polygon of the importer's ``_locate``."""
    lon_o, lat_o, x_m, y_m = project(x, y, lon, lat, src_crs=src_crs)
    have = np.isfinite(lon_o) & np.isfinite(lat_o)
    pct_idx, sec_idx = boundaries.assign_index(
        np.where(have, lon_o, np.nan), np.where(have, lat_o, np.nan)
    )
    lon_o = np.where(have, lon_o, np.nan)
    lat_o = np.where(have, lat_o, np.nan)
    return lon_o, lat_o, x_m, y_m, pct_idx, sec_idx
