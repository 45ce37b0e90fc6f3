"""Forecasting methods checked on hand-computed cases and edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from openprecinct.analytics.forecast import (
    METHODS,
    Events,
    KDEForecast,
    LongRunCounts,
    Period,
    ProspectiveHotspot,
    RecentCounts,
    RetrospectiveHotspot,
    make_method,
)
from openprecinct.analytics.forecast.blend import (
    FEATURE_NAMES,
    BlendForecast,
    _fit_weights,
    blend_features,
    eb_shrink,
)
from openprecinct.analytics.grid import SquareGrid

GRID = SquareGrid(box(0, 0, 1499, 1499), 150)  # 10 x 10 cells


def cell(col: int, row: int) -> int:
    return int(GRID.index[row, col])


def ev(t: list[float], x: list[float], y: list[float], start: float | None = None) -> Events:
    return Events(
        np.array(t, float),
        np.array(x, float),
        np.array(y, float),
        math.nan if start is None else start,
    )


def test_recent_counts_by_hand() -> None:
    e = ev([0, 50, 70, 90, 95], [75, 75, 75, 225, 1000], [75, 75, 75, 75, 1000], start=0)
    m = RecentCounts(window_days=40).fit(e, GRID)
    s = m.predict(Period(100, 110))
    # window [60, 100): cell (0,0) has 1 event, (1,0) 1, (6,6) 1; scaled by 10/40
    assert s.values[cell(0, 0)] == pytest.approx(0.25)
    assert s.values[cell(1, 0)] == pytest.approx(0.25)
    assert s.values.sum() == pytest.approx(0.75)


def test_recent_counts_ties_broken_by_longer_history_not_cell_order() -> None:
    e = ev([0, 10, 90, 91], [1000, 1000, 75, 1000], [1000, 1000, 75, 1000], start=0)
    s = RecentCounts(window_days=30).fit(e, GRID).predict(Period(100, 101))
    # cells (0,0) and (6,6) both have 1 recent event; (6,6) has 3 over all history
    assert s.ranking()[0] == cell(6, 6)
    assert s.ranking()[1] == cell(0, 0)


def test_long_run_counts_by_hand_and_neighbour_tiebreak() -> None:
    e = ev([1, 2, 3, 4], [75, 1075, 1225, 1075], [75, 1075, 1075, 1225], start=0)
    s = LongRunCounts(window_days=None).fit(e, GRID).predict(Period(10, 20))
    assert s.values.sum() == pytest.approx(4 * 10 / 10)
    top = s.ranking()[:4]
    # three single-event cells tie on count; those with neighbours come before the isolated one
    assert top[-1] == cell(0, 0)


def test_remaining_ties_are_not_in_cell_order() -> None:
    s = LongRunCounts().fit(ev([], [], []), GRID).predict(Period(0, 1))
    assert s.values.sum() == 0
    assert not np.array_equal(s.ranking(), np.arange(GRID.n_cells))


def test_predict_never_sees_the_period_or_later() -> None:
    e = ev([1, 5, 10, 10.5, 30], [75] * 5, [75] * 5, start=0)
    m = LongRunCounts(window_days=None).fit(e, GRID)
    a = m.predict(Period(10, 11), history=e)
    assert a.values[cell(0, 0)] == pytest.approx(2 / 10)


def test_empty_training_window_gives_zero_risk() -> None:
    for name in METHODS:
        m = make_method(name).fit(ev([], [], []), GRID)
        s = m.predict(Period(100, 101))
        assert s.values.shape == (GRID.n_cells,) and s.values.sum() == 0, name


def test_one_event_and_all_events_in_one_cell() -> None:
    one = ev([5], [700], [700], start=0)
    same = ev(list(range(1, 30)), [700] * 29, [710] * 29, start=0)
    for name in METHODS:
        for data in (one, same):
            s = make_method(name).fit(data, GRID).predict(Period(30, 31))
            assert np.isfinite(s.values).all(), name
            assert s.ranking()[0] == cell(4, 4), name


def test_kde_fixed_bandwidth_mass_matches_the_gaussian_integral() -> None:
    # one event at a cell centre; sigma = 150 m; share of the mass in its own cell
    e = ev([5], [675], [675], start=0)
    s = KDEForecast(bandwidth=150, window_days=365, subsamples=5).fit(e, GRID).predict(Period(6, 7))
    share = s.values[cell(4, 4)] / s.values.sum()
    one_d = math.erf(75 / 150 / math.sqrt(2))
    assert share == pytest.approx(one_d**2, rel=0.05)


def test_kde_time_decay_weights_recent_events() -> None:
    e = ev([0, 99], [75, 1425], [75, 1425], start=0)
    s = KDEForecast(bandwidth=50, time_scale_days=10).fit(e, GRID).predict(Period(100, 101))
    ratio = s.values[cell(0, 0)] / s.values[cell(9, 9)]
    assert ratio == pytest.approx(math.exp(-100 / 10) / math.exp(-1 / 10), rel=0.05)


def test_adaptive_kde_spreads_isolated_events_more() -> None:
    xs = [700 + i for i in range(20)] + [75]
    e = ev(list(range(21)), xs, [700] * 20 + [75], start=0)
    s = (
        KDEForecast(bandwidth=50, adaptive=True, k_neighbours=5)
        .fit(e, GRID)
        .predict(Period(30, 31))
    )
    f = KDEForecast(bandwidth=50).fit(e, GRID).predict(Period(30, 31))
    assert s.values[cell(1, 1)] > f.values[cell(1, 1)]


def test_retrospective_quartic_by_hand() -> None:
    # bandwidth 200 m, evaluated at cell centres (subsamples=1): the neighbour 150 m away gets
    # (1 - 0.75**2)**2 of the event's own cell; the diagonal cell (212 m) gets nothing
    e = ev([1], [675], [675], start=0)
    s = RetrospectiveHotspot(bandwidth=200, subsamples=1).fit(e, GRID).predict(Period(2, 3))
    own, side, diag = s.values[cell(4, 4)], s.values[cell(5, 4)], s.values[cell(5, 5)]
    assert side / own == pytest.approx((1 - 0.75**2) ** 2)
    assert diag == 0


def test_prospective_hotspot_bowers_weights_by_hand() -> None:
    # event 2 weeks and 3 days before the period, space bandwidth 2 cells
    e = ev([100 - 17], [675], [675], start=0)
    s = ProspectiveHotspot(space_bandwidth=300, time_bandwidth_weeks=8).fit(e, GRID)
    v = s.predict(Period(100, 101)).values
    assert v[cell(5, 5)] / v[cell(4, 4)] == pytest.approx(1 / 2)  # d = 1 (diagonal)
    assert v[cell(6, 4)] / v[cell(4, 4)] == pytest.approx(1 / 3)  # d = 2
    assert v[cell(7, 4)] == 0  # beyond the bandwidth
    old = ProspectiveHotspot(time_bandwidth_weeks=1).fit(e, GRID).predict(Period(100, 101))
    assert old.values.sum() == 0  # beyond the time bandwidth


def test_parameters_are_validated_with_one_sentence() -> None:
    with pytest.raises(
        ValueError,
        match=r"The 'bandwidth' parameter of KDEForecast must be a "
        r"float in \(0, inf\). Got -5 instead.",
    ):
        KDEForecast(bandwidth=-5).fit(ev([], [], []), GRID)


def test_get_params_and_set_params_follow_the_estimator_contract() -> None:
    m = KDEForecast(bandwidth=123.0)
    assert m.get_params()["bandwidth"] == 123.0
    assert m.set_params(bandwidth=7.0).bandwidth == 7.0
    with pytest.raises(ValueError, match="Invalid parameter"):
        m.set_params(nope=1)
    assert "KDEForecast(bandwidth=7.0" in repr(m)
    with pytest.raises(RuntimeError, match="not fitted"):
        m.predict(Period(0, 1))


def test_blend_weights_recover_a_known_mixture() -> None:
    rng = np.random.default_rng(3)
    x = rng.gamma(1.0, 1.0, size=(4000, 3))
    y = rng.poisson(x @ np.array([0.5, 0.0, 2.0]))
    w = _fit_weights(x, y.astype(float), 500, 0.0)
    assert w == pytest.approx([0.5, 0.0, 2.0], abs=0.1)


def stationary_events(rng: np.random.Generator, rate: np.ndarray) -> Events:
    """Two years of a stationary Poisson process: ``rate`` events per 30 days in each cell,
    at the cell's centre."""
    t, x, y = [], [], []
    for d in range(0, 720, 30):
        n = rng.poisson(rate)
        for c in np.nonzero(n)[0]:
            t += list(d + rng.random(n[c]) * 30)
            x += [GRID.centers[c, 0]] * n[c]
            y += [GRID.centers[c, 1]] * n[c]
    return ev(t, x, y, start=0)


