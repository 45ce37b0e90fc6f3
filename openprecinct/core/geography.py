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

from openprecinct.core.memory import release_free_memory

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
    """Precinct and sector polygons in WGS84 with a spatial index each.

    Large batches go through a raster first: a grid over the polygons' bounds whose cells lie
    entirely inside exactly one polygon (touching no other) or outside all of them answer at
    once; only points in cells crossed by a boundary get the exact shapely test. The answer is
    the same as the exact test's for every point (the cells are checked with a margin).
    """

    #: grid cells per side; a cell of Staten Island's bounds is about 70 m by 90 m
    GRID = 256
    #: batches smaller than this skip building the raster (a second or so, once per process)
    RASTER_FROM = 5_000

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
        self._raster: tuple[Any, Any] | None = None

    @staticmethod
    def _lookup_index(tree: STRtree, points: np.ndarray) -> npt.NDArray[np.int64]:
        """Index of the polygon each point intersects, -1 for none.

        On a shared edge a point touches two polygons: the first (lowest index) is kept,
        deterministically.
        """
        out = np.full(len(points), np.iinfo(np.int64).max, dtype=np.int64)
        if len(points):
            hits = tree.query(points, predicate="intersects")
            np.minimum.at(out, hits[0], hits[1])
        out[out == np.iinfo(np.int64).max] = -1
        return out

    @staticmethod
    def _lookup(tree: STRtree, names: list[str], points: np.ndarray) -> list[str]:
        index = Boundaries._lookup_index(tree, points)
        return [names[j] if j >= 0 else "" for j in index.tolist()]

    def _cell_answers(
        self, tree: STRtree, boxes: np.ndarray
    ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.uint64]]:
        """Per grid cell: the one polygon it lies properly inside (touching no other), -1 when
        it touches none, -2 when only the exact test can tell; and a bit mask of the polygons
        each cell touches (the candidates of that exact test)."""
        answer = np.full(len(boxes), -1, dtype=np.int16)
        cells, polys = tree.query(boxes, predicate="intersects")
        hits = np.bincount(cells, minlength=len(boxes))
        answer[hits > 0] = -2
        single = hits[cells] == 1
        c1, p1 = cells[single], polys[single]
        geoms = tree.geometries.take(p1)
        inside = shapely.contains_properly(geoms, boxes[c1])
        answer[c1[inside]] = p1[inside].astype(np.int16)
        masks = np.zeros(len(boxes), dtype=np.uint64)
        if len(tree.geometries) <= 64:
            np.bitwise_or.at(masks, cells, np.left_shift(np.uint64(1), polys.astype(np.uint64)))
        return answer, masks

    def _build_raster(self) -> tuple[Any, Any]:
        if self._raster is None:
            minx, miny, maxx, maxy = self._bounds
            n = self.GRID
            dx, dy = (maxx - minx) / n, (maxy - miny) / n
            ix, iy = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
            eps = 1e-9  # a margin, so float rounding of a point's cell never matters
            boxes = shapely.box(
                minx + ix.ravel() * dx - eps,
                miny + iy.ravel() * dy - eps,
                minx + (ix.ravel() + 1) * dx + eps,
                miny + (iy.ravel() + 1) * dy + eps,
            )
            shapely.prepare(self._precinct_tree.geometries)
            shapely.prepare(self._sector_tree.geometries)
            self._raster = (
                self._cell_answers(self._precinct_tree, boxes),
                self._cell_answers(self._sector_tree, boxes),
            )
            del boxes
            release_free_memory()  # the 65,536 cell boxes (about 25 MB of small allocations)
        return self._raster

    @staticmethod
    def _exact(
        tree: STRtree, masks: npt.NDArray[np.uint64] | None, lon: FloatArray, lat: FloatArray
    ) -> npt.NDArray[np.int64]:
        """The exact test; with the cells' candidate masks, one prepared polygon at a time."""
        if masks is None or len(tree.geometries) > 64:
            return Boundaries._lookup_index(tree, shapely.points(lon, lat))
        out = np.full(len(lon), -1, dtype=np.int64)
        for j, geom in enumerate(tree.geometries):
            todo = np.flatnonzero((out < 0) & ((masks >> np.uint64(j)) & np.uint64(1)).astype(bool))
            if len(todo):
                hit = shapely.intersects_xy(geom, lon[todo], lat[todo])
                out[todo[hit]] = j  # ascending j: the lowest index wins on a shared edge
        return out

    def assign_index(
        self, lon: FloatArray, lat: FloatArray
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Index into ``precinct_names`` / ``sector_names`` per point, -1 outside (or NaN)."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        minx, miny, maxx, maxy = self._bounds
        near = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)  # NaN -> False
        precincts = np.full(len(lon), -1, dtype=np.int64)
        sectors = np.full(len(lon), -1, dtype=np.int64)
        index = np.flatnonzero(near)
        if not len(index):
            return precincts, sectors
        exact_p = exact_s = index
        masks_p = masks_s = None
        if len(index) >= self.RASTER_FROM:
            (raster_p, cand_p), (raster_s, cand_s) = self._build_raster()
            n = self.GRID
            cx = ((lon[index] - minx) / ((maxx - minx) / n)).astype(np.int64).clip(0, n - 1)
            cy = ((lat[index] - miny) / ((maxy - miny) / n)).astype(np.int64).clip(0, n - 1)
            cell = cx * n + cy
            known_p, known_s = raster_p[cell], raster_s[cell]
            precincts[index] = known_p
            sectors[index] = known_s
            exact_p = index[known_p == -2]
            exact_s = index[known_s == -2]
            masks_p = cand_p[cell[known_p == -2]]
            masks_s = cand_s[cell[known_s == -2]]
        if len(exact_p):
            precincts[exact_p] = self._exact(
                self._precinct_tree, masks_p, lon[exact_p], lat[exact_p]
            )
        if len(exact_s):
            sectors[exact_s] = self._exact(self._sector_tree, masks_s, lon[exact_s], lat[exact_s])
        return precincts, sectors

    def assign(self, lon: FloatArray, lat: FloatArray) -> tuple[list[str], list[str]]:
        """Precinct and sector name per point ("" outside, or for NaN coordinates)."""
        p_idx, s_idx = self.assign_index(lon, lat)
        p_names = np.array([*self.precinct_names, ""], dtype=object)
        s_names = np.array([*self.sector_names, ""], dtype=object)
        return p_names[p_idx].tolist(), s_names[s_idx].tolist()


@lru_cache(maxsize=2)
def bundled_boundaries(path: str | None = None) -> Boundaries:
    return Boundaries(Path(path) if path else settings.OPENPRECINCT_DEMO_DATA_DIR / BOUNDARIES_FILE)


def locate(*, latitude: float, longitude: float) -> tuple[str, str]:
    """The bundled precinct and sector containing a WGS84 point, or ``("", "")``."""
    precincts, sectors = bundled_boundaries().assign(
        np.array([longitude], dtype=float), np.array([latitude], dtype=float)
    )
    return precincts[0], sectors[0]
