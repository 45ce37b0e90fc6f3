"""Reading the times of any city's files: ISO 8601, the common local formats, zones dropped.

Open-data exports write times in many ways (``2019-01-05T13:30:00.000``, ``01/05/2019 01:30:00
PM``, ``05/01/2019 13:30`` day first, ``2019/01/05 13:30:00+00``), and a file joined from
several years may mix two. :func:`parse_times` reads them all in seconds for a million rows,
keeping the clock time the file shows.
"""

from __future__ import annotations

import warnings

import pandas as pd
from pandas.tseries.api import guess_datetime_format

__all__ = ["TIME_FORMATS", "parse_times"]

# formats tried, on a sample, when the times are not ISO 8601 (month first before day first,
# as pandas does; the sample decides when a day above 12 shows the order)
TIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d",
)
# a UTC offset or zone after a clock time: dropped, so a time keeps the wall clock it was
# written in (converting to UTC would move evening events to the next day)
_ZONE = r"^(.*\d:\d\d(?::\d\d(?:[.,]\d*)?)?)\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$"


_CLOCK_ONLY = r"\d{1,2}:\d\d(?::\d\d(?:[.,]\d*)?)?(?:\s*[AaPp][Mm])?"


def parse_times(col: pd.Series, fmt: str | None = None) -> pd.Series:
    """Times as naive datetimes (NaT where unparseable), in the wall clock of the file.

    With ``fmt``, that format. Otherwise ISO 8601; the values that are not, in the format (of
    ``TIME_FORMATS`` and pandas' guess) that reads most of a sample of them, so a file joined
    from years published in two formats reads whole; pandas' per-value parser only for what
    is left, so a million rows take seconds.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt:
            if "%z" in fmt or "%Z" in fmt:  # the wall clock, as without a format
                col = col.str.strip().str.replace(_ZONE, r"\1", regex=True)
                fmt = fmt.replace("%z", "").replace("%Z", "").rstrip()
            return pd.to_datetime(col, format=fmt, errors="coerce")
        text = col.str.strip()
        if _sample(text[text.ne("")]).str.match(_ZONE).any():
            text = text.str.replace(_ZONE, r"\1", regex=True)
        try:
            t = pd.to_datetime(text, format="ISO8601", errors="coerce")
        except ValueError:  # zones on rows the sample missed: drop them everywhere
            text = text.str.replace(_ZONE, r"\1", regex=True)
            t = pd.to_datetime(text, format="ISO8601", errors="coerce")
        missed = t.isna() & text.ne("")
        if missed.any():  # not ISO 8601 (or a file of several formats): the best format
            rest = text[missed]
            t[missed] = _parse_in_best_format(rest, _sample(rest))
            missed = t.isna() & text.ne("")
        # a clock time alone is no date (the per-value parser would put it on today's)
        missed &= ~text.str.fullmatch(_CLOCK_ONLY)
        if missed.any():  # what no single format reads, value by value, if that reads any
            rest = text[missed]
            if _mixed(_sample(rest)).notna().any():
                t[missed] = _mixed(rest)
    return t


def _sample(values: pd.Series, size: int = 2000) -> pd.Series:
    """About ``size`` values spread evenly over ``values``."""
    return values.iloc[:: max(1, len(values) // size)]


def _parse_in_best_format(text: pd.Series, sample: pd.Series) -> pd.Series:
    """``text`` read in the format of ``TIME_FORMATS`` (and pandas' guess) that reads most
    of ``sample``; the first of equals wins, so month first before day first."""
    candidates = list(TIME_FORMATS)
    guessed = guess_datetime_format(sample.iloc[0]) if len(sample) else None
    if guessed and guessed not in candidates:
        candidates.insert(0, guessed)
    read = {f: pd.to_datetime(sample, format=f, errors="coerce").notna().sum() for f in candidates}
    best = max(candidates, key=lambda f: read[f])
    return pd.to_datetime(text, format=best, errors="coerce")


def _mixed(text: pd.Series) -> pd.Series:
    """Value by value (slow: for the few values no single format reads)."""
    late = pd.to_datetime(text, format="mixed", errors="coerce", utc=True)
    naive: pd.Series = late.dt.tz_localize(None)
    return naive
