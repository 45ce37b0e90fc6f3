"""Rolling-origin backtests of hotspot forecasts: hit rate, PAI, PEI, calibration, log-likelihood.

Protocol (the same as ``shared/bench/opencp_baseline.py``, so figures compare with open_cp's):

* the grid's cells are those touching the study area; events in no cell are dropped;
* every method is fitted once on the events of ``[train_start, first test period)``;
* for each test period it predicts from the events strictly before the period's start (the
  model never sees an event of the period or later);
* for coverage c the top ``floor(c * N)`` cells of N are flagged (ties broken by the surface's
  tie-break keys, never by cell order) and scored on the period's events:
  hit rate ``HR`` = captured / events (Chainey, Tompson & Uhlig 2008), ``PAI = HR / (n / N)``,
  ``PEI`` = captured / best possible with n cells (Hunt 2016);
* periods without events are skipped (and counted); scores are means over scored periods.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from openprecinct.analytics.forecast.base import (
    Events,
    Forecaster,
    Period,
    RiskSurface,
    datetime64_from_days,
    days_from_datetime64,
)
from openprecinct.analytics.grid import Grid

__all__ = [
    "BacktestResult",
    "Calibration",
    "CoverageScore",
    "MethodScore",
    "PairedTest",
    "PeriodScore",
    "backtest",
    "make_periods",
    "paired_test",
    "poisson_log_likelihood",
    "score_surface",
    "select_winner",
]

FloatArray = npt.NDArray[np.float64]

LL_FLOOR = 1e-6
"""Smallest expected count used in the Poisson log-likelihood (events per cell per period)."""


def make_periods(
    test_start: str | np.datetime64, test_end: str | np.datetime64, horizon: str
) -> list[Period]:
    """Consecutive periods from ``test_start`` that end on or before ``test_end`` (inclusive date).

    ``horizon`` is ``"day"``, ``"week"`` (7 days from ``test_start``) or ``"month"`` (calendar
    months; ``test_start`` is taken to the first of its month).
    """
    start = np.datetime64(str(test_start), "D")
    stop = np.datetime64(str(test_end), "D") + np.timedelta64(1, "D")
    if stop <= start:
        raise ValueError(f"the test end {test_end} is before the test start {test_start}")
    bounds: list[np.datetime64] = []
    if horizon in ("day", "week"):
        step = np.timedelta64(1 if horizon == "day" else 7, "D")
        s = start
        while s + step <= stop:
            bounds.append(s)
            s = s + step
        bounds.append(s)
    elif horizon == "month":
        m = start.astype("datetime64[M]")
        while (m + 1).astype("datetime64[D]") <= stop:
            bounds.append(m.astype("datetime64[D]"))
            m = m + 1
        bounds.append(m.astype("datetime64[D]"))
    else:
        raise ValueError(
            f"The 'horizon' parameter must be 'day', 'week' or 'month'. Got {horizon!r} instead."
        )
    days = days_from_datetime64(np.array(bounds, dtype="datetime64[D]"))
    return [Period(float(a), float(b)) for a, b in zip(days[:-1], days[1:], strict=True)]


@dataclass(frozen=True)
class PeriodScore:
    """Scores of one surface on one period's events, per coverage (fractions)."""

    events: int
    captured: dict[float, int]
    flagged: dict[float, int]
    best: dict[float, int]
    log_likelihood: float


def poisson_log_likelihood(expected: FloatArray, observed: FloatArray) -> float:
    """``sum_c y_c log(lam_c) - lam_c - log(y_c!)`` with ``lam_c >= LL_FLOOR``."""
    lam = np.maximum(np.asarray(expected, float), LL_FLOOR)
    y = np.asarray(observed, float)
    return float(np.sum(y * np.log(lam) - lam - special.gammaln(y + 1)))


