"""What each supported file looks like, and how one of its rows becomes a record.

A schema binds to a header (column names are matched without regard to case or surrounding
spaces, so the Socrata API's lower-case names work too), then parses rows into
:class:`Parsed` records or raises :class:`RowError`. Location columns are parsed here and
projected per batch by the service.

Schemas:

``nypd-complaints``  NYPD Complaint Data (Historic 2016 and 2019+ layouts, Year To Date,
                     Socrata API names): one row = one complaint (``CMPLNT_NUM``).
``nypd-arrests``     NYPD Arrests Data (Historic / YTD): one row = one arrest (``ARREST_KEY``).
``nypd-shootings``   NYPD Shooting Incident Data, 2019 and 2023 layouts: one row per victim,
                     grouped into one incident per ``INCIDENT_KEY``.
``nypd-hate-crimes`` NYPD Hate Crimes: rows grouped into one incident per complaint ID
                     (a complaint with several bias motives has one row per motive).
``generic``          any incident CSV, driven by a :class:`ColumnMapping`.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openprecinct.analytics import categories as cats
from openprecinct.analytics.geo import NYPD_CRS, WGS84, GeoError, parse_crs
from openprecinct.records.importing import parsers as p
from openprecinct.records.importing.errors import ImportFileError, RowError
from openprecinct.records.models import Arrest, Incident, IncidentKind

NEW_YORK = ZoneInfo("America/New_York")
DRUG_ARRESTS = "Drug Arrests"  # the CompStat line in categories.OTHER_LINE_ORDER
DRUG_KY_CDS = frozenset({117, 235})  # DANGEROUS DRUGS, felony and misdemeanour

# NYC's envelope with a margin: EPSG:2263 feet and WGS84 degrees.
NYC_X_FT = (905_000.0, 1_070_000.0)
NYC_Y_FT = (105_000.0, 280_000.0)
NYC_LON = (-74.30, -73.65)
NYC_LAT = (40.45, 40.95)

BOROUGHS = {
    "B": "BRONX",
    "K": "BROOKLYN",
    "M": "MANHATTAN",
    "Q": "QUEENS",
    "S": "STATEN ISLAND",
    "RICHMOND": "STATEN ISLAND",
    "KINGS": "BROOKLYN",
    "NEW YORK": "MANHATTAN",
}


@dataclass(slots=True)
class Parsed:
    """One record from one row: model field values, raw location, and the source line."""

    key: str
    values: dict[str, Any]
    line: int = 0
    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None
    count: int = 1


class Schema:
    """Base class: header binding and cell access. Subclasses implement :meth:`parse`."""

    name: ClassVar[str]
    model: ClassVar[type[Incident] | type[Arrest]] = Incident
    source: str = ""
    crs: str = NYPD_CRS
    grouped: ClassVar[bool] = False
    check_nyc: ClassVar[bool] = True
    required: ClassVar[tuple[str, ...]] = ()
    # alternative spellings: canonical upper-case name -> other accepted names
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def bind(self, header: list[str], *, file_name: str) -> None:
        """Resolve column positions; refuse a file that lacks a required column."""
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(name.strip().lstrip("\ufeff").upper(), i)
        for canonical, others in self.aliases.items():
            if canonical not in index:
                for other in others:
                    if other.upper() in index:
                        index[canonical] = index[other.upper()]
                        break
        missing = [c for c in self.columns_needed() if c.upper() not in index]
        if missing:
            found = ", ".join(header[:8]) + (" ..." if len(header) > 8 else "")
            hint = ""
            if len(header) == 1 and any(d in header[0] for d in ";\t|"):
                hint = " (is the delimiter right?)"
            raise ImportFileError(
                f"{file_name} is not a {self.name} file: missing column(s) "
                f"{', '.join(missing)}; found {found or 'no columns'}{hint}"
            )
        self._index = index

    def columns_needed(self) -> tuple[str, ...]:
        return self.required

    def get(self, row: list[str], name: str) -> str:
        i = self._index.get(name)
        return row[i] if i is not None else ""

    def has(self, name: str) -> bool:
        return name in self._index

    def parse(self, row: list[str]) -> Parsed:
        raise NotImplementedError

    # Grouped schemas: several rows make one record. A first pass over the raw rows
    # (no full parsing) collects each key's aggregates; the first valid row of a key then
    # becomes the record and carries them.
    group_column: ClassVar[str] = ""

    def group_key(self, row: list[str]) -> str:
        return p.clean(self.get(row, self.group_column))

    def group_start(self, row: list[str]) -> list[Any]:
        return [1]

    def group_add(self, state: list[Any], row: list[str]) -> None:
        state[0] += 1

    def group_apply(self, parsed: Parsed, state: list[Any]) -> None:
        """Put the group's aggregates into its first row's record."""

    # helpers shared by the NYPD schemas
    def key(self, row: list[str], column: str) -> str:
        key = p.clean(self.get(row, column))
        if not key:
            raise RowError("missing_key", f"{column} is empty")
        if len(key) > 64:
            raise RowError("bad_key", f"{column} is longer than 64 characters")
        return key

    def location(
        self, row: list[str], parsed: Parsed, *, x: str, y: str, lat: str, lon: str
    ) -> None:
        parsed.x = p.parse_coordinate(self.get(row, x), field=x)
        parsed.y = p.parse_coordinate(self.get(row, y), field=y)
        parsed.lat = p.parse_coordinate(self.get(row, lat), field=lat)
        parsed.lon = p.parse_coordinate(self.get(row, lon), field=lon)
        if (parsed.x is None) != (parsed.y is None):
            raise RowError("bad_coordinates", f"only one of {x} and {y} is given")
        if (parsed.lat is None) != (parsed.lon is None):
            raise RowError("bad_coordinates", f"only one of {lat} and {lon} is given")
        if self.check_nyc:
            check_nyc_bounds(parsed)
        if parsed.x is None and parsed.lat is None and not parsed.values.get("reported_precinct"):
            raise RowError("missing_location", "no coordinates and no precinct")


def check_nyc_bounds(parsed: Parsed) -> None:
    """Coordinates present must lie in New York City's envelope (X/Y feet or lat/lon)."""
    if parsed.x is not None and parsed.y is not None:
        if not (NYC_X_FT[0] <= parsed.x <= NYC_X_FT[1] and NYC_Y_FT[0] <= parsed.y <= NYC_Y_FT[1]):
            raise RowError(
                "out_of_bounds", f"X/Y ({parsed.x:.0f}, {parsed.y:.0f}) is outside New York City"
            )
    if parsed.lat is not None and parsed.lon is not None:
        if not (NYC_LAT[0] <= parsed.lat <= NYC_LAT[1] and NYC_LON[0] <= parsed.lon <= NYC_LON[1]):
            raise RowError(
                "out_of_bounds",
                f"latitude/longitude ({parsed.lat:.5f}, {parsed.lon:.5f}) is outside New York City",
            )


