"""Background jobs on the embedded engine (no broker): submit, progress, outcome, access."""

from __future__ import annotations

import pytest

from openprecinct.core.jobs import JobError, job, run_job, submit
from openprecinct.core.jobs.models import Job
from openprecinct.core.models import AuditEntry
from tests.conftest import login_verified
from tests.reliability.helpers import GENERIC_COLUMNS, generic_csv

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@job("tests.add")
def _add(*, a: int, b: int, progress=None) -> dict:
    CALLS.append({"a": a, "b": b})
    if progress is not None:
        progress(1, 2)
        progress(2, 2)
    return {"sum": a + b}


@job("tests.boom")
def _boom() -> None:
    raise ValueError("the input file has no header line")


def test_submit_runs_in_process_and_records_the_outcome():
    row = submit("tests.add", a=2, b=3)
    assert row.status == Job.Status.DONE
    assert row.result == {"sum": 5}
    assert row.attempts == 1 and row.engine == "inprocess"
    assert row.progress_done == row.progress_total == 2
    actions = list(
        AuditEntry.objects.filter(object_id=str(row.pk), object_type="core.job").values_list(
            "action", flat=True
        )
    )
    assert actions == ["job.submit", "job.start", "job.finish"]


def test_failure_is_one_line_and_not_a_traceback():
    row = submit("tests.boom")
    assert row.status == Job.Status.FAILED
    assert row.error == "the input file has no header line"
    assert "Traceback" not in row.error


def test_idempotency_key_returns_the_first_job():
    CALLS.clear()
    first = submit("tests.add", idempotency_key="k-1", a=1, b=1)
    again = submit("tests.add", idempotency_key="k-1", a=1, b=1)
    assert first.pk == again.pk and len(CALLS) == 1


def test_running_a_finished_job_again_does_nothing():
    CALLS.clear()
    row = submit("tests.add", a=1, b=2)
    assert run_job(str(row.uuid)).status == Job.Status.DONE
    assert len(CALLS) == 1


def test_a_job_left_running_by_a_dead_worker_runs_again():
    row = Job.objects.create(
        name="tests.add", kwargs={"a": 4, "b": 4}, status="running", attempts=1
    )
    done = run_job(str(row.uuid))
    assert done.status == Job.Status.DONE and done.attempts == 2 and done.result == {"sum": 8}


def test_unknown_job_and_non_json_arguments_are_refused():
    with pytest.raises(JobError, match="no job called"):
        submit("tests.nope")
    with pytest.raises(JobError, match="JSON"):
        submit("tests.add", a=object(), b=1)


def test_every_platform_job_is_registered():
    from openprecinct.core.jobs import registered

    names = set(registered())
    assert {
        "records.import",
        "insights.forecast",
        "insights.compstat_pdf",
        "personnel.eis.evaluate_all",
        "evidence.purge",
        "evidence.verify",
    } <= names


def test_evidence_jobs_run_on_an_empty_store():
    assert submit("evidence.verify").result == {"items_checked": 0, "ok": True, "problems": []}
    purge = submit("evidence.purge")
    assert purge.status == "done" and purge.result["deleted"] == []


def test_records_import_job_twice_gives_the_same_records(tmp_path, make_user):
    from openprecinct.records.models import Incident

    clerk = make_user("clerk", "records_clerk")
    path = generic_csv(tmp_path / "city.csv", 60)
    first = submit(
        "records.import",
        user=clerk,
        path=str(path),
        schema="generic",
        columns=GENERIC_COLUMNS,
        user_id=clerk.pk,
    )
    assert first.status == "done", first.error
    assert first.result["imported"] == 60 and first.progress_done == 60
    fingerprint = sorted(Incident.objects.values_list("source_key", "content_hash"))
    second = submit(
        "records.import",
        user=clerk,
        path=str(path),
        schema="generic",
        columns=GENERIC_COLUMNS,
        user_id=clerk.pk,
    )
    assert second.result["unchanged"] == 60 and second.result["imported"] == 0
    assert sorted(Incident.objects.values_list("source_key", "content_hash")) == fingerprint


