"""Kernel hotspot maps: KDE (fixed/adaptive bandwidth, time decay), retrospective and
prospective hotspots. Kernels are applied as convolutions on a fine raster under the grid,
so a prediction costs O(pixels log pixels) whatever the number of events.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage, signal
from scipy.spatial import cKDTree

from openprecinct.analytics.forecast._raster import FineRaster
from openprecinct.analytics.forecast.base import (
    Events,
    FloatArray,
    Forecaster,
    IntArray,
    Period,
    check_param,
    rate_total,
)
from openprecinct.analytics.grid import SquareGrid

__all__ = ["KDEForecast", "ProspectiveHotspot", "RetrospectiveHotspot"]


def _scale_to_total(shape: FloatArray, total: float) -> FloatArray:
    shape = np.where(shape > 1e-9 * float(shape.max(initial=0.0)), shape, 0.0)
    s = float(shape.sum())
    if s <= 0 or total <= 0:
        return np.zeros_like(shape)
    return shape * (total / s)


class _RasterMixin(Forecaster):
    subsamples: int

    def _raster(self) -> FineRaster:
        key = (id(self.grid_), int(self.subsamples))
        cached: tuple[tuple[int, int], FineRaster] | None = getattr(self, "_raster_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, FineRaster(self.grid_, int(self.subsamples)))
            self._raster_cache = cached
        return cached[1]


class KDEForecast(_RasterMixin):
    """Gaussian kernel density of recent events, optionally adaptive and time-decayed.

    Risk in cell c for a period starting at s::

        values_c ∝ sum_i w_i ∫_c N(x; x_i, h_i² I) dx,   w_i = exp(-(s - t_i) / tau)

    scaled so the values sum to the expected number of events in the period (mean rate over
    ``window_days``). With ``adaptive=True``, h_i is the distance from event i to its
    ``k_neighbours``-th nearest neighbour (Silverman 1986, §5.3), at least ``bandwidth / 4``.

    Parameters
    ----------
    bandwidth : float, default 200
        Standard deviation of the Gaussian, metres (fixed bandwidth; adaptive floor × 4).
    adaptive : bool, default False
        Nearest-neighbour (variable) bandwidths.
    k_neighbours : int, default 15
        Neighbour rank for adaptive bandwidths.
    time_scale_days : float or None, default None
        Exponential time decay scale tau, days; ``None`` gives every event weight 1.
    window_days : float, default 365
        Events older than this are ignored, days.
    subsamples : int, default 3
        Pixels per cell side used to integrate the kernel over a cell.
    """

    name = "kde"

    def __init__(
        self,
        bandwidth: float = 200.0,
        adaptive: bool = False,
        k_neighbours: int = 15,
        time_scale_days: float | None = None,
        window_days: float = 365.0,
        subsamples: int = 3,
    ) -> None:
        self.bandwidth = bandwidth
        self.adaptive = adaptive
        self.k_neighbours = k_neighbours
        self.time_scale_days = time_scale_days
        self.window_days = window_days
        self.subsamples = subsamples

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "bandwidth", self.bandwidth, "float", 0)
        check_param(n, "k_neighbours", self.k_neighbours, "int", 1, low_open=False)
        check_param(n, "time_scale_days", self.time_scale_days, "float", 0, allow_none=True)
        check_param(n, "window_days", self.window_days, "float", 0)
        check_param(n, "subsamples", self.subsamples, "int", 1, 20, low_open=False)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        win = float(self.window_days)
        m = past.t >= period.start - win
        x, y, t = past.x[m], past.y[m], past.t[m]
        total = rate_total(past, period, win)
        tie = self._default_tiebreak(past, cells)
        if x.size == 0:
            return np.zeros(self.grid_.n_cells), tie
        w = np.ones(x.size)
        if self.time_scale_days is not None:
            w = np.exp(-(period.start - t) / float(self.time_scale_days))
        r = self._raster()
        h = np.full(x.size, float(self.bandwidth))
        if self.adaptive and x.size > 1:
            k = min(int(self.k_neighbours), x.size - 1)
            d, _ = cKDTree(np.column_stack([x, y])).query(np.column_stack([x, y]), k=k + 1)
            h = np.maximum(d[:, -1], float(self.bandwidth) / 4)
        # group events into bandwidth classes (geometric steps of 30 %) and convolve each
        cls = np.round(np.log(h) / math.log(1.3)).astype(int)
        dens = np.zeros((r.ny, r.nx))
        for c in np.unique(cls):
            sel = cls == c
            hist = r.histogram(x[sel], y[sel], w[sel])
            sigma = float(np.exp(np.mean(np.log(h[sel])))) / r.pixel  # the class's own scale
            dens += ndimage.gaussian_filter(hist, sigma=sigma, mode="constant", truncate=4.0)
        shape = r.to_cells(dens)
        return _scale_to_total(shape, total), tie


class RetrospectiveHotspot(_RasterMixin):
    """Retrospective hotspot: quartic kernel over the last ``window_days`` days.

    ``values_c ∝ sum_i (1 - d_ic²/h²)²`` for ``d_ic < h`` (d from event to points of cell c),
    scaled to the expected number of events in the period. The classic "hotspot map"
    (Chainey, Tompson & Uhlig 2008; open_cp ``retrohotspot``).

    Parameters
    ----------
    bandwidth : float, default 200
        Kernel radius h, metres.
    window_days : float, default 60
        Look-back window, days.
    subsamples : int, default 3
        Pixels per cell side.
    """

    name = "retro"

    def __init__(
        self, bandwidth: float = 200.0, window_days: float = 60.0, subsamples: int = 3
    ) -> None:
        self.bandwidth = bandwidth
        self.window_days = window_days
        self.subsamples = subsamples

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "bandwidth", self.bandwidth, "float", 0)
        check_param(n, "window_days", self.window_days, "float", 0)
        check_param(n, "subsamples", self.subsamples, "int", 1, 20, low_open=False)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        win = float(self.window_days)
        m = past.t >= period.start - win
        total = rate_total(past, period, win)
        tie = self._default_tiebreak(past, cells)
        if not m.any():
            return np.zeros(self.grid_.n_cells), tie
        r = self._raster()
        hist = r.histogram(past.x[m], past.y[m])
        rad = int(math.ceil(float(self.bandwidth) / r.pixel))
        off = np.arange(-rad, rad + 1) * r.pixel
        dx, dy = np.meshgrid(off, off)
        d2 = (dx**2 + dy**2) / float(self.bandwidth) ** 2
        kern = np.where(d2 < 1, (1 - d2) ** 2, 0.0)
        dens = signal.fftconvolve(hist, kern, mode="same")
        shape = np.clip(r.to_cells(dens), 0, None)
        return _scale_to_total(shape, total), tie


class ProspectiveHotspot(_RasterMixin):
    """Prospective hotspot (Bowers, Johnson & Pease 2004, Brit. J. Criminol. 44:641-658).

    ``values_c ∝ sum_i 1 / ((1 + d_ic) (1 + t_i))`` over events with ``d_ic <= space`` cells and
    ``t_i <= time`` weeks, where d is the distance in cells (diagonal neighbours at distance 1 on
    square grids) and t the whole weeks between the event and the start of the period.

    Parameters
    ----------
    space_bandwidth : float, default 400
        Metres, converted to whole cells (Bowers et al. used 400 m).
    time_bandwidth_weeks : int, default 8
        Weeks.
    """

    name = "prohot"

    def __init__(self, space_bandwidth: float = 400.0, time_bandwidth_weeks: int = 8) -> None:
        self.space_bandwidth = space_bandwidth
        self.time_bandwidth_weeks = time_bandwidth_weeks

    @property
    def subsamples(self) -> int:  # type: ignore[override]
        return 1 if isinstance(getattr(self, "grid_", None), SquareGrid) else 3

    def _validate_params(self) -> None:
        n = type(self).__name__
        check_param(n, "space_bandwidth", self.space_bandwidth, "float", 0)
        check_param(n, "time_bandwidth_weeks", self.time_bandwidth_weeks, "int", 1, low_open=False)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        weeks_bw = int(self.time_bandwidth_weeks)
        win = 7.0 * (weeks_bw + 1)
        m = past.t >= period.start - win
        total = rate_total(past, period, win)
        tie = self._default_tiebreak(past, cells)
        if not m.any():
            return np.zeros(self.grid_.n_cells), tie
        r = self._raster()
        age_weeks = np.floor((period.start - past.t[m]) / 7.0)
        w = 1.0 / (1.0 + age_weeks)
        hist = r.histogram(past.x[m], past.y[m], w)
        cells_bw = max(1, int(round(float(self.space_bandwidth) / self.grid_.cell_size)))
        rad = cells_bw * r.k
        off = np.arange(-rad, rad + 1)
        dx, dy = np.meshgrid(off, off)
        if r.k == 1:
            d = np.maximum(np.abs(dx), np.abs(dy)).astype(float)
        else:
            d = np.round(np.hypot(dx, dy) / r.k)
        kern = np.where(d <= cells_bw, 1.0 / (1.0 + d), 0.0)
        dens = signal.fftconvolve(hist, kern, mode="same")
        shape = np.clip(r.to_cells(dens, mean=True), 0, None)
        shape[shape < 1e-12] = 0.0
        return _scale_to_total(shape, total), tie
