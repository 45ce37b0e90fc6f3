"""Our own model: a calibrated Poisson blend of multi-scale counts, neighbours and near repeats.

Idea. On sparse serious crime, the long-run count of a cell is the best single predictor
(``shared/bench/README.md``); it is noisy (most cells have 0, 1 or 2 events) and full of ties.
Recent counts and near repeats (Bowers, Johnson & Pease 2004; Mohler et al. 2011) add what is
new, and the neighbours' counts add what a cell's own history is too short to show (Johnson &
Bowers 2004). Rather than choosing, we blend them, with weights learned on the training window
only.

Model. For a period of L days starting at s, the expected number of events in cell c is::

    lambda_c = sum_k w_k f_kc,    w_k >= 0

where each feature f_k is a rate (events per day, times L) measured on events before s:
counts over windows of several lengths (all history, exponentially weighted with several
half-lives, last days), the same smoothed over the ring-1 and ring-2 neighbours, and a uniform
rate. This is an identity-link Poisson regression with non-negative weights (a mixture of
intensity maps), fitted by maximum likelihood with the EM / multiplicative update of
Shepp & Vardi (1982), which keeps weights non-negative and the fitted total equal to the
observed total, so ``lambda`` is a calibrated expected count, not only a ranking.

Training. Rolling origins inside the training window: the period starts ``s_j = T - j L``
(j = 1..J, at most ``max_origins``), features from events before ``s_j``, targets the counts in
``[s_j, s_j + L)``. Nothing after the training window is used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Self

import numpy as np
import scipy.sparse as sp

from openprecinct.analytics.forecast.base import (
    Events,
    FloatArray,
    Forecaster,
    IntArray,
    Period,
    Prediction,
    check_param,
    observed_days,
)
from openprecinct.analytics.forecast.sepp import GridETAS, exp_sums_by_group

__all__ = ["BlendForecast", "blend_features"]


FEATURE_NAMES = (
    "all_history",
    "decay_3y",
    "decay_1y",
    "decay_90d",
    "last_28d",
    "last_7d",
    "decay_7d",
    "decay_2d",
    "ring1_all",
    "ring2_all",
    "ring1_decay_1y",
    "ring1_last_28d",
    "context_all",
    "context_ring1",
    "context_decay_1y",
    "self_excitation",
    "declustered",
    "uniform",
    "eb_context",
    "eb_ring1",
)


def blend_features(
    t: FloatArray,
    cells: IntArray,
    n_cells: int,
    start: float,
    observed_from: float,
    period_days: float,
    ring1: sp.csr_matrix,
    ring2: sp.csr_matrix,
    context: tuple[FloatArray, IntArray] | None = None,
    etas: tuple[float, float] | None = None,
    p_background: FloatArray | None = None,
) -> FloatArray:
    """Feature matrix (n_cells, n_features) of rates times ``period_days`` at origin ``start``.

    ``t`` and ``cells`` are the events strictly before ``start``; ``context`` the times and cells
    of the context events before ``start`` (default: the events themselves). Context features
    are the context's share of each cell times the events' own expected total, so they are in
    the same units. ``etas = (theta, omega)`` gives the self-excitation feature, the expected
    offspring in the period of the cell's earlier events under a grid ETAS (Mohler et al. 2015):
    ``theta * sum_j (exp(-omega (start - t_j)) - exp(-omega (start + L - t_j)))``;
    ``p_background`` (one per event, see :func:`background_probability`) gives the declustered
    count. The last two are empirical-Bayes rates (:func:`eb_shrink`): the all-history count
    shrunk towards the context's share and towards the ring-1 neighbours' mean. All features
    are expected events in the period.
    """
    span = max(start - observed_from, 1.0) if math.isfinite(observed_from) else 1.0

    def rates(tt: FloatArray, cc: IntArray) -> list[FloatArray]:
        age = start - tt

        def rate(weights: FloatArray, exposure: float) -> FloatArray:
            c = np.bincount(cc, weights=weights, minlength=n_cells).astype(float)
            return c * (period_days / max(exposure, 1e-9))

        out = [rate(np.ones(tt.size), span)]
        for half in (3 * 365.25, 365.25, 90.0):
            lam = math.log(2) / half
            exposure = (1 - math.exp(-lam * span)) / lam
            out.append(rate(np.exp(-lam * age), exposure))
        for days in (28.0, 7.0):
            out.append(rate((age <= days).astype(float), min(days, span)))
        for half in (7.0, 2.0):  # near repeats (Johnson & Bowers 2004; Mohler et al. 2011)
            lam = math.log(2) / half
            exposure = (1 - math.exp(-lam * span)) / lam
            out.append(rate(np.exp(-lam * age), exposure))
        return out

    own = rates(t, cells)
    deg1 = np.maximum(np.asarray(ring1.sum(axis=1)).ravel(), 1.0)
    deg2 = np.maximum(np.asarray(ring2.sum(axis=1)).ravel(), 1.0)
    feats = list(own)
    feats.append(np.asarray(ring1 @ own[0]) / deg1)
    feats.append(np.asarray(ring2 @ own[0]) / deg2)
    feats.append(np.asarray(ring1 @ own[2]) / deg1)
    feats.append(np.asarray(ring1 @ own[4]) / deg1)
    ctx = own if context is None else rates(*context)
    total = float(own[0].sum())
    for f in (ctx[0], np.asarray(ring1 @ ctx[0]) / deg1, ctx[2]):
        s = float(f.sum())
        feats.append(f * (total / s) if s > 0 else np.zeros(n_cells))
    if etas is not None and etas[0] > 0 and t.size:
        theta, omega = etas
        w = np.exp(-omega * (start - t)) - np.exp(-omega * (start + period_days - t))
        feats.append(np.asarray(theta * np.bincount(cells, weights=w, minlength=n_cells), float))
    else:
        feats.append(np.zeros(n_cells))
    if p_background is not None and t.size:
        feats.append(
            np.asarray(
                np.bincount(cells, weights=p_background, minlength=n_cells) * (period_days / span),
                float,
            )
        )
    else:
        feats.append(own[0].copy())
    feats.append(np.full(n_cells, total / max(n_cells, 1)))
    # empirical-Bayes (Poisson-gamma) rates: each cell's own count shrunk towards a prior mean
    # (its share of the context, or its ring-1 neighbours' mean as in a conditional
    # autoregression), as much as the data's overdispersion says; multiplicative, so a cell
    # the prior calls quiet needs more events to rank high (the blend keeps the raw count too)
    feats.append(eb_shrink(own[0], feats[FEATURE_NAMES.index("context_all")]))
    feats.append(eb_shrink(own[0], feats[FEATURE_NAMES.index("ring1_all")]))
    return np.column_stack(feats)


def eb_shrink(counts: FloatArray, prior: FloatArray) -> FloatArray:
    """Posterior mean of Poisson rates ``lambda_c = m_c theta_c``, ``theta_c ~ Gamma(k, k)``:
    ``m_c (n_c + k) / (m_c + k)``, with ``m`` the prior rescaled to the counts' total (and
    floored at a tenth of the mean, so no cell is ruled out) and ``1/k`` estimated by moments,
    ``sum((n - m)^2 - n) / sum(m^2)`` (Clayton & Kaldor 1987). Same units as ``counts``."""
    n = np.asarray(counts, float)
    total = float(n.sum())
    if total <= 0 or float(prior.sum()) <= 0:
        return n.copy()
    m = prior * (total / float(prior.sum()))
    m = 0.9 * m + 0.1 * total / n.size
    inv_k = float(((n - m) ** 2 - n).sum() / max(float((m**2).sum()), 1e-12))
    k = 1.0 / min(max(inv_k, 1e-3), 1e3)
    return m * (n + k) / (m + k)


def background_probability(
    t: FloatArray, cells: IntArray, mu: FloatArray, theta: float, omega: float
) -> FloatArray:
    """Probability that each event is a background event under a grid ETAS,
    ``mu_c / (mu_c + theta omega A_i)`` with A_i the decayed count of earlier events of the cell
    (the expectation of stochastic declustering, Zhuang, Ogata & Vere-Jones 2002). It depends
    only on earlier events, so it can be computed once for a whole history."""
    if t.size == 0 or theta <= 0:
        return np.ones(t.size)
    order = np.lexsort((t, cells))
    a, _ = exp_sums_by_group(t[order], cells[order], omega)
    m = mu[cells[order]]
    lam = m + theta * omega * a
    p = np.where(lam > 0, m / np.where(lam > 0, lam, 1.0), 1.0)
    out = np.empty(t.size)
    out[order] = p
    return out


def _fit_weights(x: FloatArray, y: FloatArray, iterations: int, prior: float) -> FloatArray:
    """Non-negative identity-link Poisson regression by EM (Shepp & Vardi 1982).

    ``prior`` adds a small pseudo-count per feature (proportional to its share), which keeps
    every weight strictly positive so zero-valued ties are still ordered by information.
    """
    k = x.shape[1]
    col = x.sum(axis=0)
    ok = col > 0
    w = np.where(ok, y.sum() / np.maximum(col, 1e-12) / max(int(ok.sum()), 1), 0.0)
    if y.sum() <= 0 or not ok.any():
        return np.where(ok, 1.0 / max(int(ok.sum()), 1), 0.0)
    for _ in range(iterations):
        lam = x @ w
        ratio = np.where(lam > 0, y / np.maximum(lam, 1e-300), 0.0)
        num = (x.T @ ratio) * w + prior * y.sum() / k
        w_new = np.where(ok, num / np.maximum(col, 1e-300), 0.0)
        if np.allclose(w_new, w, rtol=1e-7, atol=1e-12):
            w = w_new
            break
        w = w_new
    return np.asarray(w, float)


SEARCH: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("context_all", (0.0, 0.3, 1.0, 3.0, 10.0)),
    ("ring1_all", (0.0, 0.05, 0.15, 0.4)),
    ("ring2_all", (0.0, 0.1, 0.3)),
    ("decay_1y", (0.0, 0.3, 1.0, 3.0)),
    ("last_28d", (0.0, 0.25, 1.0, 3.0, 10.0)),
    ("last_7d", (0.0, 0.25, 1.0, 3.0, 10.0)),
    ("decay_2d", (0.0, 0.25, 1.0, 3.0, 10.0)),
    ("decay_7d", (0.0, 0.25, 1.0, 3.0, 10.0)),
    ("self_excitation", (0.0, 0.25, 1.0, 3.0)),
    ("declustered", (0.0, 0.25, 1.0, 3.0, 10.0)),
    ("context_ring1", (0.0, 0.1, 0.3, 1.0)),
    ("eb_context", (0.0, 0.3, 1.0, 3.0, 10.0)),
    ("eb_ring1", (0.0, 0.3, 1.0, 3.0, 10.0)),
)
"""Weights tried by the hit-rate search, relative to the all-history count (weight 1)."""

BAND_COVERAGES = (0.01,)
"""Coverage bands of ``BlendForecast(bands=True)``: the cells of the top 1 % are ranked by the
blend chosen for the 1 % hit rate, the others by the ensemble of the main blend and the
maximum-likelihood blend. (Until 2026-12-06 the 5, 10 and 20 % bands had blends of their own
too; the ensemble ranks those cells better on other cities' data, ``docs/forecasting.md``.)"""


def _ensemble(a: FloatArray, b: FloatArray) -> FloatArray:
    """Mean of two rate maps, each as shares of its own total: the hit-rate blend's choice of
    features is noisy on thin training data, and the maximum-likelihood blend's smoother,
    so their average ranks the cells beyond the top band better than either."""
    sa, sb = float(a.sum()), float(b.sum())
    if sa <= 0 or sb <= 0:
        return a if sa > 0 else b
    return a / sa + b / sb


def _order(scores: FloatArray, tiebreak: tuple[FloatArray, ...]) -> IntArray:
    n = scores.size
    keys: list[FloatArray] = [np.random.default_rng(20040601).permutation(n).astype(float)]
    keys.extend(-np.asarray(k, float) for k in reversed(tiebreak))
    keys.append(-np.round(np.asarray(scores, float), 12))
    return np.lexsort(keys).astype(np.intp)


def _nested_ranking(
    band_scores: list[FloatArray],
    coverages: tuple[float, ...],
    rest: FloatArray,
    tiebreak: tuple[FloatArray, ...],
) -> IntArray:
    """One ranking from several: the top floor(c_1 N) cells by the first score, then up to
    floor(c_2 N) by the second among the cells left, ..., the remainder by ``rest``. So the
    cells flagged at coverage c_k are nested in those flagged at c_{k+1}."""
    n = rest.size
    taken = np.zeros(n, dtype=bool)
    out: list[int] = []
    for scores, c in zip(band_scores, coverages, strict=True):
        k = int(math.floor(c * n + 1e-9))
        for i in _order(scores, tiebreak):
            if len(out) >= k:
                break
            if not taken[i]:
                taken[i] = True
                out.append(int(i))
    tail = [int(i) for i in _order(rest, tiebreak) if not taken[i]]
    return np.asarray(out + tail, dtype=np.intp)


STARTS = ("context_all", "declustered", "decay_2d")
"""Extra starting points of the search: the all-history count plus 10 x one of these."""


def _hit_rates(
    scores: FloatArray,
    y: FloatArray,
    coverages: tuple[float, ...],
    tie: FloatArray,
    pei: bool = False,
) -> FloatArray:
    """Hit rate (or PEI: captured / best possible) at each coverage of each score column
    (n_cells, n_cand) against counts y."""
    n = y.size
    total = y.sum()
    out = np.zeros((scores.shape[1], len(coverages)))
    if total <= 0:
        return out
    ks = [int(math.floor(c * n + 1e-9)) for c in coverages]
    kmax = max(ks)
    best = np.cumsum(np.sort(y)[::-1])
    denom = (
        np.array([best[k - 1] if k > 0 else 1.0 for k in ks]) if pei else np.full(len(ks), total)
    )
    denom = np.maximum(denom, 1e-12)
    if kmax <= 0:
        return out
    for j in range(scores.shape[1]):
        s = np.round(scores[:, j], 12)
        # only the cells scoring at least the kmax-th largest value can be flagged: sort those
        threshold = np.partition(s, n - kmax)[n - kmax]
        cand = np.flatnonzero(s >= threshold)
        order = cand[np.lexsort((-tie[cand], -s[cand]))][:kmax]
        cum = np.cumsum(y[order])
        got = np.array([cum[k - 1] if k > 0 else 0.0 for k in ks])
        out[j] = got / denom
    return out


class BlendForecast(Forecaster):
    """Calibrated blend of multi-scale counts, neighbour smoothing and near repeats (our model).

    Parameters
    ----------
    max_origins : int, default 24
        Largest number of training origins (periods at the end of the training window).
    min_history_days : float or None, default None
        An origin needs at least this many days of earlier events (``None``: two periods,
        at least 7 days).
    iterations : int, default 300
        EM iterations for the weights.
    prior : float, default 1e-3
        Pseudo-count share per feature (see ``_fit_weights``), dimensionless.
    selection : {"hit_rate", "likelihood"}, default "hit_rate"
        ``"hit_rate"`` picks, among a small family of blends (long-run base + neighbours +
        recent counts), the one with the best mean hit rate at 1/5/10/20 % coverage over the
        training origins, keeping the all-history count unless another blend beats it by
        ``margin``. The expected counts (``values``) come from the blend fitted by maximum
        Poisson likelihood (EM) on the same origins, which is calibrated and gives no cell zero
        events where the smooth features say otherwise; the cells are ranked by the mean of
        the two blends (each as shares of its total; see ``bands`` for the top 1 %).
        ``"likelihood"`` ranks by the maximum-likelihood blend alone.
    criterion : {"hit_rate", "pei", "relative"}, default "hit_rate"
        What the search maximises, averaged over 1/5/10/20 % coverage: the hit rate, the PEI
        (captured / best possible), or the hit rate relative to the all-history count's.
    margin : float, default 0.005
        Hit-rate gain (fraction) a blend needs over the all-history count to be chosen.
    horizon_days : float or None, default None
        Period length the weights are learned for at ``fit`` time; ``None`` learns them, from the
        training events only, the first time a period of a new length is predicted.
    bands : bool, default True
        Also learn a blend for the top 1 % of cells alone, which ranks those cells (the others
        are ranked by the two-blend mean) if it beats the main blend at 1 % by more than
        ``one_se`` standard errors over the training origins. Until 2026-12-06 the 5, 10 and
        20 % bands had their own blends too; on Portland's calls, St. Louis's burglary and
        vehicle theft and NYPD's held-out series, ranking those cells by the two-blend mean
        did better (``docs/forecasting.md``) and fits in a third less time.
    one_se : float, default 1.0
        Breiman's one-standard-error rule on the training origins: the blend replaces the
        all-history count only if its mean per-origin gain exceeds ``one_se`` standard errors
        of those gains (0 turns the rule off). On thin series a gain of an event or two on the
        training window is noise.

    Attributes
    ----------
    weights_ : dict[float, ndarray]
        Learned weights per period length (days), in the order of ``FEATURE_NAMES``: the blend
        chosen by the hit-rate search.
    value_weights_ : dict[float, ndarray]
        The maximum-likelihood weights that give the expected counts (``selection="hit_rate"``).
    band_weights_ : dict[float, list of ndarray]
        The blends of the coverage bands (``bands=True``).
    """

    name = "blend"

    def __init__(
        self,
        max_origins: int = 24,
        min_history_days: float | None = None,
        iterations: int = 300,
        prior: float = 1e-3,
        selection: str = "hit_rate",
        criterion: str = "hit_rate",
        margin: float = 0.005,
        guard: float | None = 0.01,
        horizon_days: float | None = None,
        bands: bool = True,
        one_se: float = 1.0,
    ) -> None:
        self.max_origins = max_origins
        self.min_history_days = min_history_days
        self.iterations = iterations
        self.prior = prior
        self.selection = selection
        self.criterion = criterion
        self.guard = guard
        self.margin = margin
        self.horizon_days = horizon_days
        self.bands = bands
        self.one_se = one_se

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "max_origins", self.max_origins, "int", 1, low_open=False)
        check_param(
            n,
            "min_history_days",
            self.min_history_days,
            "float",
            0,
            low_open=False,
            allow_none=True,
        )
        check_param(n, "iterations", self.iterations, "int", 1, low_open=False)
        check_param(n, "prior", self.prior, "float", 0, low_open=False)
        check_param(n, "horizon_days", self.horizon_days, "float", 0, allow_none=True)
        check_param(n, "margin", self.margin, "float", 0, low_open=False)
        check_param(n, "one_se", self.one_se, "float", 0, low_open=False)
        if self.criterion not in ("hit_rate", "pei", "relative"):
            raise ValueError(
                "The 'criterion' parameter of BlendForecast must be 'hit_rate', "
                f"'pei' or 'relative'. Got {self.criterion!r} instead."
            )
        if self.selection not in ("hit_rate", "likelihood"):
            raise ValueError(
                "The 'selection' parameter of BlendForecast must be 'hit_rate' or "
                f"'likelihood'. Got {self.selection!r} instead."
            )

    def _fit(self) -> None:
        self.weights_: dict[float, FloatArray] = {}
        self.band_weights_: dict[float, list[FloatArray]] = {}
        self.value_weights_: dict[float, FloatArray] = {}
        self._ring1 = self.grid_.adjacency().tocsr()
        self._ring2 = self.grid_.ring_adjacency(2)
        # self-excitation parameters of a grid ETAS on the training window (O(n) per iteration)
        etas = GridETAS(iterations=20, tol=1e-4).fit(self.events_, self.grid_)
        self.etas_ = (etas.theta_, etas.omega_)
        self.background_ = etas.mu_
        self._pbg_train = background_probability(
            self.events_.t, self.cells_, etas.mu_, etas.theta_, etas.omega_
        )
        self._pbg_cache: tuple[FloatArray, IntArray, FloatArray] | None = None
        if self.horizon_days is not None:
            self._learn(float(self.horizon_days))

    def _features(
        self,
        t: FloatArray,
        cells: IntArray,
        start: float,
        observed_from: float,
        period_days: float,
        context: tuple[FloatArray, IntArray] | None,
        p_background: FloatArray | None,
    ) -> FloatArray:
        return blend_features(
            t,
            cells,
            self.grid_.n_cells,
            start,
            observed_from,
            period_days,
            self._ring1,
            self._ring2,
            context,
            self.etas_,
            p_background,
        )

    def prepare(self, period_days: Sequence[float]) -> Self:
        for d in sorted(set(period_days)):
            self._learn(float(d))
        return self

    def _learn(self, period_days: float) -> FloatArray:
        period_days = self._learned_days(period_days)
        key = round(period_days, 3)
        if key in self.weights_:
            return self.weights_[key]
        ev, cells = self.events_, self.cells_
        cev, ccells = self.context_, self.context_cells_
        n_feat = len(FEATURE_NAMES)
        min_hist = (
            max(7.0, 2.0 * period_days)
            if self.min_history_days is None
            else float(self.min_history_days)
        )
        xs, ys = [], []
        if len(ev):
            end = ev.end
            for j in range(1, int(self.max_origins) + 1):
                s = end - j * period_days
                if s - ev.observed_from < min_hist:
                    break
                k0, k1 = np.searchsorted(ev.t, [s, s + period_days], side="left")
                if k0 == 0:
                    break
                c0 = int(np.searchsorted(cev.t, s, side="left"))
                xs.append(
                    self._features(
                        ev.t[:k0],
                        cells[:k0],
                        s,
                        ev.observed_from,
                        period_days,
                        (cev.t[:c0], ccells[:c0]),
                        self._pbg_train[:k0],
                    )
                )
                ys.append(np.bincount(cells[k0:k1], minlength=self.grid_.n_cells).astype(float))
        if xs and self.selection == "likelihood":
            w = _fit_weights(
                np.vstack(xs), np.concatenate(ys), int(self.iterations), float(self.prior)
            )
        elif xs:
            bands = [self._select(xs, ys, (c,)) for c in BAND_COVERAGES] if self.bands else []
            w = self._select(xs, ys)
            # the expected counts come from the maximum-likelihood blend, which keeps a little
            # of the smooth features, so a cell with no history is not given zero events (the
            # hit-rate blend only ranks, and a zero would wreck the Poisson score)
            self.value_weights_[key] = _fit_weights(
                np.vstack(xs), np.concatenate(ys), int(self.iterations), float(self.prior)
            )
            if bands:
                # a band keeps its own blend only if it beats the main one at its coverage by
                # more than ``one_se`` standard errors over the training origins
                self.band_weights_[key] = [
                    wb if self._clear_gain(xs, ys, wb, w, c) else w
                    for wb, c in zip(bands, BAND_COVERAGES, strict=True)
                ]
        else:  # no usable origin: fall back to the all-history rate plus a little smoothing
            w = np.zeros(n_feat)
            names = list(FEATURE_NAMES)
            w[names.index("all_history")] = 0.9
            w[names.index("ring1_all")] = 0.09
            w[names.index("uniform")] = 0.01
        self.weights_[key] = w
        return w

    def _select(
        self,
        xs: list[FloatArray],
        ys: list[FloatArray],
        covs: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20),
    ) -> FloatArray:
        """Coordinate ascent over ``SEARCH`` on the mean training hit rate at ``covs``
        (two passes)."""
        idx = {n: i for i, n in enumerate(FEATURE_NAMES)}
        data = [(x, y, self._tie(x[:, 0])) for x, y in zip(xs, ys, strict=True) if y.sum() > 0]

        def per_coverage(cands: FloatArray) -> FloatArray:
            total = np.zeros((cands.shape[0], len(covs)))
            for x, y, tie in data:
                total += _hit_rates(
                    x @ np.ascontiguousarray(cands.T), y, covs, tie, self.criterion == "pei"
                )
            return total / max(len(data), 1)

        base = np.zeros(len(FEATURE_NAMES))
        base[idx["all_history"]] = 1.0
        w = base.copy()
        base_cov = per_coverage(w[None, :])[0]
        scale = np.maximum(base_cov, 0.01) if self.criterion == "relative" else np.ones(len(covs))
        best = float((base_cov / scale).mean())
        base_score = best
        guard = math.inf if self.guard is None else float(self.guard)
        # features that carry nothing new on this data are not searched: all zero, or equal to
        # the all-history count (e.g. context features when no context was given)
        stacked = np.vstack([x for x, _, _ in data]) if data else np.zeros((0, len(idx)))
        base_col = stacked[:, idx["all_history"]] if data else np.zeros(0)
        useful = {
            name
            for name, _ in SEARCH
            if data
            and np.any(stacked[:, idx[name]] > 0)
            and not np.allclose(stacked[:, idx[name]], base_col)
        }

        def ascend(w: FloatArray, best: float) -> tuple[FloatArray, float]:
            for _ in range(2):
                improved = False
                for name, all_values in SEARCH:
                    values = tuple(v for v in all_values if v != w[idx[name]])
                    if name not in useful or not values:
                        continue
                    cands = np.repeat(w[None, :], len(values), axis=0)
                    cands[:, idx[name]] = values
                    pc = per_coverage(cands)
                    sc = (pc / scale).mean(axis=1)
                    # never much worse than the long-run count at any coverage, on training data
                    sc[np.any(pc < base_cov - guard, axis=1)] = -np.inf
                    j = int(np.argmax(sc))
                    if sc[j] > best + 1e-9:
                        best, w, improved = float(sc[j]), cands[j].copy(), True
                if not improved:
                    break
            return w, best

        # several starts, so that a blend dominated by one feature (the context, the
        # declustered count, near repeats) is not missed by a greedy path from the base
        w, best = ascend(base.copy(), base_score)
        for name in STARTS:
            if name not in useful:
                continue
            start = base.copy()
            start[idx[name]] = 10.0
            pc = per_coverage(start[None, :])[0]
            if np.any(pc < base_cov - guard):
                continue
            w2, best2 = ascend(start, float((pc / scale).mean()))
            if best2 > best + 1e-9:
                w, best = w2, best2
        if best < base_score + float(self.margin):
            w = base
        elif self.one_se > 0 and len(data) > 1:
            # Breiman's one-standard-error rule: keep the simpler all-history count unless the
            # blend's gain over the training origins exceeds ``one_se`` standard errors of the
            # per-origin gains (thin series: a gain of one or two events is noise)
            gains = np.array(
                [
                    float(
                        (
                            _hit_rates(
                                (x @ np.column_stack([w, base])),
                                y,
                                covs,
                                tie,
                                self.criterion == "pei",
                            )
                            / scale
                        ).mean(axis=1)
                        @ np.array([1.0, -1.0])
                    )
                    for x, y, tie in data
                ]
            )
            se = float(gains.std(ddof=1) / math.sqrt(gains.size))
            if gains.mean() < float(self.one_se) * se:
                w = base
        self.selection_score_ = (base_score, max(best, base_score))
        pred = sum(float((x @ w).sum()) for x in xs)
        obs = sum(float(y.sum()) for y in ys)
        if pred > 0 and obs > 0:
            w = w * (obs / pred)
        return np.asarray(w, dtype=float)

    def _clear_gain(
        self, xs: list[FloatArray], ys: list[FloatArray], a: FloatArray, b: FloatArray, c: float
    ) -> bool:
        """Is ``a``'s hit rate at coverage ``c`` above ``b``'s by more than ``one_se`` standard
        errors of the per-origin differences (and by at least ``margin``)?"""
        gains = []
        for x, y in zip(xs, ys, strict=True):
            if y.sum() <= 0:
                continue
            hr = _hit_rates(x @ np.column_stack([a, b]), y, (c,), self._tie(x[:, 0]))
            gains.append(float(hr[0, 0] - hr[1, 0]))
        if len(gains) < 2:
            return False
        g = np.asarray(gains)
        se = float(g.std(ddof=1) / math.sqrt(g.size))
        return bool(g.mean() > max(float(self.one_se) * se, float(self.margin)))

    def _predict(self, period: Period, past: Events, cells: IntArray) -> Prediction:
        w = self._learn(period.days)
        cpast, ccells = self._context_past
        x = self._features(
            past.t,
            cells,
            period.start,
            past.observed_from,
            period.days,
            (cpast.t, ccells),
            self._p_background(past.t, cells),
        )
        scores = x @ w
        days = observed_days(past, period.start, None)
        allc = self._counts(cells)
        tie = self._tie(allc)
        if days <= 0:
            return np.zeros(self.grid_.n_cells), (allc, tie)
        key = self._key(period.days)
        wv = self.value_weights_.get(key)
        if wv is None:  # selection="likelihood", or no training origin
            values = scores
        else:
            values = x @ wv
            scores = _ensemble(scores, values)
        band = self.band_weights_.get(key) if self.bands else None
        if band:
            order = _nested_ranking([x @ wb for wb in band], BAND_COVERAGES, scores, (allc, tie))
            return values, (allc, tie), order
        if wv is None:  # the values are the ranking scores
            return values, (allc, tie)
        return values, (allc, tie), _order(scores, (allc, tie))

    @staticmethod
    def _learned_days(period_days: float) -> float:
        """The period length whose weights serve ``period_days``: calendar months share one."""
        return 30.4375 if 27.0 <= period_days <= 32.0 else period_days

    @classmethod
    def _key(cls, period_days: float) -> float:
        return round(cls._learned_days(period_days), 3)

    def _p_background(self, t: FloatArray, cells: IntArray) -> FloatArray:
        """Background probabilities of a history; a longer history sharing the cached prefix
        reuses it (p depends only on earlier events)."""
        cached = self._pbg_cache
        n = t.size
        if (
            cached is not None
            and cached[0].size >= n
            and np.array_equal(cached[0][:n], t)
            and np.array_equal(cached[1][:n], cells)
        ):
            return cached[2][:n]
        p = background_probability(t, cells, self.background_, *self.etas_)
        self._pbg_cache = (t.copy(), cells.copy(), p)
        return p

    def _tie(self, counts: FloatArray) -> FloatArray:
        """Tie-break key: the neighbours' counts (ring 1), then the next ring's."""
        r1 = np.asarray(self._ring1 @ counts, float)
        r2 = np.asarray(self._ring2 @ counts, float)
        return r1 + 1e-3 * r2 / max(float(r2.max(initial=0.0)), 1e-12)
