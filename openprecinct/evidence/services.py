"""Writing evidence: resumable uploads, categories and retention, holds, deletion with undo,
access lists, share links, and fixity checks. Each action appends a custody entry (which also
writes the audit record) inside the same ``transaction.atomic()`` as the change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import ingest
from openprecinct.evidence.custody import CustodyAction as C
from openprecinct.evidence.custody import CustodyProblem, custody_append, custody_chain_problems
from openprecinct.evidence.ingest import UploadRejected
from openprecinct.evidence.models import (
    OVERSIGHT_KINDS,
    AccessClass,
    AccessGrant,
    EvidenceCategory,
    EvidenceItem,
    EvidenceLink,
    ItemStatus,
    LinkKind,
    ShareLink,
    UploadSession,
)
from openprecinct.evidence.storage import evidence_storage

METADATA_FIELDS = (
    "title",
    "description",
    "device_id",
    "recorded_at",
    "location",
    "latitude",
    "longitude",
    "officer_id",
    "manifest_sha256",
)


# --- uploads -----------------------------------------------------------------------------
def _upload_dir() -> Path:
    path = Path(settings.OPENPRECINCT_EVIDENCE_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def upload_partial_path(session: UploadSession) -> Path:
    return _upload_dir() / f"{session.uuid.hex}.part"


# Running hashes of uploads in progress in this process: {session uuid: (offset, sha256)}.
# SHA-256 state cannot be saved, so a chunk arriving at another process (or after a restart)
# finds no entry at its offset and re-hashes the partial file first (see docs/evidence.md).
_hashers: dict[str, tuple[int, Any]] = {}
_hashers_lock = threading.Lock()


def _reject(session: UploadSession, message: str) -> UploadRejected:
    ingest.discard(upload_partial_path(session))
    with _hashers_lock:
        _hashers.pop(session.uuid.hex, None)
    UploadSession.objects.filter(pk=session.pk).update(
        status=UploadSession.Status.REJECTED, error=message[:300]
    )
    audit_record(
        action="evidence.upload_rejected",
        obj=session,
        outcome="failure",
        details={"filename": session.filename, "reason": message},
    )
    return UploadRejected(message)


def evidence_upload_start(
    *, user: Any, filename: str, content_type: str, total_bytes: int, metadata: dict[str, Any]
) -> UploadSession:
    """Open a resumable upload after checking the name, declared type and size."""
    if not perms.can_upload_evidence(user):
        raise ApplicationError("Your role can't upload evidence.")
    canonical = ingest.check_declared_type(name=filename, content_type=content_type)
    if total_bytes <= 0:
        raise UploadRejected("The file is empty (0 bytes); there is nothing to keep as evidence.")
    limit = settings.OPENPRECINCT_EVIDENCE_MAX_BYTES
    if total_bytes > limit:
        raise UploadRejected(
            f"The file is {total_bytes:,} bytes; the limit is {limit:,} bytes "
            "(OPENPRECINCT_EVIDENCE_MAX_BYTES)."
        )
    manifest = str(metadata.get("manifest_sha256") or "").strip().lower()
    if manifest and (len(manifest) != 64 or any(c not in "0123456789abcdef" for c in manifest)):
        raise UploadRejected("The device manifest hash must be 64 hexadecimal characters.")
    if not str(metadata.get("title") or "").strip():
        raise UploadRejected("Give the evidence a title.")
    clean = {k: metadata[k] for k in METADATA_FIELDS if metadata.get(k) not in (None, "")}
    clean["manifest_sha256"] = manifest
    for key in ("categories", "incident_id"):
        if metadata.get(key):
            clean[key] = metadata[key]
    session = UploadSession.objects.create(
        created_by=user,
        filename=filename,
        content_type=canonical,
        total_bytes=total_bytes,
        metadata=clean,
    )
    upload_partial_path(session).touch(mode=0o600)
    audit_record(
        action="evidence.upload_start",
        obj=session,
        details={"filename": filename, "bytes": total_bytes, "type": canonical},
    )
    return session


def _hasher_at(session: UploadSession, path: Path) -> Any:
    with _hashers_lock:
        cached = _hashers.get(session.uuid.hex)
    if cached is not None and cached[0] == session.received_bytes:
        return cached[1].copy()  # a copy: a chunk cut short must not touch the cached state
    # Resuming in a process that has not seen this upload: drop any bytes written after the
    # last recorded offset (a crash between write and commit), then re-hash what is there.
    with path.open("r+b") as handle:
        handle.truncate(session.received_bytes)
    return ingest.sha256_of_file(path, upto=session.received_bytes)


def evidence_upload_chunk(
    *, user: Any, session: UploadSession, start: int, length: int, body: Any
) -> UploadSession | EvidenceItem:
    """Append one chunk that begins at ``start``; finalise when the last byte has arrived.

    Returns the session (still receiving) or the new item. A chunk at the wrong offset raises
    :class:`ApplicationError` with ``extra={"offset": ...}`` so the client can resume.
    """
    try:
        with transaction.atomic():
            session, hasher = _receive(
                user=user, session=session, start=start, length=length, body=body
            )
    except UploadRejected as exc:
        # Outside the transaction, so the refusal (and the discarded file) stick.
        raise _reject(session, exc.message) from None
    if session.received_bytes == session.total_bytes:
        return _finalise(session=session, hasher=hasher)
    return session


def evidence_upload_finish(*, user: Any, session: UploadSession) -> EvidenceItem:
    """Finalise again an upload whose bytes all arrived but whose finalising failed (for
    example object storage was unreachable): the partial file is still there."""
    session = UploadSession.objects.get(pk=session.pk)
    if session.created_by_id != user.pk or session.status != UploadSession.Status.OPEN:
        raise ApplicationError("This upload is not open.", extra={"offset": None})
    if session.received_bytes != session.total_bytes:
        raise ApplicationError(
            f"Send the bytes from offset {session.received_bytes}.",
            extra={"offset": session.received_bytes},
        )
    return _finalise(session=session, hasher=_hasher_at(session, upload_partial_path(session)))


def _receive(
    *, user: Any, session: UploadSession, start: int, length: int, body: Any
) -> tuple[UploadSession, Any]:
    session = UploadSession.objects.select_for_update().get(pk=session.pk)
    if session.created_by_id != user.pk or session.status != UploadSession.Status.OPEN:
        raise ApplicationError("This upload is not open.", extra={"offset": None})
    if start != session.received_bytes:
        raise ApplicationError(
            f"Send the bytes from offset {session.received_bytes}.",
            extra={"offset": session.received_bytes},
        )
    remaining = session.total_bytes - session.received_bytes
    if length <= 0 or length > remaining:
        raise UploadRejected(
            f"The chunk is {length:,} bytes but only {remaining:,} remain of the "
            f"{session.total_bytes:,} announced; the upload was refused.",
        )
    path = upload_partial_path(session)
    if not path.exists():
        raise UploadRejected("The partial upload was lost; start the upload again.")
    hasher = _hasher_at(session, path)
    with path.open("ab") as dest:
        copied = ingest.stream_append(body, dest, hasher, limit=length)
    if start == 0:
        with path.open("rb") as handle:
            head = handle.read(8192)
        ingest.check_magic(head, expected=session.content_type)
    if copied != length:
        # A short body (the connection dropped): keep what arrived, the client resumes.
        with path.open("r+b") as handle:
            handle.truncate(start)
        raise ApplicationError(
            f"The chunk was cut short ({copied:,} of {length:,} bytes); resend it.",
            extra={"offset": start},
        )
    session.received_bytes += copied
    session.save(update_fields=["received_bytes"])
    with _hashers_lock:
        _hashers[session.uuid.hex] = (session.received_bytes, hasher)
    return session, hasher


def _finalise(*, session: UploadSession, hasher: Any) -> EvidenceItem:
    path = upload_partial_path(session)
    digest = hasher.hexdigest()
    meta = session.metadata
    try:
        ingest.check_not_polyglot(path, expected=session.content_type)
    except UploadRejected as exc:
        raise _reject(session, exc.message) from None
    manifest = meta.get("manifest_sha256") or ""
    if manifest and not hmac.compare_digest(manifest, digest):
        raise _reject(
            session,
            f"The file's SHA-256 ({digest}) does not match the device manifest ({manifest}): "
            "the file changed after recording or was cut short. Nothing was kept.",
        )
    key = secrets.token_hex(20)
    recorded_at = meta.get("recorded_at")
    if isinstance(recorded_at, str):
        recorded_at = parse_datetime(recorded_at)
    with transaction.atomic():
        item = EvidenceItem.objects.create(
            title=meta.get("title", "")[:200],
            description=meta.get("description", ""),
            original_filename=session.filename,
            content_type=session.content_type,
            size_bytes=session.total_bytes,
            sha256=digest,
            device_sha256=manifest,
            storage_key=key,
            # The officer whose camera recorded it; by default whoever uploads.
            officer_id=meta.get("officer_id") or session.created_by_id,
            device_id=str(meta.get("device_id", ""))[:100],
            recorded_at=recorded_at,
            location=str(meta.get("location", ""))[:200],
            latitude=meta.get("latitude"),
            longitude=meta.get("longitude"),
            uploaded_by=session.created_by,
        )
        session.status = UploadSession.Status.COMPLETE
        session.item = item
        session.save(update_fields=["status", "item"])
        custody_append(
            item=item,
            action=C.UPLOAD,
            actor=session.created_by,
            details={
                "sha256": digest,
                "size_bytes": item.size_bytes,
                "filename": session.filename,
                "manifest_matched": bool(manifest),
            },
        )
        if meta.get("categories"):
            evidence_categorise(
                actor=session.created_by, item=item, category_ids=list(meta["categories"])
            )
        if meta.get("incident_id"):
            from openprecinct.records.models import Incident

            incident = Incident.objects.filter(pk=meta["incident_id"]).first()
            if incident is not None:
                evidence_link(
                    actor=session.created_by,
                    item=item,
                    kind=LinkKind.INCIDENT,
                    ref=str(incident.pk),
                )
        # The file goes into storage last: if this fails the transaction rolls back and the
        # partial file stays for a retry; once stored, the row commits with it.
        evidence_storage().put(path, key)
    with _hashers_lock:
        _hashers.pop(session.uuid.hex, None)
    return item


def evidence_upload_file(
    *, user: Any, path: Path, filename: str, content_type: str, metadata: dict[str, Any]
) -> EvidenceItem:
    """Upload a local file in one chunk (the command line and tests)."""
    size = path.stat().st_size
    session = evidence_upload_start(
        user=user,
        filename=filename,
        content_type=content_type,
        total_bytes=size,
        metadata=metadata,
    )
    with path.open("rb") as body:
        result = evidence_upload_chunk(user=user, session=session, start=0, length=size, body=body)
    assert isinstance(result, EvidenceItem)
    return result


# --- reading a file (logged) ---------------------------------------------------------------
def evidence_open_for_reading(*, user: Any, item: EvidenceItem, action: str, via: str = "") -> Any:
    """Open the item's file for a view, stream or download, logging it in the custody chain."""
    if item.status == ItemStatus.DELETED:
        raise ApplicationError("This item was deleted; only its tombstone remains.")
    details: dict[str, Any] = {"via": via} if via else {}
    custody_append(item=item, action=action, actor=user, details=details)
    return evidence_storage().open(item.storage_key)


