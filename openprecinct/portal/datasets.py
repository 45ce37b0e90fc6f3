"""Every public dataset of the portal: what it holds, where it comes from, how it is built.

Each builder returns a :class:`~openprecinct.portal.tables.PublicTable` that has been through
:mod:`openprecinct.portal.privacy`; pages, CSV downloads and ``/api/v1/public/`` all call
:func:`table` (cached on a data version), so every route shows the same figures and hides
the same cells. Other apps' figures come from their ``public.py`` modules (contract 5),
imported only when asked for: when one is missing the dataset says so instead of failing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache

from openprecinct.portal import privacy
from openprecinct.portal.privacy import Group, Ledger
from openprecinct.portal.tables import Column, PublicTable

CACHE_SECONDS = 600
MAP_WINDOWS = (28, 91, 365)
DEFAULT_WINDOW = 91


class BadQuery(ValueError):
    """A public query parameter that cannot be used; the message says what to send."""


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    page: str  # URL name of the page that shows it
    source: str
    description: str
    columns: tuple[Column, ...]
    build: Callable[[dict[str, Any]], PublicTable]
    params: tuple[str, ...] = ()


def _precinct() -> str:
    from django.conf import settings

    return str(settings.OPENPRECINCT_PRECINCT)


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


# --------------------------------------------------------------------------- versions


def records_version() -> str:
    """Changes whenever a record is added, changed, deleted or reclassified."""
    from django.db.models import Count, Max

    from openprecinct.records.models import Incident, IncidentRevision

    inc = Incident.objects.aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id"))
    rev = IncidentRevision.objects.aggregate(n=Count("id"), m=Max("id"))
    raw = f"{inc['n']}|{inc['t']}|{inc['m']}|{rev['n']}|{rev['m']}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def content_version(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]


# --------------------------------------------------------------------------- helpers


def _col(key: str, label: str, kind: str, description: str, unit: str = "") -> Column:
    return Column(key, label, kind, description, unit)


def _finish(
    slug: str,
    title: str,
    columns: tuple[Column, ...],
    rows: list[dict[str, Any]],
    ledger: Ledger,
    *,
    groups: list[Group] | None = None,
    measures: dict[str, list[str]] | None = None,
    measure_floor: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> PublicTable:
    counts = [c.key for c in columns if c.kind == "count"]
    privacy.suppress(
        rows,
        counts=counts,
        groups=groups or [],
        measures=measures,
        measure_floor=measure_floor,
        ledger=ledger,
    )
    ledger.log()
    keys = [c.key for c in columns]
    rows = [{k: r.get(k) for k in keys} for r in rows]
    return PublicTable(slug, title, list(columns), rows, notes or [], ledger=ledger.as_dict())


def _unavailable(slug: str, title: str, columns: tuple[Column, ...], module: str) -> PublicTable:
    return PublicTable(
        slug,
        title,
        list(columns),
        [],
        available=False,
        unavailable_reason=(
            f"Not available yet: the {module} figures are not published by this installation "
            "yet. This page will show them as soon as they are."
        ),
    )


APP_CACHE_SECONDS = 60


def app_version(label: str) -> str:
    """Rows and highest id of every table of an app: a new or deleted row shows at once; an
    edit in place shows within :data:`APP_CACHE_SECONDS`."""
    from django.apps import apps
    from django.db.models import Count, Max

    parts = []
    for model in apps.get_app_config(label).get_models():
        agg = model._default_manager.aggregate(n=Count("pk"), m=Max("pk"))
        parts.append((model._meta.label, agg["n"], str(agg["m"])))
    return content_version(parts)


def _from_app(module: str, function: str) -> Callable[[], Any] | None:
    """The app's contract-5 function, its answer cached for a minute (the apps' own tables
    carry no version the portal could key on), or None when the app publishes nothing yet."""
    import importlib

    try:
        mod = importlib.import_module(f"openprecinct.{module}")
    except ImportError:
        return None
    fn = getattr(mod, function, None)
    if fn is None:
        return None

    def cached() -> Any:
        key = f"portal:app:{module}.{function}:{app_version(module.split('.')[0])}"
        raw = cache.get(key)
        if raw is None:
            raw = fn()
            cache.set(key, raw, APP_CACHE_SECONDS)
        return raw

    return cached


# --------------------------------------------------------------------------- CompStat

PERIOD_LABEL = {"wtd": "week", "d28": "28 days", "ytd": "year to date"}

COMPSTAT_COLUMNS = (
    _col("geography", "Area", "dimension", "Precinct number or sector (e.g. 120A)."),
    _col("level", "Level", "dimension", "precinct or sector."),
    _col("category", "Crime", "dimension", "CompStat line (NYPD's classification)."),
    *[
        c
        for p in ("wtd", "d28", "ytd")
        for c in (
            _col(
                f"{p}_current",
                f"{PERIOD_LABEL[p]}: this year",
                "count",
                f"Records in the {PERIOD_LABEL[p]} period ending on the report's Sunday.",
            ),
            _col(
                f"{p}_prior",
                f"{PERIOD_LABEL[p]}: last year",
                "count",
                "Records in the same dates one year earlier.",
            ),
            _col(
                f"{p}_pct_change",
                f"{PERIOD_LABEL[p]}: % change",
                "measure",
                "Percent change from last year; empty when last year was zero.",
                "%",
            ),
        )
    ],
)


def parse_week(value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"week_ending must be a date like 2025-06-29. Got {value!r}.") from None
    if day.weekday() != 6:
        raise BadQuery(
            f"week_ending must be a Sunday (CompStat weeks run Monday to Sunday); "
            f"{day} is a {day:%A}."
        )
    return day


def _compstat_view(params: dict[str, Any]) -> Any:
    from django.contrib.auth.models import AnonymousUser

    from openprecinct.insights.compstat import compstat_view

    return compstat_view(
        user=AnonymousUser(),
        precinct=_precinct(),
        sector="",
        week_ending=params.get("week_ending"),
        today=_today(),
    )


def build_compstat(params: dict[str, Any]) -> PublicTable:
    """The precinct's and every sector's CompStat lines; the sector pages filter this one
    table, so a sector shows exactly the cells the precinct page shows for it."""
    from openprecinct.analytics import categories as cats

    view = _compstat_view(params)
    rows: list[dict[str, Any]] = []
    for report in view.reports:
        for line in report.lines:
            row: dict[str, Any] = {
                "geography": report.geography,
                "level": report.level,
                "category": line.category,
            }
            for p in ("wtd", "d28", "ytd"):
                row[f"{p}_current"] = getattr(line, f"{p}_current")
                row[f"{p}_prior"] = getattr(line, f"{p}_prior")
                pct = getattr(line, f"{p}_pct_change")
                row[f"{p}_pct_change"] = None if pct is None else round(float(pct), 1)
            rows.append(row)
    count_cols = [c.key for c in COMPSTAT_COLUMNS if c.kind == "count"]
    groups = privacy.groups_by(
        rows,
        total_of=lambda r: (r["geography"],) if r["category"] == cats.TOTAL_MAJOR_SEVEN else None,
        part_of=lambda r: (r["geography"],) if r["category"] in cats.MAJOR_SEVEN else None,
        columns=count_cols,
    ) + privacy.groups_by(
        rows,
        total_of=lambda r: (r["category"],) if r["level"] == "precinct" else None,
        part_of=lambda r: (r["category"],) if r["level"] == "sector" else None,
        columns=count_cols,
    )
    measures = {f"{p}_pct_change": [f"{p}_current", f"{p}_prior"] for p in ("wtd", "d28", "ytd")}
    main = view.reports[0]
    table = _finish(
        "compstat",
        f"CompStat, week ending {view.week_ending:%B %-d, %Y}",
        COMPSTAT_COLUMNS,
        rows,
        Ledger("compstat"),
        groups=groups,
        measures=measures,
        notes=[
            f"Week {main.week_start} to {main.week_end}, dated by when the crime occurred.",
            "Approved, unsealed records only. Attempts count as the crime.",
            "An empty cell: the records do not reach back that far, or a % change from zero.",
            *main.notes,
        ],
    )
    table.notes.append(f"week_ending={view.week_ending.isoformat()}")
    return table


TREND_COLUMNS = (
    _col("week_ending", "Week ending", "dimension", "Sunday that ends the CompStat week."),
    _col(
        "major_felonies",
        "Seven major felonies",
        "count",
        "Records of the seven major felonies in the precinct that week.",
    ),
)


def build_trend(params: dict[str, Any]) -> PublicTable:
    """The precinct's seven majors week by week. Its last week is CompStat's week-to-date
    total and its last four weeks add up to CompStat's 28 days, so it is suppressed together
    with the CompStat table: the same status for the same figure, and a complement among the
    other weeks when one of the four is hidden and the 28-day total is shown."""
    from openprecinct.analytics import categories as cats

    view = _compstat_view(params)
    rows = [
        {"week_ending": w.week_end.isoformat(), "major_felonies": int(w.count)} for w in view.trend
    ]
    compstat = table("compstat", params)
    total = next(
        (
            r
            for r in compstat.rows
            if r["level"] == "precinct" and r["category"] == cats.TOTAL_MAJOR_SEVEN
        ),
        None,
    )
    groups: list[Group] = []
    if rows and total is not None:
        last = len(rows) - 1
        weeks = tuple((i, "major_felonies") for i in range(max(last - 3, 0), last + 1))
        groups.append(
            Group(
                None,
                weeks,
                total_known=not privacy.is_hidden(total["d28_current"]),
                locked=((last, "major_felonies"),),
            )
        )
    result = _finish(
        "compstat-trend",
        "Seven major felonies per week, last 52 weeks",
        TREND_COLUMNS,
        rows,
        Ledger("compstat-trend"),
        groups=groups,
    )
    if result.rows and total is not None and privacy.is_hidden(total["wtd_current"]):
        result.rows[-1]["major_felonies"] = total["wtd_current"]
    return result


# --------------------------------------------------------------------------- records, map


def _published_incidents(params: dict[str, Any]) -> tuple[list[Any], date, date]:
    from openprecinct.records.models import Incident

    days = params.get("days", DEFAULT_WINDOW)
    qs = Incident.objects.filter(precinct=_precinct())
    last = params.get("end")
    if last is None:
        newest = qs.filter(is_sealed=False, status="approved").exclude(occurred_date=None)
        last = newest.order_by("-occurred_date").values_list("occurred_date", flat=True).first()
        last = last or _today()
    first = last - timedelta(days=days - 1)
    records = list(
        qs.filter(occurred_date__gte=first, occurred_date__lte=last).only(
            "id",
            "is_sealed",
            "status",
            "compstat_category",
            "kind",
            "fatal",
            "offense_description",
            "pd_description",
            "sector",
            "occurred_from",
            "occurred_date",
            "latitude",
            "longitude",
            "x_m",
            "y_m",
        )
    )
    return records, first, last


def parse_days(value: str | None) -> int:
    if not value:
        return DEFAULT_WINDOW
    if value not in {str(d) for d in MAP_WINDOWS}:
        raise BadQuery(f"days must be one of {', '.join(map(str, MAP_WINDOWS))}. Got {value!r}.")
    return int(value)


def parse_end(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"end must be a date like 2015-06-30. Got {value!r}.") from None


ALL_SECTORS = "Precinct"
ALL_CATEGORIES = "All crimes"

COUNTS_COLUMNS = (
    _col(
        "sector",
        "Sector",
        "dimension",
        f"Sector of the precinct, or '{ALL_SECTORS}' for the whole precinct (including records with no sector).",
    ),
    _col("category", "Crime", "dimension", f"CompStat line, or '{ALL_CATEGORIES}'."),
    _col(
        "incidents",
        "Incidents",
        "count",
        "Published records (every rule except 'none') that occurred in the window.",
    ),
)


def build_counts(params: dict[str, Any]) -> PublicTable:
    records, first, last = _published_incidents(params)
    ledger = Ledger("crime-counts")
    tally: dict[tuple[str, str], int] = {}
    categories: set[str] = set()
    sectors: set[str] = set()
    for record in records:
        decision = privacy.rule_for(record)
        if decision.rule == privacy.NONE:
            ledger.record(decision.rule, decision.reason)
            continue
        category = record.compstat_category
        sector = record.sector or "no sector"
        categories.add(category)
        sectors.add(sector)
        for key in (
            (sector, category),
            (ALL_SECTORS, category),
            (sector, ALL_CATEGORIES),
            (ALL_SECTORS, ALL_CATEGORIES),
        ):
            tally[key] = tally.get(key, 0) + 1
    from openprecinct.analytics.categories import category_sort_key

    rows = []
    for sector in [ALL_SECTORS, *sorted(sectors)]:
        for category in [ALL_CATEGORIES, *sorted(categories, key=category_sort_key)]:
            rows.append(
                {
                    "sector": sector,
                    "category": category,
                    "incidents": tally.get((sector, category), 0),
                }
            )
    groups = privacy.groups_by(
        rows,
        total_of=lambda r: ("s", r["sector"]) if r["category"] == ALL_CATEGORIES else None,
        part_of=lambda r: ("s", r["sector"]) if r["category"] != ALL_CATEGORIES else None,
        columns=["incidents"],
    ) + privacy.groups_by(
        rows,
        total_of=lambda r: ("c", r["category"]) if r["sector"] == ALL_SECTORS else None,
        part_of=lambda r: ("c", r["category"]) if r["sector"] != ALL_SECTORS else None,
        columns=["incidents"],
    )
    return _finish(
        "crime-counts",
        f"Crimes by sector, {first:%b %-d, %Y} to {last:%b %-d, %Y}",
        COUNTS_COLUMNS,
        rows,
        ledger,
        groups=groups,
        notes=[
            f"{params.get('days', DEFAULT_WINDOW)} days ending on "
            + ("the chosen date." if params.get("end") else "the newest record's date.")
        ],
    )


POINT_COLUMNS = (
    _col(
        "id",
        "Point",
        "dimension",
        "Opaque identifier of the published point (not the report number).",
    ),
    _col("category", "Crime", "dimension", "CompStat line of the record's current classification."),
    _col("sector", "Sector", "dimension", "Sector the record is in (from its true location)."),
    _col("date", "Date", "dimension", "Date it occurred (local)."),
    _col("hour", "Hour", "dimension", "Hour it occurred, rounded down; empty for offset points."),
    _col(
        "precision",
        "Placed",
        "dimension",
        "'block': snapped to the centre of its 100 m square; 'offset': moved 100-250 m in a fixed random direction.",
    ),
    _col("longitude", "Longitude", "measure", "WGS84, of the published (moved) point."),
    _col("latitude", "Latitude", "measure", "WGS84, of the published (moved) point."),
)


def map_points(params: dict[str, Any]) -> dict[str, Any]:
    """The map's points as GeoJSON, after the record rules. Sensitive records never appear."""
    version = f"{records_version()}|{_today()}"
    key = "portal:points:" + content_version(
        [params.get("days", DEFAULT_WINDOW), params.get("end"), version]
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_xy

    records, first, last = _published_incidents(params)
    ledger = Ledger("map-points")
    chosen: list[tuple[Any, str, float, float]] = []
    for record in records:
        decision = privacy.rule_for(record)
        if decision.rule in (privacy.NONE, privacy.COUNTS):
            ledger.record(decision.rule, decision.reason)
            continue
        x, y = record.x_m, record.y_m
        if (
            (x is None or y is None)
            and record.latitude is not None
            and record.longitude is not None
        ):
            xs, ys = transform_xy(
                [record.longitude], [record.latitude], src_crs=WGS84, dst_crs=ANALYSIS_CRS
            )
            x, y = float(xs[0]), float(ys[0])
        if x is None or y is None:
            ledger.record("no point", "no location")
            continue
        mx, my = privacy.mask_xy(decision.rule, record.pk, x, y)
        chosen.append((record, decision.rule, mx, my))
        ledger.record(decision.rule, "snapped" if decision.rule == privacy.BLOCK else "moved")
    features = []
    if chosen:
        lon, lat = transform_xy(
            [c[2] for c in chosen], [c[3] for c in chosen], src_crs=ANALYSIS_CRS, dst_crs=WGS84
        )
        for (record, rule, _, _), lo, la in zip(chosen, lon, lat, strict=True):
            when = privacy.coarse_time(rule, record.occurred_from)
            if not when["date"] and record.occurred_date:
                when["date"] = record.occurred_date.isoformat()
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(lo), 6), round(float(la), 6)],
                    },
                    "properties": {
                        "id": privacy.public_id(record.pk),
                        "category": record.compstat_category,
                        "sector": record.sector,
                        "date": when["date"],
                        "hour": when["hour"],
                        "precision": rule,
                    },
                }
            )
    features.sort(key=lambda f: (f["properties"]["date"], f["properties"]["id"]))
    ledger.log()
    result = {
        "type": "FeatureCollection",
        "name": "portal-map-points",
        "window": {"first": first.isoformat(), "last": last.isoformat()},
        "features": features,
        "privacy": ledger.as_dict(),
    }
    cache.set(key, result, CACHE_SECONDS)
    return result


