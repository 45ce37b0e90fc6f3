"""The file sets a backup carries besides the database (core.backup.FileSet providers)."""

from __future__ import annotations

from typing import Any

from openprecinct.core.backup import FileSet


def evidence_files() -> FileSet:
    """Evidence blobs of every item not deleted, keyed by storage key, with their SHA-256."""
    from openprecinct.evidence.models import EvidenceItem
    from openprecinct.evidence.storage import evidence_storage

    def entries() -> Any:
        qs = EvidenceItem.objects.exclude(status="deleted").exclude(storage_key="")
        return qs.order_by("id").values_list("storage_key", "sha256")

    return FileSet(
        name="evidence",
        entries=lambda: list(entries()),
        open=lambda key: evidence_storage().open(key),
        put=lambda path, key: evidence_storage().put(path, key),
        exists=lambda key: evidence_storage().exists(key),
    )
