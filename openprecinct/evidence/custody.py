"""The chain of custody: every action on an item appends a hash-chained entry.

Each item has its own chain, built like the audit log's (``core.audit``): an entry's hash is
SHA-256 over the previous entry's hash and the canonical JSON of its content, and a per-item
head row (locked while appending) catches the deletion of the newest entries. Every entry also
writes an audit record, in the same transaction.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from openprecinct.core import context
from openprecinct.core.audit import GENESIS, audit_record, chain_hash
from openprecinct.evidence.models import CustodyEntry, CustodyHead, EvidenceItem


class CustodyAction(models.TextChoices):
    UPLOAD = "upload", "Uploaded"
    VIEW = "view", "Viewed"
    STREAM = "stream", "Streamed"
    DOWNLOAD = "download", "Downloaded"
    SHARE = "share", "Shared outside the agency"
    UNSHARE = "unshare", "Share revoked"
    SHARE_VIEWED = "share_viewed", "Viewed through a share link"
    ACCESS_GRANT = "access_grant", "Added to the access list"
    ACCESS_REVOKE = "access_revoke", "Removed from the access list"
    ACCESS_CLASS = "access_class", "Access class changed"
    DO_NOT_DISCLOSE = "do_not_disclose", "Do-not-disclose changed"
    CATEGORISE = "categorise", "Categories changed"
    LINK = "link", "Linked"
    UNLINK = "unlink", "Link closed"
    REDACT_REQUEST = "redact_request", "Redaction requested"
    REDACT_REVIEW = "redact_review", "Redaction reviewed"
    REDACT = "redact", "Redacted derivative made"
    HOLD = "hold", "Legal hold placed"
    RELEASE_HOLD = "release_hold", "Legal hold released"
    DELETE_REQUEST = "delete_request", "Deletion requested"
    RESTORE = "restore", "Deletion undone (restored)"
    DELETE = "delete", "Deleted (tombstone kept)"
    REPORT = "report", "Custody report exported"


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def canonical_content(
    *,
    item_uuid: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    ip_address: str | None,
    details: Mapping[str, Any],
) -> str:
    payload = {
        "item": str(item_uuid),
        "seq": seq,
        "at": _timestamp(at),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "ip_address": ip_address,
        "details": details,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def _content_of(entry: CustodyEntry) -> str:
    return canonical_content(
        item_uuid=str(entry.item_uuid),
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_username=entry.actor_username,
        action=entry.action,
        ip_address=entry.ip_address,
        details=entry.details,
    )


def custody_append(
    *,
    item: EvidenceItem,
    action: str,
    actor: Any = None,
    details: Mapping[str, Any] | None = None,
) -> CustodyEntry:
    """Append one custody entry for ``item`` (and its audit record) and return it.

    The actor defaults to the request's user; pass ``actor`` for system actions and tests.
    """
    ctx = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else ctx.user_id
    actor_username = getattr(actor, "username", "") if actor is not None else ctx.username
    now = timezone.now()
    at = now.replace(microsecond=now.microsecond // 1000 * 1000)
    clean = json.loads(json.dumps(dict(details or {}), default=str))
    with transaction.atomic():
        CustodyHead.objects.get_or_create(item=item)
        head = CustodyHead.objects.select_for_update().get(item=item)
        fields: dict[str, Any] = {
            "item_uuid": str(item.uuid),
            "seq": head.seq + 1,
            "at": at,
            "actor_id": actor_id,
            "actor_username": actor_username or "",
            "action": str(action),
            "ip_address": ctx.ip_address,
            "details": clean,
        }
        entry_hash = chain_hash(head.last_hash, canonical_content(**fields))
        entry = CustodyEntry.objects.create(
            item=item, prev_hash=head.last_hash, entry_hash=entry_hash, **fields
        )
        head.seq = entry.seq
        head.last_hash = entry_hash
        head.save(update_fields=["seq", "last_hash"])
        audit_record(
            action=f"evidence.{action}",
            obj=item,
            details={"custody_seq": entry.seq, **clean},
            actor_id=actor_id,
            actor_username=actor_username or "",
        )
    return entry


@dataclass(frozen=True)
class CustodyProblem:
    item_uuid: str
    problem: str

    def __str__(self) -> str:
        return f"item {self.item_uuid}: {self.problem}"


def custody_chain_problems(
    *, item: EvidenceItem, entries: Iterable[CustodyEntry] | None = None
) -> list[CustodyProblem]:
    """Walk one item's chain in insertion order; name each altered, missing or moved entry."""
    uid = str(item.uuid)
    problems: list[CustodyProblem] = []
    rows = entries if entries is not None else item.custody.order_by("id")
    prev_hash, prev_seq = GENESIS, 0
    for entry in rows:
        if entry.seq < prev_seq:
            problems.append(CustodyProblem(uid, f"custody entry #{entry.seq} is out of order"))
        elif entry.seq != prev_seq + 1:
            problems.append(
                CustodyProblem(uid, f"custody entry #{prev_seq + 1} before #{entry.seq} is missing")
            )
        elif not hmac.compare_digest(entry.prev_hash, prev_hash):
            problems.append(
                CustodyProblem(uid, f"custody entry #{entry.seq} does not link to the one before")
            )
        if str(entry.item_uuid) != uid:
            problems.append(CustodyProblem(uid, f"custody entry #{entry.seq} names another item"))
        if not hmac.compare_digest(
            chain_hash(entry.prev_hash, _content_of(entry)), entry.entry_hash
        ):
            problems.append(CustodyProblem(uid, f"custody entry #{entry.seq} was altered"))
        prev_hash = entry.entry_hash
        prev_seq = max(prev_seq, entry.seq)
    head = CustodyHead.objects.filter(item=item).first()
    head_seq = head.seq if head is not None else 0
    if head_seq != prev_seq:
        problems.append(
            CustodyProblem(
                uid,
                f"the custody chain ends at #{prev_seq} but #{head_seq} was written: "
                "the newest entries were deleted",
            )
        )
    if prev_seq == 0:
        problems.append(CustodyProblem(uid, "the item has no custody entries"))
    return problems


def custody_entries(*, item: EvidenceItem) -> list[CustodyEntry]:
    return list(item.custody.order_by("seq", "id"))
