"""Coordinates and study areas: reprojection, GeoJSON loading with CRS detection, point in polygon.

Analysis CRS
------------
All distances in :mod:`openprecinct.analytics` are in **metres** of a projected CRS. For New York
City we use ``EPSG:32118`` (NAD83 / New York Long Island, metres). It is the same Lambert conformal
conic projection as NYPD's ``EPSG:2263`` (NAD83 / New York Long Island, US survey feet), so a
2263 coordinate times ``1200 / 3937`` is the 32118 coordinate (to well under a millimetre).
Other cities pass their own projected CRS; latitude/longitude is ``EPSG:4326`` (x = longitude).

These functions are deliberately small and typed so that importers can reuse them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_system import Cartesian2DCS
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = [
    "ANALYSIS_CRS",
    "NYPD_CRS",
    "US_SURVEY_FOOT_M",
    "WGS84",
    "GeoError",
    "analysis_crs_for",
    "crs_label",
    "metre_twin",
    "area_from_geojson",
    "geojson_crs",
    "load_area",
    "parse_crs",
    "points_in_area",
    "transform_geometry",
    "transform_xy",
]

ANALYSIS_CRS = "EPSG:32118"
"""Default analysis CRS: NAD83 / New York Long Island, metres."""
NYPD_CRS = "EPSG:2263"
"""NYPD's X/Y coordinates: NAD83 / New York Long Island, US survey feet."""
WGS84 = "EPSG:4326"
"""Latitude/longitude (GeoJSON's default, RFC 7946); x is longitude."""
US_SURVEY_FOOT_M = 1200 / 3937
"""One US survey foot in metres."""

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class GeoError(ValueError):
    """A coordinate system or geometry the user gave cannot be used (the message says why)."""


def parse_crs(text: str | int) -> CRS:
    """Return a :class:`pyproj.CRS` from ``"EPSG:2263"``, ``2263``, a URN or WKT.

    Raises
    ------
    GeoError
        If pyproj does not recognise the text.
    """
    value = f"EPSG:{text}" if isinstance(text, int) or str(text).strip().isdigit() else text
    try:
        return CRS.from_user_input(str(value).strip())
    except Exception as exc:  # pyproj raises CRSError, a plain Exception subclass
        raise GeoError(
            f"unknown coordinate reference system {text!r}: give it as EPSG:NNNN "
            "(EPSG:2263 for NYPD X/Y in feet, EPSG:4326 for longitude/latitude)"
        ) from exc


def _transformer(src_crs: str | int | CRS, dst_crs: str | int | CRS) -> Transformer:
    src = src_crs if isinstance(src_crs, CRS) else parse_crs(src_crs)
    dst = dst_crs if isinstance(dst_crs, CRS) else parse_crs(dst_crs)
    return Transformer.from_crs(src, dst, always_xy=True)


def transform_xy(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    src_crs: str | int | CRS,
    dst_crs: str | int | CRS = ANALYSIS_CRS,
) -> tuple[FloatArray, FloatArray]:
    """Reproject coordinates; x is easting or longitude (axis order is always x, y).

    Parameters
    ----------
    x, y : array_like
        Coordinates in ``src_crs`` (feet for EPSG:2263, degrees for EPSG:4326).
    src_crs, dst_crs : str, int or pyproj.CRS
        Source and target CRS; the target defaults to :data:`ANALYSIS_CRS` (metres).

    Returns
    -------
    (x, y) : tuple of float arrays in ``dst_crs`` units. Non-finite inputs stay NaN.
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise GeoError(f"x and y must have the same shape; got {xa.shape} and {ya.shape}")
    tx, ty = _transformer(src_crs, dst_crs).transform(xa, ya)
    ox = np.asarray(tx, dtype=float)
    oy = np.asarray(ty, dtype=float)
    bad = ~(np.isfinite(xa) & np.isfinite(ya) & np.isfinite(ox) & np.isfinite(oy))
    if bad.any():
        ox = np.where(bad, np.nan, ox)
        oy = np.where(bad, np.nan, oy)
    return ox, oy


def transform_geometry(
    geom: BaseGeometry,
    *,
    src_crs: str | int | CRS,
    dst_crs: str | int | CRS = ANALYSIS_CRS,
) -> BaseGeometry:
    """Reproject a shapely geometry (vertices only; fine for cell-sized edges)."""
    tr = _transformer(src_crs, dst_crs)

    def _apply(coords: FloatArray) -> FloatArray:
        tx, ty = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([np.asarray(tx, float), np.asarray(ty, float)])

    return shapely.transform(geom, _apply)


def metre_twin(src: CRS) -> CRS | None:
    """The same projection as the projected CRS ``src`` with its axes in metres, or ``None``.

    A State Plane zone in US or international feet (NYPD's EPSG:2263, Portland's EPSG:2913)
    becomes the zone in metres (EPSG:32118, EPSG:2838): coordinates are only rescaled, so a
    grid laid in the twin has the orientation of the city's own maps and of tools that work in
    the city's CRS rescaled to metres. The EPSG code is used when one matches.
    """
    if not src.is_projected or src.coordinate_operation is None or src.geodetic_crs is None:
        return None
    try:
        twin = ProjectedCRS(
            conversion=src.coordinate_operation,
            geodetic_crs=src.geodetic_crs,
            cartesian_cs=Cartesian2DCS(),
            name=f"{src.name} (metres)",
        )
    except CRSError:
        return None
    code = twin.to_epsg()
    return CRS.from_epsg(code) if code else twin


def crs_label(crs: CRS) -> str:
    """A short name for messages: ``EPSG:32118``, or the CRS's name when no authority has it."""
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


