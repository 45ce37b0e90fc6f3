"""Events, periods, risk surfaces and the estimator base class shared by every forecaster.

Times are float **days** since 1970-01-01 (UTC, naive); coordinates are metres in the projected
analysis CRS (see :mod:`openprecinct.analytics.geo`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from openprecinct.analytics.grid import Grid

__all__ = [
    "Events",
    "Forecaster",
    "Period",
    "RiskSurface",
    "check_param",
    "days_from_datetime64",
    "datetime64_from_days",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
# What ``_predict`` returns: values, tie-breakers and, optionally, a ranking of its own.
Prediction = (
    tuple[FloatArray, tuple[FloatArray, ...]] | tuple[FloatArray, tuple[FloatArray, ...], IntArray]
)
BoolArray = npt.NDArray[np.bool_]

_EPOCH = np.datetime64("1970-01-01T00:00:00", "ms")
_MS_PER_DAY = 86_400_000.0


def days_from_datetime64(times: npt.ArrayLike) -> FloatArray:
    """Float days since 1970-01-01 from datetime64 values (or ISO strings)."""
    t = np.asarray(times).astype("datetime64[ms]")
    return (t - _EPOCH).astype(np.int64).astype(float) / _MS_PER_DAY


def datetime64_from_days(days: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Inverse of :func:`days_from_datetime64` (millisecond resolution)."""
    d = np.asarray(days, dtype=float)
    return _EPOCH + np.round(d * _MS_PER_DAY).astype(np.int64).astype("timedelta64[ms]")


def check_param(
    owner: str,
    name: str,
    value: Any,
    kind: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = True,
    allow_none: bool = False,
) -> Any:
    """Validate one numeric constructor parameter; raise the house-style ``ValueError``.

    ``kind`` is ``"float"`` or ``"int"``. The interval is ``(low, high]``-style as given by
    ``low_open`` (the upper bound is always open when infinite).
    """
    if value is None and allow_none:
        return None
    lo_txt = "-inf" if low is None else f"{low:g}"
    hi_txt = "inf" if high is None else f"{high:g}"
    interval = f"{'(' if low_open else '['}{lo_txt}, {hi_txt}{')' if high is None else ']'}"
    extra = " or None" if allow_none else ""
    msg = (
        f"The '{name}' parameter of {owner} must be {'an' if kind == 'int' else 'a'} {kind} "
        f"in {interval}{extra}. Got {value!r} instead."
    )
    if isinstance(value, bool):
        raise ValueError(msg)
    if kind == "int" and not isinstance(value, int | np.integer):
        raise ValueError(msg)
    if not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(msg)
    v = float(value)
    if math.isnan(v):
        raise ValueError(msg)
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(msg)
    if high is not None and v > high:
        raise ValueError(msg)
    return value


@dataclass(frozen=True)
class Events:
    """Point events: times (days since epoch) and projected coordinates (metres), sorted by time.

    Parameters
    ----------
    t, x, y : ndarray of shape (n,)
        Float days since 1970-01-01, and metres.
    observed_from : float, optional
        Start of the observation window (days); defaults to the first event's time. Rates
        ("events per day") are computed over the time observed, not the time between events.
    observed_to : float, optional
        End of the observation window (days, exclusive); NaN when unknown (then models use the
        first midnight after the last event).
    """

    t: FloatArray
    x: FloatArray
    y: FloatArray
    observed_from: float = field(default=math.nan)
    observed_to: float = field(default=math.nan)

    def __post_init__(self) -> None:
        t = np.asarray(self.t, dtype=float).ravel()
        x = np.asarray(self.x, dtype=float).ravel()
        y = np.asarray(self.y, dtype=float).ravel()
        if not (t.size == x.size == y.size):
            raise ValueError(
                f"t, x and y must have the same length; got {t.size}, {x.size}, {y.size}"
            )
        if t.size and not np.all(np.isfinite(t) & np.isfinite(x) & np.isfinite(y)):
            raise ValueError(
                "events must have finite times and coordinates; drop missing ones first"
            )
        order = np.argsort(t, kind="stable")
        object.__setattr__(self, "t", t[order])
        object.__setattr__(self, "x", x[order])
        object.__setattr__(self, "y", y[order])
        if math.isnan(self.observed_from):
            object.__setattr__(self, "observed_from", float(t[order][0]) if t.size else math.nan)

    @classmethod
    def from_datetimes(
        cls,
        times: npt.ArrayLike,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        observed_from: npt.ArrayLike | None = None,
    ) -> Events:
        """Build from datetime64 (or ISO string) times."""
        start = math.nan if observed_from is None else float(days_from_datetime64(observed_from))
        return cls(days_from_datetime64(times), np.asarray(x, float), np.asarray(y, float), start)

    @property
    def end(self) -> float:
        """End of the observation window: ``observed_to``, else the midnight after the last event."""
        if math.isfinite(self.observed_to):
            return float(self.observed_to)
        return float(math.floor(self.t[-1]) + 1.0) if self.t.size else math.nan

    def __len__(self) -> int:
        return int(self.t.size)

    def before(self, end: float, start: float | None = None) -> Events:
        """Events with ``start <= t < end`` (strictly before ``end``)."""
        hi = int(np.searchsorted(self.t, end, side="left"))
        lo = 0 if start is None else int(np.searchsorted(self.t, start, side="left"))
        obs = self.observed_from
        if start is not None:
            obs = start if math.isnan(obs) else max(start, obs)
        return Events(self.t[lo:hi], self.x[lo:hi], self.y[lo:hi], obs, float(end))

    def select(self, mask: BoolArray) -> Events:
        """The events where ``mask`` is true (same observation start)."""
        return Events(
            self.t[mask], self.x[mask], self.y[mask], self.observed_from, self.observed_to
        )


