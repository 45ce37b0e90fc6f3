"""Background jobs: long work off the request, on Celery with Redis or in-process.

Contract (docs/architecture.md, "background jobs")::

    from openprecinct.core.jobs import job, submit

    @job("records.import")
    def import_file(*, path: str, schema: str, progress=None) -> dict: ...

    submit("records.import", user=request.user, path="/srv/uploads/x.csv", schema="generic")

A job is a plain function taking JSON keyword arguments (and optionally ``progress(done, total)``)
and returning something JSON-serialisable. It must be idempotent: a job can run more than once
(a worker killed mid-task hands it to the next worker, ``acks_late``), and running it again has
to end in the same state. Functions of apps that load later are registered by dotted path
(:func:`register_path`) and imported only when a job runs.

With ``OPENPRECINCT_CELERY_BROKER_URL`` set (``redis://127.0.0.1:6379/0``), :func:`submit` queues
the job for a Celery worker (``openprecinct worker``); without it the job runs in the web process
straight away, so the embedded demo needs nothing else. The :class:`~.models.Job` row holds status,
progress, result and error either way; ``/jobs/<uuid>/`` shows them.
"""

from __future__ import annotations

from openprecinct.core.jobs.engine import (
    JobError,
    current_job,
    job,
    register_path,
    registered,
    run_job,
    submit,
    uses_celery,
)

__all__ = [
    "JobError",
    "current_job",
    "job",
    "register_path",
    "registered",
    "run_job",
    "submit",
    "uses_celery",
]
