"""Uploads: streamed, hashed on the server, resumable, and refused cleanly when wrong."""

import hashlib
import io

import pytest

from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import services
from openprecinct.evidence.ingest import UploadRejected
from openprecinct.evidence.models import EvidenceItem, UploadSession
from openprecinct.evidence.storage import evidence_storage
from tests.evidence.conftest import JPEG_HEAD, jpeg_zip_polyglot, mp4_bytes, stored_files


def _start(user, data, *, name="bwc.mp4", content_type="video/mp4", **meta):
    return services.evidence_upload_start(
        user=user,
        filename=name,
        content_type=content_type,
        total_bytes=len(data),
        metadata={"title": "Stop on Bay Street", **meta},
    )


def _send(user, session, data, start, end):
    chunk = data[start:end]
    return services.evidence_upload_chunk(
        user=user, session=session, start=start, length=len(chunk), body=io.BytesIO(chunk)
    )


def test_a_single_upload_stores_the_file_under_a_random_name_with_its_sha256(upload):
    data = mp4_bytes()
    item = upload(data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size_bytes == len(data)
    assert item.storage_key not in ("bwc.mp4", "") and "bwc" not in item.storage_key
    with evidence_storage().open(item.storage_key) as f:
        assert f.read() == data
    assert [e.action for e in item.custody.all()] == ["upload"]


def test_an_interrupted_and_resumed_upload_has_the_same_hash_as_a_single_one(personas):
    officer = personas["patrol_officer"]
    data = mp4_bytes(1_000_000, seed=7)
    session = _start(officer, data)
    _send(officer, session, data, 0, 300_000)
    # The connection drops mid-chunk: only part of the next chunk arrives.
    with pytest.raises(ApplicationError) as cut:
        services.evidence_upload_chunk(
            user=officer,
            session=session,
            start=300_000,
            length=400_000,
            body=io.BytesIO(data[300_000:450_000]),
        )
    assert cut.value.extra["offset"] == 300_000
    _send(officer, session, data, 300_000, 400_000)  # resumed in the same process
    # The process restarts: the running hash is gone and must be rebuilt from the partial file.
    services._hashers.clear()
    session.refresh_from_db()
    assert session.received_bytes == 400_000
    # A client that resends from the wrong offset is told where to resume.
    with pytest.raises(ApplicationError) as wrong:
        _send(officer, session, data, 200_000, 400_000)
    assert wrong.value.extra["offset"] == 400_000
    _send(officer, session, data, 400_000, 700_000)
    item = _send(officer, session, data, 700_000, 1_000_000)
    assert isinstance(item, EvidenceItem)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    with evidence_storage().open(item.storage_key) as f:
        assert f.read() == data


def test_a_matching_device_manifest_is_recorded(upload):
    data = mp4_bytes()
    item = upload(data, manifest_sha256=hashlib.sha256(data).hexdigest())
    assert item.device_sha256 == item.sha256
    assert item.custody.get().details["manifest_matched"] is True


def test_a_file_that_differs_from_its_device_manifest_is_refused(upload, evidence_dirs):
    with pytest.raises(UploadRejected, match="does not match the device manifest"):
        upload(mp4_bytes(), manifest_sha256="0" * 64)
    assert EvidenceItem.objects.count() == 0
    assert stored_files(evidence_dirs) == []


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (jpeg_zip_polyglot(), "photo.jpg", "image/jpeg", "also a ZIP archive"),
        (
            JPEG_HEAD + b"\x00" * 100 + b"%PDF-1.7 hidden",
            "photo.jpg",
            "image/jpeg",
            "a PDF document",
        ),
        (b"", "bwc.mp4", "video/mp4", "empty"),
        (mp4_bytes(5_000_001), "bwc.mp4", "video/mp4", "the limit is 5,000,000 bytes"),
        (mp4_bytes(), "../../etc/bwc.mp4", "video/mp4", "not allowed"),
        (mp4_bytes(), "bwc.exe", "video/mp4", "not accepted"),
        (mp4_bytes(), "bwc.mp4", "image/jpeg", "must be sent as video/mp4"),
        (b"MZ\x90\x00" + b"\x00" * 5000, "bwc.mp4", "video/mp4", "The content is not video/mp4"),
    ],
    ids=[
        "polyglot-zip",
        "polyglot-pdf",
        "zero-bytes",
        "over-limit",
        "dot-dot-name",
        "bad-extension",
        "type-mismatch",
        "not-what-it-says",
    ],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_stored(
    upload, evidence_dirs, data, name, content_type, message
):
    with pytest.raises(UploadRejected, match=message):
        upload(data, name=name, content_type=content_type)
    assert EvidenceItem.objects.count() == 0
    assert stored_files(evidence_dirs) == []


def test_a_body_longer_than_announced_is_refused(personas, evidence_dirs):
    officer = personas["patrol_officer"]
    data = mp4_bytes(10_000)
    session = _start(officer, data)
    with pytest.raises(UploadRejected, match="more bytes than it announced"):
        services.evidence_upload_chunk(
            user=officer,
            session=session,
            start=0,
            length=len(data),
            body=io.BytesIO(data + b"extra"),
        )
    assert EvidenceItem.objects.count() == 0


def test_roles_without_upload_rights_cannot_start_an_upload(personas):
    for name in (
        "crime_analyst",
        "dispatcher",
        "oversight_member",
        "community_affairs",
        "administrator",
        "outsider",
    ):
        with pytest.raises(ApplicationError, match="can't upload"):
            _start(personas[name], mp4_bytes(1000))
    assert UploadSession.objects.count() == 0


def test_an_upload_belongs_to_whoever_started_it(personas):
    data = mp4_bytes(10_000)
    session = _start(personas["patrol_officer"], data)
    with pytest.raises(ApplicationError, match="not open"):
        _send(personas["sergeant"], session, data, 0, len(data))


def test_a_refused_upload_stays_refused(personas, evidence_dirs):
    officer = personas["patrol_officer"]
    data = b"MZ" + b"\x00" * 9998
    session = _start(officer, mp4_bytes(len(data)))
    with pytest.raises(UploadRejected, match="not video/mp4"):
        _send(officer, session, data, 0, len(data))
    session.refresh_from_db()
    assert session.status == "rejected"
    assert stored_files(evidence_dirs) == []


def test_a_failed_finalise_can_be_retried_without_resending(personas, settings, tmp_path):
    officer = personas["patrol_officer"]
    data = mp4_bytes(20_000)
    session = _start(officer, data)
    good = settings.OPENPRECINCT_EVIDENCE_STORAGE
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.OPENPRECINCT_EVIDENCE_STORAGE = f"file://{blocker}/store"  # storage unreachable
    with pytest.raises(OSError):
        _send(officer, session, data, 0, len(data))
    assert EvidenceItem.objects.count() == 0
    settings.OPENPRECINCT_EVIDENCE_STORAGE = good
    services._hashers.clear()
    item = services.evidence_upload_finish(user=officer, session=session)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
