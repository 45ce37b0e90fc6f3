"""Parsers for one cell of a source file: missing markers, dates, times, codes, coordinates.

Each parser returns the parsed value, ``None`` for a missing cell, or raises
:class:`~openprecinct.records.importing.errors.RowError` with a reason code and a sentence a
records clerk can act on. They are pure functions so hypothesis can test them on their own.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openprecinct.records.importing.errors import RowError

#: Cell values that mean "no value" in the NYPD files: ``NA`` in the 2010 extract, ``(null)``
#: in the 2025 one, plus the usual spellings.
MISSING = frozenset({"", "NA", "N/A", "(NULL)", "NULL", "NAN", "NONE", "#N/A"})

MIN_YEAR = 1900
MAX_YEAR = 2100

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_LIKE = re.compile(r"[+-]?\d+(?:\.0*)?")


def clean(value: str | None) -> str:
    """Strip a cell; return "" for every missing-value marker (``NA``, ``(null)``...)."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 6 and text.upper() in MISSING:  # the longest marker is "(NULL)"
        return ""
    return text


def parse_date(value: str | None, *, field: str = "date") -> date | None:
    """Parse ``MM/DD/YYYY`` (NYPD), ``YYYY-MM-DD`` (Socrata API, ISO), with an optional time part.

    Years outside 1900-2100 are refused: they are typing errors (NYPD has ``1015`` for 2015).
    """
    text = clean(value)
    if not text:
        return None
    head = text.split("T", 1)[0].split(" ", 1)[0]
    match = _US_DATE.fullmatch(head)
    if match:
        month, day, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.fullmatch(head)
        if not match:
            raise RowError(
                "bad_date", f"{field} {_show(text)} is not a date (MM/DD/YYYY or YYYY-MM-DD)"
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError:
        if match.re is _US_DATE and month > 12 >= day:
            raise RowError(
                "bad_date",
                f"{field} {_show(text)} is not a date as MM/DD/YYYY: if the file writes the day "
                "first, import it again with date_format=%d/%m/%Y (generic schema); its other "
                "rows were read month first",
            ) from None
        raise RowError("bad_date", f"{field} {_show(text)} is not a calendar date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise RowError("bad_date", f"{field} {_show(text)} has an implausible year")
    return parsed


def parse_time(value: str | None, *, field: str = "time") -> time | None:
    """Parse ``H:MM[:SS]`` with an optional AM/PM; ``24:00:00`` (NYPD) means end of day."""
    text = clean(value)
    if not text:
        return None
    match = _TIME.fullmatch(text)
    if not match:
        raise RowError("bad_time", f"{field} {_show(text)} is not a time (HH:MM:SS)")
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    ampm = (match.group(4) or "").upper()
    if ampm:
        if not 1 <= hour <= 12:
            raise RowError("bad_time", f"{field} {_show(text)} is not a time")
        hour = hour % 12 + (12 if ampm == "PM" else 0)
    if (hour, minute, second) == (24, 0, 0):
        return time(23, 59, 59)
    if hour > 23 or minute > 59 or second > 59:
        raise RowError("bad_time", f"{field} {_show(text)} is not a time of day")
    return time(hour, minute, second)


def parse_datetime(value: str | None, *, tz: ZoneInfo, field: str = "time") -> datetime | None:
    """Parse a date and time in one cell (ISO 8601 with T or space, or ``MM/DD/YYYY HH:MM``).

    A time without an offset is local time in ``tz``; a date alone is midnight.
    """
    text = clean(value)
    if not text:
        return None
    if "T" in text or text[:4].isdigit():
        iso = text[:-1] + "+00:00" if text.endswith("Z") else text
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            parsed = None
        if parsed is not None:
            if not MIN_YEAR <= parsed.year <= MAX_YEAR:
                raise RowError("bad_date", f"{field} {_show(text)} has an implausible year")
            return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
    day_part, _, time_part = text.partition(" ")
    day = parse_date(day_part, field=field)
    clock = parse_time(time_part, field=field) if time_part.strip() else time(0, 0)
    return combine(day, clock, tz=tz)


def combine(day: date | None, clock: time | None, *, tz: ZoneInfo) -> datetime | None:
    """Local date and time to an aware datetime; no time means midnight."""
    if day is None:
        return None
    return datetime.combine(day, clock or time(0, 0), tzinfo=tz)


def parse_code(value: str | None, *, field: str = "code", maximum: int = 32767) -> int | None:
    """Parse an offence or classification code: ``341``, ``341.0`` (spreadsheet exports)."""
    text = clean(value)
    if not text:
        return None
    if not _INTEGER_LIKE.fullmatch(text):
        raise RowError("bad_code", f"{field} {_show(text)} is not a number")
    number = int(text.split(".", 1)[0])
    if not 0 <= number <= maximum:
        raise RowError("bad_code", f"{field} {_show(text)} is out of range 0-{maximum}")
    return number


def parse_coordinate(value: str | None, *, field: str = "coordinate") -> float | None:
    """Parse a coordinate, accepting thousands separators (``"960,613"`` in the 2010 extract).

    A comma is read as a thousands separator only in groups of three digits, so ``"1,5"``
    (a decimal comma) is refused rather than misread as 15.
    """
    text = clean(value)
    if not text:
        return None
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            raise RowError("bad_coordinates", f"{field} {_show(text)} is not a number")
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise RowError("bad_coordinates", f"{field} {_show(text)} is not a number")
    number = float(text)
    if not math.isfinite(number):
        raise RowError("bad_coordinates", f"{field} {_show(text)} is not a finite number")
    return number


def parse_precinct(value: str | None, *, field: str = "precinct") -> str:
    """A precinct number as text (``"120"``), from ``120`` or ``120.0``; "" when missing."""
    code = parse_code(value, field=field, maximum=999)
    if code is None:
        return ""
    if code == 0:
        return ""
    return str(code)


_FLAGS = {
    "TRUE": True,
    "T": True,
    "Y": True,
    "YES": True,
    "1": True,
    "FALSE": False,
    "F": False,
    "N": False,
    "NO": False,
    "0": False,
}


def parse_flag(value: str | None, *, field: str = "flag") -> bool | None:
    """``true``/``false``, ``Y``/``N``, ``1``/``0`` (both spellings occur in the shootings files)."""
    text = clean(value)
    if not text:
        return None
    try:
        return _FLAGS[text.upper()]
    except KeyError:
        raise RowError("bad_value", f"{field} {_show(text)} is not true/false or Y/N") from None


_LAW = {
    "FELONY": "felony",
    "F": "felony",
    "MISDEMEANOR": "misdemeanor",
    "MISDEMEANOUR": "misdemeanor",
    "M": "misdemeanor",
    "VIOLATION": "violation",
    "V": "violation",
    "INFRACTION": "infraction",
    "I": "infraction",
}


def parse_law_category(value: str | None) -> str:
    """FELONY/F, MISDEMEANOR/M, VIOLATION/V, INFRACTION/I -> our choice value; else ""."""
    return _LAW.get(clean(value).upper(), "")


def law_category_code(value: str) -> str:
    """Our law category back to NYPD's spelling, for :func:`compstat_category`."""
    return value.upper()


def parse_attempted(value: str | None) -> bool | None:
    """``ATTEMPTED`` -> True, ``COMPLETED`` -> False (NYPD CRM_ATPT_CPTD_CD)."""
    text = clean(value).upper()
    if text.startswith("ATTEMPT"):
        return True
    if text.startswith("COMPLET"):
        return False
    return None


def text(value: str | None, max_length: int) -> str:
    """A free-text cell, cleaned, spaces collapsed, cut to the column's length."""
    cleaned = clean(value)
    if not cleaned:
        return ""
    if "  " in cleaned or "\t" in cleaned or "\n" in cleaned or "\r" in cleaned:
        cleaned = " ".join(cleaned.split())
    return cleaned[:max_length]


def month_bounds(year: int, month: int, *, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """First and last second of a month, local time (for month-only sources)."""
    start = datetime(year, month, 1, tzinfo=tz)
    following = date(year + month // 12, month % 12 + 1, 1)
    end = datetime.combine(following - timedelta(days=1), time(23, 59, 59), tzinfo=tz)
    return start, end


def _show(value: str) -> str:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return repr(shown)
