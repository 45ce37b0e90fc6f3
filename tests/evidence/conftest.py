"""Evidence test helpers: storage in a temporary folder, and small files of known types."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

# An MP4 begins with an 'ftyp' box naming its brand; the rest is opaque to the upload checks.
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def mp4_bytes(size: int = 300_000, *, seed: int = 1) -> bytes:
    import random

    rng = random.Random(seed)
    return MP4_HEAD + rng.randbytes(size - len(MP4_HEAD))


def jpeg_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.txt", "not footage")
    return JPEG_HEAD + b"\x00" * 200 + b"\xff\xd9" + archive.getvalue()


@pytest.fixture(autouse=True)
def evidence_dirs(settings, tmp_path):
    settings.OPENPRECINCT_EVIDENCE_STORAGE = f"file://{tmp_path / 'store'}"
    settings.OPENPRECINCT_EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    settings.OPENPRECINCT_EVIDENCE_MAX_BYTES = 5_000_000
    return tmp_path


def stored_files(tmp_path) -> list[str]:
    found = []
    for root in (tmp_path / "store", tmp_path / "uploads"):
        for dirpath, _, files in os.walk(root):
            found += [os.path.join(dirpath, f) for f in files]
    return found


@pytest.fixture
def upload(personas, tmp_path):
    """upload(data=..., name=..., user=..., **metadata) -> EvidenceItem, in one chunk."""
    from openprecinct.evidence import services

    def make(
        data: bytes | None = None,
        *,
        name: str = "bwc.mp4",
        content_type: str = "video/mp4",
        user=None,
        **metadata,
    ):
        path = tmp_path / "source.bin"
        path.write_bytes(mp4_bytes() if data is None else data)
        return services.evidence_upload_file(
            user=user or personas["patrol_officer"],
            path=path,
            filename=name,
            content_type=content_type,
            metadata={"title": "Stop on Bay Street", **metadata},
        )

    return make
