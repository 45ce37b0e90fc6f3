"""Rankings that see the test period's surroundings: a bound on what history can give.

No forecast can make these rankings, so they are not methods: they measure how much of a
series is predictable at all. For each test period, ``Hindsight`` counts every event of the
series *except that period's own* (it knows where the events of the other test periods fell),
plus the ring-1 neighbours' mean at a weight; :func:`methods` gives one per weight in
``SMOOTH``, and the best at each coverage is picked after the fact, as "open_cp best" is.
Used by ``other_cities.py hindsight`` and ``heldout.py --hindsight``.
"""

from __future__ import annotations

import numpy as np

from openprecinct.analytics.forecast.base import (
    Events,
    FloatArray,
    Forecaster,
    IntArray,
    Period,
)

SMOOTH = (0.0, 0.25, 0.5, 1.0, 2.0)
"""Weights of the ring-1 neighbours' mean added to the count."""


class Hindsight(Forecaster):
    """Every event of ``every`` outside the period, per cell, plus ``smooth`` times the
    neighbours' mean; ties by the neighbours' counts."""

    name = "hindsight"

    def __init__(self, every: Events | None = None, smooth: float = 0.0) -> None:
        self.every = every
        self.smooth = smooth

    def _fit(self) -> None:
        # every event's cell and the neighbours, once: each period only masks its own events
        assert self.every is not None
        self._cells = self.grid_.locate(self.every.x, self.every.y)
        self._ring = self.grid_.adjacency()
        self._degree = np.maximum(np.asarray(self._ring.sum(axis=1)).ravel(), 1)

    def _predict(
        self, period: Period, past: Events, cells: IntArray
    ) -> tuple[FloatArray, tuple[FloatArray, ...]]:
        t, c = self.every.t, self._cells  # type: ignore[union-attr]
        outside = (t < period.start) | (t >= period.end)
        counts = self._counts(c[(c >= 0) & outside])
        near = self._ring @ counts / self._degree
        return counts + self.smooth * near, (np.asarray(self._ring @ counts, float),)


def methods(every: Events) -> dict[str, Forecaster]:
    """One ``Hindsight`` per weight of ``SMOOTH``, named ``hindsight W``."""
    return {f"hindsight {a:g}": Hindsight(every, a) for a in SMOOTH}


def best(scores: dict[str, list[float]]) -> list[float]:
    """The best ``hindsight`` hit rate at each coverage (``scores``: name -> per coverage)."""
    rows = [v for m, v in scores.items() if m.startswith("hindsight")]
    return [max(r[i] for r in rows) for i in range(len(rows[0]))]