def test_import_job_with_a_bad_mapping_fails_with_the_importers_message(tmp_path):
    path = generic_csv(tmp_path / "city.csv", 3)
    row = submit("records.import", path=str(path), schema="generic", columns="id=case")
    assert row.status == "failed"
    assert "column mapping needs" in row.error and "\n" not in row.error


def test_progress_page_for_submitter_and_admin_only(client, make_user):
    owner = make_user("owner", "crime_analyst")
    other = make_user("other", "crime_analyst")
    admin = make_user("admin", "administrator")
    row = submit("tests.add", user=owner, a=1, b=1)
    login_verified(client, owner)
    page = client.get(f"/jobs/{row.uuid}/")
    assert page.status_code == 200
    assert b"core/jobs.js" in page.content and b"<script>" not in page.content
    status = client.get(f"/jobs/{row.uuid}/status.json").json()
    assert (
        status["status"] == "done" and status["result"] == {"sum": 2} and status["percent"] == 100
    )
    login_verified(client, other)
    assert client.get(f"/jobs/{row.uuid}/").status_code == 404
    assert client.get(f"/jobs/{row.uuid}/status.json").status_code == 404
    login_verified(client, admin)
    assert client.get(f"/jobs/{row.uuid}/").status_code == 200


def test_compstat_pdf_job_leaves_a_downloadable_file(client, make_user):
    admin = make_user("admin", "administrator")
    row = submit("insights.compstat_pdf", user=admin, precinct="120", week_ending="2015-06-28")
    assert row.status == "done", row.error
    assert row.result["file"] == "compstat_120_2015-06-28.pdf"
    login_verified(client, admin)
    response = client.get(f"/jobs/{row.uuid}/file")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_import_started_from_the_web_page(client, make_user, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openprecinct.records.models import Incident

    clerk = make_user("clerk", "records_clerk")
    login_verified(client, clerk)
    page = client.get("/records/imports/")
    assert page.status_code == 200 and b"Start an import" in page.content
    nonce = page.context["form"].initial["nonce"]
    data = generic_csv(tmp_path / "x.csv", 25).read_bytes()
    post = {
        "schema": "generic",
        "columns": GENERIC_COLUMNS,
        "nonce": nonce,
    }
    response = client.post(
        "/records/imports/start/",
        {**post, "file": SimpleUploadedFile("../../etc/city one.csv", data, "text/csv")},
    )
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    again = client.post(
        "/records/imports/start/",
        {**post, "file": SimpleUploadedFile("city one.csv", data, "text/csv")},
    )
    assert again["Location"] == response["Location"]  # a double submission is one job
    job_row = Job.objects.get()
    assert job_row.status == "done" and job_row.result["imported"] == 25
    assert Incident.objects.count() == 25
    assert "/" not in job_row.kwargs["path"].rsplit("/", 1)[1].replace(nonce, "")
    progress = client.get(response["Location"])
    assert b"imported" in progress.content


def test_import_start_refuses_an_empty_file_and_other_roles(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = make_user("clerk", "records_clerk")
    login_verified(client, clerk)
    empty = client.post(
        "/records/imports/start/",
        {"schema": "generic", "nonce": "abc", "file": SimpleUploadedFile("a.csv", b"")},
    )
    assert empty.status_code == 400 and Job.objects.count() == 0
    officer = make_user("officer", "patrol_officer")
    login_verified(client, officer)
    denied = client.post(
        "/records/imports/start/",
        {"schema": "generic", "nonce": "abc", "file": SimpleUploadedFile("a.csv", b"x\n1\n")},
    )
    assert denied.status_code == 403 and Job.objects.count() == 0


def test_a_running_import_job_shows_the_rows_read_so_far(make_user):
    from django.utils import timezone

    from openprecinct.core.jobs.views import job_state
    from openprecinct.records.models import ImportRun

    started = timezone.now()
    row = Job.objects.create(
        name="records.import",
        kwargs={"path": "/srv/uploads/abc-city.csv", "schema": "generic"},
        status="running",
        started_at=started,
        progress_total=2000,
        attempts=1,
    )
    ImportRun.objects.create(
        schema="generic", file_name="abc-city.csv", started_at=started, read=500
    )
    state = job_state(row)
    assert state["done"] == 500 and state["total"] == 2000 and state["percent"] == 25