# --- categories and retention --------------------------------------------------------------
def retention_until(item: EvidenceItem) -> datetime | None:
    """When the item's retention ends: recorded-on (or upload) date plus the longest period
    of its categories. None when it is uncategorised or any category keeps indefinitely."""
    categories = list(item.categories.all())
    if not categories or any(c.retention_days is None for c in categories):
        return None
    days = max(c.retention_days or 0 for c in categories)
    return (item.recorded_at or item.uploaded_at) + timedelta(days=days)


def deletion_blockers(item: EvidenceItem) -> list[str]:
    """Why the item may not be deleted now (empty when it may)."""
    reasons = []
    if item.legal_hold:
        reasons.append(f"it is under legal hold ({item.hold_reason or 'no reason given'})")
    open_links = item.links.filter(is_open=True, kind__in=OVERSIGHT_KINDS)
    for link in open_links:
        reasons.append(f"it is linked to open {link.get_kind_display().lower()} {link.ref}")
    return reasons


def _locked(item: EvidenceItem) -> EvidenceItem:
    return EvidenceItem.objects.select_for_update().get(pk=item.pk)


def evidence_categorise(*, actor: Any, item: EvidenceItem, category_ids: list[int]) -> EvidenceItem:
    if actor is not None and not (
        perms.can_manage_evidence(actor) or item.uploaded_by_id == actor.pk
    ):
        raise ApplicationError("Your role can't categorise evidence.")
    with transaction.atomic():
        item = _locked(item)
        categories = list(EvidenceCategory.objects.filter(pk__in=category_ids))
        if len(categories) != len(set(category_ids)):
            raise ApplicationError("One of the categories does not exist.")
        before = sorted(item.categories.values_list("name", flat=True))
        item.categories.set(categories)
        until = retention_until(item)
        custody_append(
            item=item,
            action=C.CATEGORISE,
            actor=actor,
            details={
                "from": before,
                "to": sorted(c.name for c in categories),
                "retention_until": until.isoformat() if until else None,
            },
        )
    return item


