"""The same storage tests on the file system and on S3-compatible object storage.

The S3 runs need a real server (MinIO, Ceph RGW...): set OPENPRECINCT_TEST_S3_URL, e.g.
``s3://evidence-test?endpoint=http://127.0.0.1:9000`` with AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY. Without one they are skipped: nothing here is mocked.
"""

import hashlib
import os
import uuid

import pytest

from openprecinct.evidence.services import evidence_verify
from openprecinct.evidence.storage import evidence_storage, storage_from_url
from tests.evidence.conftest import mp4_bytes

S3_URL = os.environ.get("OPENPRECINCT_TEST_S3_URL", "")


@pytest.fixture(params=["file", "s3"])
def backend(request, settings, tmp_path):
    if request.param == "s3":
        if not S3_URL:
            pytest.skip("no S3-compatible server on this machine")
        base, _, query = S3_URL.partition("?")
        prefix = f"run-{uuid.uuid4().hex}/"  # each test in its own folder of the bucket
        settings.OPENPRECINCT_EVIDENCE_STORAGE = f"{base}/{prefix}" + (f"?{query}" if query else "")
    return request.param


def test_an_upload_is_stored_and_read_back_whole(backend, upload):
    data = mp4_bytes(1_200_000, seed=11)
    item = upload(data)
    with evidence_storage().open(item.storage_key) as f:
        assert hashlib.sha256(f.read()).hexdigest() == item.sha256
    assert evidence_storage().exists(item.storage_key)
    assert evidence_verify().ok


def test_a_key_is_never_written_twice(backend, upload, tmp_path):
    item = upload()
    other = tmp_path / "other"
    other.write_bytes(b"different")
    with pytest.raises(FileExistsError):
        evidence_storage().put(other, item.storage_key)


def test_keys_cannot_climb_out_of_the_store(backend):
    for bad in ("../x", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            evidence_storage().exists(bad)


def test_the_storage_url_is_parsed_in_one_place():
    store = storage_from_url("file:///srv/evidence")
    assert str(store.root) == "/srv/evidence"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        storage_from_url("ftp://example")
