"""Self-exciting point processes: grid ETAS (Mohler et al. 2015) and a continuous space-time
SEPP (Mohler et al. 2011), both fitted by EM in O(n log n) time and O(n k) memory.

* :class:`GridETAS` - Mohler, Short, Malinowski, Johnson, Tita, Bertozzi & Brantingham (2015),
  "Randomized controlled field trials of predictive policing", JASA 110:1399-1411. Each cell
  has a Poisson background rate ``mu_c``; every event raises its own cell's rate by
  ``theta * omega * exp(-omega * dt)``. The E-step sums over earlier events of the same cell by
  the exponential recursion ``A_i = exp(-omega (t_i - t_{i-1})) (A_{i-1} + 1)``, so an iteration
  is O(n) after one O(n log n) sort: no event pairs are ever stored.
* :class:`ContinuousSEPP` - Mohler, Short, Brantingham, Schoenberg & Tita (2011), "Self-exciting
  point process modeling of crime", JASA 106:100-108: background ``mu(x)`` a kernel density of
  the events weighted by their probability of being background, triggering
  ``theta * omega exp(-omega dt) * N(dx; 0, sigma^2 I)``. Parents are searched only within
  ``space_cutoff`` metres (scipy ``cKDTree``) and ``time_cutoff_days``, so memory is O(n k) with k
  the neighbours in the cut-off cylinder, never O(n^2). ``declustering="stochastic"`` samples
  the branching structure at each iteration as in Mohler et al. (2011) (randomness from ``rng``);
  ``"em"`` uses the expected branching (Veen & Schoenberg 2008). Unlike the 2011 paper the
  triggering kernel is parametric (exponential x Gaussian, as in Mohler 2014), which is what lets
  it fit sparse data (a few events a day) where open_cp's kNN-KDE version fails.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from openprecinct.analytics.forecast._raster import FineRaster
from openprecinct.analytics.forecast.base import (
    Events,
    FloatArray,
    Forecaster,
    IntArray,
    Period,
    check_param,
)

__all__ = ["ContinuousSEPP", "GridETAS", "exp_sums_by_group"]


def exp_sums_by_group(
    t: FloatArray, group: IntArray, omega: float
) -> tuple[FloatArray, FloatArray]:
    """For each event i, ``A_i = sum_j exp(-omega (t_i - t_j))`` and
    ``B_i = sum_j (t_i - t_j) exp(-omega (t_i - t_j))`` over earlier events j (``t_j < t_i``
    strictly) of the same group.

    ``t`` and ``group`` must be sorted by (group, t). O(n) by the exponential recursion,
    vectorised across groups by rank within the group.
    """
    n = t.size
    a = np.zeros(n)
    b = np.zeros(n)
    if n == 0:
        return a, b
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    starts = np.flatnonzero(new_group)
    sizes = np.diff(np.append(starts, n))
    p = np.ones(n)  # sum over j <= i of exp(-omega (t_i - t_j)), the event itself included
    q = np.zeros(n)  # sum over j <= i of (t_i - t_j) exp(...)
    for r in range(1, int(sizes.max())):
        idx = starts[sizes > r] + r
        prev = idx - 1
        d = t[idx] - t[prev]
        decay = np.exp(-omega * d)
        tied = d <= 0
        a[idx] = np.where(tied, a[prev], decay * p[prev])
        b[idx] = np.where(tied, b[prev], decay * (q[prev] + d * p[prev]))
        p[idx] = decay * p[prev] + 1.0
        q[idx] = decay * (q[prev] + d * p[prev])
    return a, b


class GridETAS(Forecaster):
    """Grid ETAS of Mohler et al. (2015): per-cell background rate plus exponential
    self-excitation within the cell, fitted by EM.

    ``lambda_c(t) = mu_c + theta * omega * sum_{t_j < t, j in c} exp(-omega (t - t_j))``

    Parameters
    ----------
    iterations : int, default 50
        Maximum EM iterations.
    tol : float, default 1e-6
        Stop when theta and omega change relatively less than this.
    theta0 : float, default 0.1
        Initial expected number of offspring per event.
    omega0 : float, default 0.1
        Initial decay rate, 1/days.
    omega_max : float, default 10
        Cap on omega (1/days), so date-only data cannot collapse onto zero delays.

    Attributes
    ----------
    mu_ : ndarray (n_cells,)
        Background rate per cell, events per day.
    theta_, omega_ : float
        Offspring per event; decay rate in 1/days.
    """

    name = "seppgrid"

    def __init__(
        self,
        iterations: int = 50,
        tol: float = 1e-6,
        theta0: float = 0.1,
        omega0: float = 0.1,
        omega_max: float = 10.0,
    ) -> None:
        self.iterations = iterations
        self.tol = tol
        self.theta0 = theta0
        self.omega0 = omega0
        self.omega_max = omega_max

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "iterations", self.iterations, "int", 1, low_open=False)
        check_param(n, "tol", self.tol, "float", 0)
        check_param(n, "theta0", self.theta0, "float", 0, 1)
        check_param(n, "omega0", self.omega0, "float", 0)
        check_param(n, "omega_max", self.omega_max, "float", 0)

    def _fit(self) -> None:
        ev, cells = self.events_, self.cells_
        n_cells = self.grid_.n_cells
        self.mu_ = np.zeros(n_cells)
        self.theta_, self.omega_ = float(self.theta0), float(self.omega0)
        self.n_iter_ = 0
        if len(ev) == 0:
            return
        end = ev.end
        span = max(end - ev.observed_from, 1.0)
        order = np.lexsort((ev.t, cells))
        t, c = ev.t[order], cells[order]
        counts = np.bincount(c, minlength=n_cells).astype(float)
        theta, omega = float(self.theta0), float(self.omega0)
        mu = counts * (1 - theta) / span
        for it in range(int(self.iterations)):
            a, b = exp_sums_by_group(t, c, omega)
            trig = theta * omega * a
            lam = mu[c] + trig
            lam = np.where(lam > 0, lam, 1e-300)
            p_bg = mu[c] / lam
            p_tr = trig / lam
            n_tr = float(p_tr.sum())
            mu = np.bincount(c, weights=p_bg, minlength=n_cells) / span
            expected_children = float(np.sum(1 - np.exp(-omega * (end - t))))
            theta_new = min(n_tr / max(expected_children, 1e-12), 0.99)
            dt_mass = float(np.sum(theta * omega * b / lam))
            omega_new = min(n_tr / dt_mass, float(self.omega_max)) if dt_mass > 0 else omega
            done = (
                abs(theta_new - theta) <= self.tol * max(theta, 1e-12)
                and abs(omega_new - omega) <= self.tol * omega
            )
            theta, omega = theta_new, omega_new
            self.n_iter_ = it + 1
            if done or n_tr <= 1e-12:
                break
        self.mu_, self.theta_, self.omega_ = mu, float(theta), float(omega)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        tie = self._default_tiebreak(past, cells)
        values = self.mu_ * period.days
        if past.t.size and self.theta_ > 0:
            w = np.exp(-self.omega_ * (period.start - past.t)) - np.exp(
                -self.omega_ * (period.end - past.t)
            )
            values = values + self.theta_ * np.bincount(
                cells, weights=w, minlength=self.grid_.n_cells
            )
        return values, tie


class ContinuousSEPP(Forecaster):
    """Continuous space-time self-exciting point process (Mohler et al. 2011), EM-fitted.

    ``lambda(t, x) = mu(x) + sum_{j: t_j < t} theta omega e^{-omega (t - t_j)} N(x - x_j; sigma^2)``
    with ``mu(x) = (1/T) sum_k P(k is background) K_h(x - x_k)`` (Gaussian, bandwidth h).

    Parameters
    ----------
    background_bandwidth : float, default 250
        h, metres.
    space_cutoff : float, default 500
        Largest parent-child distance considered, metres.
    time_cutoff_days : float, default 60
        Largest parent-child delay considered, days.
    iterations : int, default 30
    declustering : {"em", "stochastic"}, default "em"
        Expected branching, or sampled branching as in Mohler et al. (2011).
    theta0, omega0, sigma0 : float
        Initial offspring per event, decay (1/days) and triggering spread (metres).
    rng : numpy Generator or int, optional
        For ``declustering="stochastic"``.
    subsamples : int, default 3
        Pixels per cell side for the predicted surface.
    max_events : int, default 20000
        Fit on at most this many of the most recent training events (bounds time and memory
        on city-wide data; the pairs kept grow with the local density).

    Attributes
    ----------
    theta_, omega_, sigma_ : float
    background_weight_ : ndarray
        P(background) of each training event.
    n_pairs_ : int
        Candidate parent-child pairs inside the cut-offs (the memory used is O(n_pairs_)).
    """

    name = "sepp"

    def __init__(
        self,
        background_bandwidth: float = 250.0,
        space_cutoff: float = 500.0,
        time_cutoff_days: float = 60.0,
        iterations: int = 30,
        declustering: str = "em",
        theta0: float = 0.1,
        omega0: float = 0.1,
        sigma0: float = 50.0,
        rng: np.random.Generator | int | None = None,
        subsamples: int = 3,
        max_events: int = 20000,
    ) -> None:
        self.background_bandwidth = background_bandwidth
        self.space_cutoff = space_cutoff
        self.time_cutoff_days = time_cutoff_days
        self.iterations = iterations
        self.declustering = declustering
        self.theta0 = theta0
        self.omega0 = omega0
        self.sigma0 = sigma0
        self.rng = rng
        self.subsamples = subsamples
        self.max_events = max_events

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "background_bandwidth", self.background_bandwidth, "float", 0)
        check_param(n, "space_cutoff", self.space_cutoff, "float", 0)
        check_param(n, "time_cutoff_days", self.time_cutoff_days, "float", 0)
        check_param(n, "iterations", self.iterations, "int", 1, low_open=False)
        check_param(n, "theta0", self.theta0, "float", 0, 1)
        check_param(n, "omega0", self.omega0, "float", 0)
        check_param(n, "sigma0", self.sigma0, "float", 0)
        check_param(n, "subsamples", self.subsamples, "int", 1, 20, low_open=False)
        check_param(n, "max_events", self.max_events, "int", 1, low_open=False)
        if self.declustering not in ("em", "stochastic"):
            raise ValueError(
                "The 'declustering' parameter of ContinuousSEPP must be 'em' or "
                f"'stochastic'. Got {self.declustering!r} instead."
            )

    def _pairs(
        self, t: FloatArray, xy: FloatArray
    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """(parent, child, dt, d2) of every pair within the space and time cut-offs.

        ``t`` is sorted. Events are cut into blocks one time cut-off long and each block is
        searched (cKDTree) against itself and the block before, so the memory used is bounded
        by the pairs of two consecutive blocks, not by all pairs within the space cut-off.
        """
        tc = float(self.time_cutoff_days)
        r = float(self.space_cutoff)
        edges = np.searchsorted(t, np.arange(t[0], t[-1] + tc, tc), side="left")
        edges = np.append(edges, t.size)
        out_p: list[IntArray] = []
        out_c: list[IntArray] = []
        prev_tree: cKDTree | None = None
        prev_lo = 0
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            if hi <= lo:
                prev_tree, prev_lo = None, lo
                continue
            tree = cKDTree(xy[lo:hi])
            same = tree.query_pairs(r, output_type="ndarray")
            if same.size:
                out_p.append(same[:, 0] + lo)
                out_c.append(same[:, 1] + lo)
            if prev_tree is not None:
                cross = tree.sparse_distance_matrix(prev_tree, r, output_type="ndarray")
                if cross.size:
                    out_c.append(cross["i"].astype(np.intp) + lo)
                    out_p.append(cross["j"].astype(np.intp) + prev_lo)
            prev_tree, prev_lo = tree, lo
        if not out_p:
            e = np.zeros(0, dtype=np.intp)
            return e, e, np.zeros(0), np.zeros(0)
        i = np.concatenate(out_p)
        j = np.concatenate(out_c)
        dt = t[j] - t[i]
        parent = np.where(dt > 0, i, j)
        child = np.where(dt > 0, j, i)
        dt = np.abs(dt)
        keep = (dt > 0) & (dt <= tc)
        parent, child, dt = parent[keep], child[keep], dt[keep]
        d2 = np.sum((xy[child] - xy[parent]) ** 2, axis=1)
        return parent.astype(np.intp), child.astype(np.intp), dt, d2

    def _fit(self) -> None:
        ev = self.events_
        if len(ev) > int(self.max_events):
            k = len(ev) - int(self.max_events)
            ev = Events(ev.t[k:], ev.x[k:], ev.y[k:], float(ev.t[k]), ev.end)
        self.fit_events_ = ev
        n = len(ev)
        self.theta_, self.omega_, self.sigma_ = (
            float(self.theta0),
            float(self.omega0),
            float(self.sigma0),
        )
        self.background_weight_ = np.ones(n)
        self.n_pairs_ = 0
        self.n_iter_ = 0
        self.span_ = max(ev.end - ev.observed_from, 1.0) if n else 1.0
        if n == 0:
            return
        t = ev.t
        xy = np.column_stack([ev.x, ev.y])
        parent, child, dt, d2 = self._pairs(t, xy)
        self.n_pairs_ = int(parent.size)
        h = float(self.background_bandwidth)
        # the background density at the events is a convolution on a raster of h/4 pixels:
        # O(pixels) per iteration whatever the number of events
        pix = h / 4.0
        x0, y0 = xy.min(axis=0) - 4 * h
        nx = int(math.ceil((xy[:, 0].max() + 4 * h - x0) / pix)) + 1
        ny = int(math.ceil((xy[:, 1].max() + 4 * h - y0) / pix)) + 1
        col = np.floor((xy[:, 0] - x0) / pix).astype(np.intp)
        row = np.floor((xy[:, 1] - y0) / pix).astype(np.intp)
        flat = row * nx + col

        def background_density(weights: FloatArray) -> FloatArray:
            hist = np.bincount(flat, weights=weights, minlength=nx * ny).reshape(ny, nx)
            dens = ndimage.gaussian_filter(hist, 4.0, mode="constant", truncate=4.0)
            return np.asarray(dens.ravel()[flat] / (pix * pix), float)

        gen = (
            self.rng
            if isinstance(self.rng, np.random.Generator)
            else np.random.default_rng(self.rng)
        )
        end = ev.end
        theta, omega, sigma = self.theta_, self.omega_, self.sigma_
        w_bg = np.full(n, 1.0 - theta)
        order = np.argsort(child, kind="stable")
        parent, child, dt, d2 = parent[order], child[order], dt[order], d2[order]
        for it in range(int(self.iterations)):
            mu = background_density(w_bg) / self.span_
            g = (
                theta
                * omega
                * np.exp(-omega * dt)
                * np.exp(-d2 / (2 * sigma**2))
                / (2 * math.pi * sigma**2)
            )
            lam = mu + np.bincount(child, weights=g, minlength=n)
            lam = np.where(lam > 0, lam, 1e-300)
            p_bg = mu / lam
            p_tr = g / lam[child]
            if self.declustering == "stochastic":
                p_bg, p_tr = _sample_branching(p_bg, p_tr, child, n, gen)
            n_tr = float(p_tr.sum())
            w_bg = p_bg
            expected_children = float(
                np.sum(1 - np.exp(-omega * np.minimum(end - t, float(self.time_cutoff_days))))
            )
            theta_new = min(n_tr / max(expected_children, 1e-12), 0.99)
            if n_tr > 1e-9:
                omega_new = n_tr / max(float(np.sum(p_tr * dt)), 1e-12)
                sigma_new = math.sqrt(max(float(np.sum(p_tr * d2)) / (2 * n_tr), 1.0))
            else:
                omega_new, sigma_new = omega, sigma
            done = (
                abs(theta_new - theta) <= 1e-6 * max(theta, 1e-9)
                and abs(omega_new - omega) <= 1e-6 * omega
            )
            theta, omega, sigma = theta_new, omega_new, sigma_new
            self.n_iter_ = it + 1
            if done or n_tr <= 1e-12:
                break
        self.theta_, self.omega_, self.sigma_ = float(theta), float(omega), float(sigma)
        self.background_weight_ = np.asarray(w_bg, float)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        tie = self._default_tiebreak(past, cells)
        ev = self.fit_events_
        if len(ev) == 0:
            return np.zeros(self.grid_.n_cells), tie
        cached: FineRaster | None = getattr(self, "_raster_cache", None)
        if cached is None or cached.grid is not self.grid_:
            cached = FineRaster(self.grid_, int(self.subsamples), margin_cells=2)
            self._raster_cache = cached
        r = cached
        hb = r.histogram(ev.x, ev.y, self.background_weight_)
        bg = ndimage.gaussian_filter(
            hb, float(self.background_bandwidth) / r.pixel, mode="constant", truncate=4.0
        )
        values = r.to_cells(bg) / self.span_ * period.days
        recent = past.t >= period.start - float(self.time_cutoff_days)
        if recent.any() and self.theta_ > 0:
            tt = past.t[recent]
            w = self.theta_ * (
                np.exp(-self.omega_ * (period.start - tt))
                - np.exp(-self.omega_ * (period.end - tt))
            )
            ht = r.histogram(past.x[recent], past.y[recent], w)
            trig = ndimage.gaussian_filter(ht, self.sigma_ / r.pixel, mode="constant", truncate=4.0)
            values = values + r.to_cells(trig)
        return values, tie


def _sample_branching(
    p_bg: FloatArray, p_tr: FloatArray, child: IntArray, n: int, gen: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Draw one parent (or background) per event from the EM probabilities (Mohler 2011).

    ``child`` must be sorted. Returns 0/1 indicators in place of the probabilities.
    """
    u = gen.random(n)
    is_bg = u < p_bg
    out_tr = np.zeros(p_tr.size)
    if p_tr.size:
        starts = np.searchsorted(child, np.arange(n), side="left")
        cs = np.cumsum(p_tr)
        base = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0.0)
        target = base + (u - p_bg)
        ends = np.searchsorted(child, np.arange(n), side="right")
        pick = np.searchsorted(cs, target, side="right")
        ok = ~is_bg & (ends > starts)
        pick = np.minimum(pick, ends - 1)
        out_tr[pick[ok]] = 1.0
        is_bg = is_bg | ~ok
    return is_bg.astype(float), out_tr
