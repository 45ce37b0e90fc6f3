"""Square and hexagonal grids clipped to a study area."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from openprecinct.analytics import geo
from openprecinct.analytics.grid import HexGrid, SquareGrid, make_grid

PRECINCTS = Path("/work/shared/data/nypd_precincts.geojson")
HEX = HexGrid(box(0, 0, 2000, 2000), 150)
SQUARE = SquareGrid(box(0, 0, 1499, 1499), 150)
SQUARE_BOUNDS = [p.bounds for p in SQUARE.polygons()]


def test_only_cells_touching_the_area_count() -> None:
    g = SquareGrid(box(0, 0, 300, 150), 150)
    assert g.n_cells == 6  # aligned edges: the row and column beyond the edge touch it
    g2 = SquareGrid(box(10, 10, 290, 140), 150)
    assert g2.n_cells == 2


def test_event_on_an_edge_goes_to_the_cell_east_or_north() -> None:
    g = SquareGrid(box(0, 0, 299, 299), 150)
    west = g.locate([149.999], [10.0])[0]
    east = g.locate([150.0], [10.0])[0]
    north = g.locate([10.0], [150.0])[0]
    assert east != west
    assert g.centers[east][0] == pytest.approx(225)
    assert g.centers[north][1] == pytest.approx(225)


def test_points_outside_and_nan_are_minus_one() -> None:
    g = SquareGrid(box(0, 0, 299, 299), 150)
    assert g.locate([-1, 1e6, np.nan], [5, 5, 5]).tolist() == [-1, -1, -1]


def test_bad_cell_size_message() -> None:
    with pytest.raises(
        ValueError,
        match=r"The 'cell_size' parameter of SquareGrid must be a float"
        r" in \(0, inf\). Got -5 instead.",
    ):
        SquareGrid(box(0, 0, 1, 1), -5)


def test_real_precinct_with_holes_and_islands() -> None:
    # precinct 100 (the Rockaways): 12 polygons, one with a hole
    area = geo.load_area(PRECINCTS, property_filter=("precinct", "100"))
    polys = list(getattr(area, "geoms", [area]))
    assert len(polys) > 1 and any(len(p.interiors) for p in polys)
    g = SquareGrid(area, 150)
    cells = g.polygons()
    assert all(c.intersects(area) for c in cells)
    # no cell strictly inside a hole, and every island has at least one cell
    for p in polys:
        assert g.locate([p.representative_point().x], [p.representative_point().y])[0] >= 0
        for hole in p.interiors:
            inner = Point(hole.coords[0]).buffer(1)
            assert any(c.intersects(inner) for c in cells)
    covered = sum(c.area for c in cells)
    assert covered >= area.area


def test_120th_precinct_matches_the_open_cp_harness_grid() -> None:
    area = geo.load_area(PRECINCTS, property_filter=("precinct", "120"))
    assert SquareGrid(area, 150).n_cells == 1057


def test_hexagons_locate_their_centres_and_have_six_neighbours_inside() -> None:
    g = HexGrid(box(0, 0, 2000, 2000), 150)
    assert (g.locate(g.centers[:, 0], g.centers[:, 1]) == np.arange(g.n_cells)).all()
    deg = np.asarray(g.adjacency().sum(axis=1)).ravel()
    assert deg.max() == 6
    assert g.cell_area == pytest.approx(np.sqrt(3) / 2 * 150**2)
    # a point near a centre belongs to it
    j = g.n_cells // 2
    assert g.locate([g.centers[j, 0] + 30], [g.centers[j, 1] - 20])[0] == j


def test_square_adjacency_is_queen_and_rings_grow() -> None:
    g = make_grid(box(0, 0, 1500, 1500), 150, "square")
    assert np.asarray(g.adjacency().sum(axis=1)).max() == 8
    assert np.asarray(g.ring_adjacency(2).sum(axis=1)).max() == 24


def test_counts_ignore_points_outside() -> None:
    g = SquareGrid(box(0, 0, 299, 299), 150)
    c = g.counts([10, 10, 160, -50], [10, 10, 10, 10])
    assert c.sum() == 3 and c.max() == 2


@settings(max_examples=200, deadline=None)
@given(st.floats(-100, 1600, allow_nan=False), st.floats(-100, 1600, allow_nan=False))
def test_locate_agrees_with_the_cell_polygons(x: float, y: float) -> None:
    i = int(SQUARE.locate([x], [y])[0])
    if i < 0:
        assert not any(b[0] < x < b[2] and b[1] < y < b[3] for b in SQUARE_BOUNDS)
    else:
        x0, y0, x1, y1 = SQUARE_BOUNDS[i]
        assert x0 - 1e-9 <= x < x1 and y0 - 1e-9 <= y < y1  # -0.0 rounds onto the edge


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 2000, allow_nan=False), st.floats(0, 2000, allow_nan=False))
def test_hexagon_locate_picks_the_nearest_centre(x: float, y: float) -> None:
    g = HEX
    i = int(g.locate([x], [y])[0])
    d = np.hypot(g.centers[:, 0] - x, g.centers[:, 1] - y)
    if i >= 0:
        assert d[i] <= d.min() + 1e-6
