"""The bundled precinct and sector boundaries (real NYPD shapes, WGS84)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any

from django.conf import settings


@lru_cache(maxsize=4)
def _load(name: str) -> dict[str, Any]:
    path = settings.OPENPRECINCT_DEMO_DATA_DIR / name
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def boundaries_geojson(*, precinct: str | None = None) -> dict[str, Any]:
    """Precinct and sector polygons; with ``precinct``, only that precinct and its sectors."""
    data = _load("si_precincts_sectors.geojson.gz")
    features = data["features"]
    if precinct is not None:
        features = [f for f in features if str(f["properties"].get("precinct")) == str(precinct)]
    for feature in features:
        props = feature["properties"]
        props["kind"] = "sector" if "sector" in props else "precinct"
        props["label"] = props.get("sector") or f"Precinct {props['precinct']}"
    return {"type": "FeatureCollection", "features": features}


def station_houses_geojson() -> dict[str, Any]:
    return _load("si_station_houses.geojson.gz")


@lru_cache(maxsize=1)
def _shapes() -> tuple[list[tuple[str, Any]], list[tuple[str, str, Any]]]:
    from shapely.geometry import shape
    from shapely.prepared import prep

    precincts: list[tuple[str, Any]] = []
    sectors: list[tuple[str, str, Any]] = []
    for feature in _load("si_precincts_sectors.geojson.gz")["features"]:
        props = feature["properties"]
        geometry = prep(shape(feature["geometry"]))
        if "sector" in props:
            sectors.append((str(props["precinct"]), str(props["sector"]), geometry))
        else:
            precincts.append((str(props["precinct"]), geometry))
    return precincts, sectors


def locate(*, latitude: float, longitude: float) -> tuple[str, str]:
    """The bundled precinct and sector containing a WGS84 point, or ``("", "")``."""
    from shapely.geometry import Point

    point = Point(longitude, latitude)
    precincts, sectors = _shapes()
    for precinct, sector, geometry in sectors:
        if geometry.covers(point):
            return precinct, sector
    for precinct, geometry in precincts:
        if geometry.covers(point):
            return precinct, ""
    return "", ""
