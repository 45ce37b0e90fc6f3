"""The bundled precinct and sector boundaries (real NYPD shapes, WGS84)."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from shapely import STRtree

FloatArray = npt.NDArray[np.float64]
BOUNDARIES_FILE = "si_precincts_sectors.geojson.gz"


@lru_cache(maxsize=4)
def _load(name: str) -> dict[str, Any]:
    path = settings.OPENPRECINCT_DEMO_DATA_DIR / name
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def boundaries_geojson(*, precinct: str | None = None) -> dict[str, Any]:
    """Precinct and sector polygons; with ``precinct``, only that precinct and its sectors."""
    data = _load(BOUNDARIES_FILE)
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


class Boundaries:
    """Precinct and sector polygons in WGS84 with a spatial index each."""

    def __init__(self, path: Path) -> None:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        precincts: list[tuple[str, shapely.Geometry]] = []
        sectors: list[tuple[str, shapely.Geometry]] = []
        for feature in data["features"]:
            props = feature.get("properties") or {}
            geom = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
            if props.get("sector"):
                sectors.append((str(props["sector"]), geom))
            elif props.get("precinct") is not None:
                precincts.append((str(props["precinct"]), geom))
        self.precinct_names = [name for name, _ in precincts]
        self.sector_names = [name for name, _ in sectors]
        self._precinct_tree = STRtree([g for _, g in precincts])
        self._sector_tree = STRtree([g for _, g in sectors])
        self._bounds = shapely.union_all([g for _, g in precincts + sectors]).bounds

    @staticmethod
    def _lookup(tree: STRtree, names: list[str], points: np.ndarray) -> list[str]:
        out = [""] * len(points)
        if not len(points):
            return out
        hits = tree.query(points, predicate="intersects")
        # On a shared edge a point touches two polygons: keep the first, deterministically.
        for i, j in sorted(zip(hits[0].tolist(), hits[1].tolist(), strict=True), reverse=True):
            out[i] = names[j]
        return out

    def assign(self, lon: FloatArray, lat: FloatArray) -> tuple[list[str], list[str]]:
        """Precinct and sector name per point ("" outside, or for NaN coordinates)."""
        minx, miny, maxx, maxy = self._bounds
        near = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)  # NaN -> False
        precincts = [""] * len(lon)
        sectors = [""] * len(lon)
        index = np.flatnonzero(near)
        if len(index):
            points = shapely.points(lon[index], lat[index])
            found_p = self._lookup(self._precinct_tree, self.precinct_names, points)
            found_s = self._lookup(self._sector_tree, self.sector_names, points)
            for k, i in enumerate(index.tolist()):
                precincts[i] = found_p[k]
                sectors[i] = found_s[k]
        return precincts, sectors


@lru_cache(maxsize=2)
def bundled_boundaries(path: str | None = None) -> Boundaries:
    return Boundaries(Path(path) if path else settings.OPENPRECINCT_DEMO_DATA_DIR / BOUNDARIES_FILE)


def locate(*, latitude: float, longitude: float) -> tuple[str, str]:
    """The bundled precinct and sector containing a WGS84 point, or ``("", "")``."""
    precincts, sectors = bundled_boundaries().assign(
        np.array([longitude], dtype=float), np.array([latitude], dtype=float)
    )
    return precincts[0], sectors[0]
