"""Read record files into the plain table the CompStat engine counts.

The standard table has the columns ``id``, ``time`` (occurrence), ``report_time``,
``category`` (CompStat line of the current classification) and geography columns
(``precinct`` and, when known, ``sector``, ``borough``).  Two schemas are understood:

* ``nypd-complaints``: NYPD Complaint Data (Historic / Current YTD) as published on NYC
  Open Data, with upper-case (CSV export) or lower-case (API) column names;
* ``generic``: any CSV, with a mapping from the standard names to the file's columns.

NYPD's weekly count series is a different kind of input; see
:mod:`openprecinct.analytics.compstat_weekly`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from openprecinct.analytics.categories import (
    CATEGORY_ORDER,
    TOTAL_MAJOR_SEVEN,
    compstat_category,
)
from openprecinct.analytics.times import parse_times as parse_any_times

STANDARD_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "time",
    "report_time",
    "category",
    "precinct",
    "sector",
    "borough",
    "longitude",
    "latitude",
)
REQUIRED_GENERIC: Final[tuple[str, ...]] = ("time", "category")


def _column(frame: pd.DataFrame, name: str) -> str | None:
    lowered = {c.lower(): c for c in frame.columns}
    return lowered.get(name.lower())


def parse_times(dates: pd.Series[Any], times: pd.Series[Any] | None = None) -> pd.Series[Any]:
    """Parse dates (NYPD's ``MM/DD/YYYY``, ISO, or any format :func:`times.parse_times` reads)
    and optional ``HH:MM:SS`` times.

    Unparseable values, ``(null)`` and dates NYPD writes with a wrong century (e.g. 1015
    for 2015) become NaT and are not counted.
    """
    text = dates.astype("string").str.strip()
    if times is not None:
        clock = times.astype("string").str.strip()
        clock = clock.where(clock.str.match(r"^\d{1,2}:\d{2}(:\d{2})?$"), "00:00:00")
        # a record without a date stays undated, whatever its time says
        text = (text + " " + clock.fillna("00:00:00")).where(text.fillna("").ne(""), "")
    # ISO 8601, else the local format that reads most of a sample, value by value only for
    # what is left (analytics.times); missing dates stay NaT
    parsed = parse_any_times(text.fillna("").astype(str))
    parsed = parsed.where(parsed.dt.year >= 1900)
    return parsed


def _int_or_none(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else int(number)


def records_from_nypd_complaints(frame: pd.DataFrame) -> pd.DataFrame:
    """Standard records from NYPD complaint rows (``CMPLNT_NUM``, ``CMPLNT_FR_DT``, ...).

    The category is :func:`~openprecinct.analytics.categories.compstat_category` of the
    row's ``KY_CD``, ``PD_CD``, ``OFNS_DESC`` and ``LAW_CAT_CD``; it is computed once per
    distinct combination.  Occurrence time is ``CMPLNT_FR_DT`` + ``CMPLNT_FR_TM``; report
    time is ``RPT_DT``.
    """
    needed = ("CMPLNT_FR_DT", "ADDR_PCT_CD")
    missing = [name for name in needed if _column(frame, name) is None]
    if missing or (_column(frame, "KY_CD") is None and _column(frame, "OFNS_DESC") is None):
        raise ValueError(
            "The file does not look like NYPD complaint data: it needs CMPLNT_FR_DT, "
            "ADDR_PCT_CD and KY_CD or OFNS_DESC. Use --schema generic with --columns for "
            f"other files. Got columns {list(frame.columns)[:12]} instead."
        )

    def get(name: str) -> pd.Series[Any]:
        found = _column(frame, name)
        if found is None:
            return pd.Series([None] * len(frame), index=frame.index, dtype="object")
        return frame[found]

    keys = pd.DataFrame(
        {
            "ky": get("KY_CD").astype("string"),
            "pd": get("PD_CD").astype("string"),
            "desc": get("OFNS_DESC").astype("string"),
            "law": get("LAW_CAT_CD").astype("string"),
        }
    ).fillna("")
    combos = keys.drop_duplicates()
    mapping = {
        tuple(row): compstat_category(
            ky_cd=_int_or_none(row[0]),
            pd_cd=_int_or_none(row[1]),
            ofns_desc=row[2] or None,
            law_cat=row[3] or None,
        )
        for row in combos.itertuples(index=False)
    }
    category = pd.Series(
        [mapping[key] for key in keys.itertuples(index=False, name=None)],
        index=frame.index,
        dtype="object",
    )
    times_col = _column(frame, "CMPLNT_FR_TM")
    out = pd.DataFrame(
        {
            "id": get("CMPLNT_NUM").astype("string"),
            "time": parse_times(get("CMPLNT_FR_DT"), frame[times_col] if times_col else None),
            "report_time": parse_times(get("RPT_DT")),
            "category": category,
            "precinct": get("ADDR_PCT_CD"),
            "borough": get("BORO_NM"),
            "longitude": get("Longitude"),
            "latitude": get("Latitude"),
        }
    )
    return out


_LINES: Final[dict[str, str]] = {
    " ".join(line.split()).upper(): line for line in CATEGORY_ORDER if line != TOTAL_MAJOR_SEVEN
}


def generic_category_map(values: pd.Series) -> dict[str, str]:
    """CompStat lines for a generic file's category names, where one matches.

    A name matches a line whatever its case and spacing: the line's own label (``burglary``,
    ``G.L.A.``), an NYPD offence description that names one line (``GRAND LARCENY OF MOTOR
    VEHICLE``, ``PETIT LARCENY``) or an FBI UCR Part I name (``MOTOR VEHICLE THEFT``,
    ``AGGRAVATED ASSAULT``; see :func:`categories.compstat_category`). Returns ``{name: line}`` for
    the names that match and change; the others are printed as they are.
    """
    out: dict[str, str] = {}
    for name in pd.unique(values.dropna().astype(str)):
        key = " ".join(name.split()).upper()
        # a description that names a line whatever the law category (which a generic file
        # does not give): not DANGEROUS DRUGS, which may be a felony or a misdemeanour
        line = _LINES.get(key) or compstat_category(
            ky_cd=None, pd_cd=None, ofns_desc=key, law_cat=None
        )
        if line is not None and line != name:
            out[name] = line
    return out


def records_from_generic(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Standard records from any table, given ``{standard name: column in the file}``.

    ``time`` and ``category`` are required; ``id``, ``report_time``, ``precinct``,
    ``sector`` and ``borough`` are optional. Category names that match a CompStat line are
    read as that line (:func:`generic_category_map`).
    """
    unknown = sorted(set(columns) - set(STANDARD_COLUMNS))
    if unknown:
        raise ValueError(
            f"The --columns mapping names unknown field(s) {', '.join(unknown)}; the fields are "
            f"{', '.join(STANDARD_COLUMNS)}."
        )
    absent = [name for name in REQUIRED_GENERIC if name not in columns]
    if absent:
        raise ValueError(
            f"The --columns mapping must name the file's column for {', '.join(absent)}, "
            "e.g. --columns time=OCCUR_DATE,category=TYPE,precinct=PCT."
        )
    missing = [source for source in columns.values() if source not in frame.columns]
    if missing:
        raise ValueError(
            f"The file has no column {', '.join(repr(m) for m in missing)}. "
            f"Its columns are {', '.join(map(str, frame.columns))}."
        )
    out = pd.DataFrame(index=frame.index)
    for name, source in columns.items():
        if name in ("time", "report_time"):
            out[name] = parse_times(frame[source])
        elif name == "category":
            named = frame[source]
            out[name] = named.replace(generic_category_map(named))
        else:
            out[name] = frame[source]
    return out


