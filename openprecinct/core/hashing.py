"""SHA-256 of files and streams, read in 1 MiB blocks (memory does not grow with the file)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 20


def sha256_stream(handle: BinaryIO) -> tuple[str, int]:
    """Hex digest and size of what is left to read in ``handle``."""
    digest = hashlib.sha256()
    size = 0
    while block := handle.read(BLOCK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_stream(handle)[0]