# --------------------------------------------------------------------------- revisions

REVISION_COLUMNS = (
    _col("year", "Year", "dimension", "Year the classification was changed."),
    _col("from_category", "From", "dimension", "Category before the change."),
    _col(
        "to_category",
        "To",
        "dimension",
        "Category after the change; 'unfounded or voided' when the record no longer counts as a crime.",
    ),
    _col(
        "change",
        "Change",
        "dimension",
        "downgrade (to a less serious class), upgrade, same class, or unfounded.",
    ),
    _col("records", "Records", "count", "Records reclassified this way that year."),
)


def build_revisions(params: dict[str, Any]) -> PublicTable:
    from django.utils import timezone

    from openprecinct.analytics.compstat_stats import severity_rank
    from openprecinct.records.models import IncidentRevision

    ledger = Ledger("revisions")
    revisions = IncidentRevision.objects.filter(incident__precinct=_precinct()).select_related(
        "incident"
    )
    tally: dict[tuple[int, str, str, str], int] = {}
    for rev in revisions.only(
        "at", "old_category", "new_category", "incident__is_sealed", "incident__status"
    ):
        if rev.old_category == rev.new_category:
            continue
        if rev.incident.is_sealed or rev.incident.status != "approved":
            ledger.record(privacy.NONE, "sealed or unapproved record")
            continue
        before, after = rev.old_category or "", rev.new_category or ""
        if not after:
            change = "unfounded"
        else:
            step = severity_rank(after) - severity_rank(before)
            change = "downgrade" if step < 0 else ("upgrade" if step > 0 else "same class")
        key = (
            timezone.localtime(rev.at).year,
            before or "(none)",
            after or "unfounded or voided",
            change,
        )
        tally[key] = tally.get(key, 0) + 1
    rows = [
        {"year": y, "from_category": a, "to_category": b, "change": c, "records": n}
        for (y, a, b, c), n in sorted(tally.items(), key=lambda kv: (-kv[0][0], kv[0][1:]))
    ]
    return _finish(
        "revisions",
        "Reclassified and unfounded incidents",
        REVISION_COLUMNS,
        rows,
        ledger,
        notes=[
            "CompStat and the map count each record in its current category; this table shows how many moved."
        ],
    )


