"""Hotspot and forecasting models (scikit-learn style): ``model.fit(events, grid)``,
``model.predict(period)`` -> :class:`RiskSurface` of expected counts per cell.

See ``docs/forecasting.md`` for the methods, their papers and the backtest that picks
:data:`DEFAULT_METHOD`.
"""

from openprecinct.analytics.forecast.base import (
    Events,
    Forecaster,
    Period,
    RiskSurface,
    datetime64_from_days,
    days_from_datetime64,
)
from openprecinct.analytics.forecast.blend import BlendForecast
from openprecinct.analytics.forecast.counts import LongRunCounts, RecentCounts
from openprecinct.analytics.forecast.gistar import GiStarForecast, GiStarResult, gi_star
from openprecinct.analytics.forecast.hotspot import (
    KDEForecast,
    ProspectiveHotspot,
    RetrospectiveHotspot,
)
from openprecinct.analytics.forecast.registry import DEFAULT_METHOD, METHODS, make_method
from openprecinct.analytics.forecast.sepp import ContinuousSEPP, GridETAS

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "BlendForecast",
    "ContinuousSEPP",
    "Events",
    "Forecaster",
    "GiStarForecast",
    "GiStarResult",
    "GridETAS",
    "KDEForecast",
    "LongRunCounts",
    "Period",
    "ProspectiveHotspot",
    "RecentCounts",
    "RetrospectiveHotspot",
    "RiskSurface",
    "datetime64_from_days",
    "days_from_datetime64",
    "gi_star",
    "make_method",
]