def _incident_values(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": IncidentKind.COMPLAINT,
        "occurred_from": None,
        "occurred_to": None,
        "occurred_date": None,
        "reported_at": None,
        "reported_date": None,
        "ky_cd": None,
        "pd_cd": None,
        "offense_description": "",
        "pd_description": "",
        "law_category": "",
        "attempted": None,
        "compstat_category": "",
        "bias_motive": "",
        "victim_count": 1,
        "fatal": None,
        "victim_age_group": "",
        "victim_race": "",
        "victim_sex": "",
        "suspect_age_group": "",
        "suspect_race": "",
        "suspect_sex": "",
        "reported_precinct": "",
        "borough": "",
        "address": "",
        "premises": "",
        "location_description": "",
    }
    base.update(values)
    return base


class NypdComplaints(Schema):
    name = "nypd-complaints"
    source = "nypd-complaints"
    required = ("CMPLNT_NUM", "CMPLNT_FR_DT", "RPT_DT", "KY_CD", "OFNS_DESC", "ADDR_PCT_CD")

    def parse(self, row: list[str]) -> Parsed:
        g = self.get
        key = self.key(row, "CMPLNT_NUM")
        fr_day = p.parse_date(g(row, "CMPLNT_FR_DT"), field="CMPLNT_FR_DT")
        fr_time = p.parse_time(g(row, "CMPLNT_FR_TM"), field="CMPLNT_FR_TM")
        to_day = p.parse_date(g(row, "CMPLNT_TO_DT"), field="CMPLNT_TO_DT")
        to_time = p.parse_time(g(row, "CMPLNT_TO_TM"), field="CMPLNT_TO_TM")
        reported = p.parse_date(g(row, "RPT_DT"), field="RPT_DT")
        if fr_day is None and reported is None:
            raise RowError("missing_date", "neither CMPLNT_FR_DT nor RPT_DT is given")
        occurred_from = p.combine(fr_day, fr_time, tz=NEW_YORK)
        occurred_to = p.combine(to_day, to_time, tz=NEW_YORK)
        if occurred_to is not None and occurred_from is not None and occurred_to < occurred_from:
            occurred_to = None  # an end before the start is a typing error; keep the start
        ky_cd = p.parse_code(g(row, "KY_CD"), field="KY_CD")
        pd_cd = p.parse_code(g(row, "PD_CD"), field="PD_CD")
        ofns = p.text(g(row, "OFNS_DESC"), 100)
        law = p.parse_law_category(g(row, "LAW_CAT_CD"))
        category = cats.compstat_category(
            ky_cd=ky_cd, pd_cd=pd_cd, ofns_desc=ofns, law_cat=law.upper()
        )
        if category is None:
            raise RowError(
                "unknown_offense",
                f"offence KY_CD={g(row, 'KY_CD')!r} OFNS_DESC={ofns!r} is not a known NYPD offence",
            )
        values = _incident_values(
            source=self.source,
            source_key=key,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            occurred_date=fr_day,
            reported_date=reported,
            ky_cd=ky_cd,
            pd_cd=pd_cd,
            offense_description=ofns,
            pd_description=p.text(g(row, "PD_DESC"), 100),
            law_category=law,
            attempted=p.parse_attempted(g(row, "CRM_ATPT_CPTD_CD")),
            compstat_category=category,
            victim_age_group=p.text(g(row, "VIC_AGE_GROUP"), 20),
            victim_race=p.text(g(row, "VIC_RACE"), 40),
            victim_sex=p.text(g(row, "VIC_SEX"), 10),
            suspect_age_group=p.text(g(row, "SUSP_AGE_GROUP"), 20),
            suspect_race=p.text(g(row, "SUSP_RACE"), 40),
            suspect_sex=p.text(g(row, "SUSP_SEX"), 10),
            reported_precinct=p.parse_precinct(g(row, "ADDR_PCT_CD"), field="ADDR_PCT_CD"),
            borough=p.text(g(row, "BORO_NM"), 20),
            premises=p.text(g(row, "PREM_TYP_DESC"), 100),
            location_description=p.text(g(row, "LOC_OF_OCCUR_DESC"), 100),
        )
        parsed = Parsed(key=key, values=values)
        self.location(row, parsed, x="X_COORD_CD", y="Y_COORD_CD", lat="LATITUDE", lon="LONGITUDE")
        return parsed