# --------------------------------------------------------------------------- other apps


def _app_table(
    slug: str,
    title: str,
    columns: tuple[Column, ...],
    module: str,
    function: str,
    *,
    extract: Callable[[Any], list[dict[str, Any]]] = lambda raw: list(raw),
    prepare: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] = lambda rows: rows,
    **rules: Any,
) -> PublicTable:
    fn = _from_app(module, function)
    if fn is None:
        return _unavailable(slug, title, columns, module.split(".")[0])
    raw = [dict(r) for r in extract(fn())]
    rows = prepare(raw)
    return _finish(slug, title, columns, rows, Ledger(slug), **rules)


RESPONSE_COLUMNS = (
    _col("month", "Month", "dimension", "YYYY-MM, by when the call was received."),
    _col("priority", "Priority", "dimension", "critical, serious, non_critical, or all calls."),
    _col("calls", "Calls", "count", "Calls with a unit dispatched and arrived."),
    _col(
        "dispatch_median_s",
        "Dispatch (median s)",
        "measure",
        "§14-149 dispatch time: call entry to a unit assigned, median seconds.",
        "s",
    ),
    _col(
        "travel_median_s",
        "Travel (median s)",
        "measure",
        "§14-149 travel time: unit assigned to first unit arrived, median seconds.",
        "s",
    ),
    _col(
        "response_median_s",
        "Response (median s)",
        "measure",
        "Dispatch plus travel time, median seconds.",
        "s",
    ),
    _col(
        "response_p90_s",
        "Response (90th pct s)",
        "measure",
        "Nine calls in ten were answered within this many seconds.",
        "s",
    ),
)
_RESPONSE_MEASURES = ["dispatch_median_s", "travel_median_s", "response_median_s", "response_p90_s"]


