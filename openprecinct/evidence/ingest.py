"""Receiving evidence files: stream to disk while hashing, and check what the bytes are.

The hot path (:func:`stream_append`) reads fixed-size blocks, feeds each to SHA-256 and writes
it, so memory stays at a few blocks whatever the file size, and the hash is computed in the
same pass as the write (``benchmarks/evidence_ingest_bench.py`` measures it).
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import filetype

from openprecinct.core.errors import ApplicationError

BLOCK = 1024 * 1024  # 1 MiB: large enough to amortise Python overhead, small for memory


class UploadRejected(ApplicationError):
    """The file was refused; ``message`` says why, and nothing of it was kept."""


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def stream_append(
    source: Readable, dest: BinaryIO, hasher: Any, *, limit: int, block: int = BLOCK
) -> int:
    """Copy ``source`` to ``dest`` and into ``hasher``; return the bytes copied.

    Raises :class:`UploadRejected` as soon as more than ``limit`` bytes arrive, so an
    over-long body is never written in full.
    """
    copied = 0
    read, update, write = source.read, hasher.update, dest.write
    while True:
        data = read(block)
        if not data:
            return copied
        copied += len(data)
        if copied > limit:
            raise UploadRejected(
                f"The upload sent more bytes than it announced ({limit:,} expected)."
            )
        update(data)
        write(data)


def sha256_of_file(path: Path, *, upto: int | None = None, block: int = BLOCK) -> Any:
    """A SHA-256 object fed with the first ``upto`` bytes of ``path`` (all when None)."""
    hasher = hashlib.sha256()
    remaining = upto if upto is not None else -1
    with path.open("rb") as handle:
        while remaining != 0:
            size = block if remaining < 0 else min(block, remaining)
            data = handle.read(size)
            if not data:
                break
            hasher.update(data)
            if remaining > 0:
                remaining -= len(data)
    return hasher


# --- what a file is ---------------------------------------------------------------------
# extension -> (canonical MIME type, accepted declared types)
ALLOWED_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "mp4": ("video/mp4", frozenset({"video/mp4"})),
    "m4v": ("video/x-m4v", frozenset({"video/x-m4v", "video/mp4"})),
    "mov": ("video/quicktime", frozenset({"video/quicktime"})),
    "mkv": ("video/x-matroska", frozenset({"video/x-matroska", "video/matroska"})),
    "webm": ("video/webm", frozenset({"video/webm"})),
    "avi": ("video/x-msvideo", frozenset({"video/x-msvideo", "video/avi"})),
    "jpg": ("image/jpeg", frozenset({"image/jpeg"})),
    "jpeg": ("image/jpeg", frozenset({"image/jpeg"})),
    "png": ("image/png", frozenset({"image/png"})),
    "mp3": ("audio/mpeg", frozenset({"audio/mpeg", "audio/mp3"})),
    "wav": ("audio/x-wav", frozenset({"audio/x-wav", "audio/wav", "audio/wave"})),
    "pdf": ("application/pdf", frozenset({"application/pdf"})),
}
# Types whose content a sniffing library may name differently (MP4 brands).
SNIFF_ALIASES = {
    "video/x-m4v": {"video/mp4", "video/x-m4v"},
    "video/mp4": {"video/mp4", "video/x-m4v"},
}
# Archive and document signatures that have no business inside an image, audio file or PDF:
# finding one means the file is two things at once (a polyglot).
EMBEDDED_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"%PDF-": "a PDF document",
    b"<script": "a script",
}
SCAN_WHOLE_FILE_UNDER = 256 * 1024 * 1024
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def check_filename(name: str) -> str:
    """The extension of an acceptable file name, or :class:`UploadRejected` saying why not."""
    if not name or len(name) > 255:
        raise UploadRejected("The file needs a name of 1 to 255 characters.")
    if _BAD_NAME.search(name) or ".." in name or name.startswith("."):
        raise UploadRejected(
            f"The file name {name!r} is not allowed: use a plain name, without folders, "
            "'..' or control characters."
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise UploadRejected(
            f"Files ending .{ext or '(nothing)'} are not accepted as evidence. Accepted: "
            + ", ".join(sorted(ALLOWED_TYPES))
            + "."
        )
    return ext


def check_declared_type(*, name: str, content_type: str) -> str:
    """The canonical type for a file name and declared type that agree with each other."""
    ext = check_filename(name)
    canonical, accepted = ALLOWED_TYPES[ext]
    if content_type.split(";")[0].strip().lower() not in accepted:
        raise UploadRejected(
            f"The file is called .{ext} but was sent as {content_type!r}; "
            f"a .{ext} file must be sent as {canonical}."
        )
    return canonical


def check_magic(head: bytes, *, expected: str) -> None:
    """The first bytes of the file must be what the name and the declared type say."""
    kind = filetype.guess(head)
    found = kind.mime if kind is not None else None
    if found is None or found not in SNIFF_ALIASES.get(expected, {expected}):
        raise UploadRejected(
            f"The content is not {expected}: it looks like {found or 'an unknown format'}. "
            "Upload the original file from the device."
        )


def check_not_polyglot(path: Path, *, expected: str) -> None:
    """Refuse a file that is also a ZIP (or carries an archive, PDF or script inside).

    Every file gets the ZIP end-of-archive check (a ZIP is read from its end, which is how
    JPEG/PDF + ZIP polyglots work). Images, audio and PDFs under 256 MB are also scanned for
    embedded signatures; video is not, because random compressed data would match by chance.
    """
    if zipfile.is_zipfile(path):
        raise UploadRejected(
            "The file is also a ZIP archive (a polyglot file); it was refused. "
            "Upload the original recording only."
        )
    if expected.startswith("video/") or path.stat().st_size > SCAN_WHOLE_FILE_UNDER:
        return
    data = path.read_bytes()
    for signature, what in EMBEDDED_SIGNATURES.items():
        start = data.find(signature, 1)
        if signature == b"%PDF-" and expected == "application/pdf":
            continue
        if start >= 0:
            raise UploadRejected(
                f"The file carries {what} inside it at byte {start} (a polyglot file); "
                "it was refused."
            )


def discard(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