class NypdArrests(Schema):
    name = "nypd-arrests"
    source = "nypd-arrests"
    model = Arrest
    required = ("ARREST_KEY", "ARREST_DATE", "ARREST_PRECINCT", "KY_CD", "OFNS_DESC")

    def parse(self, row: list[str]) -> Parsed:
        g = self.get
        key = self.key(row, "ARREST_KEY")
        day = p.parse_date(g(row, "ARREST_DATE"), field="ARREST_DATE")
        if day is None:
            raise RowError("missing_date", "ARREST_DATE is empty")
        ky_cd = p.parse_code(g(row, "KY_CD"), field="KY_CD")
        pd_cd = p.parse_code(g(row, "PD_CD"), field="PD_CD")
        ofns = p.text(g(row, "OFNS_DESC"), 100)
        law = p.parse_law_category(g(row, "LAW_CAT_CD"))
        if ky_cd in DRUG_KY_CDS or ofns == "DANGEROUS DRUGS":
            category = DRUG_ARRESTS
        else:
            category = (
                cats.compstat_category(
                    ky_cd=ky_cd, pd_cd=pd_cd, ofns_desc=ofns, law_cat=law.upper()
                )
                or ""
            )
        borough = p.clean(g(row, "ARREST_BORO")).upper()
        values = {
            "source": self.source,
            "source_key": key,
            "arrest_date": day,
            "ky_cd": ky_cd,
            "pd_cd": pd_cd,
            "offense_description": ofns,
            "pd_description": p.text(g(row, "PD_DESC"), 100),
            "law_code": p.text(g(row, "LAW_CODE"), 30),
            "law_category": law,
            "compstat_category": category,
            "jurisdiction_code": p.parse_code(
                g(row, "JURISDICTION_CODE"), field="JURISDICTION_CODE"
            ),
            "perp_age_group": p.text(g(row, "AGE_GROUP"), 20),
            "perp_sex": p.text(g(row, "PERP_SEX"), 10),
            "perp_race": p.text(g(row, "PERP_RACE"), 40),
            "reported_precinct": p.parse_precinct(
                g(row, "ARREST_PRECINCT"), field="ARREST_PRECINCT"
            ),
            "borough": BOROUGHS.get(borough, borough)[:20],
            "address": "",
            "premises": "",
            "location_description": "",
        }
        parsed = Parsed(key=key, values=values)
        self.location(row, parsed, x="X_COORD_CD", y="Y_COORD_CD", lat="LATITUDE", lon="LONGITUDE")
        return parsed