def build_response_times(params: dict[str, Any]) -> PublicTable:
    def groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r["month"], r["priority"] != "all", r["priority"]))

    fn = _from_app("dispatch.public", "response_times")
    if fn is None:
        return _unavailable("response-times", "Response times", RESPONSE_COLUMNS, "dispatch")
    rows = groups([dict(r) for r in fn()])
    table_ = _finish(
        "response-times",
        "Response times (NYC Admin. Code §14-149)",
        RESPONSE_COLUMNS,
        rows,
        Ledger("response-times"),
        groups=privacy.groups_by(
            rows,
            total_of=lambda r: (r["month"],) if r["priority"] == "all" else None,
            part_of=lambda r: (r["month"],) if r["priority"] != "all" else None,
            columns=["calls"],
        ),
        # a median is not computed from the count, so a count hidden only to protect another
        # (complementary) leaves its medians; a small or suppressed count withholds them
        measure_floor=dict.fromkeys(_RESPONSE_MEASURES, "calls"),
    )
    table_.notes.extend(_dispatch_notes())
    return table_


def _dispatch_notes() -> list[str]:
    """Say so when the calls include the demo's generated ones (no real 911 data ships)."""
    try:
        from openprecinct.dispatch.models import Call
    except ImportError:
        return []
    if Call.objects.filter(is_generated=True).exists():
        return [
            "Includes generated demo calls: OpenPrecinct ships no real 911 records, so the "
            "demo calls are simulated from the precinct's real crime records."
        ]
    return []