def evidence_link(
    *,
    actor: Any,
    item: EvidenceItem,
    kind: str,
    ref: str,
    is_open: bool = True,
    referred_to_oversight: bool = False,
) -> EvidenceLink:
    if kind not in LinkKind.values:
        raise ApplicationError(
            f"Unknown link kind {kind!r}; use one of {', '.join(LinkKind.values)}."
        )
    incident = None
    if kind == LinkKind.INCIDENT:
        from openprecinct.records.models import Incident

        incident = Incident.objects.filter(pk=ref).first() if str(ref).isdigit() else None
        if incident is None:
            raise ApplicationError(f"There is no incident record {ref}.")
    with transaction.atomic():
        link, created = EvidenceLink.objects.get_or_create(
            item=item,
            kind=kind,
            ref=str(ref),
            defaults={
                "incident": incident,
                "is_open": is_open,
                "referred_to_oversight": referred_to_oversight,
            },
        )
        if not created:
            link.is_open = is_open
            link.referred_to_oversight = referred_to_oversight
            link.save(update_fields=["is_open", "referred_to_oversight"])
        custody_append(
            item=item,
            action=C.LINK if is_open else C.UNLINK,
            actor=actor,
            details={
                "kind": kind,
                "ref": str(ref),
                "open": is_open,
                "oversight": referred_to_oversight,
            },
        )
    return link


