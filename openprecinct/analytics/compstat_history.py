"""NYPD's "Historical Perspective": complete calendar years from annual precinct aggregates.

Records rarely reach back to 1993, so the long view comes from NYPD's published annual counts
per precinct (``nypd_precinct_annual_crime_1993_2025.csv.gz``: geography, year, crime,
count; seven majors and Shooting Inc. since 1993, Misd. Assault, Petit Larceny and
Harassment since 2006).  As on NYPD's weekly report, these are *full calendar years*
compared with the last full year, and are labelled as annual aggregates wherever shown:
they are never mixed into the year-to-date columns counted from records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from openprecinct.analytics.categories import HARASSMENT_2, MAJOR_SEVEN, TOTAL_MAJOR_SEVEN
from openprecinct.analytics.compstat import CITYWIDE, pct_change

DEFAULT_YEARS: Final[tuple[int, ...]] = (1993, 1998, 2001)
SOURCE: Final = "NYPD annual precinct aggregates (complete calendar years)"
_NAMES: Final[dict[str, str]] = {"Harassment": HARASSMENT_2}
_PRECINCT = re.compile(r"^\s*(\d+)(st|nd|rd|th)?\s+Precinct", re.IGNORECASE)


@dataclass(frozen=True)
class PerspectiveLine:
    """One category across complete years.

    Attributes
    ----------
    category : str
    counts : tuple of (int, int or None)
        (year, count) for each year shown, the last full year last; None when not published.
    changes : tuple of (int, float or None)
        (earlier year, % change of the last full year against it).
    """

    category: str
    counts: tuple[tuple[int, int | None], ...]
    changes: tuple[tuple[int, float | None], ...]


@dataclass(frozen=True)
class HistoricalPerspective:
    """Complete-year counts of one geography, NYPD's "Historical Perspective" table."""

    geography: str
    last_year: int
    lines: tuple[PerspectiveLine, ...]
    source: str = SOURCE
    notes: tuple[str, ...] = ()


def annual_geography(name: str) -> str:
    """ "120th Precinct" -> "120", "14th Precinct (Midtown South)" -> "14", citywide."""
    match = _PRECINCT.match(str(name))
    if match:
        return str(int(match.group(1)))
    return CITYWIDE if str(name).strip().lower() == "citywide" else str(name).strip()


def annual_counts_from_frame(frame: pd.DataFrame) -> dict[tuple[str, str], dict[int, int]]:
    """Index the annual file: ``{(geography, category): {year: count}}``.

    Alternative names of one precinct ("Midtown South Precinct") are kept apart unless they
    start with the precinct number; counts of names that map to the same number are added.
    """
    needed = ("geography", "year", "crime", "count")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            "The annual aggregates need the columns geography, year, crime, count. "
            f"Got {', '.join(map(str, frame.columns))} instead."
        )
    out: dict[tuple[str, str], dict[int, int]] = {}
    for geography, year, crime, count in frame[list(needed)].itertuples(index=False):
        key = (annual_geography(geography), _NAMES.get(str(crime), str(crime)))
        years = out.setdefault(key, {})
        years[int(year)] = years.get(int(year), 0) + int(count)
    return out


def historical_perspective(
    annual: dict[tuple[str, str], dict[int, int]],
    *,
    geography: str,
    last_year: int,
    years: Sequence[int] = DEFAULT_YEARS,
) -> HistoricalPerspective:
    """NYPD's Historical Perspective for ``geography``: ``years`` and ``last_year`` in full.

    Parameters
    ----------
    annual : dict
        From :func:`annual_counts_from_frame`.
    geography : str
        Precinct number as a string, or "citywide".
    last_year : int
        The last complete year (the report year minus one on a weekly report).
    years : sequence of int
        Earlier years shown (NYPD 2013: 1990, 1993, 1998, 2001; the file starts in 1993).
    """
    shown = [y for y in sorted(set(years)) if y < last_year] + [last_year]
    categories = sorted({c for g, c in annual if g == geography})
    others = [c for c in categories if c not in MAJOR_SEVEN]
    lines = []

    def series(category: str) -> dict[int, int]:
        if category == TOTAL_MAJOR_SEVEN:
            parts = [annual.get((geography, c), {}) for c in MAJOR_SEVEN]
            common = set.intersection(*(set(p) for p in parts)) if parts else set()
            return {y: sum(p[y] for p in parts) for y in common}
        return annual.get((geography, category), {})

    for category in [*MAJOR_SEVEN, TOTAL_MAJOR_SEVEN, *others]:
        data = series(category)
        if not data:
            continue
        counts = tuple((y, data.get(y)) for y in shown)
        last = data.get(last_year)
        changes = tuple((y, pct_change(last, data.get(y))) for y in shown[:-1])
        lines.append(PerspectiveLine(category, counts, changes))
    notes: list[str] = []
    if geography in ("120", "122") and shown[0] < 2013:
        notes.append(
            "The 121st Precinct was created on 1 July 2013 from parts of the 120th and 122nd: "
            "their years before 2013 cover a larger area."
        )
    return HistoricalPerspective(geography, last_year, tuple(lines), notes=tuple(notes))


def perspective_to_dict(perspective: HistoricalPerspective) -> dict[str, Any]:
    """JSON shape: source, last_year, lines with counts and changes keyed by year."""
    return {
        "source": perspective.source,
        "last_year": perspective.last_year,
        "notes": list(perspective.notes),
        "lines": [
            {
                "category": line.category,
                "counts": {str(y): c for y, c in line.counts},
                "pct_change_vs": {
                    str(y): None if p is None else round(p, 2) for y, p in line.changes
                },
            }
            for line in perspective.lines
        ],
    }
