"""Method names used by the backtest and the command line, and the default method.

The default is not hand-picked: it is the method with the highest hit rate averaged over 1, 5,
10 and 20 % coverage on the reference backtests in ``benchmarks/forecast`` (rule:
:func:`openprecinct.analytics.backtest.select_winner`); see ``docs/forecasting.md``.
"""

from __future__ import annotations

from collections.abc import Callable

from openprecinct.analytics.forecast.base import Forecaster
from openprecinct.analytics.forecast.blend import BlendForecast
from openprecinct.analytics.forecast.counts import LongRunCounts, RecentCounts
from openprecinct.analytics.forecast.gistar import GiStarForecast
from openprecinct.analytics.forecast.hotspot import (
    KDEForecast,
    ProspectiveHotspot,
    RetrospectiveHotspot,
)
from openprecinct.analytics.forecast.sepp import ContinuousSEPP, GridETAS

__all__ = ["DEFAULT_METHOD", "METHODS", "make_method"]

METHODS: dict[str, Callable[[], Forecaster]] = {
    "naive": RecentCounts,
    "naivelong": LongRunCounts,
    "kde": lambda: KDEForecast(time_scale_days=90.0),
    "kde-adaptive": lambda: KDEForecast(adaptive=True, time_scale_days=90.0),
    "retro": RetrospectiveHotspot,
    "prohot": ProspectiveHotspot,
    "gistar": GiStarForecast,
    "seppgrid": GridETAS,
    "sepp": ContinuousSEPP,
    "blend": BlendForecast,
}

DEFAULT_METHOD = "blend"


def make_method(name: str) -> Forecaster:
    """A new forecaster with its default parameters, by name (``default`` allowed)."""
    key = DEFAULT_METHOD if name == "default" else name
    if key not in METHODS:
        raise ValueError(f"unknown method {name!r}; choose from default, all, {', '.join(METHODS)}")
    return METHODS[key]()