CALLS_COLUMNS = (
    _col("month", "Month", "dimension", "YYYY-MM, by when the call was received."),
    _col("sector", "Sector", "dimension", "Sector of the call's location."),
    _col("call_type", "Type of call", "dimension", "Type of call as finally classified."),
    _col("calls", "Calls", "count", "Calls for service."),
)


def build_calls(params: dict[str, Any]) -> PublicTable:
    result = _app_table(
        "calls-for-service",
        "Calls for service",
        CALLS_COLUMNS,
        "dispatch.public",
        "calls_for_service",
        prepare=lambda rows: sorted(rows, key=lambda r: (r["month"], r["sector"], r["call_type"])),
    )
    if result.available:
        result.notes.extend(_dispatch_notes())
    return result


COMPLAINT_COLUMNS = (
    _col("year", "Year", "dimension", "Year the complaint was received."),
    _col(
        "fado_type",
        "Type (FADO)",
        "dimension",
        "Force, Abuse of authority, Discourtesy, Offensive language (CCRB's categories).",
    ),
    _col("outcome", "Outcome", "dimension", "Finding or status of the allegation."),
    _col("allegations", "Allegations", "count", "Allegations (a complaint can hold several)."),
)
CLOSE_COLUMNS = (
    _col("year", "Year", "dimension", "Year the complaints were closed."),
    _col("closed", "Closed", "count", "Complaints closed."),
    _col(
        "median_days",
        "Median days to close",
        "measure",
        "Half were closed within this many days of being received.",
        "days",
    ),
    _col(
        "closed_within_18_months",
        "Within 18 months",
        "count",
        "Closed within 18 months (the limit for most discipline, Civil Service Law §75).",
    ),
    _col("closed_after_18_months", "After 18 months", "count", "Closed after 18 months."),
)
FORCE_COLUMNS = (
    _col("year", "Year", "dimension", "Year of the incident."),
    _col(
        "level",
        "Level",
        "dimension",
        "Force level 1 (least) to 4 (deadly), NYPD Patrol Guide 221-03.",
    ),
    _col("incidents", "Incidents", "count", "Force incidents at that level."),
)
RECOMMENDATION_COLUMNS = (
    _col("number", "No.", "dimension", "The committee's recommendation number."),
    _col("date", "Date", "dimension", "Date made."),
    _col("kind", "Kind", "dimension", "case (about one case) or policy."),
    _col("summary", "Recommendation", "text", "What the committee recommended."),
    _col("response", "Department's answer", "dimension", "accept, partly, reject or pending."),
    _col("response_reason", "Reason given", "text", "The department's reason."),
    _col("response_date", "Answered", "dimension", "Date of the answer."),
    _col("implementation", "Implementation", "text", "What has been done."),
)
TRAINING_COLUMNS = (
    _col("course", "Course", "dimension", "Required course."),
    _col("command", "Command", "dimension", "Command (precinct or unit)."),
    _col("required", "Required", "count", "Members required to take the course."),
    _col("compliant", "Up to date", "count", "Members whose training is current."),
    _col("not_compliant", "Not up to date", "count", "Required minus up to date."),
    _col("compliant_share", "% up to date", "measure", "Up to date as a share of required.", "%"),
)
MEETING_COLUMNS = (
    _col("month", "Month", "dimension", "YYYY-MM."),
    _col(
        "kind",
        "Kind",
        "dimension",
        "Kind of meeting (build-the-block, precinct council, town hall...).",
    ),
    _col(
        "meetings",
        "Meetings",
        "public_count",
        "Public meetings held (public events: not suppressed).",
    ),
    _col(
        "attendees",
        "Attendees",
        "public_count",
        "People who attended (head count at a public meeting).",
    ),
)
PROBLEM_COLUMNS = (
    _col("month", "Month", "dimension", "YYYY-MM."),
    _col(
        "raised",
        "Problems raised",
        "public_count",
        "Neighbourhood problems raised at meetings or online.",
    ),
    _col("solved", "Problems solved", "public_count", "Problems marked solved that month."),
)
SURVEY_COLUMNS = (
    _col("period", "Period", "dimension", "Survey period."),
    _col("question", "Question", "dimension", "Question asked."),
    _col("responses", "Responses", "count", "People who answered."),
    _col("agree_share", "% agree", "measure", "Share who agreed or strongly agreed.", "%"),
)