def score_surface(
    surface: RiskSurface, observed: FloatArray, coverages: Sequence[float]
) -> PeriodScore:
    """Score one forecast against observed counts per cell."""
    n_cells = observed.size
    order = surface.ranking()
    ranked_obs = observed[order]
    best_sorted = np.sort(observed)[::-1]
    cap, fl, best = {}, {}, {}
    for c in coverages:
        n = int(math.floor(c * n_cells + 1e-9))
        fl[c] = n
        cap[c] = int(ranked_obs[:n].sum())
        best[c] = int(best_sorted[:n].sum())
    ll = poisson_log_likelihood(surface.values, observed)
    return PeriodScore(int(observed.sum()), cap, fl, best, ll)


@dataclass(frozen=True)
class CoverageScore:
    """Mean scores over scored periods at one coverage; ``hit_rate_ci`` is a 95 % t interval."""

    hit_rate: float
    pai: float
    pei: float
    pooled_hit_rate: float
    hit_rate_ci: tuple[float, float]
    area_fraction: float


@dataclass(frozen=True)
class Calibration:
    """Expected vs observed events, pooled over periods, by decile of forecast risk."""

    expected: tuple[float, ...]
    observed: tuple[float, ...]


@dataclass(frozen=True)
class MethodScore:
    """Everything measured for one method."""

    name: str
    coverage: dict[float, CoverageScore]
    hit_rates: dict[float, tuple[float, ...]]
    log_likelihood: float
    calibration: Calibration
    fit_seconds: float
    predict_seconds_per_period: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PairedTest:
    """Paired comparison of per-period hit rates (a minus b), Wilcoxon signed-rank p-value."""

    a: str
    b: str
    coverage: float
    mean_difference: float
    ci: tuple[float, float]
    p_value: float
    n_periods: int


