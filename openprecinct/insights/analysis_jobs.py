"""Crime-analysis work as plain idempotent functions with JSON arguments and ``progress``
(contract 6), for the job runner to register (``core.jobs``). Each one fills the same cache
the analysis page and the API read, so a page opened after the job shows at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

Progress = Callable[[int, int], None] | None


def _user(user_id: int | None) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    if user_id is None:
        return AnonymousUser()  # sees no sealed report
    return get_user_model().objects.get(pk=user_id)


def _args(
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: str,
    user_id: int | None,
) -> dict[str, Any]:
    return {
        "user": _user(user_id),
        "precinct": str(precinct),
        "category": category,
        "method": method,
        "cell_size": float(cell_size),
        "horizon": horizon,
        "as_of": date.fromisoformat(as_of),
    }


def backtest_job(
    *,
    precinct: str,
    category: str,
    as_of: str,
    method: str = "default",
    cell_size: float = 150.0,
    horizon: str = "month",
    user_id: int | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """The analysis page's backtest (``analysis.precinct_backtest``)."""
    from openprecinct.insights.analysis import precinct_backtest

    return precinct_backtest(
        **_args(precinct, category, method, cell_size, horizon, as_of, user_id),
        progress=progress,
    )


def bias_audit_job(
    *,
    precinct: str,
    category: str,
    as_of: str,
    method: str = "default",
    cell_size: float = 150.0,
    horizon: str = "month",
    user_id: int | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """The bias audit per sector and census area (``analysis.bias_audit``)."""
    from openprecinct.insights.analysis import bias_audit

    return bias_audit(
        **_args(precinct, category, method, cell_size, horizon, as_of, user_id),
        progress=progress,
    )


def score_forecasts_job(*, as_of: str | None = None, progress: Progress = None) -> dict[str, int]:
    """Nightly: score every logged forecast whose period has ended (``as_of`` default today)."""
    from django.utils import timezone

    from openprecinct.insights.forecast_log import score_due_forecasts

    return score_due_forecasts(as_of or timezone.localdate(), progress=progress)
