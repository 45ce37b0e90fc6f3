"""Retention with a frozen clock: the longest category wins, holds and open cases block
deletion, deletions wait seven days and can be undone, and a tombstone keeps the hash."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import services
from openprecinct.evidence.models import EvidenceCategory, ItemStatus
from openprecinct.evidence.storage import evidence_storage

RECORDED = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def categories(db):
    return {
        "routine": EvidenceCategory.objects.create(name="Routine stop", retention_days=90),
        "arrest": EvidenceCategory.objects.create(name="Arrest", retention_days=3 * 365),
        "homicide": EvidenceCategory.objects.create(name="Homicide", retention_days=None),
    }


@pytest.fixture
def footage(upload, personas, categories):
    item = upload(recorded_at=RECORDED.isoformat())
    return services.evidence_categorise(
        actor=personas["records_clerk"], item=item, category_ids=[categories["routine"].pk]
    )


def _purge_at(when):
    with time_machine.travel(when, tick=False):
        return services.evidence_purge()


def test_retention_is_counted_from_the_recorded_on_date(footage):
    assert services.retention_until(footage) == RECORDED + timedelta(days=90)


def test_the_longest_retention_wins(footage, personas, categories):
    services.evidence_categorise(
        actor=personas["records_clerk"],
        item=footage,
        category_ids=[categories["routine"].pk, categories["arrest"].pk],
    )
    assert services.retention_until(footage) == RECORDED + timedelta(days=3 * 365)
    assert _purge_at(RECORDED + timedelta(days=91)).queued == ()
    services.evidence_categorise(
        actor=personas["records_clerk"],
        item=footage,
        category_ids=[categories["arrest"].pk, categories["homicide"].pk],
    )
    assert services.retention_until(footage) is None  # kept indefinitely
    assert _purge_at(RECORDED + timedelta(days=10 * 365)).queued == ()


def test_after_retention_an_item_is_queued_then_deleted_seven_days_later_leaving_a_tombstone(
    footage, django_capture_on_commit_callbacks
):
    sha, key = footage.sha256, footage.storage_key
    assert _purge_at(RECORDED + timedelta(days=89)).queued == ()
    day_91 = RECORDED + timedelta(days=91)
    assert _purge_at(day_91).queued == (str(footage.uuid),)
    footage.refresh_from_db()
    assert footage.status == ItemStatus.PENDING_DELETION
    assert footage.deletion_due_at == day_91 + timedelta(days=7)
    assert _purge_at(day_91 + timedelta(days=6)).deleted == ()
    assert evidence_storage().exists(key)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes after the commit
        assert _purge_at(day_91 + timedelta(days=7, seconds=1)).deleted == (str(footage.uuid),)
    footage.refresh_from_db()
    assert footage.status == ItemStatus.DELETED
    assert footage.sha256 == sha  # the tombstone keeps the hash
    assert not evidence_storage().exists(key)
    assert [e.action for e in footage.custody.all()][-2:] == ["delete_request", "delete"]
    assert services.evidence_verify().ok  # a tombstone has no file to check, its chain holds


def test_undo_within_seven_days_restores_the_item(footage, personas):
    day_91 = RECORDED + timedelta(days=91)
    _purge_at(day_91)
    with time_machine.travel(day_91 + timedelta(days=3), tick=False):
        services.evidence_undo_deletion(actor=personas["records_clerk"], item=footage)
    footage.refresh_from_db()
    assert footage.status == ItemStatus.ACTIVE
    assert footage.deletion_due_at is None
    assert "restore" in [e.action for e in footage.custody.all()]
    assert evidence_storage().exists(footage.storage_key)


def test_a_person_can_request_deletion_and_undo_it(upload, personas):
    item = upload()
    clerk = personas["records_clerk"]
    services.evidence_request_deletion(actor=clerk, item=item, reason="uploaded twice")
    services.evidence_undo_deletion(actor=clerk, item=item)
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    with pytest.raises(ApplicationError, match="can't request deletion"):
        services.evidence_request_deletion(actor=personas["patrol_officer"], item=item, reason="x")


def test_a_legal_hold_blocks_deletion(footage, personas):
    services.evidence_set_hold(
        actor=personas["records_clerk"], item=footage, hold=True, reason="Smith v. City, 26-cv-101"
    )
    result = _purge_at(RECORDED + timedelta(days=400))
    assert result.queued == () and result.deleted == ()
    assert "legal hold" in result.kept[0][1]
    with pytest.raises(ApplicationError, match="legal hold"):
        services.evidence_request_deletion(
            actor=personas["records_clerk"], item=footage, reason="tidy"
        )


def test_a_hold_placed_during_the_undo_window_cancels_the_deletion(footage, personas):
    day_91 = RECORDED + timedelta(days=91)
    _purge_at(day_91)
    with time_machine.travel(day_91 + timedelta(days=1), tick=False):
        services.evidence_set_hold(
            actor=personas["ia_investigator"], item=footage, hold=True, reason="IA 26-0042"
        )
    assert _purge_at(day_91 + timedelta(days=30)).deleted == ()
    footage.refresh_from_db()
    assert footage.status == ItemStatus.ACTIVE


def test_an_open_complaint_or_case_blocks_deletion_until_it_closes(footage, personas):
    clerk = personas["records_clerk"]
    services.evidence_link(actor=clerk, item=footage, kind="complaint", ref="CCRB-2026-0117")
    assert _purge_at(RECORDED + timedelta(days=400)).queued == ()
    services.evidence_link(
        actor=clerk, item=footage, kind="complaint", ref="CCRB-2026-0117", is_open=False
    )
    assert _purge_at(RECORDED + timedelta(days=400)).queued == (str(footage.uuid),)


def test_the_digest_lists_what_will_be_deleted_in_the_next_week(footage, personas, capsys):
    with time_machine.travel(RECORDED + timedelta(days=85), tick=False):
        rows = services.evidence_deletion_digest()
        call_command("evidence", "digest")
    assert [r["uuid"] for r in rows] == [str(footage.uuid)]
    assert str(footage.uuid) in capsys.readouterr().out
    with time_machine.travel(RECORDED + timedelta(days=30), tick=False):
        assert services.evidence_deletion_digest() == []


def test_the_purge_command_reports_what_it_did(footage, capsys):
    with time_machine.travel(RECORDED + timedelta(days=91), tick=False):
        call_command("evidence", "purge")
    assert f"queued for deletion (7-day undo): {footage.uuid}" in capsys.readouterr().out


def test_the_digest_can_be_emailed_to_the_custodians(footage, personas, mailoutbox):
    clerk = personas["records_clerk"]
    clerk.email = "clerk@example.org"
    clerk.save()
    with time_machine.travel(RECORDED + timedelta(days=85), tick=False):
        call_command("evidence", "digest", "--email")
    assert mailoutbox[0].to == ["clerk@example.org"]
    assert str(footage.uuid) in mailoutbox[0].body


def test_every_evidence_command_has_help():
    from django.core.management import load_command_class

    command = load_command_class("openprecinct.evidence", "evidence")
    parser = command.create_parser("openprecinct", "evidence")
    text = parser.format_help()
    for sub in ("verify", "purge", "digest"):
        assert sub in text


def test_the_purge_discards_uploads_abandoned_for_a_week(personas, evidence_dirs):
    from tests.evidence.conftest import mp4_bytes, stored_files

    with time_machine.travel(RECORDED, tick=False):
        session = services.evidence_upload_start(
            user=personas["patrol_officer"],
            filename="bwc.mp4",
            content_type="video/mp4",
            total_bytes=len(mp4_bytes(1000)),
            metadata={"title": "x"},
        )
    assert stored_files(evidence_dirs)
    _purge_at(RECORDED + timedelta(days=8))
    session.refresh_from_db()
    assert session.status == "rejected" and stored_files(evidence_dirs) == []