def evidence_set_hold(
    *, actor: Any, item: EvidenceItem, hold: bool, reason: str = ""
) -> EvidenceItem:
    if not perms.can_hold_evidence(actor):
        raise ApplicationError("Your role can't place or release legal holds.")
    if hold and not reason.strip():
        raise ApplicationError("Say why the item is held (case number, order, litigation).")
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.DELETED:
            raise ApplicationError("This item was already deleted.")
        item.legal_hold = hold
        item.hold_reason = reason.strip()[:300] if hold else ""
        fields = ["legal_hold", "hold_reason"]
        if hold and item.status == ItemStatus.PENDING_DELETION:
            # A hold cancels a queued deletion.
            item.status = ItemStatus.ACTIVE
            item.deletion_due_at = item.deletion_requested_at = None
            fields += ["status", "deletion_due_at", "deletion_requested_at"]
        item.save(update_fields=fields)
        custody_append(
            item=item,
            action=C.HOLD if hold else C.RELEASE_HOLD,
            actor=actor,
            details={"reason": reason.strip()},
        )
    return item


def evidence_request_deletion(*, actor: Any, item: EvidenceItem, reason: str) -> EvidenceItem:
    """Queue the item for deletion; it can be undone for ``OPENPRECINCT_EVIDENCE_UNDO_DAYS``.

    ``actor=None`` is the retention sweep.
    """
    if actor is not None and not perms.can_request_evidence_deletion(actor):
        raise ApplicationError("Your role can't request deletion of evidence.")
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.ACTIVE:
            raise ApplicationError("Only an active item can be queued for deletion.")
        blockers = deletion_blockers(item)
        if blockers:
            raise ApplicationError("This item can't be deleted: " + "; ".join(blockers) + ".")
        now = timezone.now()
        item.status = ItemStatus.PENDING_DELETION
        item.deletion_requested_at = now
        item.deletion_due_at = now + timedelta(days=settings.OPENPRECINCT_EVIDENCE_UNDO_DAYS)
        item.deletion_reason = reason[:300]
        item.save(
            update_fields=["status", "deletion_requested_at", "deletion_due_at", "deletion_reason"]
        )
        custody_append(
            item=item,
            action=C.DELETE_REQUEST,
            actor=actor,
            details={
                "reason": reason,
                "due": item.deletion_due_at.isoformat(),
                "by": "retention" if actor is None else "person",
            },
        )
    return item


def evidence_undo_deletion(*, actor: Any, item: EvidenceItem) -> EvidenceItem:
    if not perms.can_request_evidence_deletion(actor):
        raise ApplicationError("Your role can't undo deletions.")
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.PENDING_DELETION:
            raise ApplicationError("Only a queued deletion can be undone; this one is past that.")
        item.status = ItemStatus.ACTIVE
        item.deletion_requested_at = item.deletion_due_at = None
        item.deletion_reason = ""
        item.save(
            update_fields=["status", "deletion_requested_at", "deletion_due_at", "deletion_reason"]
        )
        custody_append(item=item, action=C.RESTORE, actor=actor)
    return item


