"""Writing and verifying the hash-chained audit log.

Every login, failed login, permission denial and every create/update/delete of a record goes
through :func:`audit_record`. It runs inside the caller's transaction, so a change and its
audit entry are stored together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from openprecinct.core import context
from openprecinct.core.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def canonical_content(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    ip_address: str | None,
    source: str,
    request_id: str,
    details: Mapping[str, Any],
) -> str:
    payload = {
        "seq": seq,
        "at": _timestamp(at),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "ip_address": ip_address,
        "source": source,
        "request_id": request_id,
        "details": details,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + content).encode("utf-8")).hexdigest()


def _object_ref(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditEntry.Outcome.SUCCESS,
    details: Mapping[str, Any] | None = None,
    actor_id: int | None = None,
    actor_username: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    The acting user and address come from the request context unless given. ``details``
    must never hold secrets (passwords, tokens, passphrases).
    """
    ctx = context.current()
    obj_type, obj_id = _object_ref(obj, object_type, str(object_id))
    now = timezone.now()
    at = now.replace(microsecond=now.microsecond // 1000 * 1000)  # stored to the millisecond
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq = head.seq + 1
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor_id": ctx.user_id if actor_id is None else actor_id,
            "actor_username": ctx.username if actor_username is None else actor_username,
            "action": action,
            "object_type": obj_type,
            "object_id": obj_id,
            "outcome": str(outcome),
            "ip_address": ctx.ip_address,
            "source": ctx.source,
            "request_id": ctx.request_id,
            "details": json.loads(json.dumps(dict(details or {}), default=str)),
        }
        entry_hash = chain_hash(head.last_hash, canonical_content(**fields))
        entry = AuditEntry.objects.create(prev_hash=head.last_hash, entry_hash=entry_hash, **fields)
        head.seq = seq
        head.last_hash = entry_hash
        head.save(update_fields=["seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class AuditProblem:
    seq: int | None
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "the chain"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class AuditVerification:
    entries_checked: int
    problems: tuple[AuditProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries() -> Iterator[AuditEntry]:
    # Iterate by primary key (insertion order), not by seq, so a reordering shows up.
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def audit_verify(entries: Iterable[AuditEntry] | None = None) -> AuditVerification:
    """Walk the chain and report every entry that was altered, removed or moved.

    - altered: the entry's content no longer hashes to its stored ``entry_hash``;
    - deleted: an entry's ``prev_hash`` does not match the entry before it, or ``seq`` skips;
    - reordered: ``seq`` goes backwards in insertion order.
    The chain head (kept in a separate table) also catches deletion of the newest entries.
    """
    problems: list[AuditProblem] = []
    prev_hash = GENESIS
    prev_seq = 0
    count = 0
    for entry in entries if entries is not None else _entries():
        count += 1
        content = canonical_content(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_username=entry.actor_username,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            outcome=entry.outcome,
            ip_address=entry.ip_address,
            source=entry.source,
            request_id=entry.request_id,
            details=entry.details,
        )
        if entry.seq < prev_seq:
            problems.append(
                AuditProblem(entry.seq, entry.id, f"out of order (comes after #{prev_seq})")
            )
        elif entry.seq != prev_seq + 1:
            missing = f"#{prev_seq + 1}" + (
                f"–#{entry.seq - 1}" if entry.seq - 1 > prev_seq + 1 else ""
            )
            problems.append(
                AuditProblem(entry.seq, entry.id, f"entry {missing} before it is missing")
            )
        elif entry.prev_hash != prev_hash:
            problems.append(
                AuditProblem(entry.seq, entry.id, "does not link to the entry before it")
            )
        if chain_hash(entry.prev_hash, content) != entry.entry_hash:
            problems.append(AuditProblem(entry.seq, entry.id, "content was altered"))
        prev_hash = entry.entry_hash
        prev_seq = max(prev_seq, entry.seq)
    if entries is None:
        head = AuditChainHead.objects.filter(id=1).first()
        if head is not None and head.seq != prev_seq:
            problems.append(
                AuditProblem(
                    None,
                    None,
                    f"the log ends at #{prev_seq} but #{head.seq} was written: "
                    "the newest entries were deleted",
                )
            )
    return AuditVerification(entries_checked=count, problems=tuple(problems))


# --- maintenance switch ------------------------------------------------------------------
# The database refuses DELETE on the audit log unless this process has opened maintenance on
# that connection. Only whole-database operations use it: the test harness's flush between
# tests, and (later) an operator's retention purge. Never a request.
_maintenance = False


def _sqlite_audit_open() -> int:
    return 1 if _maintenance else 0


def register_sqlite_functions(sender: object, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` hook: give SQLite connections the trigger's guard function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("openprecinct_audit_open", 0, _sqlite_audit_open)


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    """Let whole-database maintenance delete audit rows on this process's connection."""
    from django.db import connections

    global _maintenance
    connection = connections[using]
    _maintenance = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET openprecinct.audit_maintenance = 'on'")
        yield
    finally:
        _maintenance = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET openprecinct.audit_maintenance")