def test_blend_is_calibrated_on_a_stationary_process() -> None:
    rng = np.random.default_rng(0)
    rate = rng.gamma(0.3, 1.0, GRID.n_cells)  # events per 30 days per cell
    e = stationary_events(rng, rate)
    m = BlendForecast().fit(e.before(690), GRID)
    s = m.predict(Period(690, 720))
    assert s.values.sum() == pytest.approx(rate.sum(), rel=0.15)


def test_blend_bands_rank_nested_cells() -> None:
    from openprecinct.analytics.forecast.blend import _nested_ranking

    rest = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    first = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0])
    second = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 8.0, 9.0])
    order = _nested_ranking([first, second], (0.1, 0.3), rest, ())
    assert list(order[:3]) == [9, 8, 0]  # 1 cell by the first, up to 3 by the second
    assert sorted(order.tolist()) == list(range(10))


def test_blend_one_se_rule_keeps_the_long_run_count_unless_the_gain_is_clear() -> None:
    from openprecinct.analytics.forecast.blend import FEATURE_NAMES

    rng = np.random.default_rng(5)
    hot = rng.choice(GRID.n_cells, 8, replace=False)
    t, x, y = [], [], []
    for d in range(0, 720, 3):  # near repeats: every event has a follow-up two days later
        c = int(rng.choice(hot)) if rng.random() < 0.5 else int(rng.integers(GRID.n_cells))
        for dt in (0.0, 2.0):
            t.append(d + dt)
            x.append(GRID.centers[c, 0])
            y.append(GRID.centers[c, 1])
    e = ev(t, x, y, start=0)
    strict = BlendForecast(one_se=1e9).fit(e.before(700), GRID).prepare([7.0])
    w = strict.weights_[7.0]
    others = [v for n, v in zip(FEATURE_NAMES, w, strict=True) if n != "all_history"]
    assert w[FEATURE_NAMES.index("all_history")] > 0 and not any(others)
    loose = BlendForecast(one_se=0.0).fit(e.before(700), GRID).prepare([7.0])
    assert np.count_nonzero(loose.weights_[7.0]) > 1  # the near repeats are worth keeping
    with pytest.raises(ValueError, match="one_se"):
        BlendForecast(one_se=-1).fit(e, GRID)


