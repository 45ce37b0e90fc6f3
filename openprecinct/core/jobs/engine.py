"""Registry, submission and the runner shared by both engines."""

from __future__ import annotations

import contextvars
import dataclasses
import importlib
import inspect
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from openprecinct.core import context
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.jobs.models import Job

log = logging.getLogger("openprecinct.jobs")
S = Job.Status

# The job state machine. RUNNING -> RUNNING is a retry after a worker died mid-task.
TRANSITIONS: dict[str, set[str]] = {
    S.QUEUED: {S.RUNNING, S.FAILED},
    S.RUNNING: {S.RUNNING, S.DONE, S.FAILED, S.QUEUED},
    S.FAILED: set(),
    S.DONE: set(),
}
# Errors that mean "the database went away": Celery retries the task, the job stays unfinished.
RETRYABLE = (OperationalError, InterfaceError)


class JobError(ApplicationError):
    """A job that cannot be submitted (unknown name, arguments that are not JSON)."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    target: Callable[..., Any] | str  # a function, or "package.module:function"
    description: str = ""
    # Live progress read from elsewhere than the job row (e.g. an import's run), or None.
    probe: Callable[[Job], int | None] | None = None

    def load(self) -> Callable[..., Any]:
        if callable(self.target):
            return self.target
        module_name, _, attr = self.target.partition(":")
        try:
            module = importlib.import_module(module_name)
            return getattr(module, attr)  # type: ignore[no-any-return]
        except (ImportError, AttributeError) as exc:
            raise JobError(
                f"Job {self.name!r} points at {self.target}, which is not available ({exc})."
            ) from None


_REGISTRY: dict[str, JobSpec] = {}
_current: contextvars.ContextVar[Job | None] = contextvars.ContextVar(
    "openprecinct_job", default=None
)


def job(
    name: str, *, description: str = "", probe: Callable[[Job], int | None] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the job ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        text = description or (func.__doc__ or "").strip()
        _REGISTRY[name] = JobSpec(name, func, text, probe)
        return func

    return register


def register_path(name: str, target: str, *, description: str = "") -> None:
    """Register ``package.module:function`` as the job ``name``, imported when it runs."""
    _REGISTRY[name] = JobSpec(name, target, description)


def registered() -> dict[str, JobSpec]:
    _load_builtin()
    return dict(_REGISTRY)


def _load_builtin() -> None:
    """Import the modules that register the installation's jobs (settings, like URL confs)."""
    for module in getattr(settings, "OPENPRECINCT_JOB_MODULES", ()):
        importlib.import_module(module)


def current_job() -> Job | None:
    """The job being run in this context (for functions that want its uuid or submitter)."""
    return _current.get()


def uses_celery() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", None))


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "message", "") or exc).split())
    if isinstance(exc, ApplicationError | ValueError | OSError) or type(exc).__name__.endswith(
        ("FileError", "MappingError")
    ):
        return text[:2000] or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:2000]


def _transition(job_row: Job, to: str) -> None:
    if to not in TRANSITIONS[job_row.status]:
        raise TransitionNotAllowed(f"A {job_row.status} job cannot become {to}.")
    job_row.status = to


def submit(
    name: str,
    *,
    user: Any = None,
    idempotency_key: str | None = None,
    total: int = 0,
    **kwargs: Any,
) -> Job:
    """Queue the job ``name`` with JSON keyword arguments and return its row.

    With an ``idempotency_key`` that was used before, the earlier job is returned and nothing
    new is queued (a double click, a retried request). ``total`` is the expected amount of work,
    shown until the job reports its own progress.
    """
    specs = registered()
    if name not in specs:
        raise JobError(f"There is no job called {name!r}; known jobs: {', '.join(sorted(specs))}.")
    try:
        payload = json.loads(json.dumps(kwargs))
    except (TypeError, ValueError):
        raise JobError(f"The arguments of job {name!r} must be JSON values.") from None
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    engine = "celery" if uses_celery() else "inprocess"
    user_id = getattr(user, "pk", None)
    try:
        with transaction.atomic():
            row = Job.objects.create(
                name=name,
                kwargs=payload,
                idempotency_key=idempotency_key or None,
                submitted_by_id=user_id,
                engine=engine,
                progress_total=max(0, int(total)),
            )
            audit_record(
                action="job.submit",
                obj=row,
                details={"name": name, "uuid": str(row.uuid), "engine": engine},
            )
    except IntegrityError:
        # The same key submitted concurrently: the other request won.
        return Job.objects.get(idempotency_key=idempotency_key)
    if engine == "celery":
        uid = str(row.uuid)
        transaction.on_commit(lambda: _send_to_celery(uid))
        return row
    run_job(str(row.uuid))
    row.refresh_from_db()
    return row