def build_complaints(params: dict[str, Any]) -> PublicTable:
    return _app_table(
        "complaints",
        "Civilian complaints by type and outcome",
        COMPLAINT_COLUMNS,
        "accountability.public",
        "complaints_by_type_and_outcome",
        prepare=lambda rows: sorted(
            rows, key=lambda r: (-int(r["year"]), str(r["fado_type"]), str(r["outcome"]))
        ),
    )


def build_time_to_close(params: dict[str, Any]) -> PublicTable:
    def prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in rows:
            r["closed_after_18_months"] = int(r["closed"]) - int(r["closed_within_18_months"])
            if r.get("median_days") is not None:
                r["median_days"] = round(float(r["median_days"]), 1)
        return sorted(rows, key=lambda r: -int(r["year"]))

    fn = _from_app("accountability.public", "time_to_close")
    if fn is None:
        return _unavailable(
            "time-to-close", "Time to close complaints", CLOSE_COLUMNS, "accountability"
        )
    rows = prepare([dict(r) for r in fn()])
    return _finish(
        "time-to-close",
        "Time to close complaints",
        CLOSE_COLUMNS,
        rows,
        Ledger("time-to-close"),
        groups=[
            Group((i, "closed"), ((i, "closed_within_18_months"), (i, "closed_after_18_months")))
            for i in range(len(rows))
        ],
        measures={"median_days": ["closed"]},
        measure_floor={"median_days": "closed"},
    )