def test_eb_shrink_pulls_a_lone_count_towards_its_prior_by_the_overdispersion() -> None:
    # m = 1 everywhere; 1/k = ((4-1)^2 - 4 + 3 * 1) / 4 = 2, so k = 0.5 and the posterior
    # mean m (n + k) / (m + k) is 4.5 / 1.5 = 3 for the busy cell and 0.5 / 1.5 for the others
    out = eb_shrink(np.array([4.0, 0.0, 0.0, 0.0]), np.ones(4))
    assert out == pytest.approx([3.0, 1 / 3, 1 / 3, 1 / 3])
    assert out.sum() == pytest.approx(4.0)


def test_eb_shrink_without_overdispersion_keeps_the_prior() -> None:
    # counts no more spread than Poisson around the prior: the prior (1 each) is the estimate
    out = eb_shrink(np.array([2.0, 0.0, 1.0, 1.0]), np.ones(4))
    assert out == pytest.approx(np.ones(4), abs=2e-3)


def test_eb_shrink_ranks_equal_counts_by_their_prior() -> None:
    n = np.array([2.0, 2.0, 0.0, 0.0, 0.0, 0.0])
    out = eb_shrink(n, np.array([3.0, 1.0, 1.0, 1.0, 1.0, 1.0]))
    assert out[0] > out[1] > out[2]
    assert np.array_equal(eb_shrink(n, np.zeros(6)), n)  # no prior: the counts themselves