class NypdShootings(Schema):
    name = "nypd-shootings"
    source = "nypd-shootings"
    grouped = True
    required = ("INCIDENT_KEY", "OCCUR_DATE", "PRECINCT")

    def parse(self, row: list[str]) -> Parsed:
        g = self.get
        key = self.key(row, "INCIDENT_KEY")
        day = p.parse_date(g(row, "OCCUR_DATE"), field="OCCUR_DATE")
        if day is None:
            raise RowError("missing_date", "OCCUR_DATE is empty")
        clock = p.parse_time(g(row, "OCCUR_TIME"), field="OCCUR_TIME")
        values = _incident_values(
            source=self.source,
            source_key=key,
            kind=IncidentKind.SHOOTING,
            occurred_from=p.combine(day, clock, tz=NEW_YORK),
            occurred_date=day,
            compstat_category=cats.SHOOTING_INCIDENTS,
            fatal=p.parse_flag(g(row, "STATISTICAL_MURDER_FLAG"), field="STATISTICAL_MURDER_FLAG"),
            victim_age_group=p.text(g(row, "VIC_AGE_GROUP"), 20),
            victim_race=p.text(g(row, "VIC_RACE"), 40),
            victim_sex=p.text(g(row, "VIC_SEX"), 10),
            suspect_age_group=p.text(g(row, "PERP_AGE_GROUP"), 20),
            suspect_race=p.text(g(row, "PERP_RACE"), 40),
            suspect_sex=p.text(g(row, "PERP_SEX"), 10),
            reported_precinct=p.parse_precinct(g(row, "PRECINCT"), field="PRECINCT"),
            borough=p.text(g(row, "BORO"), 20),
            premises=p.text(g(row, "LOCATION_DESC"), 100),
            location_description=p.text(g(row, "LOC_OF_OCCUR_DESC"), 100),
        )
        parsed = Parsed(key=key, values=values)
        self.location(row, parsed, x="X_COORD_CD", y="Y_COORD_CD", lat="LATITUDE", lon="LONGITUDE")
        return parsed

    group_column = "INCIDENT_KEY"

    def _fatal(self, row: list[str]) -> bool:
        try:
            return bool(p.parse_flag(self.get(row, "STATISTICAL_MURDER_FLAG")))
        except RowError:
            return False

    def group_start(self, row: list[str]) -> list[Any]:
        return [1, self._fatal(row)]

    def group_add(self, state: list[Any], row: list[str]) -> None:
        state[0] += 1
        state[1] = state[1] or self._fatal(row)

    def group_apply(self, parsed: Parsed, state: list[Any]) -> None:
        # One row per victim (2006-2018 file: per victim/perpetrator pair): count the rows.
        # The murder flag can differ between rows of an incident: fatal if any row says so.
        parsed.values["victim_count"] = min(state[0], 32767)
        parsed.values["fatal"] = state[1]


