"""Hotspots and short-term forecasts for the analyst's page: records in, map layers out.

The forecasting itself is the analytics library's (``make_method``, ``gi_star``); this module
only turns the records of one precinct into its plain inputs and the result into GeoJSON.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from shapely.geometry import mapping, shape

from openprecinct.accounts import permissions as perms
from openprecinct.analytics import categories as cats
from openprecinct.analytics.backtest import backtest, make_periods
from openprecinct.analytics.bias import (
    CENSUS_GROUPS,
    census_2020,
    exposure_by_group,
    feedback_loop_on_counts,
    flag_share_audit,
    is_discretionary,
)
from openprecinct.analytics.forecast import Events, Period, gi_star, make_method
from openprecinct.analytics.forecast.base import datetime64_from_days, days_from_datetime64
from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS
from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_geometry
from openprecinct.analytics.grid import Grid, make_grid
from openprecinct.core.geography import boundaries_geojson
from openprecinct.records.models import Incident, ReportStatus

MAJORS = "Seven major felonies"
HORIZONS = {"day": 1, "week": 7, "month": 28}
COVERAGE = 0.05  # share of the precinct's cells flagged, as in the backtests


class AnalysisError(ValueError):
    """A request the page can't answer; the message says what to change."""


@dataclass(frozen=True)
class HotspotMap:
    precinct: str
    category: str
    method: str
    cell_size: float
    horizon: str
    period_start: date
    period_end: date
    events: int
    cells: int
    flagged: int
    fit_seconds: float
    layers: dict[str, Any]
    top_cells: list[dict[str, Any]]
    warning: str
    expected_all: tuple[float, ...] = ()
    ranking_all: tuple[int, ...] = ()
    params: dict[str, Any] | None = None
    data_start: date | None = None
    includes_sealed: bool = False
    data_version: str = ""
    grid_digest: str = ""


def category_choices() -> list[str]:
    return [MAJORS, *cats.MAJOR_SEVEN, cats.SHOOTING_INCIDENTS, cats.HATE_CRIMES]


def _area(precinct: str) -> Any:
    features = [
        f
        for f in boundaries_geojson(precinct=precinct)["features"]
        if f["properties"]["kind"] == "precinct"
    ]
    if not features:
        raise AnalysisError(f"There are no bundled boundaries for precinct {precinct}.")
    return transform_geometry(shape(features[0]["geometry"]), src_crs=WGS84, dst_crs=ANALYSIS_CRS)


def _incidents(
    *,
    sealed: bool,
    precinct: str | list[str],
    category: str,
    before: date,
    start: date | None = None,
) -> Any:
    """Approved, located reports of a category (or the seven majors) occurring before ``before``."""
    precincts = [precinct] if isinstance(precinct, str) else list(precinct)
    qs = Incident.objects.filter(
        status=ReportStatus.APPROVED,
        precinct__in=precincts,
        occurred_from__isnull=False,
        x_m__isnull=False,
        occurred_date__lt=before,
    )
    if start is not None:
        qs = qs.filter(occurred_date__gte=start)
    if not sealed:
        qs = qs.filter(is_sealed=False)
    if category == MAJORS:
        return qs.filter(compstat_category__in=cats.MAJOR_SEVEN)
    return qs.filter(compstat_category=category)