def _send_to_celery(uid: str) -> None:
    """Queue the job for a worker, on the broker and queue the settings name now."""
    from openprecinct.config.celery import app
    from openprecinct.core.jobs.celery_tasks import run_job_task

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        run_job_task.apply_async(
            args=[uid],
            task_id=uid,
            connection=conn,
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            retry=True,
            retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
        )


class _Reporter:
    """``progress(done, total)`` for a job: writes to the row at most twice a second."""

    def __init__(self, job_row: Job, interval: float = 0.5) -> None:
        self.job = job_row
        self.interval = interval
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self.last < self.interval:
            return
        self.last = now
        fields: dict[str, Any] = {
            "progress_done": max(0, int(done)),
            "heartbeat_at": timezone.now(),
        }
        if total is not None:
            fields["progress_total"] = max(0, int(total))
        Job.objects.filter(pk=self.job.pk).update(**fields)


def _accepts_progress(func: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def run_job(job_uuid: str) -> Job:
    """Run the job ``job_uuid`` once, recording start, progress and outcome on its row.

    Safe to call again for the same job: a finished job is left alone, a job left ``running``
    by a worker that died is run again (its function is idempotent). Database errors propagate
    (the Celery task retries them); any other error fails the job with a one-line message.
    """
    job_row = Job.objects.filter(uuid=job_uuid).first()
    if job_row is None or job_row.finished:
        return job_row  # type: ignore[return-value]
    spec = registered().get(job_row.name)
    with transaction.atomic():
        job_row = Job.objects.select_for_update().get(pk=job_row.pk)
        if job_row.finished:
            return job_row
        retry = job_row.status == S.RUNNING
        _transition(job_row, S.RUNNING)
        job_row.attempts += 1
        job_row.started_at = job_row.started_at or timezone.now()
        job_row.heartbeat_at = timezone.now()
        job_row.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        audit_record(
            action="job.start",
            obj=job_row,
            details={"name": job_row.name, "attempt": job_row.attempts, "resumed": retry},
        )
    submitter = job_row.submitted_by
    ctx_token = context.set_current(
        context.ActorContext(
            user_id=getattr(submitter, "pk", None),
            username=submitter.get_username() if submitter is not None else "",
            source="job",
            request_id=str(job_row.uuid),
        )
    )
    job_token = _current.set(job_row)
    try:
        if spec is None:
            raise JobError(f"There is no job called {job_row.name!r} on this server.")
        func = spec.load()
        kwargs = dict(job_row.kwargs)
        if _accepts_progress(func):
            kwargs["progress"] = _Reporter(job_row)
        result = _jsonable(func(**kwargs))
    except RETRYABLE:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure ends the job with a message
        log.exception("job %s (%s) failed", job_row.uuid, job_row.name)
        _finish(job_row, S.FAILED, error=_one_line(exc))
    else:
        _finish(job_row, S.DONE, result=result)
    finally:
        _current.reset(job_token)
        context.reset(ctx_token)
    job_row.refresh_from_db()
    return job_row


def _finish(job_row: Job, status: str, *, result: Any = None, error: str = "") -> None:
    with transaction.atomic():
        row = Job.objects.select_for_update().get(pk=job_row.pk)
        _transition(row, status)
        row.result = result
        row.error = error
        row.finished_at = timezone.now()
        if status == S.DONE and row.progress_total:
            row.progress_done = row.progress_total
        row.save(
            update_fields=["status", "result", "error", "finished_at", "progress_done"],
        )
        audit_record(
            action="job.finish",
            obj=row,
            outcome="success" if status == S.DONE else "failure",
            details={"name": row.name, "attempts": row.attempts, "error": error[:500]},
        )
