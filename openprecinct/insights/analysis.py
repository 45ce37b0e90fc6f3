"""Hotspots and short-term forecasts for the analyst's page: records in, map layers out.

The forecasting itself is the analytics library's (``make_method``, ``gi_star``); this module
only turns the records of one precinct into its plain inputs and the result into GeoJSON.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from shapely.geometry import mapping, shape

from openprecinct.accounts import permissions as perms
from openprecinct.analytics import categories as cats
from openprecinct.analytics.bias import is_discretionary
from openprecinct.analytics.forecast import Events, Period, gi_star, make_method
from openprecinct.analytics.forecast.base import days_from_datetime64
from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS
from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, transform_geometry
from openprecinct.analytics.grid import make_grid
from openprecinct.core.geography import boundaries_geojson
from openprecinct.records.models import Incident, ReportStatus

MAJORS = "Seven major felonies"
HORIZONS = {"week": 7, "month": 28}
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


def _events(*, user: Any, precinct: str, category: str, before: date) -> Events:
    qs = Incident.objects.filter(
        status=ReportStatus.APPROVED,
        precinct=precinct,
        occurred_from__isnull=False,
        x_m__isnull=False,
        occurred_date__lt=before,
    )
    if not perms.can_view_sealed_records(user):
        qs = qs.filter(is_sealed=False)
    if category == MAJORS:
        qs = qs.filter(compstat_category__in=cats.MAJOR_SEVEN)
    else:
        qs = qs.filter(compstat_category=category)
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


def _data_version(precinct: str) -> str:
    stats = Incident.objects.filter(precinct=precinct).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return f"{stats['n']}:{stats['last']}"


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
        raise AnalysisError("The horizon must be a week or a month (28 days).")
    key = "hotspots:" + _digest(
        precinct,
        category,
        method,
        cell_size,
        horizon,
        as_of,
        perms.can_view_sealed_records(user),
        _data_version(precinct),
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
    )
    cache.set(key, result, timeout=3600)
    return result


def _compute(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
) -> HotspotMap:
    area = _area(precinct)
    grid = make_grid(area, cell_size)
    events = _events(user=user, precinct=precinct, category=category, before=as_of)
    end = as_of + timedelta(days=HORIZONS[horizon])
    name = DEFAULT_METHOD if method == "default" else method
    warning = ""
    if len(events.t) < 20:
        warning = (
            f"Only {len(events.t)} events before {as_of}: the forecast is little more than a guess."
        )
    started = time.perf_counter()
    if len(events.t):
        model = make_method(name).fit(events, grid)
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
    for i, polygon in enumerate(grid.polygons()):
        if not (flagged[i] or hot.hot[i] or hot.cold[i]):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(
                    transform_geometry(polygon, src_crs=ANALYSIS_CRS, dst_crs=WGS84)
                ),
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
    )
