"""Getis-Ord Gi* against a slow reference, and Benjamini-Hochberg control."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from openprecinct.analytics.forecast import Events, Period
from openprecinct.analytics.forecast.gistar import (
    GiStarForecast,
    benjamini_hochberg,
    distance_weights,
    gi_star,
)
from openprecinct.analytics.grid import SquareGrid

GRID = SquareGrid(box(0, 0, 1499, 1499), 150)


def slow_gi_star(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = x.size
    xbar = x.sum() / n
    s = math.sqrt((x**2).sum() / n - xbar**2)
    z = np.zeros(n)
    for i in range(n):
        wi = w[i].sum()
        s1 = (w[i] ** 2).sum()
        z[i] = ((w[i] * x).sum() - xbar * wi) / (s * math.sqrt((n * s1 - wi**2) / (n - 1)))
    return z


def test_gi_star_matches_the_textbook_formula() -> None:
    rng = np.random.default_rng(0)
    x = rng.poisson(1.0, GRID.n_cells).astype(float)
    w = distance_weights(GRID, 220)
    got = gi_star(x, w)
    assert np.allclose(got.z, slow_gi_star(x, w.toarray()))


def test_a_planted_cluster_is_hot_after_fdr() -> None:
    rng = np.random.default_rng(1)
    x = rng.poisson(0.5, GRID.n_cells).astype(float)
    block = (GRID.rows >= 4) & (GRID.rows <= 6) & (GRID.cols >= 4) & (GRID.cols <= 6)
    x[block] += 6
    res = gi_star(x, distance_weights(GRID, 220), alpha=0.05)
    assert res.hot[int(GRID.index[5, 5])]
    assert not res.hot[int(GRID.index[0, 0])]
    assert res.p_threshold <= 0.05


def test_benjamini_hochberg_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.2]
    rej, thr = benjamini_hochberg(p, 0.05)
    # sorted 0.01 <= .0125, 0.03 <= .025? no, 0.04 <= .0375? no -> only 0.01
    assert rej.tolist() == [True, False, False, False] and thr == 0.01


def test_constant_counts_give_zero_z() -> None:
    res = gi_star(np.ones(GRID.n_cells), distance_weights(GRID, 200))
    assert np.all(res.z == 0) and not res.hot.any()


def test_gi_star_forecast_puts_mass_around_the_cluster() -> None:
    xs = np.full(20, 675.0)
    ev = Events(np.arange(20.0), xs, xs, 0.0)
    s = GiStarForecast(distance=200).fit(ev, GRID).predict(Period(30, 31))
    assert s.values.sum() == pytest.approx(20 / 30)
    assert s.ranking()[0] == int(GRID.index[4, 4])
