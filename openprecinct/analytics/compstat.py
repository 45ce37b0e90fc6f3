"""CompStat: weekly counts per category against the same periods of earlier years.

The engine works on a plain table of records, one row per record, with a time, a category
and one or more geography columns (precinct, sector, borough...).  For a report week it
counts, per geography and category, the week to date, the 28-day period and the year to
date, each against the same calendar dates one year earlier, plus the year to date of
earlier years ("2-year", "12-year", "20-year" % change in NYPD's weekly report).

Periods (NYPD's definitions; see ``docs/compstat.md``):

* a CompStat week runs Monday to Sunday; a report is named by its Sunday ``week_ending``;
* week to date (WTD) = that week; 28 days = the last four report weeks;
* year to date (YTD) = 1 January of the week-ending year through the week's Sunday;
* each prior-year period covers the same calendar dates one year earlier (29 February
  maps to 28 February), which is what NYPD's report and its CompStat 2.0 "same period last
  year" compare against (checked on the weekly series, see ``docs/compstat.md``).

The counting is one vectorised pass over the rows, in cache-sized chunks: each row's day
is mapped through a small lookup table to a "period bin", combined with its geography and
category codes into one integer key, and all keys are counted with ``numpy.bincount``.
Every figure of the report is a sum of a few bins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from openprecinct.analytics.categories import (
    MAJOR_SEVEN,
    TOTAL_MAJOR_SEVEN,
    category_sort_key,
)

if TYPE_CHECKING:
    from openprecinct.analytics.compstat_history import HistoricalPerspective

PERIODS: Final[tuple[str, ...]] = ("wtd", "d28", "ytd")
DEFAULT_HISTORY_YEARS: Final[tuple[int, ...]] = (2, 12, 20)
CITYWIDE: Final = "citywide"
_CHUNK_ROWS: Final = 1 << 16
_BATCH_ROWS: Final = 1 << 22  # 4 Mi rows: 32 MiB of keys per geography level
_BIT = {"wtd": 1, "d28": 2, "ytd": 4}

DateField = Literal["occurrence", "report"]


# --------------------------------------------------------------------------- periods


def shift_years(day: date, years: int) -> date:
    """Return the same calendar date ``years`` years earlier (29 February -> 28 February).

    Parameters
    ----------
    day : datetime.date
        The date to shift.
    years : int
        Number of years back (positive) or forward (negative).
    """
    target = day.year - years
    try:
        return day.replace(year=target)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=target, day=28)


def compstat_week(week_ending: date) -> tuple[date, date]:
    """Return (Monday, Sunday) of the CompStat week that ends on ``week_ending``.

    Raises
    ------
    ValueError
        When ``week_ending`` is not a Sunday.
    """
    if not isinstance(week_ending, date):
        raise ValueError(
            "The 'week_ending' parameter of compstat_week must be a datetime.date. "
            f"Got {week_ending!r} instead."
        )
    if week_ending.weekday() != 6:
        raise ValueError(
            "The 'week_ending' parameter of compstat_week must be a Sunday (CompStat weeks "
            f"run Monday to Sunday). Got {week_ending.isoformat()}, a "
            f"{week_ending.strftime('%A')}, instead."
        )
    return week_ending - timedelta(days=6), week_ending


def compstat_periods(*, week_ending: date, years_back: int = 0) -> dict[str, tuple[date, date]]:
    """Return the WTD, 28-day and YTD periods (inclusive dates) ``years_back`` years earlier.

    Parameters
    ----------
    week_ending : datetime.date
        Sunday that ends the report week.
    years_back : int
        0 for the current periods, 1 for the prior-year columns, 2 for the 2-year column...

    Returns
    -------
    dict
        ``{"wtd": (start, end), "d28": (start, end), "ytd": (start, end)}``.  Each boundary is
        shifted separately by calendar date, so a period that contains 29 February may be one
        day longer or shorter than its counterpart.
    """
    start, end = compstat_week(week_ending)
    shifted_end = shift_years(end, years_back)
    return {
        "wtd": (shift_years(start, years_back), shifted_end),
        "d28": (shift_years(end - timedelta(days=27), years_back), shifted_end),
        "ytd": (date(end.year - years_back, 1, 1), shifted_end),
    }


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ChangeTest:
    """Exact test of a change between two counts (see ``compstat_stats.poisson_change_test``).

    Attributes
    ----------
    p_value : float or None
        Two-sided p-value of "the underlying rate did not change"; None when undefined.
    flag : str
        Plain-words reading of ``p_value``.
    """

    p_value: float | None
    flag: str


@dataclass(frozen=True)
class HistoricalChange:
    """Year to date against the same dates ``years`` years earlier.

    Attributes
    ----------
    years : int
        How many years back (2 for NYPD's "2 Year % Chg").
    year : int
        The earlier year.
    count : int or None
        Count in that earlier year-to-date period; None when the data do not reach back.
    pct_change : float or None
        Percentage change of the current YTD against ``count``; None when undefined.
    source : str
        Where ``count`` comes from: "records", or "not covered" when the data start later.
    """

    years: int
    year: int
    count: int | None
    pct_change: float | None
    source: str


@dataclass(frozen=True)
class CompStatLine:
    """One line (category) of a CompStat report.  Counts are None where not covered."""

    category: str
    wtd_current: int | None
    wtd_prior: int | None
    wtd_pct_change: float | None
    d28_current: int | None
    d28_prior: int | None
    d28_pct_change: float | None
    ytd_current: int | None
    ytd_prior: int | None
    ytd_pct_change: float | None
    history: tuple[HistoricalChange, ...] = ()
    tests: tuple[tuple[str, ChangeTest], ...] = ()

    def test(self, period: str) -> ChangeTest | None:
        """Return the change test of ``period`` ("wtd", "d28" or "ytd"), if computed."""
        for name, result in self.tests:
            if name == period:
                return result
        return None


@dataclass(frozen=True)
class CompStatReport:
    """The CompStat report of one geography for one week.

    Attributes
    ----------
    geography : str
        Precinct number as a string ("120"), sector ("120A"), borough or "citywide".
    level : str
        The geography column the report is for ("precinct", "sector", ...).
    week_start, week_end : datetime.date
        Monday and Sunday of the report week.
    lines : tuple of CompStatLine
        Seven majors, their total, then the other categories, in printed order.
    date_field : str
        "occurrence" or "report": which date placed each record in a period.
    source : str
        What the figures were computed from.
    notes : tuple of str
        Caveats printed under the report.
    perspective : HistoricalPerspective, optional
        Complete-year counts from NYPD's annual aggregates (labelled as such).
    """

    geography: str
    level: str
    week_start: date
    week_end: date
    lines: tuple[CompStatLine, ...]
    date_field: str = "occurrence"
    source: str = "records"
    notes: tuple[str, ...] = field(default_factory=tuple)
    perspective: HistoricalPerspective | None = None

    def line(self, category: str) -> CompStatLine:
        """Return the line of ``category``; raise KeyError when the report has none."""
        for candidate in self.lines:
            if candidate.category == category:
                return candidate
        raise KeyError(category)


def pct_change(current: int | None, prior: int | None) -> float | None:
    """Percentage change from ``prior`` to ``current``; None when undefined (prior 0 or None)."""
    if current is None or prior is None or prior == 0:
        return None
    return 100.0 * (current - prior) / prior


# --------------------------------------------------------------------------- counting core


@dataclass(frozen=True)
class _BinPlan:
    """Day -> period-bin lookup for one report week."""

    base_day: int  # days since 1970-01-01 of lut[0]
    lut: npt.NDArray[np.int64]  # length L + 1, last entry is the trash bin
    n_bins: int
    offsets: tuple[int, ...]  # years back of each offset slot
    # (slot, period) -> bins whose days belong to that period
    members: dict[tuple[int, str], tuple[int, ...]]
    starts: dict[tuple[int, str], int]  # first day number of each period
    days: dict[tuple[int, str], int]  # length in days of each period


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _plan(week_ending: date, history_years: Sequence[int]) -> _BinPlan:
    offsets = tuple(dict.fromkeys((0, 1, *history_years)))
    masks: dict[int, dict[int, int]] = {}  # day -> {slot: mask}
    starts: dict[tuple[int, str], int] = {}
    days: dict[tuple[int, str], int] = {}
    for slot, years in enumerate(offsets):
        periods = compstat_periods(week_ending=week_ending, years_back=years)
        names = PERIODS if years <= 1 else ("ytd",)
        for name in names:
            first, last = (_day_number(d) for d in periods[name])
            starts[(slot, name)] = first
            days[(slot, name)] = last - first + 1
            for day in range(first, last + 1):
                masks.setdefault(day, {}).setdefault(slot, 0)
                masks[day][slot] |= _BIT[name]
    earliest = min(masks)
    # The table is indexed by days since 1970, so rows need no subtraction, unless a window
    # starts that early.  Indices are clipped into the table: its first entry (1970-01-01,
    # or the day before the table) and its last entry (the day after the report week) are
    # the trash bin, where NaT, days before the table and days after the week land, as do
    # the days before every window.
    base = 0 if earliest > 1 else earliest - 1
    length = max(masks) - base + 1
    bin_ids: dict[tuple[int, int], int] = {}
    trash = -1
    lut = np.full(length + 1, trash, dtype=np.int64)
    for day, by_slot in masks.items():
        # windows of different years never overlap (each is shorter than a year)
        ((slot, mask),) = by_slot.items()
        lut[day - base] = bin_ids.setdefault((slot, mask), len(bin_ids))
    n_bins = len(bin_ids)
    lut[lut == trash] = n_bins
    members: dict[tuple[int, str], tuple[int, ...]] = {}
    for slot, name in starts:
        members[(slot, name)] = tuple(
            b for (s, mask), b in bin_ids.items() if s == slot and mask & _BIT[name]
        )
    return _BinPlan(base, lut, n_bins, offsets, members, starts, days)


def _per_day(values: npt.NDArray[Any]) -> int:
    unit, step = np.datetime_data(values.dtype)
    per_day = {"D": 1, "h": 24, "m": 1440, "s": 86_400, "ms": 86_400_000}
    per_day |= {"us": 86_400_000_000, "ns": 86_400_000_000_000}
    if unit not in per_day or step != 1 or per_day[unit] % 1:
        raise ValueError(
            "The 'times' parameter of compstat_counts must be a datetime64 array in D, h, m, "
            f"s, ms, us or ns. Got {values.dtype} instead."
        )
    return per_day[unit]


def _small_int(limit: int) -> type[np.signedinteger[Any]]:
    for dtype in (np.int16, np.int32):
        if limit < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _count_cube(
    times: npt.NDArray[Any],
    codes: Sequence[npt.NDArray[np.integer[Any]]],
    n_units: Sequence[int],
    categories: npt.NDArray[np.integer[Any]],
    n_categories: int,
    plan: _BinPlan,
) -> list[npt.NDArray[np.int64]]:
    """Count rows per (unit, category, bin) for each geography level, in one pass.

    Each row's key is ``bin * (U * C) + unit * C + category``: the bin comes from a lookup
    table indexed by day and already multiplied by ``U * C``, and ``unit * C + category`` is
    computed in a small integer type, so a chunk costs a division, a clipped gather, a
    multiply, two adds and a bincount.  Missing codes (-1) go to slots that are dropped.
    """
    per_day = _per_day(times)
    ticks = times.view(np.int64)

    # Missing codes (-1) need no pass of their own: with u + 1 and c + 1 as the unit and
    # category slots (slot 0 = missing, dropped), the key is
    # bin * stride + u * nc + c + (nc + 1), and the constant is folded into the table.
    cats = np.asarray(categories)
    nc = n_categories + 1
    nb = plan.n_bins + 1  # the last bin is the trash bin
    levels = []
    for unit_codes, n in zip(codes, n_units, strict=True):
        stride = (n + 1) * nc
        levels.append(
            (
                np.asarray(unit_codes),
                plan.lut * stride + (nc + 1),  # lut values are bins; scaled once
                _small_int(stride),
                stride * nb,
            )
        )
    totals = [np.zeros(size, dtype=np.int64) for *_, size in levels]
    # Arithmetic runs on cache-sized chunks; keys of a whole batch are counted by one
    # bincount, so the zeroing and summing of the count array is paid once per batch.
    chunk_rows = _CHUNK_ROWS
    batch_rows = min(_BATCH_ROWS, max(len(ticks), 1))
    day_buffer = np.empty(chunk_rows, dtype=np.int64)
    key_buffers = [np.empty(batch_rows, dtype=np.int64) for _ in levels]
    small_buffers = {small: np.empty(chunk_rows, dtype=small) for _, _, small, _ in levels}
    for batch in range(0, len(ticks), batch_rows):
        batch_stop = min(batch + batch_rows, len(ticks))
        for start in range(batch, batch_stop, chunk_rows):
            stop = min(start + chunk_rows, batch_stop)
            size = stop - start
            day = day_buffer[:size]
            if per_day == 1:
                day[:] = ticks[start:stop]
            else:
                np.floor_divide(ticks[start:stop], per_day, out=day)
            if plan.base_day:
                day -= plan.base_day
            cat_chunk = cats[start:stop]
            for level, (units, scaled_lut, small, _) in enumerate(levels):
                # mode="clip": out-of-table days (NaT too) land on the trash ends of the table
                key = key_buffers[level][start - batch : stop - batch]
                np.take(scaled_lut, day, out=key, mode="clip")
                unit_cat = small_buffers[small][:size]
                np.multiply(units[start:stop], nc, out=unit_cat, casting="unsafe")
                np.add(unit_cat, cat_chunk, out=unit_cat, casting="unsafe")
                key += unit_cat
        for level in range(len(levels)):
            keys = key_buffers[level][: batch_stop - batch]
            totals[level] += np.bincount(keys, minlength=len(totals[level]))
    return [
        total.reshape(nb, n + 1, nc)[:-1, 1:, 1:].transpose(1, 2, 0)
        for total, n in zip(totals, n_units, strict=True)
    ]


def _first_day(times: npt.NDArray[Any]) -> int | None:
    """Day number from which the records look complete, or None when no row is dated.

    The first day of the earliest month holding at least a quarter of a typical month's
    records (the median month between the 10th and 90th percentile of the dates), so that
    stray records dated years before a file's coverage (late reports of old offences, typos)
    do not make decades of columns look covered. A small or even series starts at its first
    record, as before.
    """
    ticks = times.view(np.int64)
    dated = ticks[ticks != np.iinfo(np.int64).min]
    if not len(dated):
        return None
    days = dated // _per_day(times)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first_month = int(months.min())
    counts = np.bincount(months - first_month)
    lo, hi = np.percentile(months - first_month, [10, 90]).astype(int)
    typical = float(np.median(counts[lo : hi + 1]))
    start = int(np.argmax(counts >= max(1.0, 0.25 * typical)))
    if start == 0:
        return int(days.min())
    return int(np.datetime64(first_month + start, "M").astype("datetime64[D]").astype(np.int64))


def first_complete_day(times: npt.ArrayLike) -> date | None:
    """The first day records of ``times`` (datetime64) look complete from (see the report's
    ``coverage_start``): stray records dated long before the bulk of a file do not count."""
    values = np.asarray(times)
    if values.dtype.kind != "M":
        values = values.astype("datetime64[ns]")
    found = _first_day(values)
    return None if found is None else date(1970, 1, 1) + timedelta(days=found)


# --------------------------------------------------------------------------- public engine


@dataclass(frozen=True)
class CompStatCounts:
    """Counts per geography, category and period, before they become report lines.

    Attributes
    ----------
    level : str
        Geography column.
    geographies : tuple of str
        Row labels of ``counts``.
    categories : tuple of str
        Column labels of ``counts``.
    columns : tuple of (int, str)
        (years back, period) of the last axis of ``counts``.
    counts : numpy.ndarray of int64, shape (geographies, categories, columns)
    covered : tuple of bool
        Whether the records reach back to the start of each column.
    category_covered : mapping of str to tuple of bool
        The same for categories whose records come from a source of their own (e.g. a
        shootings file added to complaints); other categories use ``covered``.
    days : tuple of int
        Length in days of each column's period.
    week_ending : datetime.date
        Sunday that ends the report week.
    """

    level: str
    geographies: tuple[str, ...]
    categories: tuple[str, ...]
    columns: tuple[tuple[int, str], ...]
    counts: npt.NDArray[np.int64]
    covered: tuple[bool, ...]
    days: tuple[int, ...]
    week_ending: date
    category_covered: Mapping[str, tuple[bool, ...]] = field(default_factory=dict)

    def value(self, geography: str, category: str, years_back: int, period: str) -> int | None:
        """Return one count, or None when the data do not cover that period."""
        column = self._column_index[(years_back, period)]
        if not self.category_covered.get(category, self.covered)[column]:
            return None
        g = self._geography_index.get(geography)
        c = self._category_index.get(category)
        if g is None or c is None:
            return 0
        return int(self.counts[g, c, column])

    def table(self, geography: str) -> dict[str, list[int]]:
        """``{category: counts per column}`` of one geography (zeros when absent)."""
        g = self._geography_index.get(geography)
        if g is None:
            return {c: [0] * len(self.columns) for c in self.categories}
        return dict(zip(self.categories, self.counts[g].tolist(), strict=True))

    @cached_property
    def _line_table(self) -> npt.NDArray[np.int64]:
        """Counts of every geography in printed line order: (geographies, lines, columns)."""
        position = self._category_index
        majors = [position[c] for c in MAJOR_SEVEN if c in position]
        rest = [position[c] for c in self._line_order[8:]]
        shape = (len(self.geographies), 1, len(self.columns))
        seven = np.zeros((len(self.geographies), len(MAJOR_SEVEN), len(self.columns)), np.int64)
        for i, c in enumerate(MAJOR_SEVEN):
            if c in position:
                seven[:, i] = self.counts[:, position[c]]
        total = self.counts[:, majors].sum(axis=1).reshape(shape)
        return np.concatenate([seven, total, self.counts[:, rest]], axis=1)

    @cached_property
    def _p_values(self) -> dict[str, npt.NDArray[np.float64]]:
        """Exact change-test p-values of every geography and line, per period."""
        table = self._line_table
        out = {}
        for period in PERIODS:
            a = self._column_index[(0, period)]
            b = self._column_index[(1, period)]
            out[period] = change_p_values(
                table[:, :, a], table[:, :, b], self.days[a], self.days[b]
            )
        return out

    @cached_property
    def _line_covered(self) -> list[tuple[bool, ...]]:
        """Coverage of each printed line; the total needs all seven majors covered."""

        def of(category: str) -> tuple[bool, ...]:
            return tuple(self.category_covered.get(category, self.covered))

        majors = [of(c) for c in MAJOR_SEVEN]
        total = tuple(all(flags) for flags in zip(*majors, strict=True))
        return [*majors, total, *(of(c) for c in self._line_order[8:])]

    @cached_property
    def _line_order(self) -> list[str]:
        present = [c for c in self.categories if c not in MAJOR_SEVEN]
        return [*MAJOR_SEVEN, TOTAL_MAJOR_SEVEN, *sorted(present, key=category_sort_key)]

    @cached_property
    def _column_index(self) -> dict[tuple[int, str], int]:
        return {column: i for i, column in enumerate(self.columns)}

    @cached_property
    def _geography_index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.geographies)}

    @cached_property
    def _category_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.categories)}


def compstat_counts(
    *,
    times: npt.NDArray[Any],
    categories: npt.NDArray[np.integer[Any]],
    category_labels: Sequence[str],
    geographies: Mapping[str, tuple[npt.NDArray[np.integer[Any]], Sequence[str]]],
    week_ending: date,
    history_years: Sequence[int] = DEFAULT_HISTORY_YEARS,
    coverage_start: date | Mapping[str, date] | None = None,
    rollups: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
) -> dict[str, CompStatCounts]:
    """Count records per geography, category and CompStat period: the fast core.

    Parameters
    ----------
    times : numpy.ndarray of datetime64
        When each record is dated (occurrence or report time), any unit from days to
        nanoseconds.  NaT rows are not counted.
    categories : numpy.ndarray of int
        Category code of each row, -1 for none (not counted).
    category_labels : sequence of str
        Label of each category code.
    geographies : mapping
        ``{level: (codes, labels)}``, for example ``{"precinct": (codes, ["120", "121"])}``;
        codes of -1 are not counted.  All levels are counted in the same pass.
    week_ending : datetime.date
        Sunday that ends the report week.
    history_years : sequence of int
        Years back of the longer comparisons (NYPD: 2, 12 and 20).
    coverage_start : datetime.date or mapping of str to datetime.date, optional
        First day the records are complete from; periods that start earlier are marked not
        covered.  Defaults to the earliest dated record.  A mapping gives the first day per
        category (records merged from several sources); categories it omits use the
        earliest dated record.
    rollups : mapping, optional
        Levels summed from a finer one instead of counted, e.g.
        ``{"precinct": ("sector", {"120A": "120", "120B": "120", ...})}``: cheaper than a
        second count when every unit of the finer level lies in one unit of the coarser.

    Returns
    -------
    dict of str to CompStatCounts
        One entry per geography level (counted levels first, then rolled-up ones).
    """
    _check_history(history_years)
    times = np.asarray(times)
    if times.dtype.kind != "M":
        raise ValueError(
            "The 'times' parameter of compstat_counts must be a datetime64 array. "
            f"Got dtype {times.dtype} instead."
        )
    plan = _plan(week_ending, history_years)
    levels = list(geographies)
    cubes = _count_cube(
        times,
        [np.asarray(geographies[level][0]) for level in levels],
        [len(geographies[level][1]) for level in levels],
        np.asarray(categories),
        len(category_labels),
        plan,
    )
    if coverage_start is None or isinstance(coverage_start, Mapping):
        # from the first day the records look complete (stray early records do not count)
        found = _first_day(times)
        first_day = found if found is not None else 1 << 40  # nothing dated: nothing covered
    else:
        first_day = _day_number(coverage_start)
    per_category = dict(coverage_start) if isinstance(coverage_start, Mapping) else {}
    columns: list[tuple[int, str]] = []
    matrix_rows: list[npt.NDArray[np.int64]] = []
    covered: list[bool] = []
    days: list[int] = []
    for (slot, name), members in plan.members.items():
        columns.append((plan.offsets[slot], name))
        row = np.zeros(plan.n_bins, dtype=np.int64)
        row[list(members)] = 1
        matrix_rows.append(row)
        covered.append(plan.starts[(slot, name)] >= first_day)
        days.append(plan.days[(slot, name)])
    matrix = np.stack(matrix_rows, axis=1)  # bins x columns
    category_covered = {
        category: tuple(plan.starts[key] >= _day_number(start) for key in plan.members)
        for category, start in per_category.items()
    }
    labels = {level: list(geographies[level][1]) for level in levels}
    for level, (source, parent_of) in (rollups or {}).items():
        if source not in labels:
            raise ValueError(
                f"The 'rollups' parameter of compstat_counts sums '{level}' from '{source}', "
                f"which is not among the counted levels {levels}."
            )
        orphans = [u for u in labels[source] if u not in parent_of]
        if orphans:
            raise ValueError(
                f"The 'rollups' parameter of compstat_counts has no {level} for {source} "
                f"{', '.join(orphans[:5])}."
            )
        parents = list(dict.fromkeys(parent_of[u] for u in labels[source]))
        position = {p: i for i, p in enumerate(parents)}
        target = np.array([position[parent_of[u]] for u in labels[source]], dtype=np.intp)
        source_cube = cubes[levels.index(source)]
        rolled = np.zeros((len(parents), *source_cube.shape[1:]), dtype=np.int64)
        np.add.at(rolled, target, source_cube)
        levels.append(level)
        labels[level] = parents
        cubes.append(rolled)
    result: dict[str, CompStatCounts] = {}
    for level, cube in zip(levels, cubes, strict=True):
        result[level] = CompStatCounts(
            level=level,
            geographies=tuple(labels[level]),
            categories=tuple(category_labels),
            columns=tuple(columns),
            counts=cube @ matrix,
            covered=tuple(covered),
            days=tuple(days),
            week_ending=week_ending,
            category_covered=category_covered,
        )
    return result


def _check_history(history_years: Sequence[int]) -> None:
    for years in history_years:
        if not isinstance(years, int) or isinstance(years, bool) or years < 2:
            raise ValueError(
                "The 'history_years' parameter of compstat_report must hold integers >= 2. "
                f"Got {list(history_years)!r} instead."
            )


def geography_label(value: object) -> str:
    """Normalise a geography value: precinct 120, 120.0, "120" and "120 " all read "120".

    Leading zeros of numeric codes are dropped ("001" -> "1"), so NYPD's 3-digit codes
    match the precinct numbers of complaint records.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer():
        return str(int(number))
    return text


def _encode(
    values: pd.Series[Any], normalise: bool
) -> tuple[npt.NDArray[np.integer[Any]], list[str]]:
    """Codes and labels of a column; categoricals are used as they are (no copy of strings)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes)
        raw = list(values.cat.categories)
    else:
        codes_raw, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.asarray(codes_raw)
        raw = list(uniques)
    labels = [geography_label(v) if normalise else ("" if pd.isna(v) else str(v)) for v in raw]
    merged: dict[str, int] = {}
    remap = np.empty(len(labels) + 1, dtype=np.int64)
    remap[-1] = -1  # code -1 (missing) stays missing
    for i, label in enumerate(labels):
        remap[i] = -1 if label == "" else merged.setdefault(label, len(merged))
    if len(merged) == len(labels) and all(labels):
        return codes, labels  # categorical codes stay int8/int16: no copy
    return remap[codes], list(merged)


def _test_line(
    current: int | None, prior: int | None, current_days: int, prior_days: int
) -> ChangeTest:
    from openprecinct.analytics.compstat_stats import poisson_change_test

    return poisson_change_test(
        current=current, prior=prior, current_days=current_days, prior_days=prior_days
    )


def lines_from_counts(
    counts: CompStatCounts,
    geography: str,
    *,
    with_tests: bool = True,
    total_from_majors: bool = True,
) -> tuple[CompStatLine, ...]:
    """Turn counted periods into report lines: seven majors, their total, other categories.

    Parameters
    ----------
    counts : CompStatCounts
        Output of :func:`compstat_counts` for one level.
    geography : str
        Which geography's lines to build.
    with_tests : bool
        Add the exact change tests of :mod:`openprecinct.analytics.compstat_stats`.
    total_from_majors : bool
        Compute "Total Seven Major Felonies" as the sum of the seven lines (records), rather
        than read it as its own category (published counts).
    """
    index = {column: i for i, column in enumerate(counts.columns)}
    history_years = sorted({y for y, _ in counts.columns if y >= 2})
    if not total_from_majors or TOTAL_MAJOR_SEVEN in counts.categories:

        def value(category: str, years: int, period: str) -> int | None:
            return counts.value(geography, category, years, period)

        def days(years: int, period: str) -> int:
            return counts.days[index[(years, period)]]

        return build_lines(
            categories=counts.categories,
            value=value,
            days=days,
            history_years=history_years,
            week_ending=counts.week_ending,
            with_tests=with_tests,
            total_from_majors=total_from_majors,
        )
    # Fast path (thousands of geographies): the lines of every geography are rows of one
    # array, and the change tests of all of them are computed together once.
    order = counts._line_order
    g = counts._geography_index.get(geography)
    table = (
        counts._line_table[g]
        if g is not None
        else np.zeros((len(order), len(counts.columns)), dtype=np.int64)
    )
    line_covered = counts._line_covered
    picks = [(index[(0, p)], index[(1, p)]) for p in PERIODS]
    hist = [(y, index[(y, "ytd")]) for y in history_years]
    ytd_now = index[(0, "ytd")]
    cells = table.tolist()
    flags: list[list[ChangeTest]] = []
    if with_tests:
        per_period = []
        for period, (a, b) in zip(PERIODS, picks, strict=True):
            p_values = counts._p_values[period][g].tolist() if g is not None else [1.0] * len(order)
            per_period.append(
                [
                    ChangeTest(p, change_flag(p, row[a], row[b]))
                    if cov[a] and cov[b]
                    else ChangeTest(None, "not testable")
                    for p, row, cov in zip(p_values, cells, line_covered, strict=True)
                ]
            )
        flags = [list(t) for t in zip(*per_period, strict=True)]
    lines = []
    for i, (category, row) in enumerate(zip(order, cells, strict=True)):
        covered = line_covered[i]
        figures: list[Any] = []
        for a, b in picks:
            current = row[a] if covered[a] else None
            prior = row[b] if covered[b] else None
            figures += [current, prior, pct_change(current, prior)]
        now = row[ytd_now] if covered[ytd_now] else None
        history = tuple(
            HistoricalChange(
                years=y,
                year=counts.week_ending.year - y,
                count=row[c] if covered[c] else None,
                pct_change=pct_change(now, row[c]) if covered[c] else None,
                source="records" if covered[c] else "not covered",
            )
            for y, c in hist
        )
        wc, wp, wpc, dc, dp, dpc, yc, yp, ypc = figures
        lines.append(
            CompStatLine(
                category=category,
                wtd_current=wc,
                wtd_prior=wp,
                wtd_pct_change=wpc,
                d28_current=dc,
                d28_prior=dp,
                d28_pct_change=dpc,
                ytd_current=yc,
                ytd_prior=yp,
                ytd_pct_change=ypc,
                history=history,
                tests=tuple(zip(PERIODS, flags[i], strict=True)) if with_tests else (),
            )
        )
    return tuple(lines)


def change_p_values(
    current: npt.ArrayLike, prior: npt.ArrayLike, current_days: float, prior_days: float
) -> npt.NDArray[np.float64]:
    """Two-sided p-values of the exact conditional test of two Poisson counts, vectorised.

    Given ``n = current + prior``, ``current`` is Binomial(n, t1 / (t1 + t0)) when the rate
    did not change (t = period lengths); the two-sided p-value doubles the smaller tail
    (capped at 1).  ``n = 0`` gives 1.  See :func:`compstat_stats.poisson_change_test`.
    """
    from scipy import stats

    x = np.asarray(current, dtype=np.int64)
    n = x + np.asarray(prior, dtype=np.int64)
    share = current_days / (current_days + prior_days)
    lower = stats.binom.cdf(x, n, share)
    upper = stats.binom.sf(x - 1, n, share)
    p = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    return np.where(n == 0, 1.0, p)


def change_flag(p_value: float, current: int, prior: int) -> str:
    """Plain words for a p-value and the direction of the change."""
    direction = "rise" if current > prior else "fall"
    if p_value < 0.01:
        return f"very likely a real {direction}"
    if p_value < 0.05:
        return f"likely a real {direction}"
    return "within normal variation"


def build_lines(
    *,
    categories: Sequence[str],
    value: Callable[[str, int, str], int | None],
    days: Callable[[int, str], int],
    history_years: Sequence[int],
    week_ending: date,
    with_tests: bool = True,
    total_from_majors: bool = True,
) -> tuple[CompStatLine, ...]:
    """Report lines from any source of counts.

    Parameters
    ----------
    categories : sequence of str
        Categories the source has; the seven majors and their total are always printed.
    value : callable
        ``value(category, years_back, period)`` -> count, or None when not covered.
    days : callable
        ``days(years_back, period)`` -> length of that period in days.
    history_years : sequence of int
        Years back of the longer YTD comparisons.
    week_ending : datetime.date
        Sunday that ends the report week.
    with_tests, total_from_majors : bool
        See :func:`lines_from_counts`.
    """
    present = [c for c in categories if c not in MAJOR_SEVEN and c != TOTAL_MAJOR_SEVEN]
    order = [*MAJOR_SEVEN, TOTAL_MAJOR_SEVEN, *sorted(present, key=category_sort_key)]

    def figure(category: str, years: int, period: str) -> int | None:
        if category == TOTAL_MAJOR_SEVEN and total_from_majors:
            parts = [value(c, years, period) for c in MAJOR_SEVEN]
            return None if any(p is None for p in parts) else sum(p or 0 for p in parts)
        return value(category, years, period)

    lines = []
    for category in order:
        figures: dict[str, Any] = {}
        tests = []
        for period in PERIODS:
            current = figure(category, 0, period)
            prior = figure(category, 1, period)
            figures[f"{period}_current"] = current
            figures[f"{period}_prior"] = prior
            figures[f"{period}_pct_change"] = pct_change(current, prior)
            if with_tests:
                tests.append((period, _test_line(current, prior, days(0, period), days(1, period))))
        history = []
        for years in history_years:
            earlier = figure(category, years, "ytd")
            history.append(
                HistoricalChange(
                    years=years,
                    year=week_ending.year - years,
                    count=earlier,
                    pct_change=pct_change(figures["ytd_current"], earlier),
                    source="records" if earlier is not None else "not covered",
                )
            )
        lines.append(
            CompStatLine(category=category, history=tuple(history), tests=tuple(tests), **figures)
        )
    return tuple(lines)


def compstat_reports(
    records: pd.DataFrame,
    *,
    week_ending: date,
    levels: Sequence[str] = ("precinct",),
    geographies: Mapping[str, Sequence[str]] | None = None,
    date_field: DateField = "occurrence",
    time_column: str = "time",
    report_time_column: str = "report_time",
    category_column: str = "category",
    id_column: str | None = None,
    history_years: Sequence[int] = DEFAULT_HISTORY_YEARS,
    coverage_start: date | Mapping[str, date] | None = None,
    with_tests: bool = True,
    source: str = "records",
    notes: Sequence[str] = (),
    rollups: Mapping[str, tuple[str, Mapping[str, str]]] | None = None,
    timezone: str = "America/New_York",
) -> tuple[CompStatReport, ...]:
    """Compute CompStat reports from a table of records (a pandas DataFrame).

    This is the function to call with records from a file or a database query.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per record.  Needs a datetime column (``time_column`` or, with
        ``date_field="report"``, ``report_time_column``), a category column holding the
        CompStat line of the record's *current* classification (see
        :func:`openprecinct.analytics.categories.compstat_category`), and one column per
        geography level.  Categorical columns are used without copying.
    week_ending : datetime.date
        Sunday that ends the report week.
    levels : sequence of str
        Geography columns to report on, e.g. ``("precinct",)`` or ``("sector", "precinct")``;
        the special level ``"city"`` puts every record in one geography, "citywide".
    geographies : mapping of str to sequence of str, optional
        Which geographies of each level to return (all present when omitted).  A requested
        geography without records gets a report of zeros.
    date_field : {"occurrence", "report"}
        Date that places a record in a period: when it occurred (default, as NYPD's
        published complaint counts) or when it was reported.
    time_column, report_time_column, category_column : str
        Column names.
    id_column : str, optional
        Record identifier.  When given, a record that appears more than once counts once,
        in the category of its last row (its current classification).
    history_years : sequence of int
        Years back of the longer YTD comparisons (NYPD: 2, 12, 20).
    coverage_start : datetime.date or mapping of str to datetime.date, optional
        Day from which the records are complete; columns of periods starting earlier are
        None ("not covered").  Defaults to the earliest record.  A mapping gives the day
        per category, for tables merged from several sources.
    with_tests : bool
        Add the exact Poisson change test of every WTD, 28-day and YTD change.
    source, notes :
        Printed with the report.
    rollups : mapping, optional
        Levels of ``levels`` summed from a finer level instead of counted (see
        :func:`compstat_counts`), e.g. ``{"precinct": ("sector", sector_to_precinct)}``.
    timezone : str
        Time zone of the precinct.  Timezone-aware times (a database returns UTC) are
        converted to it before their calendar day is taken; naive times are taken as local.

    Returns
    -------
    tuple of CompStatReport
        One report per geography, levels in the order given, geographies sorted.
    """
    if date_field not in ("occurrence", "report"):
        raise ValueError(
            "The 'date_field' parameter of compstat_reports must be 'occurrence' or 'report'. "
            f"Got {date_field!r} instead."
        )
    column = time_column if date_field == "occurrence" else report_time_column
    rolled = set(rollups or {})
    counted_levels = [lv for lv in levels if lv not in rolled]
    for name in (column, category_column, *(lv for lv in counted_levels if lv != "city")):
        if name not in records.columns:
            raise ValueError(
                f"The 'records' parameter of compstat_reports must have a '{name}' column. "
                f"Got columns {list(records.columns)} instead."
            )
    if id_column is not None and not records[id_column].is_unique:
        records = records.drop_duplicates(id_column, keep="last")
    times = records[column]
    if not pd.api.types.is_datetime64_any_dtype(times):
        times = pd.to_datetime(times, errors="coerce")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_convert(timezone).dt.tz_localize(None)
    time_values = np.asarray(times.to_numpy())
    cat_codes, cat_labels = _encode(records[category_column], normalise=False)
    encoded: dict[str, tuple[npt.NDArray[np.integer[Any]], Sequence[str]]] = {}
    for level in counted_levels:
        if level == "city":
            encoded[level] = (np.zeros(len(records), dtype=np.int8), [CITYWIDE])
        else:
            encoded[level] = _encode(records[level], normalise=True)
    counted = compstat_counts(
        times=time_values,
        categories=cat_codes,
        category_labels=cat_labels,
        geographies=encoded,
        week_ending=week_ending,
        history_years=history_years,
        coverage_start=coverage_start,
        rollups=rollups,
    )
    week_start, week_end = compstat_week(week_ending)
    reports: list[CompStatReport] = []
    for level in levels:
        counts = counted[level]
        wanted = (geographies or {}).get(level)
        chosen = (
            [geography_label(g) for g in wanted]
            if wanted is not None
            else sorted(counts.geographies, key=_natural_key)
        )
        for geography in chosen:
            reports.append(
                CompStatReport(
                    geography=geography,
                    level=level,
                    week_start=week_start,
                    week_end=week_end,
                    lines=lines_from_counts(counts, geography, with_tests=with_tests),
                    date_field=date_field,
                    source=source,
                    notes=tuple(notes),
                )
            )
    return tuple(reports)


def _natural_key(label: str) -> tuple[int, int, str]:
    digits = ""
    for char in label:
        if not char.isdigit():
            break
        digits += char
    return (0, int(digits), label) if digits else (1, 0, label)


def report_to_dict(report: CompStatReport) -> dict[str, Any]:
    """The stable JSON shape of a report (see ``docs/compstat.md``).

    Keys: ``geography``, ``week_start``, ``week_end``, ``lines`` (the contract), plus
    ``level``, ``date_field``, ``source`` and ``notes``.  Each line has ``category``, the
    nine WTD/28-day/YTD figures, ``ytd_<N>y_prior`` and ``ytd_<N>y_pct_change`` for each
    historical column, ``ytd_<N>y_source``, and ``<period>_p_value`` / ``<period>_flag``.
    Undefined values are None (JSON null).
    """
    lines = []
    for line in report.lines:
        item: dict[str, Any] = {"category": line.category}
        for period in PERIODS:
            item[f"{period}_current"] = getattr(line, f"{period}_current")
            item[f"{period}_prior"] = getattr(line, f"{period}_prior")
            item[f"{period}_pct_change"] = _round(getattr(line, f"{period}_pct_change"))
        for hist in line.history:
            item[f"ytd_{hist.years}y_prior"] = hist.count
            item[f"ytd_{hist.years}y_pct_change"] = _round(hist.pct_change)
            item[f"ytd_{hist.years}y_source"] = hist.source
        for period, result in line.tests:
            item[f"{period}_p_value"] = (
                None if result.p_value is None else float(f"{result.p_value:.4g}")
            )
            item[f"{period}_flag"] = result.flag
        lines.append(item)
    data: dict[str, Any] = {
        "geography": report.geography,
        "level": report.level,
        "week_start": report.week_start.isoformat(),
        "week_end": report.week_end.isoformat(),
        "date_field": report.date_field,
        "source": report.source,
        "notes": list(report.notes),
        "lines": lines,
    }
    if report.perspective is not None:
        from openprecinct.analytics.compstat_history import perspective_to_dict

        data["historical_perspective"] = perspective_to_dict(report.perspective)
    return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
