"""The progress page of one job (``/jobs/<uuid>/``), its JSON status and its output file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.jobs.models import Job


def _job_for(request: HttpRequest, job_uuid: Any) -> Job:
    """The job, or 404 for a missing job and for someone else's (the same answer)."""
    job_row = Job.objects.filter(uuid=job_uuid).select_related("submitted_by").first()
    if job_row is None or not perms.can_view_job(request.user, job_row):
        if job_row is not None:
            audit_record(
                action="access.denied",
                obj=job_row,
                outcome="denied",
                details={"path": request.path},
            )
        raise Http404("No such job.")
    return job_row


def job_state(job_row: Job) -> dict[str, Any]:
    """What the page and its polling script show."""
    from openprecinct.core.jobs.engine import registered

    done, total = job_row.progress_done, job_row.progress_total
    spec = registered().get(job_row.name)
    probe = spec.probe if spec is not None else None
    if probe is not None and job_row.status == Job.Status.RUNNING:
        live = probe(job_row)
        if live is not None:
            done = max(done, live)
    percent = job_row.percent
    if job_row.status == Job.Status.RUNNING and total:
        percent = min(99, int(100 * done / total))
    result = job_row.result if isinstance(job_row.result, dict) else {"value": job_row.result}
    return {
        "uuid": str(job_row.uuid),
        "name": job_row.name,
        "status": job_row.status,
        "status_label": job_row.get_status_display(),
        "done": done,
        "total": total,
        "percent": percent,
        "attempts": job_row.attempts,
        "engine": job_row.engine,
        "error": job_row.error,
        "result": result if job_row.status == Job.Status.DONE else None,
        "finished": job_row.finished,
        "has_file": bool(job_row.status == Job.Status.DONE and result and result.get("file")),
    }


@require_GET
def job_detail(request: HttpRequest, job_uuid: Any) -> HttpResponse:
    job_row = _job_for(request, job_uuid)
    state = job_state(job_row)
    result_rows = sorted((state["result"] or {}).items())
    return render(
        request,
        "core/jobs/detail.html",
        {"job": job_row, "state": state, "result_rows": result_rows},
    )


@require_GET
def job_status(request: HttpRequest, job_uuid: Any) -> JsonResponse:
    return JsonResponse(job_state(_job_for(request, job_uuid)))


@require_GET
def job_file(request: HttpRequest, job_uuid: Any) -> HttpResponse:
    from openprecinct.core.jobs.files import output_dir

    job_row = _job_for(request, job_uuid)
    name = (job_row.result or {}).get("file") if isinstance(job_row.result, dict) else None
    if job_row.status != Job.Status.DONE or not name:
        raise Http404("This job left no file.")
    base = output_dir().resolve()
    path = (base / Path(str(name)).name).resolve()
    if path.parent != base or not path.is_file():
        raise Http404("The file is no longer kept; run the job again.")
    audit_record(action="job.download", obj=job_row, details={"file": path.name})
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
