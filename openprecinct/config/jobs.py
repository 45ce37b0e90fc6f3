"""The platform's jobs: which app function runs under which job name (like urls.py for pages).

Each job wraps an app's own idempotent function; apps are imported inside the functions, so this
module loads whatever apps exist. The engine (``openprecinct.core.jobs``) knows no app; it loads
the modules listed in ``settings.OPENPRECINCT_JOB_MODULES`` (this one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from openprecinct.core.audit import audit_record
from openprecinct.core.hashing import sha256_file
from openprecinct.core.jobs.engine import JobError, current_job, job
from openprecinct.core.jobs.files import output_dir

Progress = Callable[[int, int], None] | None


def _user(user_id: int | None) -> Any:
    if user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()


def _system_reader() -> Any:
    from openprecinct.insights.management.commands.compstat import SystemUser

    return SystemUser()


def count_rows(path: Path) -> int:
    """Data lines in a CSV file (newlines minus the header): the import's expected work."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


# --- records import ------------------------------------------------------------------------------
def records_import(
    *,
    path: str,
    schema: str,
    columns: Any = None,
    encoding: str = "utf-8",
    user_id: int | None = None,
    batch_size: int | None = None,
    progress: Progress = None,
) -> dict[str, Any]:
    """Import ``path``; idempotent because the importer is (rows already written are unchanged).

    A run left ``running`` by an earlier attempt of the same job (its worker was killed) is
    closed as failed, with a note that this attempt resumed it.
    """
    from openprecinct.records.importing.service import import_summary, records_import_file
    from openprecinct.records.models import ImportRun

    file_path = Path(path)
    if not file_path.is_file():
        raise JobError(f"The file to import is gone ({file_path.name}); upload it again.")
    current = current_job()
    if current is not None and current.attempts > 1 and current.started_at is not None:
        sha = sha256_file(file_path)
        stale = ImportRun.objects.filter(
            file_sha256=sha,
            status=ImportRun.Status.RUNNING,
            started_at__gte=current.started_at - timedelta(seconds=1),
        )
        for run in stale:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.FAILED,
                finished_at=timezone.now(),
                error=f"interrupted: the worker stopped; job {current.uuid} ran the file again",
            )
            audit_record(
                action="records.import",
                obj=run,
                outcome="failure",
                details={"error": "interrupted", "job": str(current.uuid)},
            )
    total = count_rows(file_path)
    if progress is not None:
        progress(0, total)
    run = records_import_file(
        path=file_path,
        schema=schema,
        columns=columns,
        user=_user(user_id),
        encoding=encoding,
        batch_size=batch_size,
    )
    if progress is not None:
        progress(total, total)
    return import_summary(run)


def import_progress(job_row: Any) -> int | None:
    """Rows read so far by the import this job runs (read from its ImportRun, live)."""
    from openprecinct.records.models import ImportRun

    if job_row.started_at is None:
        return None
    run = (
        ImportRun.objects.filter(
            status=ImportRun.Status.RUNNING,
            started_at__gte=job_row.started_at - timedelta(seconds=1),
            file_name=Path(job_row.kwargs.get("path", "")).name[:255],
        )
        .order_by("-started_at")
        .first()
    )
    return None if run is None else run.read


# --- insights ------------------------------------------------------------------------------------
@job("insights.forecast", description="Fit a hotspot forecast and keep it in the cache.")
def insights_forecast(
    *,
    precinct: str,
    category: str,
    method: str = "default",
    cell_size: float = 150.0,
    horizon: str = "week",
    as_of: str | None = None,
    user_id: int | None = None,
) -> dict[str, Any]:
    from openprecinct.insights.analysis import hotspot_map

    user = _user(user_id) or _system_reader()
    result = hotspot_map(
        user=user,
        precinct=precinct,
        category=category,
        method=method,
        cell_size=float(cell_size),
        horizon=horizon,
        as_of=date.fromisoformat(as_of) if as_of else timezone.localdate(),
    )
    return {
        "precinct": result.precinct,
        "category": result.category,
        "method": result.method,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "events": result.events,
        "cells": result.cells,
        "flagged": result.flagged,
        "warning": result.warning,
    }


@job("insights.compstat_pdf", description="The weekly CompStat PDF, kept for download.")
def compstat_pdf(
    *, precinct: str | None = None, week_ending: str | None = None, user_id: int | None = None
) -> dict[str, Any]:
    from openprecinct.analytics import compstat_render as render
    from openprecinct.insights.compstat import compstat_view

    precinct = precinct or settings.OPENPRECINCT_PRECINCT
    user = _user(user_id) or _system_reader()
    week = date.fromisoformat(week_ending) if week_ending else None
    view = compstat_view(user=user, precinct=precinct, week_ending=week, today=timezone.localdate())
    data = render.render_pdf(view.reports)
    name = f"compstat_{precinct}_{view.week_ending}.pdf"
    target = output_dir() / name
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(target)  # same name, same bytes on a re-run: idempotent
    return {
        "file": name,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "week_ending": view.week_ending.isoformat(),
    }


# --- personnel -----------------------------------------------------------------------------------
@job("personnel.eis.evaluate_all", description="Nightly early-intervention evaluation.")
def eis_evaluate_all(*, as_of: str | None = None, progress: Progress = None) -> Any:
    import importlib

    try:
        eis = importlib.import_module("openprecinct.personnel.eis")
    except ImportError as exc:
        raise JobError(f"Early intervention is not installed ({exc}).") from None
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return eis.evaluate_all(as_of=day, progress=progress)


# --- oversight, community, crime analysis --------------------------------------------------------
@job("oversight.deadlines", description="Raise the committee's response-deadline alerts due today.")
def oversight_deadlines() -> dict[str, Any]:
    from openprecinct.oversight.deadlines import raise_response_deadline_alerts

    return {"alerts_raised": len(raise_response_deadline_alerts())}


@job("community.purge", description="Retention: purge closed tips, SARs and expired posts.")
def community_purge(*, as_of: str | None = None, progress: Progress = None) -> dict[str, int]:
    from openprecinct.community.services import purge_expired

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return purge_expired(day, progress=progress)


@job("insights.score_forecasts", description="Score every logged forecast whose period ended.")
def score_forecasts(*, as_of: str | None = None, progress: Progress = None) -> dict[str, int]:
    from openprecinct.insights.analysis_jobs import score_forecasts_job

    return score_forecasts_job(as_of=as_of, progress=progress)


# --- evidence ------------------------------------------------------------------------------------
@job(
    "evidence.purge", description="Retention: queue expired evidence, delete after the undo window."
)
def evidence_purge() -> dict[str, Any]:
    from openprecinct.evidence.services import evidence_purge as purge

    result = purge()
    return {
        "queued": list(result.queued),
        "deleted": list(result.deleted),
        "kept": [{"uuid": u, "why": why} for u, why in result.kept],
    }


@job("evidence.verify", description="Fixity sweep: re-hash every stored file, walk every chain.")
def evidence_verify(progress: Progress = None) -> dict[str, Any]:
    from openprecinct.evidence.services import evidence_verify as verify

    result = verify()
    if result.problems:
        audit_record(
            action="evidence.fixity_alert",
            object_type="evidence",
            outcome="failure",
            details={"problems": [str(p) for p in result.problems[:50]]},
        )
    return {
        "items_checked": result.items_checked,
        "ok": result.ok,
        "problems": [str(p) for p in result.problems],
    }


job(
    "records.import",
    description="Import an incident file (NYPD schema or generic CSV).",
    probe=import_progress,
)(records_import)
