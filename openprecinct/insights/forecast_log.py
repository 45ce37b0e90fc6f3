"""The forecast log: issue a forecast (stored with its parameters and data window), score it
against what happened once its period is over, or withdraw it.

States and the actions between them (anything else is refused with a clear error)::

    issued --score--> scored --score--> scored (re-scored: late reports change the counts)
    issued --withdraw--> withdrawn

Every change is audited. ``score_due_forecasts`` is a plain idempotent function taking
``progress`` (contract 6), for the nightly job.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.analytics.backtest import poisson_log_likelihood
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.insights import analysis
from openprecinct.insights.models import ForecastLog

S = ForecastLog.Status
SCORE_COVERAGES = (0.01, 0.05, 0.10, 0.20)

# (from status, action) -> to status
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.ISSUED, "score"): S.SCORED,
    (S.SCORED, "score"): S.SCORED,
    (S.ISSUED, "withdraw"): S.WITHDRAWN,
}


class ForecastLogError(ApplicationError):
    """A request on the forecast log that can't be done; the message says why."""


def _transition(log: ForecastLog, action: str) -> str:
    target = TRANSITIONS.get((log.status, action))
    if target is None:
        done = {"score": "scored", "withdraw": "withdrawn"}.get(action, action)
        raise TransitionNotAllowed(f"A forecast that is {log.status} can't be {done}.")
    return target


def _inputs_digest(**parts: Any) -> str:
    text = "|".join(f"{k}={parts[k]}" for k in sorted(parts))
    return hashlib.sha256(text.encode()).hexdigest()


def issue_forecast(
    *,
    user: Any,
    precinct: str,
    category: str,
    method: str,
    cell_size: float,
    horizon: str,
    as_of: date,
) -> ForecastLog:
    """Make the forecast and store it with everything it was made from.

    Idempotent: the same inputs on the same data return the forecast already logged (issued or
    scored) instead of a second copy.
    """
    if not perms.can_run_analysis(user):
        raise PermissionError("Your role can't issue forecasts.")
    result = analysis.hotspot_map(
        user=user,
        precinct=precinct,
        category=category,
        method=method,
        cell_size=cell_size,
        horizon=horizon,
        as_of=as_of,
    )
    digest = _inputs_digest(
        precinct=precinct,
        category=category,
        method=result.method,
        cell_size=float(cell_size),
        horizon=horizon,
        as_of=as_of,
        sealed=result.includes_sealed,
        data=result.data_version,
        grid=result.grid_digest,
    )
    with transaction.atomic():
        existing = (
            ForecastLog.objects.select_for_update()
            .filter(inputs_digest=digest, status__in=[S.ISSUED, S.SCORED])
            .first()
        )
        if existing is not None:
            return existing
        log = ForecastLog.objects.create(
            issued_at=timezone.now(),
            issued_by=user if getattr(user, "pk", None) else None,
            status=S.ISSUED,
            precinct=precinct,
            category=category,
            method=result.method,
            params=result.params or {},
            cell_size=float(cell_size),
            horizon=horizon,
            coverage=analysis.COVERAGE,
            includes_sealed=result.includes_sealed,
            data_start=result.data_start,
            data_end=as_of,
            data_version=result.data_version[:120],
            events_used=result.events,
            period_start=result.period_start,
            period_end=result.period_end + timedelta(days=1),
            cells=result.cells,
            grid_digest=result.grid_digest,
            ranking=list(result.ranking_all),
            expected=list(result.expected_all),
            flagged=result.flagged,
            inputs_digest=digest,
        )
        audit_record(
            action="forecast.issue",
            obj=log,
            details={
                "method": log.method,
                "category": log.category,
                "period": [str(log.period_start), str(log.period_end)],
                "events_used": log.events_used,
            },
        )
    return log


def observed_counts(log: ForecastLog) -> np.ndarray:
    """Events of the log's category per cell in its period, on the same grid."""
    grid = analysis._grid(log.precinct, log.cell_size)
    if analysis.grid_digest(grid) != log.grid_digest:
        raise ForecastLogError(
            "The precinct's boundaries or the grid changed since this forecast was issued; "
            "it can't be scored on the same cells."
        )
    rows = list(
        analysis._incidents(
            sealed=log.includes_sealed,
            precinct=log.precinct,
            category=log.category,
            before=log.period_end,
            start=log.period_start,
        ).values_list("x_m", "y_m")
    )
    return analysis._counts_per_cell(grid, rows)


def score_values(ranking: list[int], expected: list[float], observed: np.ndarray) -> dict[str, Any]:
    """Hit rate, PAI and PEI at 1/5/10/20 % and the Poisson log-likelihood of one forecast."""
    n = observed.size
    total = float(observed.sum())
    order = np.asarray(ranking, dtype=np.intp)
    ranked = observed[order]
    best = np.sort(observed)[::-1]
    scores: dict[str, dict[str, float | None]] = {}
    for c in SCORE_COVERAGES:
        k = int(math.floor(c * n + 1e-9))
        captured = float(ranked[:k].sum())
        possible = float(best[:k].sum())
        hr = captured / total if total > 0 else None
        scores[f"{c * 100:g}"] = {
            "flagged": k,
            "captured": captured,
            "hit_rate": None if hr is None else round(hr, 6),
            "pai": None if hr is None or k == 0 else round(hr / (k / n), 6),
            "pei": None if total <= 0 or possible <= 0 else round(captured / possible, 6),
        }
    ll = poisson_log_likelihood(np.asarray(expected, float), observed)
    return {"observed": int(total), "scores": scores, "log_likelihood": round(ll, 6)}