class NypdHateCrimes(Schema):
    name = "nypd-hate-crimes"
    source = "nypd-hate-crimes"
    grouped = True
    required = (
        "FULL COMPLAINT ID",
        "COMPLAINT YEAR NUMBER",
        "MONTH NUMBER",
        "COMPLAINT PRECINCT CODE",
        "OFFENSE DESCRIPTION",
        "BIAS MOTIVE DESCRIPTION",
    )
    aliases = {
        "FULL COMPLAINT ID": ("FULL_COMPLAINT_ID",),
        "COMPLAINT YEAR NUMBER": ("COMPLAINT_YEAR_NUMBER",),
        "MONTH NUMBER": ("MONTH_NUMBER",),
        "RECORD CREATE DATE": ("RECORD_CREATE_DATE",),
        "COMPLAINT PRECINCT CODE": ("COMPLAINT_PRECINCT_CODE",),
        "OFFENSE DESCRIPTION": ("OFFENSE_DESCRIPTION",),
        "PD CODE DESCRIPTION": ("PD_CODE_DESCRIPTION",),
        "BIAS MOTIVE DESCRIPTION": ("BIAS_MOTIVE_DESCRIPTION",),
        "LAW CODE CATEGORY DESCRIPTION": ("LAW_CODE_CATEGORY_DESCRIPTION",),
    }

    def parse(self, row: list[str]) -> Parsed:
        g = self.get
        key = self.key(row, "FULL COMPLAINT ID")
        year = p.parse_code(g(row, "COMPLAINT YEAR NUMBER"), field="COMPLAINT YEAR NUMBER")
        month = p.parse_code(g(row, "MONTH NUMBER"), field="MONTH NUMBER")
        if year is None or month is None:
            raise RowError("missing_date", "COMPLAINT YEAR NUMBER or MONTH NUMBER is empty")
        if not (p.MIN_YEAR <= year <= p.MAX_YEAR and 1 <= month <= 12):
            raise RowError("bad_date", f"year {year} month {month} is not a month")
        start, end = p.month_bounds(year, month, tz=NEW_YORK)
        created = p.parse_date(g(row, "RECORD CREATE DATE"), field="RECORD CREATE DATE")
        # Only the month of the offence is published. The record's creation day places it
        # within the month when it falls there (it usually does); otherwise the 1st.
        in_month = created is not None and (created.year, created.month) == (year, month)
        values = _incident_values(
            source=self.source,
            source_key=key,
            kind=IncidentKind.HATE_CRIME,
            occurred_from=start,
            occurred_to=end,
            occurred_date=created if in_month else start.date(),
            reported_date=created,
            offense_description=p.text(g(row, "OFFENSE DESCRIPTION"), 100),
            pd_description=p.text(g(row, "PD CODE DESCRIPTION"), 100),
            law_category=p.parse_law_category(g(row, "LAW CODE CATEGORY DESCRIPTION")),
            compstat_category=cats.HATE_CRIMES,
            bias_motive=p.text(g(row, "BIAS MOTIVE DESCRIPTION"), 60),
            reported_precinct=p.parse_precinct(
                g(row, "COMPLAINT PRECINCT CODE"), field="COMPLAINT PRECINCT CODE"
            ),
            borough=BOROUGHS.get(p.clean(g(row, "COUNTY")).upper(), p.text(g(row, "COUNTY"), 20)),
        )
        parsed = Parsed(key=key, values=values)
        if not values["reported_precinct"]:
            raise RowError("missing_location", "no coordinates and no precinct")
        return parsed

    group_column = "FULL COMPLAINT ID"

    def group_start(self, row: list[str]) -> list[Any]:
        motive = p.text(self.get(row, "BIAS MOTIVE DESCRIPTION"), 60)
        return [1, [motive] if motive else []]

    def group_add(self, state: list[Any], row: list[str]) -> None:
        state[0] += 1
        motive = p.text(self.get(row, "BIAS MOTIVE DESCRIPTION"), 60)
        if motive and motive not in state[1]:
            state[1].append(motive)

    def group_apply(self, parsed: Parsed, state: list[Any]) -> None:
        # One complaint with several bias motives has one row per motive: join them.
        parsed.values["bias_motive"] = "; ".join(sorted(state[1]))[:60]


