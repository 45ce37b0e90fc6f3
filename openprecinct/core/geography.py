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
