"""Backup and restore round trip: every record count and every evidence hash come back."""

from __future__ import annotations

import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.reliability.helpers import GENERIC_COLUMNS, generic_csv

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.fixture
def populated(settings, tmp_path, make_user):
    """Records (an import), users, evidence files (two uploads) and their audit trail."""
    import random

    from openprecinct.evidence import services
    from openprecinct.records.importing.service import records_import_file

    settings.OPENPRECINCT_EVIDENCE_STORAGE = f"file://{tmp_path / 'store-a'}"
    settings.OPENPRECINCT_EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    officer = make_user("officer", "patrol_officer")
    records_import_file(
        path=generic_csv(tmp_path / "x.csv", 120), schema="generic", columns=GENERIC_COLUMNS
    )
    items = []
    for seed in (1, 2):
        path = tmp_path / f"clip{seed}.bin"
        path.write_bytes(MP4_HEAD + random.Random(seed).randbytes(50_000))
        items.append(
            services.evidence_upload_file(
                user=officer,
                path=path,
                filename=f"bwc{seed}.mp4",
                content_type="video/mp4",
                metadata={"title": f"Stop {seed}"},
            )
        )
    return items


def test_round_trip_reproduces_counts_and_hashes(populated, settings, tmp_path):
    from openprecinct.core.backup import record_counts
    from openprecinct.evidence.models import EvidenceItem
    from openprecinct.evidence.storage import evidence_storage
    from openprecinct.records.models import Incident

    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    before = record_counts()  # includes the backup's own audit entry
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["counts"]["records.incident"] == 120
    assert sorted(f["sha256"] for f in manifest["files"]) == sorted(i.sha256 for i in populated)

    # A fresh file store and a database that changed since: the restore replaces it.
    settings.OPENPRECINCT_EVIDENCE_STORAGE = f"file://{tmp_path / 'store-b'}"
    Incident.objects.filter(source_key__startswith="C00000").delete()
    with pytest.raises(CommandError, match="in use"):
        call_command("restore", str(archive), verbosity=0)
    call_command("restore", str(archive), "--replace", verbosity=0)

    after = record_counts()
    expected = dict(manifest["counts"])
    expected["core.auditentry"] += 1  # the restore records itself once it has checked
    assert {k: v for k, v in after.items() if k != "core.auditchainhead"} == {
        k: v for k, v in expected.items() if k != "core.auditchainhead"
    }
    assert before["records.incident"] == after["records.incident"] == 120
    store = evidence_storage()
    for item in EvidenceItem.objects.all():
        import hashlib

        with store.open(item.storage_key) as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == item.sha256
    call_command("audit", "verify", verbosity=0)


def test_a_damaged_archive_is_refused(populated, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    bad = tmp_path / "bad.tar"
    with tarfile.open(archive) as src, tarfile.open(bad, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "data.json":
                data = data.replace(b'"C0000001"', b'"X0000001"')
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(bad), "--replace", verbosity=0)
    (tmp_path / "junk.tar").write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(tmp_path / "junk.tar"), verbosity=0)