STALE_UPLOAD = timedelta(days=7)


@dataclass(frozen=True)
class PurgeResult:
    queued: tuple[str, ...]
    deleted: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]  # (uuid, why)


def evidence_purge(*, now: datetime | None = None) -> PurgeResult:
    """Queue items whose retention ended, and delete queued items whose undo window passed.
    Partial uploads abandoned for a week are discarded too.

    A deleted item keeps its row as a tombstone (title, hash, size, custody chain); only the
    file goes. Holds and open complaint/case links stop both steps.
    """
    now = now or timezone.now()
    queued, deleted, kept = [], [], []
    for item in EvidenceItem.objects.filter(status=ItemStatus.ACTIVE).prefetch_related(
        "categories"
    ):
        until = retention_until(item)
        if until is None or until > now:
            continue
        blockers = deletion_blockers(item)
        if blockers:
            kept.append((str(item.uuid), "; ".join(blockers)))
            continue
        evidence_request_deletion(actor=None, item=item, reason="retention period ended")
        queued.append(str(item.uuid))
    due = EvidenceItem.objects.filter(status=ItemStatus.PENDING_DELETION, deletion_due_at__lte=now)
    for item in due:
        with transaction.atomic():
            item = _locked(item)
            blockers = deletion_blockers(item)
            if blockers:
                kept.append((str(item.uuid), "; ".join(blockers)))
                continue
            item.status = ItemStatus.DELETED
            item.deleted_at = now
            item.save(update_fields=["status", "deleted_at"])
            custody_append(
                item=item,
                action=C.DELETE,
                actor=None,
                details={"sha256": item.sha256, "size_bytes": item.size_bytes},
            )
            transaction.on_commit(lambda key=item.storage_key: evidence_storage().delete(key))
        deleted.append(str(item.uuid))
    stale = UploadSession.objects.filter(
        status=UploadSession.Status.OPEN, created_at__lt=now - STALE_UPLOAD
    )
    for session in stale:
        _reject(session, "The upload was abandoned (no chunk for a week); start it again.")
    return PurgeResult(tuple(queued), tuple(deleted), tuple(kept))


def evidence_deletion_digest(*, now: datetime | None = None, days: int = 7) -> list[dict[str, Any]]:
    """Items that will be deleted, or queued for deletion, in the next ``days`` days."""
    now = now or timezone.now()
    horizon = now + timedelta(days=days)
    rows = []
    for item in EvidenceItem.objects.exclude(status=ItemStatus.DELETED).prefetch_related(
        "categories"
    ):
        if item.status == ItemStatus.PENDING_DELETION:
            when, why = item.deletion_due_at, f"deletion queued: {item.deletion_reason}"
        else:
            when, why = retention_until(item), "retention period ends"
        if when is None or when > horizon:
            continue
        blockers = deletion_blockers(item)
        rows.append(
            {
                "uuid": str(item.uuid),
                "title": item.title,
                "when": when,
                "why": why,
                "blocked": "; ".join(blockers),
            }
        )
    return sorted(rows, key=lambda r: r["when"])


# --- access ----------------------------------------------------------------------------------
def evidence_set_access(
    *,
    actor: Any,
    item: EvidenceItem,
    access_class: str | None = None,
    do_not_disclose: bool | None = None,
) -> EvidenceItem:
    if not perms.can_manage_evidence(actor, item):
        raise ApplicationError("Your role can't change who may see evidence.")
    with transaction.atomic():
        item = _locked(item)
        if access_class is not None and access_class != item.access_class:
            if access_class not in AccessClass.values:
                raise ApplicationError(f"Unknown access class {access_class!r}.")
            before, item.access_class = item.access_class, access_class
            item.save(update_fields=["access_class"])
            custody_append(
                item=item,
                action=C.ACCESS_CLASS,
                actor=actor,
                details={"from": before, "to": access_class},
            )
        if do_not_disclose is not None and do_not_disclose != item.do_not_disclose:
            item.do_not_disclose = do_not_disclose
            item.save(update_fields=["do_not_disclose"])
            if do_not_disclose:
                item.share_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
            custody_append(
                item=item,
                action=C.DO_NOT_DISCLOSE,
                actor=actor,
                details={"do_not_disclose": do_not_disclose},
            )
    return item