# --- generic -------------------------------------------------------------------------------

MAPPING_KEYS = {
    "id": "column(s) whose values identify a record across re-imports (joined with |)",
    "time": "date and time of occurrence in one column",
    "date": "date of occurrence (with time_of_day for the time)",
    "time_of_day": "time of occurrence",
    "year": "year of occurrence (month-level sources)",
    "month": "month of occurrence, 1-12 (with year)",
    "reported": "date (and time) of the report",
    "x": "x / easting / longitude",
    "y": "y / northing / latitude",
    "crs": "CRS of x/y (a value, not a column), default EPSG:4326",
    "offense": "offence description",
    "ky_cd": "NYPD-style offence key code",
    "pd_cd": "NYPD-style internal code",
    "law_category": "felony/misdemeanor/violation",
    "precinct": "precinct or district",
    "address": "address or block",
    "premises": "premises type",
    "count": "number of crimes the row stands for (expanded into that many records)",
    "source": "name of the data set (a value): records are identified by (source, id)",
    "date_format": "strptime format for time/date/reported (a value), when not ISO or MM/DD/YYYY",
    "timezone": "IANA time zone of local times (a value), default the platform's",
}
_VALUE_KEYS = frozenset({"crs", "source", "date_format", "timezone"})


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of another city's CSV holds what; see :data:`MAPPING_KEYS`."""

    id: tuple[str, ...] = ()
    time: str = ""
    date: str = ""
    time_of_day: str = ""
    year: str = ""
    month: str = ""
    reported: str = ""
    x: str = ""
    y: str = ""
    crs: str = WGS84
    offense: str = ""
    ky_cd: str = ""
    pd_cd: str = ""
    law_category: str = ""
    precinct: str = ""
    address: str = ""
    premises: str = ""
    count: str = ""
    source: str = "generic"
    date_format: str = ""
    timezone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ColumnMapping:
        unknown = sorted(set(raw) - set(MAPPING_KEYS))
        if unknown:
            raise ImportFileError(
                f"unknown mapping key(s) {', '.join(unknown)}; known: {', '.join(MAPPING_KEYS)}"
            )
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if name == "id":
                ids = [value] if isinstance(value, str) else value
                if (
                    not isinstance(ids, list | tuple)
                    or not ids
                    or not all(isinstance(v, str) and v.strip() for v in ids)
                ):
                    raise ImportFileError(
                        "mapping key 'id' must be a column name or a list of them"
                    )
                values["id"] = tuple(v.strip() for v in ids)
            elif not isinstance(value, str):
                raise ImportFileError(f"mapping key {name!r} must be a string, got {value!r}")
            else:
                values[name] = value.strip()
        mapping = cls(**values)
        mapping.validate()
        return mapping

    @classmethod
    def from_option(cls, text: str) -> ColumnMapping:
        """``id=case_no,time=date,x=lon,y=lat,offense=type`` (``id=a+b`` for a composite key)."""
        raw: dict[str, Any] = {}
        for part in text.split(","):
            if not part.strip():
                continue
            name, sep, value = part.partition("=")
            if not sep or not value.strip():
                raise ImportFileError(
                    f"--columns item {part.strip()!r} must look like name=COLUMN, "
                    "e.g. --columns id=case,time=date,x=lon,y=lat,offense=type"
                )
            name = name.strip().lower()
            raw[name] = value.strip().split("+") if name == "id" else value.strip()
        return cls.from_dict(raw)

    @classmethod
    def from_file(cls, path: str | Path) -> ColumnMapping:
        """A TOML (``[columns]`` table, or top level) or JSON mapping file."""
        p_ = Path(path)
        try:
            content = p_.read_text(encoding="utf-8")
        except OSError as exc:
            raise ImportFileError(f"cannot read mapping file {p_}: {exc.strerror or exc}") from None
        try:
            raw = json.loads(content) if p_.suffix == ".json" else tomllib.loads(content)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ImportFileError(f"mapping file {p_.name} is not valid: {exc}") from None
        if not isinstance(raw, dict):
            raise ImportFileError(f"mapping file {p_.name} must hold a table of name = COLUMN")
        merged = {k: v for k, v in raw.items() if k not in ("columns", "description")}
        merged.update(raw.get("columns") or {})
        return cls.from_dict(merged)

    def validate(self) -> None:
        if not (self.time or self.date or (self.year and self.month)):
            raise ImportFileError(
                "the column mapping needs time=COLUMN (or date=COLUMN, or year= and month=)"
            )
        if bool(self.x) != bool(self.y):
            raise ImportFileError("the column mapping needs both x= and y=, or neither")
        if not (self.offense or self.ky_cd):
            raise ImportFileError("the column mapping needs offense=COLUMN (or ky_cd=COLUMN)")
        if not (self.x or self.precinct):
            raise ImportFileError("the column mapping needs x= and y= or precinct=")
        try:
            parse_crs(self.crs)
        except GeoError as exc:
            raise ImportFileError(f"crs {self.crs!r} in the column mapping: {exc}") from None
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ImportFileError(f"unknown time zone {self.timezone!r}") from None
        if not self.source or len(self.source) > 40:
            raise ImportFileError("source in the column mapping must be 1-40 characters")

    def columns(self) -> tuple[str, ...]:
        named = [
            getattr(self, f.name)
            for f in fields(self)
            if f.name not in _VALUE_KEYS and f.name not in ("id", "extra")
        ]
        return tuple(self.id) + tuple(c for c in named if c)


