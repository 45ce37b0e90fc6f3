"""Where a batch of records lies: WGS84 and metres, today's precinct and sector.

Precinct and sector come from point-in-polygon against the bundled NYPD boundaries
(``openprecinct.core.geography.Boundaries``, vectorised per batch). Outside those polygons the
file's precinct is kept and the sector left blank.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from pyproj import Transformer

from openprecinct.analytics.geo import ANALYSIS_CRS, WGS84, parse_crs
from openprecinct.analytics.geo import transform_xy as _transform_xy
from openprecinct.core.geography import Boundaries, bundled_boundaries

__all__ = ["Boundaries", "bundled_boundaries", "project", "transform_xy"]

FloatArray = npt.NDArray[np.float64]


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