def evidence_grant_access(*, actor: Any, item: EvidenceItem, user: Any, days: int) -> AccessGrant:
    if not perms.can_manage_evidence(actor, item):
        raise ApplicationError("Your role can't change who may see evidence.")
    if not 1 <= days <= 365:
        raise ApplicationError("Access lasts 1 to 365 days.")
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            item=item,
            user=user,
            granted_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
        )
        custody_append(
            item=item,
            action=C.ACCESS_GRANT,
            actor=actor,
            details={"user": user.username, "until": grant.expires_at.isoformat()},
        )
    return grant


def evidence_revoke_access(*, actor: Any, grant: AccessGrant) -> None:
    if not perms.can_manage_evidence(actor, grant.item):
        raise ApplicationError("Your role can't change who may see evidence.")
    with transaction.atomic():
        custody_append(
            item=grant.item,
            action=C.ACCESS_REVOKE,
            actor=actor,
            details={"user": grant.user.username},
        )
        grant.delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def evidence_share(
    *, actor: Any, item: EvidenceItem, recipient: str, days: int
) -> tuple[ShareLink, str]:
    """A link for someone outside the agency; returns the link and its token (shown once)."""
    if not recipient.strip():
        raise ApplicationError("Say who the link is for.")
    if not 1 <= days <= 90:
        raise ApplicationError("A share link lasts 1 to 90 days.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        item = _locked(item)  # the rules are checked on the current row, not a stale copy
        if item.do_not_disclose:
            raise ApplicationError("This item is marked do-not-disclose and can't be shared.")
        if not perms.can_share_evidence(actor, item):
            raise ApplicationError("Your role can't share evidence outside the agency.")
        if item.status != ItemStatus.ACTIVE:
            raise ApplicationError("Only active items can be shared.")
        link = ShareLink.objects.create(
            item=item,
            token_sha256=_token_hash(token),
            recipient=recipient.strip()[:200],
            expires_at=timezone.now() + timedelta(days=days),
            created_by=actor,
        )
        custody_append(
            item=item,
            action=C.SHARE,
            actor=actor,
            details={
                "share": link.pk,
                "recipient": link.recipient,
                "expires": link.expires_at.isoformat(),
            },
        )
    return link, token


def evidence_unshare(*, actor: Any, link: ShareLink) -> ShareLink:
    if not perms.can_request_evidence_deletion(actor):  # the custodians
        raise ApplicationError("Your role can't revoke share links.")
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        custody_append(
            item=link.item,
            action=C.UNSHARE,
            actor=actor,
            details={"share": link.pk, "recipient": link.recipient},
        )
    return link


def share_link_for_token(token: str) -> ShareLink | None:
    """The live link for ``token``, or None (expired, revoked, unknown or do-not-disclose)."""
    link = ShareLink.objects.select_related("item").filter(token_sha256=_token_hash(token)).first()
    if link is None or not link.is_live or link.item.do_not_disclose:
        return None
    if link.item.status != ItemStatus.ACTIVE:
        return None
    return link


# --- fixity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvidenceVerification:
    items_checked: int
    problems: tuple[CustodyProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def evidence_file_problems(item: EvidenceItem) -> list[CustodyProblem]:
    uid = str(item.uuid)
    if item.status == ItemStatus.DELETED:
        return []
    storage = evidence_storage()
    try:
        handle = storage.open(item.storage_key)
    except (FileNotFoundError, OSError):
        return [CustodyProblem(uid, "the stored file is missing")]
    except Exception as exc:  # noqa: BLE001 - object storage raises its own types
        return [CustodyProblem(uid, f"the stored file could not be read ({exc})")]
    hasher = hashlib.sha256()
    size = 0
    with handle:
        while block := handle.read(ingest.BLOCK):
            hasher.update(block)
            size += len(block)
    if not hmac.compare_digest(hasher.hexdigest(), item.sha256):
        return [
            CustodyProblem(
                uid,
                f"the stored file's SHA-256 is {hasher.hexdigest()}, "
                f"not {item.sha256} as recorded at upload ({size:,} bytes)",
            )
        ]
    return []


def evidence_verify(*, items: QuerySet[EvidenceItem] | None = None) -> EvidenceVerification:
    """Re-hash every stored file and walk every item's custody chain."""
    qs = items if items is not None else EvidenceItem.objects.all()
    problems: list[CustodyProblem] = []
    count = 0
    for item in qs.order_by("id").iterator(chunk_size=500):
        count += 1
        problems.extend(evidence_file_problems(item))
        problems.extend(custody_chain_problems(item=item))
    # Custody entries whose item row is gone cannot happen (PROTECT); entries pointing at an
    # item under another uuid are caught per item above.
    return EvidenceVerification(count, tuple(problems))
