"""Reprojection, GeoJSON study areas with declared CRSs, point in polygon."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping

from openprecinct.analytics import geo

PRECINCTS = Path("/work/shared/data/nypd_precincts.geojson")


def test_nypd_feet_and_metre_twin_agree_to_a_millimetre() -> None:
    x, y = geo.transform_xy([960306.0], [162416.0], src_crs="EPSG:2263", dst_crs="EPSG:32118")
    assert x[0] == pytest.approx(960306.0 * geo.US_SURVEY_FOOT_M, abs=1e-3)
    assert y[0] == pytest.approx(162416.0 * geo.US_SURVEY_FOOT_M, abs=1e-3)


def test_lon_lat_is_x_then_y() -> None:
    x, y = geo.transform_xy([-74.08624], [40.61244], src_crs=4326)
    fx, fy = geo.transform_xy([960306.0], [162416.0], src_crs="EPSG:2263")
    assert x[0] == pytest.approx(fx[0], abs=2.0)
    assert y[0] == pytest.approx(fy[0], abs=2.0)


def test_missing_coordinates_stay_nan() -> None:
    x, y = geo.transform_xy([np.nan, 960306.0], [162416.0, 162416.0], src_crs="EPSG:2263")
    assert np.isnan(x[0]) and np.isnan(y[0]) and np.isfinite(x[1])


def test_unknown_crs_says_how_to_write_one() -> None:
    with pytest.raises(geo.GeoError, match="EPSG:NNNN"):
        geo.parse_crs("EPSG:nope")


def test_precinct_area_is_filtered_by_property_and_in_metres() -> None:
    area = geo.load_area(PRECINCTS, property_filter=("precinct", "120"))
    assert area.area / 1e6 == pytest.approx(21.6, abs=0.1)


def test_filter_with_no_match_names_the_values_found() -> None:
    with pytest.raises(geo.GeoError, match="values found: 1, 10, 100"):
        geo.load_area(PRECINCTS, property_filter=("precinct", "999"))


def test_area_declared_in_feet_is_read_in_its_crs(tmp_path: Path) -> None:
    ft = box(960000, 160000, 963281, 163281)  # 1000 m x 1000 m in US feet
    gj = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2263"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(ft)}],
    }
    assert geo.geojson_crs(gj) == "EPSG:2263"
    p = tmp_path / "a.geojson"
    p.write_text(json.dumps(gj))
    area = geo.load_area(p)
    assert area.area == pytest.approx(1e6, rel=1e-3)


def test_analysis_crs_choices() -> None:
    assert geo.analysis_crs_for("EPSG:2263", [9.6e5], [1.6e5]).to_epsg() == 32118
    assert geo.analysis_crs_for("EPSG:32118", [3e5], [5e4]).to_epsg() == 32118
    assert geo.analysis_crs_for("EPSG:4326", [-87.6], [41.9]).to_epsg() == 32616  # Chicago
    # any State Plane zone in feet keeps its projection, in metres (Portland's, international ft)
    assert geo.analysis_crs_for("EPSG:2913", [7.66e6], [6.7e5]).to_epsg() == 2838


def test_metre_twin_only_rescales_feet_coordinates() -> None:
    # Missouri East in US feet has no EPSG code: the twin is built, not looked up
    src = geo.parse_crs("ESRI:102696")
    twin = geo.metre_twin(src)
    assert twin is not None and twin.axis_info[0].unit_name == "metre"
    x, y = geo.transform_xy(np.array([884456.8]), np.array([1004176.0]), src_crs=src, dst_crs=twin)
    assert float(x[0]) == pytest.approx(884456.8 * geo.US_SURVEY_FOOT_M, abs=1e-4)
    assert float(y[0]) == pytest.approx(1004176.0 * geo.US_SURVEY_FOOT_M, abs=1e-4)
    assert geo.metre_twin(geo.parse_crs("EPSG:4326")) is None
    # messages name it, not its whole PROJJSON definition
    assert geo.crs_label(twin) == "NAD_1983_StatePlane_Missouri_East_FIPS_2401_Feet (metres)"
    assert geo.crs_label(geo.parse_crs("EPSG:2263")) == "EPSG:2263"


def test_latitude_and_longitude_the_other_way_round_is_named() -> None:
    with pytest.raises(geo.GeoError, match="are they the other way round"):
        geo.analysis_crs_for("EPSG:4326", [45.52], [-122.68])  # Portland, y given the longitude


def test_points_in_area_counts_the_boundary_and_rejects_nan() -> None:
    a = box(0, 0, 10, 10)
    got = geo.points_in_area([5, 10, 11, np.nan], [5, 5, 5, 5], a)
    assert got.tolist() == [True, True, False, False]


def test_not_geojson_is_a_geo_error(tmp_path: Path) -> None:
    p = tmp_path / "x.geojson"
    p.write_text("[1, 2]")
    with pytest.raises(geo.GeoError):
        geo.load_area(p)
    assert shapely.is_valid(geo.load_area(PRECINCTS))


def test_the_area_filter_forgives_case_spacing_and_float_numbers() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 500], [500, 500], [500, 0], [0, 0]]]}
    other = {
        "type": "Polygon",
        "coordinates": [[[900, 0], [900, 90], [990, 90], [990, 0], [900, 0]]],
    }
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:32118"}},
        "features": [
            {"type": "Feature", "properties": {"PRECINCT": 120.0, "NAME": "St.  George"},
             "geometry": square},
            {"type": "Feature", "properties": {"PRECINCT": 121.0, "NAME": "Mariners"},
             "geometry": other},
        ],
    }  # fmt: skip

    def area(key: str, value: str) -> float:
        got = geo.area_from_geojson(fc, property_filter=(key, value), dst_crs="EPSG:32118")
        return float(got.area)

    assert area("PRECINCT", "120") == area("precinct", "120") == 250_000  # a shapefile's 120.0
    assert area("name", "st. george") == 250_000
    with pytest.raises(geo.GeoError, match="no feature has a property 'sector'; the properties"):
        area("sector", "120A")
    with pytest.raises(geo.GeoError, match="values found: 120.0, 121.0"):
        area("precinct", "122")
