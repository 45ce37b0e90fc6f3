"""Counting baselines: events per cell over a recent window, and over the long run."""

from __future__ import annotations

import numpy as np

from openprecinct.analytics.forecast.base import (
    Events,
    FloatArray,
    Forecaster,
    IntArray,
    Period,
    _neighbour_sum,
    check_param,
    observed_days,
)

__all__ = ["LongRunCounts", "RecentCounts"]


class RecentCounts(Forecaster):
    """Events per cell in the last ``window_days`` days, scaled to the period (the CompStat map).

    ``values = count_c * period_days / window_days`` (expected counts if the rate holds).
    Ties are broken by the cell's count over all history, then by its neighbours' counts.

    Parameters
    ----------
    window_days : float, default 60
        Look-back window, days.
    """

    name = "naive"

    def __init__(self, window_days: float = 60.0) -> None:
        self.window_days = window_days

    def _validate_params(self) -> None:
        check_param(type(self).__name__, "window_days", self.window_days, "float", 0)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        return _window_counts(self, period, past, cells, float(self.window_days), recent=True)


class LongRunCounts(Forecaster):
    """Events per cell over a long window (``None``: all history), scaled to the period.

    The strongest simple baseline on sparse serious crime (see ``shared/bench/README.md``).
    Ties are broken by the neighbours' counts over the same window, then by all-history counts.

    Parameters
    ----------
    window_days : float or None, default None
        Look-back window, days; ``None`` uses every earlier event.
    """

    name = "naivelong"

    def __init__(self, window_days: float | None = None) -> None:
        self.window_days = window_days

    def _validate_params(self) -> None:
        check_param(
            type(self).__name__, "window_days", self.window_days, "float", 0, allow_none=True
        )

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        w = None if self.window_days is None else float(self.window_days)
        return _window_counts(self, period, past, cells, w, recent=False)


def _window_counts(
    model: Forecaster,
    period: Period,
    past: Events,
    cells: IntArray,
    window: float | None,
    *,
    recent: bool,
) -> tuple[FloatArray, tuple[FloatArray, ...]]:
    lo = -np.inf if window is None else period.start - window
    inside = past.t >= lo
    counts = model._counts(cells[inside])
    days = observed_days(past, period.start, window)
    values = counts * (period.days / days) if days > 0 else counts * 0.0
    allc = model._counts(cells)
    if recent:
        tie = (allc, _neighbour_sum(model.grid_, allc))
    else:
        tie = (_neighbour_sum(model.grid_, counts), allc)
    return values, tie