def score_forecast(log: ForecastLog, *, today: date, user: Any = None) -> ForecastLog:
    """Score a logged forecast against the reports of its period (once the period is over).

    A period without events is scored with no hit rate (as the backtests skip it)."""
    if user is not None and not perms.can_run_analysis(user):
        raise PermissionError("Your role can't score forecasts.")
    target = _transition(log, "score")
    if log.period_end > today:
        raise ForecastLogError(
            f"The forecast period ends on {log.period_end}; it can be scored from then on."
        )
    observed = observed_counts(log)
    result = score_values(log.ranking, log.expected, observed)
    with transaction.atomic():
        locked = ForecastLog.objects.select_for_update().get(pk=log.pk)
        before = locked.status
        target = _transition(locked, "score")
        locked.status = target
        locked.scored_at = timezone.now()
        locked.observed_events = result["observed"]
        locked.scores = result["scores"]
        locked.log_likelihood = result["log_likelihood"]
        locked.save(
            update_fields=["status", "scored_at", "observed_events", "scores", "log_likelihood"]
        )
        audit_record(
            action="forecast.score",
            obj=locked,
            details={
                "from": before,
                "to": target,
                "observed": result["observed"],
                "hit_rate_5": result["scores"]["5"]["hit_rate"],
            },
        )
    return locked


def withdraw_forecast(log: ForecastLog, *, user: Any, reason: str) -> ForecastLog:
    """Withdraw an issued forecast (e.g. made on the wrong category); the reason is required."""
    if not perms.can_run_analysis(user):
        raise PermissionError("Your role can't withdraw forecasts.")
    reason = (reason or "").strip()
    if not reason:
        raise ForecastLogError("Say why the forecast is withdrawn.")
    with transaction.atomic():
        locked = ForecastLog.objects.select_for_update().get(pk=log.pk)
        before = locked.status
        locked.status = _transition(locked, "withdraw")
        locked.withdrawn_reason = reason[:300]
        locked.save(update_fields=["status", "withdrawn_reason"])
        audit_record(
            action="forecast.withdraw",
            obj=locked,
            details={"from": before, "to": locked.status, "reason": locked.withdrawn_reason},
        )
    return locked


def score_due_forecasts(
    as_of: date | str, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Score every issued forecast whose period ended on or before ``as_of`` (idempotent:
    scored ones are left alone). Returns counts of scored and failed forecasts."""
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    due = list(ForecastLog.objects.filter(status=S.ISSUED, period_end__lte=day).order_by("id"))
    done = failed = 0
    for i, log in enumerate(due):
        try:
            score_forecast(log, today=day)
            done += 1
        except ApplicationError:
            failed += 1
        if progress:
            progress(i + 1, len(due))
    return {"due": len(due), "scored": done, "failed": failed}


def log_summary(logs: list[ForecastLog]) -> dict[str, Any]:
    """Mean hit rate / PAI / PEI at the logged coverage over the scored forecasts with events."""
    key = "5"
    scored = [
        lg
        for lg in logs
        if lg.status == S.SCORED and lg.scores.get(key, {}).get("hit_rate") is not None
    ]

    def mean(field: str) -> float | None:
        vals = [lg.scores[key][field] for lg in scored if lg.scores[key][field] is not None]
        return round(float(np.mean(vals)), 4) if vals else None

    return {
        "coverage": key,
        "scored": len(scored),
        "hit_rate": mean("hit_rate"),
        "pai": mean("pai"),
        "pei": mean("pei"),
    }


def log_as_dict(log: ForecastLog, *, cells: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": log.pk,
        "status": log.status,
        "issued_at": log.issued_at.isoformat(),
        "issued_by": getattr(log.issued_by, "username", None),
        "precinct": log.precinct,
        "category": log.category,
        "method": log.method,
        "params": log.params,
        "cell_size": log.cell_size,
        "horizon": log.horizon,
        "coverage": log.coverage,
        "data_start": str(log.data_start) if log.data_start else None,
        "data_end": str(log.data_end),
        "events_used": log.events_used,
        "period_start": str(log.period_start),
        "period_end": str(log.period_end),
        "cells": log.cells,
        "flagged": log.flagged,
        "scored_at": log.scored_at.isoformat() if log.scored_at else None,
        "observed_events": log.observed_events,
        "scores": log.scores,
        "log_likelihood": log.log_likelihood,
        "withdrawn_reason": log.withdrawn_reason,
    }
    if cells:
        out["flagged_cells"] = [
            {"cell": c, "expected": log.expected[c]} for c in log.ranking[: log.flagged]
        ]
    return out