@dataclass(frozen=True)
class BacktestResult:
    """Result of :func:`backtest`; ``oracle`` is the perfect-foresight ceiling."""

    methods: dict[str, MethodScore]
    oracle: MethodScore
    coverages: tuple[float, ...]
    periods: int
    periods_scored: int
    periods_skipped: int
    events_train: int
    events_test: int
    cells: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; coverage keys are percentages as strings (``"5"``)."""

        def method(m: MethodScore) -> dict[str, Any]:
            return {
                "coverage": {
                    _pct(c): {
                        "hit_rate": _num(s.hit_rate),
                        "pai": _num(s.pai),
                        "pei": _num(s.pei),
                        "pooled_hit_rate": _num(s.pooled_hit_rate),
                        "hit_rate_ci95": [_num(s.hit_rate_ci[0]), _num(s.hit_rate_ci[1])],
                        "area_fraction": _num(s.area_fraction),
                    }
                    for c, s in m.coverage.items()
                },
                "fit_seconds": _num(m.fit_seconds),
                "predict_seconds_per_period": _num(m.predict_seconds_per_period),
                "log_likelihood_per_period": _num(m.log_likelihood),
                "calibration_by_decile": {
                    "expected": [_num(v) for v in m.calibration.expected],
                    "observed": [_num(v) for v in m.calibration.observed],
                },
                "params": {k: _jsonable(v) for k, v in m.params.items()},
            }

        return {
            "methods": {name: method(m) for name, m in self.methods.items()},
            "oracle": method(self.oracle),
            "periods": self.periods_scored,
            "periods_total": self.periods,
            "periods_skipped_no_events": self.periods_skipped,
            "events_train": self.events_train,
            "events_test": self.events_test,
            "cells": self.cells,
        }


def _pct(c: float) -> str:
    return f"{c * 100:g}"


def _num(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), 6)


def _jsonable(v: Any) -> Any:
    if isinstance(v, bool | int | str) or v is None:
        return v
    if isinstance(v, float | np.floating):
        return _num(float(v))
    return repr(v)


def _summarise(
    name: str,
    scores: list[PeriodScore],
    surfaces_obs: list[tuple[FloatArray, FloatArray]],
    coverages: Sequence[float],
    n_cells: int,
    fit_s: float,
    pred_s: float,
    params: dict[str, Any],
) -> MethodScore:
    cov: dict[float, CoverageScore] = {}
    rates: dict[float, tuple[float, ...]] = {}
    for c in coverages:
        cap = np.array([s.captured[c] for s in scores], float)
        tot = np.array([s.events for s in scores], float)
        n = np.array([s.flagged[c] for s in scores], float)
        best = np.array([s.best[c] for s in scores], float)
        if cap.size == 0:
            nan = math.nan
            cov[c] = CoverageScore(nan, nan, nan, nan, (nan, nan), nan)
            rates[c] = ()
            continue
        hr = cap / tot
        frac = n / n_cells
        with np.errstate(divide="ignore", invalid="ignore"):
            pai = np.where(frac > 0, hr / frac, np.nan)
            pei = np.where(best > 0, cap / np.maximum(best, 1), np.nan)
        m = float(hr.mean())
        half = (
            float(stats.t.ppf(0.975, hr.size - 1) * hr.std(ddof=1) / math.sqrt(hr.size))
            if hr.size > 1
            else math.nan
        )
        cov[c] = CoverageScore(
            m,
            float(np.nanmean(pai)) if np.isfinite(pai).any() else math.nan,
            float(np.nanmean(pei)) if np.isfinite(pei).any() else math.nan,
            float(cap.sum() / tot.sum()),
            (m - half, m + half),
            float(frac.mean()),
        )
        rates[c] = tuple(float(v) for v in hr)
    ll = float(np.mean([s.log_likelihood for s in scores])) if scores else math.nan
    calib = _calibration(surfaces_obs)
    return MethodScore(name, cov, rates, ll, calib, fit_s, pred_s, params)


def _calibration(pairs: list[tuple[FloatArray, FloatArray]], bins: int = 10) -> Calibration:
    if not pairs:
        return Calibration((), ())
    exp = np.concatenate([p[0] for p in pairs])
    obs = np.concatenate([p[1] for p in pairs])
    rng = np.random.default_rng(0)
    order = np.lexsort((rng.random(exp.size), exp))
    e, o = [], []
    for chunk in np.array_split(order, bins):
        e.append(float(exp[chunk].sum()))
        o.append(float(obs[chunk].sum()))
    return Calibration(tuple(e), tuple(o))


def backtest(
    events: Events,
    grid: Grid,
    methods: Mapping[str, Forecaster],
    periods: Sequence[Period],
    *,
    coverages: Sequence[float] = (0.01, 0.05, 0.10, 0.20),
    train_start: float | None = None,
    refit_every: int = 0,
    context: Events | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation of several forecasters on the same periods.

    Parameters
    ----------
    events : Events
        All events (days, metres); those in no grid cell are ignored.
    grid : Grid
    methods : mapping of name to an unfitted Forecaster
    periods : sequence of Period, in time order
    coverages : fractions of cells flagged, e.g. 0.05 for 5 %
    train_start : float, optional
        First day of history (days since epoch); earlier events are ignored.
    refit_every : int, default 0
        Refit every k periods on all events before the period (0: fit once before the first).
    context : Events, optional
        Context events (e.g. every offence when ``events`` is burglary only), offered to the
        methods that use covariates, with the same "strictly before the period" rule.

    Returns
    -------
    BacktestResult
    """
    if not periods:
        raise ValueError("no test period: the test window is shorter than one horizon")
    for c in coverages:
        if not (0 < c <= 1):
            raise ValueError(f"coverages must be fractions in (0, 1]; got {c}")
    cells = grid.locate(events.x, events.y)
    ev = events.select(cells >= 0)
    cells = cells[cells >= 0]
    if train_start is not None:
        keep = ev.t >= train_start
        ev = Events(ev.t[keep], ev.x[keep], ev.y[keep], train_start)
        cells = cells[keep]
    first = periods[0].start
    train = ev.before(first)
    ctx: Events | None = None
    if context is not None:
        ctx = context
        if train_start is not None:
            keep_ctx = ctx.t >= train_start
            ctx = Events(ctx.t[keep_ctx], ctx.x[keep_ctx], ctx.y[keep_ctx], train_start)
    observed: list[FloatArray] = []
    for p in periods:
        lo, hi = np.searchsorted(ev.t, [p.start, p.end], side="left")
        observed.append(np.bincount(cells[lo:hi], minlength=grid.n_cells).astype(float))
    scored = [i for i, o in enumerate(observed) if o.sum() > 0]
    results: dict[str, MethodScore] = {}
    for name, model in methods.items():
        t0 = time.perf_counter()
        ctx_train = None if ctx is None else ctx.before(first)
        model.fit(train, grid, ctx_train).prepare([periods[i].days for i in scored])
        fit_s = time.perf_counter() - t0
        pred_times: list[float] = []
        scores: list[PeriodScore] = []
        pairs: list[tuple[FloatArray, FloatArray]] = []
        for k, i in enumerate(scored):
            p = periods[i]
            if refit_every > 0 and k > 0 and k % refit_every == 0:
                t0 = time.perf_counter()
                model.fit(
                    ev.before(p.start), grid, None if ctx is None else ctx.before(p.start)
                ).prepare([p.days])
                fit_s += time.perf_counter() - t0
            t1 = time.perf_counter()
            surface = model.predict(p, history=ev, context=ctx)
            pred_times.append(time.perf_counter() - t1)
            scores.append(score_surface(surface, observed[i], coverages))
            pairs.append((surface.values, observed[i]))
        results[name] = _summarise(
            name,
            scores,
            pairs,
            coverages,
            grid.n_cells,
            fit_s,
            float(np.mean(pred_times)) if pred_times else math.nan,
            model.get_params(),
        )
    oracle_scores = []
    for i in scored:
        s = RiskSurface(grid, periods[i], observed[i], (), "oracle")
        oracle_scores.append(score_surface(s, observed[i], coverages))
    oracle = _summarise(
        "oracle",
        oracle_scores,
        [(observed[i], observed[i]) for i in scored],
        coverages,
        grid.n_cells,
        0.0,
        0.0,
        {},
    )
    n_test = int(sum(observed[i].sum() for i in scored))
    return BacktestResult(
        results,
        oracle,
        tuple(coverages),
        len(periods),
        len(scored),
        len(periods) - len(scored),
        len(train),
        n_test,
        grid.n_cells,
    )


