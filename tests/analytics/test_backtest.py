"""Rolling-origin backtest: protocol, metrics by hand, skipped periods, paired test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import box

from openprecinct.analytics import backtest as bt
from openprecinct.analytics.forecast import Events, LongRunCounts, Period, RecentCounts, RiskSurface
from openprecinct.analytics.grid import SquareGrid

GRID = SquareGrid(box(0, 0, 1499, 1499), 150)  # 100 cells


def cxy(col: int, row: int) -> tuple[float, float]:
    return 75 + 150 * col, 75 + 150 * row


def test_monthly_periods_are_calendar_months_and_end_inclusive() -> None:
    ps = bt.make_periods("2015-01-01", "2015-11-30", "month")
    assert len(ps) == 11 and ps[1].days == 28
    assert len(bt.make_periods("2015-01-01", "2015-01-07", "day")) == 7
    assert len(bt.make_periods("2015-01-01", "2015-01-20", "week")) == 2


def test_hit_rate_pai_pei_by_hand() -> None:
    # 10 % coverage = 10 cells flagged. Forecast ranks cells 0..9 first.
    values = np.zeros(GRID.n_cells)
    values[:10] = np.arange(10, 0, -1)
    obs = np.zeros(GRID.n_cells)
    obs[0] = 2
    obs[50] = 1
    obs[51] = 1
    s = RiskSurface(GRID, Period(0, 1), values)
    sc = bt.score_surface(s, obs, [0.10])
    assert (sc.captured[0.10], sc.events, sc.flagged[0.10], sc.best[0.10]) == (2, 4, 10, 4)
    # HR 0.5, PAI 0.5 / 0.1 = 5, PEI 2 / 4


def test_backtest_counts_skipped_periods_and_scores_means() -> None:
    x0, y0 = cxy(2, 2)
    x1, y1 = cxy(7, 7)
    t = [
        1,
        2,
        3,
        11.5,
        13.5,
    ]  # history days 1-3 in (2,2); period day 11 hit, day 12 empty, day 13 miss
    x = [x0, x0, x0, x0, x1]
    y = [y0, y0, y0, y0, y1]
    e = Events(np.array(t), np.array(x), np.array(y), 0.0)
    ps = [Period(11, 12), Period(12, 13), Period(13, 14)]
    r = bt.backtest(e, GRID, {"long": LongRunCounts(window_days=None)}, ps, coverages=[0.01])
    assert r.periods == 3 and r.periods_scored == 2 and r.periods_skipped == 1
    assert r.events_test == 2 and r.events_train == 3 and r.cells == 100
    cov = r.methods["long"].coverage[0.01]
    assert cov.hit_rate == pytest.approx(0.5)
    assert cov.pai == pytest.approx(0.5 / 0.01)
    assert r.oracle.coverage[0.01].hit_rate == 1.0
    d = r.to_dict()
    assert set(d["methods"]["long"]["coverage"]) == {"1"}
    assert d["periods"] == 2 and d["periods_skipped_no_events"] == 1


def test_calibration_and_log_likelihood() -> None:
    lam = np.array([0.5, 1.0, 2.0])
    y = np.array([0.0, 1.0, 3.0])
    want = sum(yy * math.log(ll) - ll - math.lgamma(yy + 1) for yy, ll in zip(y, lam, strict=True))
    assert bt.poisson_log_likelihood(lam, y) == pytest.approx(want)


def test_paired_test_and_winner_rule() -> None:
    rng = np.random.default_rng(1)
    t, x, y = [], [], []
    for d in range(200):
        for _ in range(rng.poisson(3)):
            c = rng.choice([0, 1, 2, 55], p=[0.4, 0.3, 0.2, 0.1])
            t.append(d + rng.random())
            x.append(GRID.centers[c, 0])
            y.append(GRID.centers[c, 1])
    e = Events(np.array(t), np.array(x), np.array(y), 0.0)
    ps = [Period(150 + i, 151 + i) for i in range(50)]
    r = bt.backtest(
        e,
        GRID,
        {"naive": RecentCounts(window_days=1), "long": LongRunCounts()},
        ps,
        coverages=[0.02],
    )
    pt = bt.paired_test(r, "long", "naive", 0.02)
    assert pt.mean_difference > 0 and pt.p_value < 0.05 and pt.n_periods == r.periods_scored
    assert bt.select_winner(r) == "long"
    calib = r.methods["long"].calibration
    assert sum(calib.expected) == pytest.approx(sum(calib.observed), rel=0.2)


def test_bad_inputs() -> None:
    e = Events(np.array([1.0]), np.array([10.0]), np.array([10.0]))
    with pytest.raises(ValueError, match="no test period"):
        bt.backtest(e, GRID, {}, [])
    with pytest.raises(ValueError, match="horizon"):
        bt.make_periods("2015-01-01", "2015-02-01", "year")


def test_scores_do_not_change_when_the_map_is_shifted_by_whole_cells() -> None:
    rng = np.random.default_rng(7)
    n = 400
    t = rng.uniform(0, 120, n)
    x = rng.choice([200.0, 500.0, 900.0, 1300.0], n) + rng.normal(0, 60, n)
    y = rng.choice([300.0, 800.0, 1100.0], n) + rng.normal(0, 60, n)
    ps = [Period(90 + 5 * i, 95 + 5 * i) for i in range(6)]

    def run(dx: float, dy: float) -> list[float]:
        g = SquareGrid(box(dx, dy, 1499 + dx, 1499 + dy), 150)
        e = Events(t, x + dx, y + dy, 0.0)
        r = bt.backtest(e, g, {"n": RecentCounts(window_days=30)}, ps)
        return [r.methods["n"].coverage[c].hit_rate for c in r.coverages]

    assert run(0, 0) == run(150 * 7, -150 * 3)


def test_context_events_lift_a_sparse_category() -> None:
    from openprecinct.analytics.forecast.blend import BlendForecast

    rng = np.random.default_rng(11)
    weights = rng.gamma(0.4, 1.0, GRID.n_cells)
    weights /= weights.sum()

    def draw(n: int, days: float) -> Events:
        c = rng.choice(GRID.n_cells, n, p=weights)
        return Events(rng.uniform(0, days, n), GRID.centers[c, 0], GRID.centers[c, 1], 0.0)

    sparse = draw(300, 720)  # a rare offence, same geography as everything else
    context = draw(6000, 720)
    ps = [Period(360 + 30 * i, 390 + 30 * i) for i in range(12)]
    methods = {"blend": BlendForecast(), "long": LongRunCounts()}
    r = bt.backtest(sparse, GRID, methods, ps, coverages=[0.05, 0.10, 0.20], context=context)

    def mean_hit_rate(name: str) -> float:
        return float(np.mean([s.hit_rate for s in r.methods[name].coverage.values()]))

    # a dozen events a month: single coverages are noisy, the mean over coverages is not
    assert mean_hit_rate("blend") > mean_hit_rate("long")
