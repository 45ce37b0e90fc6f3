"""Where evidence files live: the local file system or S3-compatible object storage.

``evidence_storage()`` reads ``settings.OPENPRECINCT_EVIDENCE_STORAGE`` (set from
``OPENPRECINCT_EVIDENCE_STORAGE`` in config) and is the only place that does. Files are stored
under random names that carry nothing the client sent, outside any web root, and are never
rewritten: ``put`` refuses an existing key.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import parse_qs, unquote, urlparse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

READ_CHUNK = 1024 * 1024


class EvidenceStorage(Protocol):
    def put(self, local_path: Path, key: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def _safe_key(key: str) -> str:
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError(f"Not an evidence storage key: {key!r}")
    return key


class FileSystemStorage:
    """Files under ``root``, fanned out by the key's first two characters, read-only (0440)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        key = _safe_key(key)
        return self.root / key[:2] / key

    def put(self, local_path: Path, key: str) -> None:
        target = self.path(key)
        if target.exists():
            raise FileExistsError(f"Evidence file {key} already exists; originals never change.")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(local_path, target)  # same file system: a rename, no copy
        except OSError:
            shutil.copyfile(local_path, target)
            local_path.unlink()
        target.chmod(0o440)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


class S3Storage:
    """An S3 bucket (AWS, MinIO, Ceph...). Uploads are multipart, reads stream."""

    def __init__(self, bucket: str, *, endpoint: str | None, region: str | None, prefix: str):
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=region)

    def _key(self, key: str) -> str:
        return self.prefix + _safe_key(key)

    def put(self, local_path: Path, key: str) -> None:
        if self.exists(key):
            raise FileExistsError(f"Evidence file {key} already exists; originals never change.")
        self.client.upload_file(str(local_path), self.bucket, self._key(key))
        local_path.unlink()

    def open(self, key: str) -> BinaryIO:
        response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        return response["Body"]  # type: ignore[no-any-return]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError:
            return False
        return True


def storage_from_url(url: str) -> EvidenceStorage:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileSystemStorage(Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        if not parsed.netloc:
            raise ImproperlyConfigured("OPENPRECINCT_EVIDENCE_STORAGE s3:// needs a bucket name.")
        return S3Storage(
            parsed.netloc,
            endpoint=query.get("endpoint"),
            region=query.get("region"),
            prefix=parsed.path.lstrip("/"),
        )
    raise ImproperlyConfigured(
        f"OPENPRECINCT_EVIDENCE_STORAGE must be file:///path or s3://bucket. Got {url!r}."
    )


_cache: dict[str, EvidenceStorage] = {}


def evidence_storage() -> EvidenceStorage:
    url = settings.OPENPRECINCT_EVIDENCE_STORAGE
    if url not in _cache:
        _cache[url] = storage_from_url(url)
    return _cache[url]


def iter_file(handle: BinaryIO, *, chunk: int = READ_CHUNK) -> Iterator[bytes]:
    with handle:
        while block := handle.read(chunk):
            yield block