def paired_test(result: BacktestResult, a: str, b: str, coverage: float) -> PairedTest:
    """Compare two methods' per-period hit rates at one coverage (Wilcoxon signed-rank)."""
    ha = np.array(result.methods[a].hit_rates[coverage])
    hb = np.array(result.methods[b].hit_rates[coverage])
    d = ha - hb
    n = d.size
    if n == 0:
        return PairedTest(a, b, coverage, math.nan, (math.nan, math.nan), math.nan, 0)
    mean = float(d.mean())
    half = float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    p = 1.0 if np.allclose(d, 0) else float(stats.wilcoxon(d, zero_method="zsplit").pvalue)
    return PairedTest(a, b, coverage, mean, (mean - half, mean + half), p, n)


def select_winner(result: BacktestResult) -> str:
    """The rule for the default method: highest mean hit rate averaged over the coverages;
    ties go to the method listed first (simplest first)."""
    best_name, best_val = "", -math.inf
    for name, m in result.methods.items():
        vals = [s.hit_rate for s in m.coverage.values() if math.isfinite(s.hit_rate)]
        v = float(np.mean(vals)) if vals else -math.inf
        if v > best_val + 1e-12:
            best_name, best_val = name, v
    return best_name


def period_label(p: Period) -> str:
    """ISO date of a period's start."""
    return str(datetime64_from_days(p.start).astype("datetime64[D]"))
