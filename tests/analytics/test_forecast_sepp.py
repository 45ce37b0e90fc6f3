"""Self-exciting point processes: O(n) recursion vs a slow reference, parameter recovery,
sparse data, cut-offs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from openprecinct.analytics.forecast import Events, Period
from openprecinct.analytics.forecast.sepp import ContinuousSEPP, GridETAS, exp_sums_by_group
from openprecinct.analytics.grid import SquareGrid

GRID = SquareGrid(box(0, 0, 2999, 2999), 150)


def test_exponential_recursion_matches_the_quadratic_sum() -> None:
    rng = np.random.default_rng(0)
    t = np.round(rng.uniform(0, 50, 300), 1)  # rounding makes ties, which must not trigger
    g = rng.integers(0, 7, 300)
    order = np.lexsort((t, g))
    t, g = t[order], g[order]
    a, b = exp_sums_by_group(t, g, 0.3)
    for i in range(t.size):
        earlier = (g == g[i]) & (t < t[i])
        d = t[i] - t[earlier]
        assert a[i] == pytest.approx(np.exp(-0.3 * d).sum(), rel=1e-9, abs=1e-12)
        assert b[i] == pytest.approx((d * np.exp(-0.3 * d)).sum(), rel=1e-9, abs=1e-12)


def _simulate_hawkes(
    theta: float,
    omega: float,
    sigma: float,
    rng: np.random.Generator,
    days: float = 365.0,
    rate: float = 4.0,
) -> Events:
    hot = rng.uniform(200, 2800, (40, 2))
    n0 = rng.poisson(rate * days)
    t = list(rng.uniform(0, days, n0))
    xy = list(hot[rng.integers(0, 40, n0)] + rng.normal(0, 100, (n0, 2)))
    i = 0
    while i < len(t):
        for _ in range(rng.poisson(theta)):
            tt = t[i] + rng.exponential(1 / omega)
            if tt < days:
                t.append(tt)
                xy.append(xy[i] + rng.normal(0, sigma, 2))
        i += 1
    arr = np.clip(np.array(xy), 0, 2998)
    return Events(np.array(t), arr[:, 0], arr[:, 1], 0.0, days)


def test_continuous_sepp_recovers_known_parameters() -> None:
    ev = _simulate_hawkes(0.5, 0.5, 40.0, np.random.default_rng(5))
    m = ContinuousSEPP(background_bandwidth=100).fit(ev, GRID)
    assert m.theta_ == pytest.approx(0.5, abs=0.1)
    assert m.omega_ == pytest.approx(0.5, rel=0.25)
    assert m.sigma_ == pytest.approx(40.0, rel=0.2)


def test_stochastic_declustering_is_reproducible_with_rng() -> None:
    ev = _simulate_hawkes(0.4, 0.5, 40.0, np.random.default_rng(1), days=120)
    a = ContinuousSEPP(declustering="stochastic", rng=3, iterations=10).fit(ev, GRID)
    b = ContinuousSEPP(declustering="stochastic", rng=3, iterations=10).fit(ev, GRID)
    assert a.theta_ == b.theta_ and 0 < a.theta_ < 1


def test_grid_etas_finds_self_excitation_and_none_in_poisson_data() -> None:
    rng = np.random.default_rng(2)
    ev = _simulate_hawkes(0.6, 1.0, 5.0, rng)
    m = GridETAS().fit(ev, GRID)
    assert m.theta_ > 0.3 and m.omega_ == pytest.approx(1.0, rel=0.4)
    n = 1500
    pois = Events(rng.uniform(0, 365, n), rng.uniform(0, 2999, n), rng.uniform(0, 2999, n), 0.0)
    assert GridETAS().fit(pois, GRID).theta_ < 0.05


def test_sepp_fits_sparse_data_and_predicts_expected_counts() -> None:
    rng = np.random.default_rng(4)
    n = 3 * 365  # about 3 events a day
    ev = Events(
        np.sort(rng.uniform(0, 365, n)),
        rng.uniform(0, 2999, n),
        rng.uniform(0, 2999, n),
        0.0,
        365.0,
    )
    for model in (ContinuousSEPP(), GridETAS()):
        s = model.fit(ev, GRID).predict(Period(365, 366))
        assert s.values.sum() == pytest.approx(3.0, rel=0.2)


def test_expected_count_formula_for_grid_etas_by_hand() -> None:
    m = GridETAS().fit(Events(np.array([1.0]), np.array([75.0]), np.array([75.0]), 0.0, 10.0), GRID)
    m.mu_ = np.zeros(GRID.n_cells)
    m.theta_, m.omega_ = 0.5, 0.2
    v = m.predict(Period(10, 12)).values
    want = 0.5 * (math.exp(-0.2 * 9) - math.exp(-0.2 * 11))
    assert v[int(GRID.index[0, 0])] == pytest.approx(want)


def test_pairs_respect_both_cut_offs() -> None:
    t = np.array([0.0, 1.0, 2.0, 100.0])
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [900.0, 0.0], [0.0, 0.0]])
    p, c, dt, d2 = ContinuousSEPP(space_cutoff=500, time_cutoff_days=60)._pairs(t, xy)
    assert sorted(zip(p.tolist(), c.tolist(), strict=True)) == [(0, 1)]
    assert dt.tolist() == [1.0] and d2.tolist() == [10000.0]
