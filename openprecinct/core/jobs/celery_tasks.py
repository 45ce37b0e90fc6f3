"""The Celery side of the jobs: one task that runs any registered job by its uuid.

``acks_late`` with ``reject_on_worker_lost``: the broker keeps the message until the job has
finished, so a worker killed mid-task leaves it to be delivered again (after the visibility
timeout) and the next worker runs the job again; jobs are idempotent, so the result is the same.
A lost database connection is retried with a growing delay.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from openprecinct.core.jobs.engine import RETRYABLE, run_job


@shared_task(
    bind=True,
    name="openprecinct.run_job",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=20,
)
def run_job_task(self: Any, job_uuid: str) -> str:
    from django.db import close_old_connections

    close_old_connections()
    try:
        job_row = run_job(job_uuid)
    except RETRYABLE as exc:
        close_old_connections()
        raise self.retry(exc=exc, countdown=min(60, 2 ** min(self.request.retries, 6))) from exc
    return job_row.status if job_row is not None else "missing"


@shared_task(name="openprecinct.scheduled_job", acks_late=True, reject_on_worker_lost=True)
def scheduled_job(name: str, **kwargs: Any) -> str:
    """Celery beat's entry point: submit the named job (one per day/week by its key)."""
    from datetime import date

    from openprecinct.core.jobs.engine import submit

    key = kwargs.pop("idempotency", None)
    stamp = date.today().isoformat()
    job_row = submit(name, idempotency_key=f"schedule:{name}:{key or stamp}", **kwargs)
    return str(job_row.uuid)
