"""Where a batch of records lies: WGS84 and metres, today's precinct and sector.

Precinct and sector come from point-in-polygon against the bundled NYPD boundaries (Staten
Island precincts 120-123 and sectors 120A-123C, 2024 shapes), vectorised per batch with a
shapely STRtree. Outside those polygons the file's precinct is kept and the sector left blank.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from pyproj import Transformer
from shapely import STRtree

from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, parse_crs
from openprecinct.analytics.geo import transform_xy as _transform_xy

FloatArray = npt.NDArray[np.float64]
BOUNDARIES_FILE = "si_precincts_sectors.geojson.gz"


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


@lru_cache(maxsize=16)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(parse_crs(src), parse_crs(dst), always_xy=True)


def transform_xy(
    x: FloatArray, y: FloatArray, *, src_crs: str, dst_crs: str
) -> tuple[FloatArray, FloatArray]:
    """:func:`openprecinct.analytics.geo.transform_xy` with the transformer built once per
    CRS pair (building one costs milliseconds, a batch of points far less)."""
    if len(x) < 64:
        return _transform_xy(x, y, src_crs=src_crs, dst_crs=dst_crs)
    tx, ty = _transformer(src_crs, dst_crs).transform(x, y)
    ox, oy = np.asarray(tx, dtype=float), np.asarray(ty, dtype=float)
    bad = ~(np.isfinite(ox) & np.isfinite(oy))
    return np.where(bad, np.nan, ox), np.where(bad, np.nan, oy)


def project(
    x: FloatArray, y: FloatArray, lon: FloatArray, lat: FloatArray, *, src_crs: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Fill WGS84 and analysis metres from whichever of (x, y in ``src_crs``) or (lon, lat) exists.

    The source's own latitude/longitude are kept when given; metres come from the source's
    projected x/y when given (exact for EPSG:2263), else from latitude/longitude.
    """
    have_xy = np.isfinite(x) & np.isfinite(y)
    have_ll = np.isfinite(lon) & np.isfinite(lat)
    x_m = np.full(x.shape, np.nan)
    y_m = np.full(x.shape, np.nan)
    lon_out = np.where(have_ll, lon, np.nan)
    lat_out = np.where(have_ll, lat, np.nan)
    if have_xy.any():
        if src_crs == WGS84:
            lon_out = np.where(have_ll, lon_out, x)
            lat_out = np.where(have_ll, lat_out, y)
            have_ll = have_ll | have_xy
        else:
            mx, my = transform_xy(x[have_xy], y[have_xy], src_crs=src_crs, dst_crs=ANALYSIS_CRS)
            x_m[have_xy], y_m[have_xy] = mx, my
            need_ll = have_xy & ~have_ll
            if need_ll.any():
                gx, gy = transform_xy(x[need_ll], y[need_ll], src_crs=src_crs, dst_crs=WGS84)
                lon_out[need_ll], lat_out[need_ll] = gx, gy
    need_m = have_ll & ~np.isfinite(x_m)
    if need_m.any():
        mx, my = transform_xy(lon_out[need_m], lat_out[need_m], src_crs=WGS84, dst_crs=ANALYSIS_CRS)
        x_m[need_m], y_m[need_m] = mx, my
    return (
        np.round(lon_out, 7),
        np.round(lat_out, 7),
        np.round(x_m, 2),
        np.round(y_m, 2),
    )