def build_force(params: dict[str, Any]) -> PublicTable:
    return _app_table(
        "use-of-force",
        "Use of force by level",
        FORCE_COLUMNS,
        "accountability.public",
        "force_by_level",
        prepare=lambda rows: sorted(rows, key=lambda r: (-int(r["year"]), int(r["level"]))),
    )


def build_recommendations(params: dict[str, Any]) -> PublicTable:
    return _app_table(
        "recommendations",
        "Oversight committee recommendations and the department's answers",
        RECOMMENDATION_COLUMNS,
        "oversight.public",
        "recommendations",
        prepare=lambda rows: sorted(rows, key=lambda r: str(r["date"]), reverse=True),
    )


def build_training(params: dict[str, Any]) -> PublicTable:
    def prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in rows:
            r["not_compliant"] = int(r["required"]) - int(r["compliant"])
            r["compliant_share"] = (
                round(100.0 * int(r["compliant"]) / int(r["required"]), 1)
                if int(r["required"])
                else None
            )
        return sorted(rows, key=lambda r: (str(r["course"]), str(r["command"])))

    fn = _from_app("personnel.public", "training_compliance")
    if fn is None:
        return _unavailable("training", "Training compliance", TRAINING_COLUMNS, "personnel")
    rows = prepare([dict(r) for r in fn()])
    return _finish(
        "training",
        "Training compliance",
        TRAINING_COLUMNS,
        rows,
        Ledger("training"),
        groups=[
            Group((i, "required"), ((i, "compliant"), (i, "not_compliant")))
            for i in range(len(rows))
        ],
        measures={"compliant_share": ["compliant", "required"]},
        measure_floor={"compliant_share": "required"},
    )


def _community(part: str) -> Callable[[Any], list[dict[str, Any]]]:
    return lambda raw: list((raw or {}).get(part, []))


def build_meetings(params: dict[str, Any]) -> PublicTable:
    return _app_table(
        "community-meetings",
        "Community meetings",
        MEETING_COLUMNS,
        "community.public",
        "community_outcomes",
        extract=_community("meetings"),
        prepare=lambda rows: sorted(rows, key=lambda r: (r["month"], r["kind"])),
    )


def build_problems(params: dict[str, Any]) -> PublicTable:
    return _app_table(
        "community-problems",
        "Problems raised and solved",
        PROBLEM_COLUMNS,
        "community.public",
        "community_outcomes",
        extract=_community("problems"),
        prepare=lambda rows: sorted(rows, key=lambda r: r["month"]),
    )


def build_survey(params: dict[str, Any]) -> PublicTable:
    def prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in rows:
            if r.get("agree_share") is not None:
                share = float(r["agree_share"])
                r["agree_share"] = round(share * 100, 1)
        return sorted(rows, key=lambda r: (str(r["period"]), str(r["question"])))

    return _app_table(
        "community-survey",
        "Community survey",
        SURVEY_COLUMNS,
        "community.public",
        "community_outcomes",
        extract=_community("survey"),
        prepare=prepare,
        measures={"agree_share": ["responses"]},
        measure_floor={"agree_share": "responses"},
    )


# --------------------------------------------------------------------------- registry