@dataclass(frozen=True)
class Period:
    """A forecast period ``[start, end)`` in days since epoch."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end) and self.end > self.start):
            raise ValueError(f"a period must have start < end; got [{self.start}, {self.end})")

    @property
    def days(self) -> float:
        return self.end - self.start

    @classmethod
    def from_dates(cls, start: str | np.datetime64, end: str | np.datetime64) -> Period:
        return cls(float(days_from_datetime64(start)), float(days_from_datetime64(end)))


@dataclass(frozen=True)
class RiskSurface:
    """A forecast for one period: expected number of events per cell.

    Attributes
    ----------
    values : ndarray of shape (n_cells,)
        Expected counts in the period (events per cell), not only a ranking.
    tiebreak : tuple of ndarrays
        Secondary keys, most important first, used only to order cells with equal ``values``
        (e.g. a longer window's counts, then the neighbours' counts). Remaining ties are broken by
        a fixed pseudo-random permutation, never by cell number (which follows the map).
    """

    grid: Grid
    period: Period
    values: FloatArray
    tiebreak: tuple[FloatArray, ...] = ()
    method: str = ""
    order: IntArray | None = None
    """An explicit ranking (every cell once, highest risk first) when the method ranks cells by
    more than ``values`` (e.g. ``BlendForecast(bands=True)``: one blend per coverage band)."""

    def ranking(self) -> IntArray:
        """Cell numbers, highest risk first, with ties broken by ``tiebreak`` then at random."""
        if self.order is not None:
            return np.asarray(self.order, dtype=np.intp)
        n = self.values.size
        perm = np.random.default_rng(20040601).permutation(n).astype(float)
        keys: list[FloatArray] = [perm]
        keys.extend(-np.asarray(k, float) for k in reversed(self.tiebreak))
        keys.append(-np.round(np.asarray(self.values, float), 12))
        return np.lexsort(keys).astype(np.intp)

    def top(self, coverage: float) -> BoolArray:
        """Mask of the ``floor(coverage * n_cells)`` highest-risk cells (coverage a fraction)."""
        n = int(math.floor(coverage * self.values.size + 1e-9))
        mask = np.zeros(self.values.size, dtype=bool)
        mask[self.ranking()[:n]] = True
        return mask


def _neighbour_sum(grid: Grid, values: FloatArray) -> FloatArray:
    return np.asarray(grid.adjacency() @ values, dtype=float)


class Forecaster:
    """Base class: scikit-learn style estimator over a grid.

    ``__init__`` stores parameters only; :meth:`fit` validates them and learns state whose names
    end in ``_``; :meth:`predict` returns a :class:`RiskSurface` for a period using only events
    strictly before the period starts.
    """

    name = "forecaster"

    # --------------------------------------------------------------- sklearn contract
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}; "
                    f"valid parameters are {valid}."
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # --------------------------------------------------------------- fitting
    def _validate_params(self) -> None:
        """Raise ``ValueError`` for a bad parameter (override)."""

    def fit(self, events: Events, grid: Grid, context: Events | None = None) -> Self:
        """Validate the parameters, remember the grid and events, learn parameters.

        Parameters
        ----------
        events : Events
            Training events (days, metres); those outside the grid are ignored.
        grid : Grid
            Cells to forecast.
        context : Events, optional
            Other events of the same place and time (e.g. every offence when forecasting
            burglary), used as covariates by the methods that can (``BlendForecast``).
        """
        self._validate_params()
        if not isinstance(events, Events):
            raise TypeError(
                f"{type(self).__name__}.fit expects an Events object, got {type(events).__name__}"
            )
        self.grid_ = grid
        cells = grid.locate(events.x, events.y)
        inside = cells >= 0
        self.events_ = events.select(inside)
        self.cells_ = cells[inside]
        self.fit_end_ = float(self.events_.t[-1]) if len(self.events_) else math.nan
        if context is None:
            self.context_, self.context_cells_ = self.events_, self.cells_
        else:
            cc = grid.locate(context.x, context.y)
            self.context_, self.context_cells_ = context.select(cc >= 0), cc[cc >= 0]
        self._fit()
        return self

    def _fit(self) -> None:
        """Learn state from ``self.events_`` / ``self.cells_`` (override when needed)."""

    def prepare(self, period_days: Sequence[float]) -> Self:
        """Learn whatever depends on the period length (called by the backtest after ``fit``,
        and timed as fitting). The default does nothing."""
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "grid_"):
            raise RuntimeError(
                f"This {type(self).__name__} instance is not fitted yet: call fit() first."
            )

    def _history(self, period: Period, history: Events | None) -> tuple[Events, IntArray]:
        """Events strictly before ``period.start`` (never later ones) and their cells."""
        self._check_fitted()
        if history is None:
            ev, cells = self.events_, self.cells_
        else:
            cells = self.grid_.locate(history.x, history.y)
            inside = cells >= 0
            ev, cells = history.select(inside), cells[inside]
        k = int(np.searchsorted(ev.t, period.start, side="left"))
        past = Events(ev.t[:k], ev.x[:k], ev.y[:k], ev.observed_from)
        return past, cells[:k]

    def predict(
        self, period: Period, history: Events | None = None, context: Events | None = None
    ) -> RiskSurface:
        """Expected events per cell in ``period``.

        Parameters
        ----------
        period : Period
            The forecast period.
        history : Events, optional
            Events known at the start of the period (defaults to the training events). Events at
            or after ``period.start`` are ignored, so a backtest can pass every event.
        context : Events, optional
            Context events known at the start of the period (same rule); defaults to the
            context given to ``fit`` (or to ``history`` when ``fit`` had none).
        """
        past, cells = self._history(period, history)
        if context is None and history is not None and self.context_ is self.events_:
            self._context_past = (past, cells)
        else:
            self._context_past = self._history(
                period, context if context is not None else self.context_
            )
        out = self._predict(period, past, cells)
        values, tiebreak = out[0], out[1]
        order = out[2] if len(out) > 2 else None
        values = np.clip(np.nan_to_num(np.asarray(values, float)), 0.0, None)
        return RiskSurface(self.grid_, period, values, tiebreak, type(self).__name__, order)

    def _predict(self, period: Period, past: Events, cells: IntArray) -> Prediction:
        raise NotImplementedError

    # --------------------------------------------------------------- helpers
    def _counts(self, cells: IntArray, weights: FloatArray | None = None) -> FloatArray:
        return np.bincount(cells, weights=weights, minlength=self.grid_.n_cells).astype(float)

    def _default_tiebreak(self, past: Events, cells: IntArray) -> tuple[FloatArray, ...]:
        """All-history counts, then neighbours' all-history counts."""
        allc = self._counts(cells)
        return (allc, _neighbour_sum(self.grid_, allc))


def observed_days(past: Events, start: float, window: float | None) -> float:
    """Days observed in ``[start - window, start)``, bounded by the observation start."""
    lo = -math.inf if window is None else start - window
    if not math.isnan(past.observed_from):
        lo = max(lo, past.observed_from)
    if not math.isfinite(lo):
        return 0.0
    return max(0.0, start - lo)


def rate_total(past: Events, period: Period, window: float | None) -> float:
    """Expected number of events in ``period``: the mean rate over the window times its length."""
    days = observed_days(past, period.start, window)
    if days <= 0:
        return 0.0
    lo = period.start - days
    n = int(np.sum(past.t >= lo))
    return n / days * period.days