def parse_column_mapping(text: str) -> dict[str, str]:
    """Parse ``id=CMPLNT_NUM,time=DATE,category=TYPE`` into a dict."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, source = part.partition("=")
        if not sep or not name.strip() or not source.strip():
            raise ValueError(
                f"The --columns mapping must read name=COLUMN,name=COLUMN. Got {part!r} instead."
            )
        mapping[name.strip()] = source.strip()
    return mapping


def _first(frame: pd.DataFrame, *names: str) -> str:
    for name in names:
        found = _column(frame, name)
        if found is not None:
            return found
    raise ValueError(
        f"The file needs a column named {' or '.join(names)}. "
        f"Got {', '.join(map(str, frame.columns[:15]))} instead."
    )


def records_from_nypd_shootings(frame: pd.DataFrame) -> pd.DataFrame:
    """ "Shooting Vic." (one row per victim) and "Shooting Inc." (one per INCIDENT_KEY) records
    from NYPD Shooting Incident Data (``INCIDENT_KEY, OCCUR_DATE, OCCUR_TIME, PRECINCT``)."""
    key = _first(frame, "INCIDENT_KEY")
    when = parse_times(frame[_first(frame, "OCCUR_DATE")], frame[_first(frame, "OCCUR_TIME")])
    precinct = frame[_first(frame, "PRECINCT")]
    victims = pd.DataFrame(
        {
            "id": "shooting-victim:" + pd.Series(range(len(frame)), index=frame.index).astype(str),
            "time": when,
            "report_time": when,
            "category": "Shooting Vic.",
            "precinct": precinct,
        }
    )
    first = ~frame[key].duplicated()
    incidents = pd.DataFrame(
        {
            "id": "shooting:" + frame.loc[first, key].astype(str),
            "time": when[first],
            "report_time": when[first],
            "category": "Shooting Inc.",
            "precinct": precinct[first],
        }
    )
    return pd.concat([victims, incidents], ignore_index=True)


def records_from_nypd_hate_crimes(frame: pd.DataFrame) -> pd.DataFrame:
    """ "Hate Crimes" records from NYPD Hate Crimes (one per ``Full Complaint ID``).

    The file has no occurrence day, only the record's creation date, which dates these
    records for both ``--date-field`` choices.
    """
    key = _first(frame, "Full Complaint ID")
    first = ~frame[key].duplicated()
    rows = frame[first]
    when = parse_times(rows[_first(rows, "Record Create Date")])
    return pd.DataFrame(
        {
            "id": "hate:" + rows[key].astype(str),
            "time": when,
            "report_time": when,
            "category": "Hate Crimes",
            "precinct": rows[_first(rows, "Complaint Precinct Code")],
        }
    )


def records_from_nypd_arrests(frame: pd.DataFrame) -> pd.DataFrame:
    """ "Drug Arrests" (OFNS_DESC DANGEROUS DRUGS) and "Other Arrests" from NYPD Arrests Data.

    Arrests measure enforcement as much as crime; they are printed as their own lines.
    """
    when = parse_times(frame[_first(frame, "ARREST_DATE")])
    offence = frame[_first(frame, "OFNS_DESC")].astype("string").str.strip().str.upper()
    return pd.DataFrame(
        {
            "id": "arrest:" + frame[_first(frame, "ARREST_KEY")].astype(str),
            "time": when,
            "report_time": when,
            "category": offence.eq("DANGEROUS DRUGS").map(
                {True: "Drug Arrests", False: "Other Arrests"}
            ),
            "precinct": frame[_first(frame, "ARREST_PRECINCT")],
        }
    )


def assign_sectors(
    longitude: pd.Series[Any] | np.ndarray[Any, Any],
    latitude: pd.Series[Any] | np.ndarray[Any, Any],
    sectors_geojson: dict[str, Any],
    *,
    property_name: str = "sector",
) -> np.ndarray[Any, np.dtype[np.object_]]:
    """Sector of each point (WGS84 longitude/latitude) by point-in-polygon, "" when none.

    Parameters
    ----------
    longitude, latitude : array-like of float
        Degrees (EPSG:4326), as NYPD's ``Longitude`` / ``Latitude`` columns.
    sectors_geojson : dict
        A GeoJSON FeatureCollection of sector polygons with a ``sector`` property (NYPD's
        ``sector.geojson``: "120A"...).  Sector boundaries change over time: records older
        than the boundaries may be placed in today's sectors.
    """
    import shapely
    from shapely.geometry import shape

    features = sectors_geojson.get("features", [])
    names = [str(f.get("properties", {}).get(property_name, "")) for f in features]
    if not features or not all(names):
        raise ValueError(
            f"The sector boundaries must be a GeoJSON FeatureCollection whose features have a "
            f"'{property_name}' property. Got {len(features)} features instead."
        )
    polygons = [shape(f["geometry"]) for f in features]
    x = pd.to_numeric(pd.Series(np.asarray(longitude)), errors="coerce").to_numpy(float)
    y = pd.to_numeric(pd.Series(np.asarray(latitude)), errors="coerce").to_numpy(float)
    out = np.full(len(x), "", dtype=object)
    ok = np.isfinite(x) & np.isfinite(y)
    points = shapely.points(x[ok], y[ok])
    tree = shapely.STRtree(polygons)
    point_index, polygon_index = tree.query(points, predicate="intersects")
    rows = np.flatnonzero(ok)
    # a point on a shared border goes to the first sector listed
    first = ~pd.Series(point_index).duplicated().to_numpy()
    out[rows[point_index[first]]] = np.asarray(names, dtype=object)[polygon_index[first]]
    return out