_RECORDS = "OpenPrecinct records (approved, unsealed)"
DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            "compstat",
            "CompStat: precinct and sectors",
            "portal:compstat",
            _RECORDS,
            "Weekly CompStat lines: week, 28 days and year to date against the same dates last year.",
            COMPSTAT_COLUMNS,
            build_compstat,
            ("week_ending",),
        ),
        Dataset(
            "compstat-trend",
            "Seven major felonies per week",
            "portal:compstat",
            _RECORDS,
            "Weekly count of the seven major felonies in the precinct, last 52 weeks.",
            TREND_COLUMNS,
            build_trend,
            ("week_ending",),
        ),
        Dataset(
            "crime-counts",
            "Crimes by sector (map table)",
            "portal:map",
            _RECORDS,
            "Published records by sector and CompStat line in the map's window.",
            COUNTS_COLUMNS,
            build_counts,
            ("days",),
        ),
        Dataset(
            "map-points",
            "Crime map points (GeoJSON)",
            "portal:map",
            _RECORDS,
            "One point per record whose rule allows a point, moved as the rules say.",
            POINT_COLUMNS,
            lambda p: PublicTable("map-points", "", list(POINT_COLUMNS)),
            ("days",),
        ),
        Dataset(
            "revisions",
            "Reclassified and unfounded incidents",
            "portal:revisions",
            _RECORDS,
            "Changes of classification by year, from and to, with their direction.",
            REVISION_COLUMNS,
            build_revisions,
        ),
        Dataset(
            "response-times",
            "Response times",
            "portal:response_times",
            "dispatch (computer-aided dispatch)",
            "Median dispatch, travel and response time per month and priority (NYC Admin. Code §14-149).",
            RESPONSE_COLUMNS,
            build_response_times,
        ),
        Dataset(
            "calls-for-service",
            "Calls for service",
            "portal:calls",
            "dispatch (computer-aided dispatch)",
            "Calls per month, sector and type.",
            CALLS_COLUMNS,
            build_calls,
        ),
        Dataset(
            "complaints",
            "Civilian complaints",
            "portal:accountability",
            "accountability",
            "Allegations by year, FADO type and outcome.",
            COMPLAINT_COLUMNS,
            build_complaints,
        ),
        Dataset(
            "time-to-close",
            "Time to close complaints",
            "portal:accountability",
            "accountability",
            "Complaints closed per year, median days and share within 18 months.",
            CLOSE_COLUMNS,
            build_time_to_close,
        ),
        Dataset(
            "use-of-force",
            "Use of force",
            "portal:accountability",
            "accountability",
            "Force incidents by year and level.",
            FORCE_COLUMNS,
            build_force,
        ),
        Dataset(
            "recommendations",
            "Oversight recommendations",
            "portal:accountability",
            "oversight committee",
            "Every recommendation and the department's answer.",
            RECOMMENDATION_COLUMNS,
            build_recommendations,
        ),
        Dataset(
            "training",
            "Training compliance",
            "portal:training",
            "personnel",
            "Members required and up to date per course and command.",
            TRAINING_COLUMNS,
            build_training,
        ),
        Dataset(
            "community-meetings",
            "Community meetings",
            "portal:community_outcomes",
            "community",
            "Meetings and attendance per month and kind.",
            MEETING_COLUMNS,
            build_meetings,
        ),
        Dataset(
            "community-problems",
            "Problems raised and solved",
            "portal:community_outcomes",
            "community",
            "Neighbourhood problems raised and solved per month.",
            PROBLEM_COLUMNS,
            build_problems,
        ),
        Dataset(
            "community-survey",
            "Community survey",
            "portal:community_outcomes",
            "community",
            "Answers per survey period and question.",
            SURVEY_COLUMNS,
            build_survey,
        ),
    )
}
TABLE_SLUGS = tuple(s for s in DATASETS if s != "map-points")


def parse_params(slug: str, query: Any) -> dict[str, Any]:
    spec = DATASETS[slug]
    params: dict[str, Any] = {}
    if "week_ending" in spec.params:
        params["week_ending"] = parse_week(query.get("week_ending"))
    if "days" in spec.params:
        params["days"] = parse_days(query.get("days"))
        params["end"] = parse_end(query.get("end"))
    return params


_RECORD_SLUGS = {"compstat", "compstat-trend", "crime-counts", "revisions"}


def table(slug: str, params: dict[str, Any] | None = None) -> PublicTable:
    """The public table ``slug`` for ``params``, cached on the data's version.

    Record-based tables are keyed on :func:`records_version` and today's date; the other
    apps' tables on a hash of the raw rows their ``public.py`` returned (cheap aggregates),
    so a change anywhere shows at once and an unchanged dataset is not rebuilt.
    """
    params = dict(params or {})
    spec = DATASETS[slug]
    if slug in _RECORD_SLUGS:
        version = f"{records_version()}|{_today()}"
        key = "portal:table:" + content_version([slug, sorted(params.items()), version])
        result = cache.get(key)
        if result is None:
            result = spec.build(params)
            result.version = version
            cache.set(key, result, CACHE_SECONDS)
        return result
    result = spec.build(params)
    result.version = content_version(result.to_json()["rows"])
    return result