class Generic(Schema):
    """Any city's incident CSV; the mapping says which column is which."""

    name = "generic"
    check_nyc = False

    def __init__(self, mapping: ColumnMapping, *, default_tz: str) -> None:
        super().__init__()
        self.mapping = mapping
        self.source = mapping.source
        self.crs = mapping.crs
        self.tz = ZoneInfo(mapping.timezone or default_tz)

    def columns_needed(self) -> tuple[str, ...]:
        return tuple(c.upper() for c in self.mapping.columns())

    def _col(self, row: list[str], name: str) -> str:
        column = getattr(self.mapping, name)
        return self.get(row, column.upper()) if column else ""

    def _when(self, value: str, field_name: str) -> datetime | None:
        fmt = self.mapping.date_format
        if fmt and p.clean(value):
            try:
                parsed = datetime.strptime(p.clean(value), fmt)
            except ValueError:
                raise RowError(
                    "bad_date", f"{field_name} {p.clean(value)[:40]!r} does not match {fmt!r}"
                ) from None
            return parsed.replace(tzinfo=self.tz) if parsed.tzinfo is None else parsed
        return p.parse_datetime(value, tz=self.tz, field=field_name)

    def parse(self, row: list[str]) -> Parsed:
        m = self.mapping
        if m.id:
            parts = [p.clean(self.get(row, c.upper())) for c in m.id]
            if not any(parts):
                raise RowError("missing_key", f"{'+'.join(m.id)} is empty")
            key = "|".join(parts)
        else:
            key = hashlib.blake2b("\x1f".join(row).encode(), digest_size=16).hexdigest()
        if len(key) > 56:  # leave room for the #n suffix of counted rows
            key = "h:" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
        occurred_from: datetime | None
        occurred_to: datetime | None = None
        if m.time:
            occurred_from = self._when(self._col(row, "time"), m.time)
        elif m.date:
            day = p.parse_date(self._col(row, "date"), field=m.date)
            clock = p.parse_time(self._col(row, "time_of_day"), field=m.time_of_day or "time")
            occurred_from = p.combine(day, clock, tz=self.tz)
        else:
            year = p.parse_code(self._col(row, "year"), field=m.year)
            month = p.parse_code(self._col(row, "month"), field=m.month)
            if year is None or month is None:
                occurred_from = None
            elif not (p.MIN_YEAR <= year <= p.MAX_YEAR and 1 <= month <= 12):
                raise RowError("bad_date", f"year {year} month {month} is not a month")
            else:
                occurred_from, occurred_to = p.month_bounds(year, month, tz=self.tz)
        reported = self._when(self._col(row, "reported"), m.reported) if m.reported else None
        if occurred_from is None and reported is None:
            raise RowError("missing_date", "no date of occurrence")
        ky_cd = p.parse_code(self._col(row, "ky_cd"), field=m.ky_cd or "ky_cd")
        pd_cd = p.parse_code(self._col(row, "pd_cd"), field=m.pd_cd or "pd_cd")
        offense = p.text(self._col(row, "offense"), 100)
        if not offense and ky_cd is None:
            raise RowError("missing_offense", f"{m.offense or m.ky_cd} is empty")
        law = p.parse_law_category(self._col(row, "law_category"))
        category = cats.compstat_category(
            ky_cd=ky_cd, pd_cd=pd_cd, ofns_desc=offense, law_cat=law.upper()
        )
        values = _incident_values(
            source=self.source,
            source_key=key,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            occurred_date=_local_date(occurred_from, self.tz),
            reported_at=reported,
            reported_date=_local_date(reported, self.tz),
            ky_cd=ky_cd,
            pd_cd=pd_cd,
            offense_description=offense,
            law_category=law,
            compstat_category=category or "",
            reported_precinct=p.text(self._col(row, "precinct"), 8),
            address=p.text(self._col(row, "address"), 200),
            premises=p.text(self._col(row, "premises"), 100),
        )
        parsed = Parsed(key=key, values=values)
        if m.x:
            parsed.x = p.parse_coordinate(self._col(row, "x"), field=m.x)
            parsed.y = p.parse_coordinate(self._col(row, "y"), field=m.y)
            if parsed.x == 0 and parsed.y == 0:
                # (0, 0) is how many cities' exports say "not geocoded" (St. Louis, Chicago)
                parsed.x = parsed.y = None
            if (parsed.x is None) != (parsed.y is None):
                raise RowError("bad_coordinates", f"only one of {m.x} and {m.y} is given")
            if parsed.x is not None and parsed.y is not None and self.crs == WGS84:
                if not (-180 <= parsed.x <= 180 and -90 <= parsed.y <= 90):
                    raise RowError(
                        "out_of_bounds", f"({parsed.x}, {parsed.y}) is not a longitude/latitude"
                    )
        if parsed.x is None and not values["reported_precinct"]:
            raise RowError("missing_location", "no coordinates and no precinct")
        if m.count:
            count = p.parse_code(self._col(row, "count"), field=m.count)
            if count is None or count < 1:
                raise RowError("bad_value", f"{m.count} must be a whole number of at least 1")
            parsed.count = min(count, 10_000)
        return parsed


def _local_date(moment: datetime | None, tz: ZoneInfo) -> date | None:
    return None if moment is None else moment.astimezone(tz).date()


NYPD_SCHEMAS: dict[str, type[Schema]] = {
    "nypd-complaints": NypdComplaints,
    "nypd-arrests": NypdArrests,
    "nypd-shootings": NypdShootings,
    "nypd-hate-crimes": NypdHateCrimes,
}
SCHEMA_NAMES = (*NYPD_SCHEMAS, "generic")


def schema_for(
    name: str, *, mapping: ColumnMapping | None = None, default_tz: str = "America/New_York"
) -> Schema:
    """The schema called ``name``; ``generic`` needs a mapping."""
    if name == "generic":
        if mapping is None:
            raise ImportFileError(
                "the generic schema needs a column mapping: --columns id=...,time=...,x=...,"
                "y=...,offense=... or --mapping FILE"
            )
        return Generic(mapping, default_tz=default_tz)
    if mapping is not None:
        raise ImportFileError(f"a column mapping is only used with --schema generic, not {name}")
    try:
        return NYPD_SCHEMAS[name]()
    except KeyError:
        raise ImportFileError(
            f"unknown schema {name!r}; choose one of {', '.join(SCHEMA_NAMES)}"
        ) from None