def _events(*, user: Any, precinct: str | list[str], category: str, before: date) -> Events:
    qs = _incidents(
        sealed=perms.can_view_sealed_records(user),
        precinct=precinct,
        category=category,
        before=before,
    )
    rows = list(qs.values_list("occurred_from", "x_m", "y_m").iterator(chunk_size=5000))
    if not rows:
        return Events(np.zeros(0), np.zeros(0), np.zeros(0))
    times = np.array([r[0].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
    order = np.argsort(times, kind="stable")
    t = days_from_datetime64(times[order])
    xy = np.array([(r[1], r[2]) for r in rows], dtype=float)[order]
    return Events(
        t, xy[:, 0], xy[:, 1], observed_to=float(days_from_datetime64(np.datetime64(before)))
    )


def _digest(*parts: Any) -> str:
    import hashlib

    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _data_version(precinct: str | list[str]) -> str:
    precincts = [precinct] if isinstance(precinct, str) else list(precinct)
    stats = Incident.objects.filter(precinct__in=precincts).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return f"{stats['n']}:{stats['last']}"


def check_request(*, category: str, method: str, cell_size: float, horizon: str) -> str:
    """Refuse what the page can't answer (naming what to change); return the method's name."""
    if category not in category_choices():
        raise AnalysisError(f"Choose a category from the list; {category!r} is not one.")
    if is_discretionary(category):
        raise AnalysisError(
            f"{category} counts measure where police looked, not where crime is: "
            "forecasts are not trained on them (Lum & Isaac 2016)."
        )
    if method != "default" and method not in METHODS:
        raise AnalysisError(f"Unknown method {method!r}; choose one from the list.")
    if not 50 <= cell_size <= 1000:
        raise AnalysisError("The cell size must be between 50 and 1,000 metres.")
    if horizon not in HORIZONS:
        raise AnalysisError("The horizon must be a day, a week or a month (28 days).")
    return DEFAULT_METHOD if method == "default" else method


def hotspot_map(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
) -> HotspotMap:
    """Forecast the next ``horizon`` after ``as_of`` and find Gi* hot spots of the history."""
    check_request(category=category, method=method, cell_size=cell_size, horizon=horizon)
    sealed = perms.can_view_sealed_records(user)
    version = _data_version(precinct)
    key = "hotspots:" + _digest(
        precinct, category, method, cell_size, horizon, as_of, sealed, version
    )
    cached: HotspotMap | None = cache.get(key)
    if cached is not None:
        return cached
    result = _compute(
        user=user,
        precinct=precinct,
        category=category,
        method=method,
        cell_size=cell_size,
        horizon=horizon,
        as_of=as_of,
        data_version=version,
    )
    cache.set(key, result, timeout=3600)
    return result


def grid_digest(grid: Grid) -> str:
    """Fingerprint of a grid's cells: a logged forecast is scored on the same cells or not at all."""
    import hashlib

    h = hashlib.sha256(f"{type(grid).__name__}:{grid.cell_size}:{grid.n_cells}".encode())
    h.update(np.round(np.asarray(grid.centers, float), 3).tobytes())
    return h.hexdigest()


def _grid(precinct: str, cell_size: float) -> Grid:
    return make_grid(_area(precinct), cell_size)


def _compute(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
    data_version: str = "",
) -> HotspotMap:
    grid = _grid(precinct, cell_size)
    events = _events(user=user, precinct=precinct, category=category, before=as_of)
    end = as_of + timedelta(days=HORIZONS[horizon])
    name = DEFAULT_METHOD if method == "default" else method
    warning = ""
    if len(events.t) < 20:
        warning = (
            f"Only {len(events.t)} events before {as_of}: the forecast is little more than a guess."
        )
    started = time.perf_counter()
    model = make_method(name)
    if len(events.t):
        model.fit(events, grid)
        surface = model.predict(Period.from_dates(np.datetime64(as_of), np.datetime64(end)))
        expected = np.asarray(surface.values, dtype=float)
        flagged = surface.top(COVERAGE)
        ranking = surface.ranking()
        counts = grid.counts(events.x, events.y)
    else:
        expected = np.zeros(grid.n_cells)
        flagged = np.zeros(grid.n_cells, dtype=bool)
        ranking = np.arange(grid.n_cells)
        counts = np.zeros(grid.n_cells)
    fit_seconds = time.perf_counter() - started
    hot = gi_star(counts, grid.adjacency())
    features = []
    shown = [i for i in range(grid.n_cells) if flagged[i] or hot.hot[i] or hot.cold[i]]
    for i, polygon in zip(shown, _to_wgs84([grid.polygons()[i] for i in shown]), strict=True):
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(polygon),
                "properties": {
                    "cell": int(i),
                    "expected": round(float(expected[i]), 3),
                    "flagged": bool(flagged[i]),
                    "gi": "hot" if hot.hot[i] else ("cold" if hot.cold[i] else ""),
                    "past": int(counts[i]),
                },
            }
        )
    top = [
        {
            "rank": r + 1,
            "cell": int(i),
            "expected": round(float(expected[i]), 2),
            "past": int(counts[i]),
        }
        for r, i in enumerate(ranking[: max(int(flagged.sum()), 1)][:15])
    ]
    first = datetime64_from_days(events.t[:1])
    return HotspotMap(
        precinct=precinct,
        category=category,
        method=name,
        cell_size=cell_size,
        horizon=horizon,
        period_start=as_of,
        period_end=end - timedelta(days=1),
        events=int(len(events.t)),
        cells=int(grid.n_cells),
        flagged=int(flagged.sum()),
        fit_seconds=round(fit_seconds, 2),
        layers={"type": "FeatureCollection", "features": features},
        top_cells=top,
        warning=warning,
        expected_all=tuple(round(float(v), 6) for v in expected),
        ranking_all=tuple(int(i) for i in ranking),
        params=_jsonable_params(model.get_params()),
        data_start=first.astype("datetime64[D]").astype(date)[0] if first.size else None,
        includes_sealed=perms.can_view_sealed_records(user),
        data_version=data_version,
        grid_digest=grid_digest(grid),
    )


