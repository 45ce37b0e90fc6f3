"""The upload corpus: zip bomb, polyglot, zero-byte, huge and path-traversal names, against the
two places files come in from outside (record imports, evidence). Each is refused with a clear
message and nothing is kept. The evidence app's own corpus is tests/evidence/test_uploads.py.
"""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from tests.conftest import login_verified

pytestmark = pytest.mark.django_db

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def gzip_bomb(decompressed: int = 4 << 20) -> bytes:
    """4 MB of one endless line (4x the line cap), a few tens of KB on the wire."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as z:
        block = b"A" * (1 << 20)
        for _ in range(decompressed >> 20):
            z.write(block)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.csv", b"0" * (8 << 20))
    return out.getvalue()


IMPORT_CORPUS = [  # (name, bytes made when the test runs, words the error must contain)
    ("bomb.csv.gz", gzip_bomb, "not a CSV header"),
    ("bomb.csv", zip_bomb, ""),
    ("empty.csv", lambda: b"", ""),
    ("polyglot.csv", lambda: JPEG_HEAD + b"\x00" * 50 + b"PK\x03\x04", ""),
    ("long.csv", lambda: b"x" * (2 << 20), "not a CSV header"),
]


@pytest.mark.parametrize("name,data,message", IMPORT_CORPUS, ids=[c[0] for c in IMPORT_CORPUS])
def test_importer_refuses_the_corpus_in_one_line(tmp_path, name, data, message):
    from openprecinct.records.importing.errors import ImportFileError
    from openprecinct.records.importing.service import records_import_file
    from openprecinct.records.models import Incident

    path = tmp_path / name
    path.write_bytes(data())
    with pytest.raises(ImportFileError) as info:
        records_import_file(path=path, schema="nypd-complaints")
    text = str(info.value)
    assert text and "\n" not in text and message in text
    assert Incident.objects.count() == 0


@pytest.mark.slow
def test_import_page_refuses_the_corpus_and_keeps_no_file(client, make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openprecinct.core.jobs.files import upload_dir
    from openprecinct.core.jobs.models import Job

    settings.DATA_DIR = tmp_path
    clerk = make_user("clerk", "records_clerk")
    login_verified(client, clerk)
    for i, (name, data, _) in enumerate(IMPORT_CORPUS):
        response = client.post(
            "/records/imports/start/",
            {
                "schema": "nypd-complaints",
                "nonce": f"n{i}",
                "file": SimpleUploadedFile(f"../../../etc/{name}", data()),
            },
        )
        if response.status_code == 400:  # refused by the form (empty file)
            continue
        job = Job.objects.get(uuid=response["Location"].split("/")[2])
        assert job.status == "failed" and "\n" not in job.error, job.error
        stored = list(upload_dir().iterdir())
        assert all(p.parent == upload_dir() and ".." not in p.name for p in stored)


def test_evidence_refuses_a_zip_bomb_inside_a_photo(personas, settings, tmp_path):
    from openprecinct.evidence import services
    from openprecinct.evidence.ingest import UploadRejected
    from openprecinct.evidence.models import EvidenceItem

    settings.OPENPRECINCT_EVIDENCE_STORAGE = f"file://{tmp_path / 'store'}"
    settings.OPENPRECINCT_EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    path = tmp_path / "photo.jpg"
    path.write_bytes(JPEG_HEAD + b"\x00" * 100 + b"\xff\xd9" + zip_bomb())
    with pytest.raises(UploadRejected, match="ZIP"):
        services.evidence_upload_file(
            user=personas["patrol_officer"],
            path=path,
            filename="photo.jpg",
            content_type="image/jpeg",
            metadata={"title": "bomb"},
        )
    assert EvidenceItem.objects.count() == 0