def analysis_crs_for(src_crs: str | int | CRS, x: npt.ArrayLike, y: npt.ArrayLike) -> CRS:
    """The metric CRS to analyse data given in ``src_crs``.

    * a projected CRS in metres is kept;
    * a projected CRS in other units (State Plane feet) becomes the same projection in metres
      (:func:`metre_twin`: EPSG:2263 becomes EPSG:32118);
    * anything else (latitude/longitude) becomes the UTM zone of the data's centre (WGS84 UTM,
      metres).
    """
    src = src_crs if isinstance(src_crs, CRS) else parse_crs(src_crs)
    if src.is_projected:
        unit = src.axis_info[0].unit_name.lower() if src.axis_info else ""
        if unit in ("metre", "meter"):
            return src
        twin = metre_twin(src)
        if twin is not None:
            return twin
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    ok = np.isfinite(xa) & np.isfinite(ya)
    if not ok.any():
        raise GeoError("no event has coordinates, so no analysis CRS can be chosen")
    lon, lat = transform_xy(np.median(xa[ok]), np.median(ya[ok]), src_crs=src, dst_crs=WGS84)
    lon0, lat0 = float(lon), float(lat)
    if not (math.isfinite(lon0) and math.isfinite(lat0)) or abs(lat0) > 84:
        hint = (
            " (x must be the longitude and y the latitude: are they the other way round?)"
            if src.is_geographic and abs(float(np.median(xa[ok]))) <= 84
            else " (is the CRS right?)"
        )
        raise GeoError(
            f"the events' centre ({lon0}, {lat0}) is not a place on Earth in {src_crs}{hint}"
        )
    zone = int((lon0 + 180) // 6) % 60 + 1
    return CRS.from_epsg((32600 if lat0 >= 0 else 32700) + zone)


def geojson_crs(obj: Mapping[str, Any]) -> str:
    """The CRS a GeoJSON object declares, or ``EPSG:4326`` when it declares none.

    Understands the legacy ``"crs": {"type": "name", "properties": {"name": ...}}`` member
    (``EPSG:2263``, ``urn:ogc:def:crs:EPSG::2263``, ``urn:ogc:def:crs:OGC:1.3:CRS84``).
    """
    crs = obj.get("crs")
    if not isinstance(crs, Mapping):
        return WGS84
    props = crs.get("properties")
    name = props.get("name") if isinstance(props, Mapping) else None
    if not isinstance(name, str) or not name.strip():
        return WGS84
    if "CRS84" in name.upper():
        return WGS84
    parsed = parse_crs(name)
    code = parsed.to_epsg()
    return f"EPSG:{code}" if code is not None else parsed.to_wkt()


def _features(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    kind = obj.get("type")
    if kind == "FeatureCollection":
        feats = obj.get("features")
        if not isinstance(feats, list):
            raise GeoError("the GeoJSON FeatureCollection has no 'features' list")
        return feats
    if kind == "Feature":
        return [obj]
    if isinstance(kind, str):  # a bare geometry
        return [{"type": "Feature", "properties": {}, "geometry": obj}]
    raise GeoError("the file is not GeoJSON: it has no 'type' member")


def _same_value(found: Any, wanted: str) -> bool:
    """Does a property value match the filter's text? As strings, then ignoring case and
    spacing, then as numbers (a shapefile's ``120.0`` is precinct ``120``)."""
    if found is None:
        return False
    text = str(found)
    if text == wanted or " ".join(text.split()).casefold() == " ".join(wanted.split()).casefold():
        return True
    try:
        return float(text) == float(wanted)
    except ValueError:
        return False


def _filter_features(
    feats: list[Mapping[str, Any]], key: str, value: str
) -> list[Mapping[str, Any]]:
    """The features whose property ``key`` (any case, when no feature has it as spelled)
    equals ``value`` (see :func:`_same_value`); a GeoError names what the file has instead."""
    names = {k for f in feats for k in (f.get("properties") or {})}
    if key not in names:
        folded = [k for k in names if k.casefold() == key.casefold()]
        if len(folded) != 1:
            shown = ", ".join(sorted(names)[:20]) or "none"
            raise GeoError(f"no feature has a property {key!r}; the properties are: {shown}")
        key = folded[0]
    kept = [f for f in feats if _same_value((f.get("properties") or {}).get(key), value)]
    if not kept:
        seen = sorted({str((f.get("properties") or {}).get(key)) for f in feats})
        sample = ", ".join(seen[:10]) + (" ..." if len(seen) > 10 else "")
        raise GeoError(f"no feature has {key}={value}; values found: {sample or 'none'}")
    return kept


def area_from_geojson(
    obj: Mapping[str, Any],
    *,
    property_filter: tuple[str, str] | None = None,
    dst_crs: str | int | CRS = ANALYSIS_CRS,
    src_crs: str | int | CRS | None = None,
) -> BaseGeometry:
    """Union of the (Multi)Polygon features of a parsed GeoJSON object, in ``dst_crs``.

    Parameters
    ----------
    obj : mapping
        Parsed GeoJSON (FeatureCollection, Feature or geometry), in the CRS it declares.
    property_filter : (name, value), optional
        Keep only features whose property ``name`` equals ``value``: compared as strings
        (``precinct=120`` matches ``120`` and ``"120"``), then ignoring case and spacing, then
        as numbers (``120.0``); the name may differ in case when no feature has it as given.
    dst_crs : CRS of the result (metres by default).
    src_crs : CRS of the coordinates, overriding what the object declares.

    Raises
    ------
    GeoError
        If no polygon is left, naming the property values that exist.
    """
    feats = _features(obj)
    if property_filter is not None:
        feats = _filter_features(feats, *property_filter)
    geoms = []
    for f in feats:
        g = f.get("geometry")
        if not g:
            continue
        geom = shape(g)
        if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            continue
        geoms.append(shapely.make_valid(geom))
    if not geoms:
        raise GeoError("the area has no polygon: give a GeoJSON file with Polygon features")
    area = shapely.union_all(geoms)
    src = geojson_crs(obj) if src_crs is None else src_crs
    src_parsed = src if isinstance(src, CRS) else parse_crs(src)
    if src_parsed.is_geographic:
        minx, miny, maxx, maxy = area.bounds
        if min(minx, miny) < -180 or maxx > 360 or max(abs(miny), abs(maxy)) > 90:
            raise GeoError(
                "the area's coordinates are not longitude/latitude but the file declares no CRS: "
                "add a 'crs' member to the GeoJSON or give the area's CRS (e.g. --area-crs "
                "EPSG:2263)"
            )
    if src_parsed != (dst_crs if isinstance(dst_crs, CRS) else parse_crs(dst_crs)):
        area = transform_geometry(area, src_crs=src, dst_crs=dst_crs)
    parts = getattr(area, "geoms", [area])
    polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    area = shapely.union_all(polys) if polys else area
    if area.is_empty or area.area <= 0:
        raise GeoError("the area has no surface after reprojection")
    return area


def load_area(
    path: str | Path,
    *,
    property_filter: tuple[str, str] | None = None,
    dst_crs: str | int | CRS = ANALYSIS_CRS,
    src_crs: str | int | CRS | None = None,
) -> BaseGeometry:
    """Read a GeoJSON file (any declared CRS, WGS84 by default) into one area in ``dst_crs``.

    See :func:`area_from_geojson` for the parameters.
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as fh:
            obj = json.load(fh)
    except FileNotFoundError as exc:
        raise GeoError(f"area file {p} does not exist") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GeoError(f"area file {p} is not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise GeoError(f"area file {p} is not a GeoJSON object")
    return area_from_geojson(obj, property_filter=property_filter, dst_crs=dst_crs, src_crs=src_crs)


def points_in_area(x: npt.ArrayLike, y: npt.ArrayLike, area: BaseGeometry) -> BoolArray:
    """True for each point inside or on the boundary of ``area`` (same CRS); NaN is False."""
    xa = np.asarray(x, dtype=float).ravel()
    ya = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(xa) & np.isfinite(ya)
    out = np.zeros(xa.shape, dtype=bool)
    if ok.any():
        shapely.prepare(area)
        out[ok] = shapely.intersects_xy(area, xa[ok], ya[ok])
    return out