def _to_wgs84(geoms: list[Any]) -> list[Any]:
    """Reproject many geometries with one transformer (one per geometry costs ~10 ms each)."""
    import shapely

    if not geoms:
        return []
    both = transform_geometry(
        shapely.GeometryCollection(geoms), src_crs=ANALYSIS_CRS, dst_crs=WGS84
    )
    return list(both.geoms)


def _jsonable_params(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, np.generic):
            v = v.item()
        out[k] = v if isinstance(v, str | int | float | bool | type(None)) else repr(v)
    return out


# ------------------------------------------------------------------------------- backtest
BACKTEST_PERIODS = {"day": 28, "week": 12, "month": 6}
BACKTEST_COVERAGES = (0.01, 0.05, 0.10, 0.20)


def precinct_backtest(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Rolling-origin backtest on the precinct's records over the periods just before ``as_of``
    (6 months, 12 weeks or 28 days): the chosen method against the counting baselines and the
    perfect-foresight ceiling. Idempotent and cached; ``progress(done, total)`` per method."""
    name = check_request(category=category, method=method, cell_size=cell_size, horizon=horizon)
    sealed = perms.can_view_sealed_records(user)
    key = "analysis-backtest:" + _digest(
        precinct, category, name, cell_size, horizon, as_of, sealed, _data_version(precinct)
    )
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        if progress:
            progress(1, 1)
        return cached
    n = BACKTEST_PERIODS[horizon]
    step = HORIZONS[horizon]
    if horizon == "month":
        first = (np.datetime64(as_of, "M") - n).astype("datetime64[D]")
        last = np.datetime64(as_of, "M").astype("datetime64[D]") - np.timedelta64(1, "D")
        periods = make_periods(first, last, "month")
    else:
        first = np.datetime64(as_of) - np.timedelta64(n * step, "D")
        periods = make_periods(first, np.datetime64(as_of) - np.timedelta64(1, "D"), horizon)
    grid = _grid(precinct, cell_size)
    events = _events(user=user, precinct=precinct, category=category, before=as_of)
    names = list(dict.fromkeys([name, "naive", "naivelong"]))
    out: dict[str, Any] = {
        "precinct": precinct,
        "category": category,
        "horizon": horizon,
        "cell_size": cell_size,
        "method": name,
        "test_start": str(first),
        "test_end": str(as_of - timedelta(days=1)),
        "cells": grid.n_cells,
        "coverages": [round(c * 100) for c in BACKTEST_COVERAGES],
        "methods": {},
        "periods": len(periods),
        "periods_skipped_no_events": len(periods),
        "events_test": 0,
        "oracle": None,
    }
    train = events.before(periods[0].start)
    if len(train) == 0:
        out["message"] = "There are no events before the test periods: nothing to backtest."
        cache.set(key, out, timeout=3600)
        return out
    for k, m in enumerate(names):
        res = backtest(events, grid, {m: make_method(m)}, periods, coverages=BACKTEST_COVERAGES)
        d = res.to_dict()
        out["methods"][m] = d["methods"][m]
        out["oracle"] = d["oracle"]
        out["periods_skipped_no_events"] = res.periods_skipped
        out["events_test"] = res.events_test
        if progress:
            progress(k + 1, len(names))
    out["chart"] = {
        m: [out["methods"][m]["coverage"][_pct(c)]["hit_rate"] for c in BACKTEST_COVERAGES]
        for m in out["methods"]
    }
    if out["oracle"]:
        out["chart"]["oracle"] = [
            out["oracle"]["coverage"][_pct(c)]["hit_rate"] for c in BACKTEST_COVERAGES
        ]
    cache.set(key, out, timeout=3600)
    return out


def _pct(c: float) -> str:
    return f"{c * 100:g}"


# ------------------------------------------------------------------------------- bias audit
AUDIT_DAYS = 365
"""Victim-reported crime and enforcement are counted over the year before the forecast."""


def _cell_groups(grid: Grid, polygons: dict[str, Any]) -> list[str]:
    """The group (sector, precinct) of each cell: the polygon holding its centre, else the
    nearest one (cells that only touch the area)."""
    import shapely

    names = sorted(polygons)
    shapes = [polygons[n] for n in names]
    pts = shapely.points(grid.centers[:, 0], grid.centers[:, 1])
    out = [""] * grid.n_cells
    dist = np.full((grid.n_cells, len(shapes)), np.inf)
    for j, shp in enumerate(shapes):
        shapely.prepare(shp)
        dist[:, j] = shapely.distance(shp, pts)
    for i in range(grid.n_cells):
        out[i] = names[int(np.argmin(dist[i]))] if len(names) else ""
    return out


def _polygons(precinct: str | None, kind: str) -> dict[str, Any]:
    features = boundaries_geojson(precinct=precinct)["features"]
    return {
        (
            f["properties"]["label"] if kind == "sector" else str(f["properties"]["precinct"])
        ): transform_geometry(shape(f["geometry"]), src_crs=WGS84, dst_crs=ANALYSIS_CRS)
        for f in features
        if f["properties"]["kind"] == kind
    }


def _counts_per_cell(grid: Grid, rows: list[tuple[float, float]]) -> np.ndarray:
    if not rows:
        return np.zeros(grid.n_cells)
    xy = np.asarray(rows, dtype=float)
    return np.asarray(grid.counts(xy[:, 0], xy[:, 1]), float)


def _drug_arrest_category() -> str:
    from openprecinct.records.importing.schemas import DRUG_ARRESTS

    return DRUG_ARRESTS


def _drug_arrests(
    precinct: str | list[str], start: date, before: date
) -> list[tuple[float, float]]:
    from openprecinct.records.models import Arrest

    precincts = [precinct] if isinstance(precinct, str) else list(precinct)
    qs = Arrest.objects.filter(
        precinct__in=precincts,
        compstat_category=_drug_arrest_category(),
        arrest_date__gte=start,
        arrest_date__lt=before,
        x_m__isnull=False,
        is_sealed=False,
    )
    return list(qs.values_list("x_m", "y_m"))


def _share_rows(shares: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for s in shares:
        rows.append(
            {
                "group": s.group,
                "cells": s.cells,
                "flagged": s.flagged,
                "area_share": round(s.area_share, 4),
                "flagged_share": round(s.flagged_share, 4),
                "crime": int(s.crime),
                "crime_share": round(s.crime_share, 4),
                "enforcement_share": None
                if s.enforcement_share is None
                else round(s.enforcement_share, 4),
                "population": None if s.population is None else int(s.population),
                "population_share": None
                if s.population_share is None
                else round(s.population_share, 4),
                "flagged_to_crime": None
                if s.flagged_to_crime is None
                else round(s.flagged_to_crime, 3),
                "flagged_per_100k": None
                if s.flagged_per_100k is None
                else round(s.flagged_per_100k, 2),
            }
        )
    return rows


def bias_audit(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Where the forecast sends patrols, against where people live and where crime is reported.

    Per sector of the precinct: share of the flagged cells against the share of the area, of
    the victim-reported crime of the category in the year before ``as_of`` and of the drug
    arrests (discretionary enforcement) in that year. Per census area (every bundled precinct
    with 2020 census counts): one forecast over them all, the same coverage flagged, against
    each area's residents (flagged cells per 100,000) and crime, and the relative exposure of
    each census group to flagged cells. Idempotent and cached.
    """
    name = check_request(category=category, method=method, cell_size=cell_size, horizon=horizon)
    sealed = perms.can_view_sealed_records(user)
    census = census_2020()
    areas = sorted(p for p in _polygons(None, "precinct") if p in census)
    key = "analysis-bias:" + _digest(
        precinct, category, name, cell_size, horizon, as_of, sealed, _data_version(areas)
    )
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    start = as_of - timedelta(days=AUDIT_DAYS)
    # per sector
    local = hotspot_map(
        user=user,
        precinct=precinct,
        category=category,
        method=method,
        cell_size=cell_size,
        horizon=horizon,
        as_of=as_of,
    )
    grid = _grid(precinct, cell_size)
    flagged = np.zeros(grid.n_cells, dtype=bool)
    flagged[list(local.ranking_all[: local.flagged])] = True
    crime_rows = list(
        _incidents(
            sealed=sealed, precinct=precinct, category=category, before=as_of, start=start
        ).values_list("x_m", "y_m")
    )
    crime = _counts_per_cell(grid, crime_rows)
    drugs = _counts_per_cell(grid, _drug_arrests(precinct, start, as_of))
    sectors = _cell_groups(grid, _polygons(precinct, "sector"))
    by_sector = flag_share_audit(sectors, flagged, crime, enforcement=drugs)
    if progress:
        progress(1, 2)
    # per census area: one forecast over every area with census counts
    census_rows: list[dict[str, Any]] = []
    exposure: dict[str, float] = {}
    if len(areas) >= 2:
        import shapely

        polys = _polygons(None, "precinct")
        union = shapely.union_all([polys[a] for a in areas])
        big = make_grid(union, cell_size)
        ev = _events(user=user, precinct=areas, category=category, before=as_of)
        big_flag = np.zeros(big.n_cells, dtype=bool)
        if len(ev.t):
            surface = (
                make_method(name)
                .fit(ev, big)
                .predict(
                    Period.from_dates(
                        np.datetime64(as_of),
                        np.datetime64(as_of + timedelta(days=HORIZONS[horizon])),
                    )
                )
            )
            big_flag = surface.top(COVERAGE)
        big_crime = _counts_per_cell(
            big,
            list(
                _incidents(
                    sealed=sealed, precinct=areas, category=category, before=as_of, start=start
                ).values_list("x_m", "y_m")
            ),
        )
        big_drugs = _counts_per_cell(big, _drug_arrests(areas, start, as_of))
        groups = _cell_groups(big, {a: polys[a] for a in areas})
        shares = flag_share_audit(
            groups,
            big_flag,
            big_crime,
            enforcement=big_drugs,
            population={a: census[a]["total"] for a in areas},
        )
        census_rows = _share_rows(shares)
        residents = {a: {g: census[a][g] for g in CENSUS_GROUPS} for a in areas}
        exposure = {
            g: (round(v, 3) if np.isfinite(v) else None)
            for g, v in exposure_by_group(shares, residents).items()
        }
    if progress:
        progress(2, 2)
    out = {
        "precinct": precinct,
        "category": category,
        "method": name,
        "as_of": str(as_of),
        "coverage": COVERAGE,
        "crime_window": [str(start), str(as_of - timedelta(days=1))],
        "sectors": _share_rows(by_sector),
        "census_areas": census_rows,
        "census_exposure": exposure,
        "census_source": "2020 Census P2 by precinct (John Keefe, census-by-precincts, MIT)",
    }
    cache.set(key, out, timeout=3600)
    return out


def feedback_loop(
    *,
    user: Any,
    precinct: str,
    as_of: date,
    days: int = 1095,
    replications: int = 40,
) -> dict[str, Any]:
    """The Ensign et al. (2018) runaway feedback loop on this precinct's real sectors.

    Each sector's daily chance of a discovered crime comes from its victim-reported major
    felonies in the year before ``as_of``; the urn starts from the sector's drug arrests that
    year (where police looked). Returns each sector's crime share and the patrol share the urn
    ends with, without and with the correction (seeded, so the same inputs give the same
    figures)."""
    sealed = perms.can_view_sealed_records(user)
    key = "analysis-loop:" + _digest(
        precinct, as_of, days, replications, sealed, _data_version(precinct)
    )
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    start = as_of - timedelta(days=AUDIT_DAYS)
    crimes = {s: 0.0 for s in _polygons(precinct, "sector")}
    qs = _incidents(sealed=sealed, precinct=precinct, category=MAJORS, before=as_of, start=start)
    for sector, n in (
        qs.order_by().values("sector").annotate(n=Count("id")).values_list("sector", "n")
    ):
        if sector in crimes:
            crimes[sector] += n
    from openprecinct.records.models import Arrest

    enforcement = {s: 0.0 for s in crimes}
    arrests = Arrest.objects.filter(
        precinct=precinct,
        compstat_category=_drug_arrest_category(),
        arrest_date__gte=start,
        arrest_date__lt=as_of,
        is_sealed=False,
    )
    for sector, n in (
        arrests.order_by().values("sector").annotate(n=Count("id")).values_list("sector", "n")
    ):
        if sector in enforcement:
            enforcement[sector] += n
    out: dict[str, Any] = {
        "precinct": precinct,
        "as_of": str(as_of),
        "window": [str(start), str(as_of - timedelta(days=1))],
        "regions": [],
        "summary": {},
    }
    if len(crimes) < 2 or sum(crimes.values()) == 0:
        out["message"] = "Too few sectors or no reported felonies in the year: nothing to simulate."
    else:
        regions, summary = feedback_loop_on_counts(
            crimes,
            float(AUDIT_DAYS),
            enforcement=enforcement,
            days=days,
            replications=replications,
        )
        out["regions"] = [
            {
                "sector": r.region,
                "felonies": int(r.crimes),
                "crime_share": round(r.crime_share, 4),
                "drug_arrest_share": round(r.enforcement_share, 4),
                "patrol_share_uncorrected": round(r.uncorrected_share, 4),
                "patrol_share_corrected": round(r.corrected_share, 4),
            }
            for r in regions
        ]
        out["summary"] = {k: round(v, 4) for k, v in summary.items()}
    cache.set(key, out, timeout=3600)
    return out


# ------------------------------------------------------------------------------- briefing
TOURS = {
    "1": ("First platoon", 23, 7),
    "2": ("Day tour", 7, 15),
    "3": ("Evening tour", 15, 23),
}
"""NYPD tours: (name, first hour, hour the tour ends), local time."""
BRIEFING_RECENT_DAYS = 28
TOUR_PRIOR = 5.0
"""Pseudo-events pulling a cell's share of events in the tour's hours towards the precinct's."""


def _in_tour(hours: np.ndarray, tour: str) -> np.ndarray:
    _, lo, hi = TOURS[tour]
    return (hours >= lo) & (hours < hi) if lo < hi else (hours >= lo) | (hours < hi)


def briefing(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    day: date,
    tour: str,
    cells: int = 10,
) -> dict[str, Any]:
    """The patrol briefing for one tour of one day: the day's forecast, re-weighted by each
    cell's share of past events in the tour's hours (shrunk towards the precinct's share by
    ``TOUR_PRIOR`` pseudo-events), the top ``cells`` cells with the recent incidents in them
    (the last 28 days), and their outlines for the map."""
    if tour not in TOURS:
        raise AnalysisError("The tour must be 1 (23:00-07:00), 2 (07:00-15:00) or 3 (15:00-23:00).")
    if not 1 <= cells <= 50:
        raise AnalysisError("A briefing lists between 1 and 50 cells.")
    day_map = hotspot_map(
        user=user,
        precinct=precinct,
        category=category,
        method=method,
        cell_size=cell_size,
        horizon="day",
        as_of=day,
    )
    from django.utils import timezone

    grid = _grid(precinct, cell_size)
    sealed = perms.can_view_sealed_records(user)
    history = list(
        _incidents(sealed=sealed, precinct=precinct, category=category, before=day)
        .filter(occurred_from__isnull=False)
        .values_list("occurred_from", "x_m", "y_m")
        .iterator(chunk_size=5000)
    )
    expected = np.asarray(day_map.expected_all, float)
    if expected.size != grid.n_cells:
        expected = np.zeros(grid.n_cells)
    if history:
        hours = np.array([timezone.localtime(r[0]).hour for r in history], dtype=float)
        xy = np.array([(r[1], r[2]) for r in history], dtype=float)
        where = grid.locate(xy[:, 0], xy[:, 1])
        ok = where >= 0
        in_tour = _in_tour(hours, tour)
        n_all = np.bincount(where[ok], minlength=grid.n_cells).astype(float)
        n_tour = np.bincount(where[ok & in_tour], weights=None, minlength=grid.n_cells).astype(
            float
        )
        share_all = float(in_tour[ok].mean()) if ok.any() else 1 / 3
        tour_share = (n_tour + TOUR_PRIOR * share_all) / (n_all + TOUR_PRIOR)
    else:
        n_all = np.zeros(grid.n_cells)
        tour_share = np.full(grid.n_cells, 1 / 3)
    tour_expected = expected * tour_share
    day_rank = np.empty(grid.n_cells, dtype=np.intp)
    day_rank[np.asarray(day_map.ranking_all, dtype=np.intp)] = np.arange(grid.n_cells)
    # ties: the day's ranking (itself broken by information), never the cell number
    order = np.lexsort((day_rank, -np.round(tour_expected, 12)))[:cells]
    recent_from = day - timedelta(days=BRIEFING_RECENT_DAYS)
    recent = list(
        _incidents(
            sealed=sealed, precinct=precinct, category=category, before=day, start=recent_from
        )
        .order_by("-occurred_from")
        .values(
            "id",
            "occurred_from",
            "offense_description",
            "pd_description",
            "premises",
            "x_m",
            "y_m",
            "sector",
            "report_number",
        )
    )
    by_cell: dict[int, list[dict[str, Any]]] = {}
    if recent:
        rxy = np.array([(r["x_m"], r["y_m"]) for r in recent], dtype=float)
        rcell = grid.locate(rxy[:, 0], rxy[:, 1])
        for r, c in zip(recent, rcell, strict=True):
            if c >= 0:
                by_cell.setdefault(int(c), []).append(r)
    polygons = grid.polygons()
    sectors = _cell_groups(grid, _polygons(precinct, "sector"))
    chosen = [int(c) for c in order]
    shapes = _to_wgs84([polygons[c] for c in chosen])
    rows, features = [], []
    for rank, (c, cell_shape) in enumerate(zip(chosen, shapes, strict=True), start=1):
        centre = cell_shape.centroid
        incidents = [
            {
                "when": timezone.localtime(r["occurred_from"]).strftime("%Y-%m-%d %H:%M"),
                "offense": r["offense_description"] or r["pd_description"],
                "premises": r["premises"],
                "report_number": r["report_number"],
            }
            for r in by_cell.get(c, [])[:8]
        ]
        rows.append(
            {
                "rank": rank,
                "cell": c,
                "sector": sectors[c],
                "expected_tour": round(float(tour_expected[c]), 3),
                "expected_day": round(float(expected[c]), 3),
                "tour_share": round(float(tour_share[c]), 2),
                "past": int(n_all[c]),
                "latitude": round(centre.y, 5),
                "longitude": round(centre.x, 5),
                "recent": incidents,
            }
        )
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(cell_shape),
                "properties": {
                    "cell": c,
                    "rank": rank,
                    "expected": round(float(tour_expected[c]), 3),
                    "flagged": True,
                    "gi": "",
                    "past": int(n_all[c]),
                },
            }
        )
    name, lo, hi = TOURS[tour]
    return {
        "precinct": precinct,
        "category": category,
        "method": day_map.method,
        "day": str(day),
        "tour": tour,
        "tour_name": name,
        "tour_hours": f"{lo:02d}:00-{hi:02d}:00",
        "cell_size": cell_size,
        "events": day_map.events,
        "cells": rows,
        "layers": {"type": "FeatureCollection", "features": features},
        "recent_days": BRIEFING_RECENT_DAYS,
        "warning": day_map.warning,
    }