def test_blend_features_has_one_column_per_feature_name() -> None:
    t = np.array([1.0, 2.0, 5.0])
    cells = np.array([cell(1, 1), cell(1, 1), cell(5, 5)])
    r1 = GRID.adjacency().tocsr()
    x = blend_features(t, cells, GRID.n_cells, 10.0, 0.0, 7.0, r1, GRID.ring_adjacency(2))
    assert x.shape == (GRID.n_cells, len(FEATURE_NAMES))
    col = {n: x[:, i] for i, n in enumerate(FEATURE_NAMES)}
    assert col["eb_ring1"] == pytest.approx(eb_shrink(col["all_history"], col["ring1_all"]))
    assert col["eb_context"] == pytest.approx(eb_shrink(col["all_history"], col["context_all"]))
    assert col["eb_ring1"].sum() == pytest.approx(col["all_history"].sum(), rel=0.5)


def test_blend_with_bands_ranks_every_cell_once() -> None:
    assert BlendForecast().bands  # on by default
    rng = np.random.default_rng(9)
    c = rng.integers(GRID.n_cells, size=600)
    t = np.sort(rng.random(600) * 400)
    e = ev(list(t), list(GRID.centers[c, 0]), list(GRID.centers[c, 1]), start=0)
    m = BlendForecast(bands=True).fit(e.before(390), GRID)
    s = m.predict(Period(390, 400))
    assert sorted(s.ranking().tolist()) == list(range(GRID.n_cells))
    assert s.top(0.05).sum() == 5


def test_blend_ranks_the_busiest_cells_first_but_gives_quiet_cells_expected_events() -> None:
    rng = np.random.default_rng(2)
    rate = rng.gamma(0.3, 1.0, GRID.n_cells) + 0.02  # events per 30 days; no cell is safe
    train = stationary_events(rng, rate).before(690)
    m = BlendForecast(one_se=1e9, bands=False).fit(train, GRID)  # the search keeps the count
    s = m.predict(Period(690, 720))
    counts = np.bincount(GRID.locate(train.x, train.y), minlength=GRID.n_cells)
    assert (counts == 0).any()
    assert (s.values > 0).all()  # the maximum-likelihood blend keeps some smooth rate
    flagged = s.ranking()[:20]
    assert counts[flagged].min() >= np.sort(counts)[-20]  # the 20 busiest cells, ties aside
    assert s.values.sum() == pytest.approx(rate.sum(), rel=0.15)


def test_ensemble_ranks_by_the_mean_of_the_two_maps_as_shares() -> None:
    from openprecinct.analytics.forecast.blend import _ensemble

    a = np.array([6.0, 3.0, 1.0, 0.0])  # the hit-rate blend: all on the busy cells
    b = np.array([20.0, 30.0, 30.0, 20.0])  # the smooth maximum-likelihood blend
    got = _ensemble(a, b)
    assert got == pytest.approx([0.8, 0.6, 0.4, 0.2])
    assert np.argsort(-got).tolist() == [0, 1, 2, 3]
    assert _ensemble(np.zeros(4), b) is b  # nothing to average with
    assert _ensemble(a, np.zeros(4)) is a
