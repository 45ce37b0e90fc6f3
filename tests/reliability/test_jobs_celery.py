"""A long import on a real Celery worker (Redis broker): kill the worker mid-import, start
another, and the import completes with the same records as an uninterrupted one.

Needs Redis on 127.0.0.1:6379 (skipped otherwise). The worker is a subprocess on the test
database (a file for SQLite; the same server for PostgreSQL), on its own queue in Redis
database 15, so it never takes anyone else's tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.reliability.helpers import GENERIC_COLUMNS, generic_csv

REDIS_URL = os.environ.get("OPENPRECINCT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROWS = 30_000
BATCH = 200

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return False


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(predicate, *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Worker:
    def __init__(self, queue: str, log: Path, data_dir: Path) -> None:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "openprecinct.config.settings.test",
                "OPENPRECINCT_DATABASE_URL": _database_url(),
                "OPENPRECINCT_DATA_DIR": str(data_dir),
                "OPENPRECINCT_CELERY_BROKER_URL": REDIS_URL,
                "OPENPRECINCT_CELERY_QUEUE": queue,
                "OPENPRECINCT_CELERY_VISIBILITY_TIMEOUT": "2",
            }
        )
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "openprecinct.config.celery",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{queue}-{uuid.uuid4().hex[:6]}@%h",
                "--loglevel=INFO",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=str(Path(__file__).resolve().parents[2]),
        )

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.log.close()


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_killed_worker_import_resumes_to_the_same_result(tmp_path, settings, make_user):
    from openprecinct.core.jobs import submit
    from openprecinct.core.jobs.models import Job
    from openprecinct.records.importing.service import records_import_file
    from openprecinct.records.models import ImportRun, Incident

    queue = f"test-{uuid.uuid4().hex[:10]}"
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    clerk = make_user("clerk", "records_clerk")
    path = generic_csv(tmp_path / "long.csv", ROWS)
    log = tmp_path / "worker.log"

    job_row = submit(
        "records.import",
        user=clerk,
        path=str(path),
        schema="generic",
        columns=GENERIC_COLUMNS,
        user_id=clerk.pk,
        batch_size=BATCH,
    )
    assert job_row.engine == "celery" and job_row.status == "queued"
    first = Worker(queue, log, tmp_path)
    try:
        run = _wait(
            lambda: ImportRun.objects.filter(status="running", read__gte=4 * BATCH).first(),
            timeout=45,
            what="the first worker to import a few batches",
            every=0.05,
        )
        first.kill()
    finally:
        first.kill()
    job_row.refresh_from_db()
    run.refresh_from_db()
    assert job_row.status == "running" and job_row.attempts == 1
    assert run.status == "running" and 0 < run.read < ROWS  # stopped mid-import

    second = Worker(queue, log, tmp_path)
    try:
        _wait(
            lambda: Job.objects.filter(pk=job_row.pk, status__in=["done", "failed"]).exists(),
            # about 10 s on a quiet 2-core machine; a bound, not a speed check (a loaded
            # machine once took over 55 s to start the worker and finish)
            timeout=150,
            what="the second worker to finish the job",
        )
    finally:
        second.stop()
    job_row.refresh_from_db()
    assert job_row.status == "done", (job_row.error, log.read_text()[-3000:])
    assert job_row.attempts == 2
    result = job_row.result
    assert result["read"] == ROWS and result["quarantined"] == 0
    assert result["imported"] + result["unchanged"] == ROWS and result["updated"] == 0
    run.refresh_from_db()
    assert run.status == "failed" and "interrupted" in run.error

    # The same records as an uninterrupted import: importing the file once more changes nothing.
    assert Incident.objects.count() == ROWS
    check = records_import_file(path=path, schema="generic", columns=GENERIC_COLUMNS)
    assert (check.imported, check.updated, check.unchanged) == (0, 0, ROWS)
