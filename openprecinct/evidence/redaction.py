"""Redactions: a request, a custodian's review, then a derivative made with ffmpeg.

The original is read, never changed; the derivative is a new item that points at it
(``derived_from``) and has its own SHA-256 and custody chain. Regions are blurred only during
their time ranges; muted ranges silence the audio.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.core.errors import ApplicationError
from openprecinct.evidence import ingest
from openprecinct.evidence.custody import CustodyAction as C
from openprecinct.evidence.custody import custody_append
from openprecinct.evidence.models import EvidenceItem, EvidenceLink, ItemStatus, RedactionRequest
from openprecinct.evidence.storage import FileSystemStorage, evidence_storage

# A strong box blur whose radius follows the region's size (a fixed radius fails on small
# regions, whose chroma planes are half as wide).
BLUR = "boxblur=lr='min(w,h)/4':lp=4:cr='min(cw,ch)/4':cp=4"
VIDEO_CODECS = {"video/mp4": ("libx264", "aac"), "video/quicktime": ("libx264", "aac")}


def _number(value: Any, what: str, *, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ApplicationError(f"{what} must be a number of at least {minimum}. Got {value!r}.")
    return float(value)


def _clean_regions(regions: list[Any]) -> list[dict[str, float]]:
    clean = []
    for n, region in enumerate(regions, 1):
        if not isinstance(region, dict):
            raise ApplicationError(
                f"Blur region {n} must be an object with x, y, w, h, start, end."
            )
        r = {
            k: _number(region.get(k), f"Blur region {n}'s {k}") for k in ("x", "y", "start", "end")
        }
        for k in ("w", "h"):
            r[k] = _number(region.get(k), f"Blur region {n}'s {k}", minimum=8)
        if r["end"] <= r["start"]:
            raise ApplicationError(f"Blur region {n} must end after it starts.")
        clean.append(r)
    return clean


def _clean_ranges(ranges: list[Any]) -> list[dict[str, float]]:
    clean = []
    for n, span in enumerate(ranges, 1):
        if not isinstance(span, dict):
            raise ApplicationError(f"Muted range {n} must be an object with start and end.")
        r = {k: _number(span.get(k), f"Muted range {n}'s {k}") for k in ("start", "end")}
        if r["end"] <= r["start"]:
            raise ApplicationError(f"Muted range {n} must end after it starts.")
        clean.append(r)
    return clean


def redaction_request(
    *, actor: Any, item: EvidenceItem, reason: str, blur_regions: list[Any], mute_ranges: list[Any]
) -> RedactionRequest:
    if not perms.can_request_redaction(actor, item):
        raise ApplicationError("Your role can't request redactions of this item.")
    if item.content_type not in VIDEO_CODECS:
        raise ApplicationError("Only MP4 and QuickTime video can be redacted here.")
    if item.status != ItemStatus.ACTIVE:
        raise ApplicationError("Only an active item can be redacted.")
    regions, ranges = _clean_regions(blur_regions), _clean_ranges(mute_ranges)
    if not regions and not ranges:
        raise ApplicationError("Give at least one region to blur or one range to mute.")
    with transaction.atomic():
        request = RedactionRequest.objects.create(
            item=item,
            requested_by=actor,
            reason=reason[:300],
            blur_regions=regions,
            mute_ranges=ranges,
        )
        custody_append(
            item=item,
            action=C.REDACT_REQUEST,
            actor=actor,
            details={"redaction": request.pk, "regions": len(regions), "muted": len(ranges)},
        )
    return request


def ffmpeg_arguments(
    *,
    source: Path,
    target: Path,
    content_type: str,
    regions: list[dict[str, float]],
    ranges: list[dict[str, float]],
) -> list[str]:
    """The ffmpeg command line for one redaction (no shell: a list of arguments)."""
    video_codec, audio_codec = VIDEO_CODECS[content_type]
    args = [
        settings.OPENPRECINCT_FFMPEG,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(source),
    ]
    if regions:
        parts = [
            f"[0:v]split={len(regions) + 1}[base]" + "".join(f"[c{i}]" for i in range(len(regions)))
        ]
        last = "base"
        for i, r in enumerate(regions):
            x, y, w, h = (int(r[k]) for k in ("x", "y", "w", "h"))
            parts.append(f"[c{i}]crop={w}:{h}:{x}:{y},{BLUR}[b{i}]")
            parts.append(
                f"[{last}][b{i}]overlay={x}:{y}:enable='between(t,{r['start']},{r['end']})'[v{i}]"
            )
            last = f"v{i}"
        args += [
            "-filter_complex",
            ";".join(parts),
            "-map",
            f"[{last}]",
            "-c:v",
            video_codec,
            "-pix_fmt",
            "yuv420p",
        ]
    else:
        args += ["-map", "0:v:0", "-c:v", "copy"]
    args += ["-map", "0:a?"]
    if ranges:
        mutes = ",".join(
            f"volume=enable='between(t,{r['start']},{r['end']})':volume=0" for r in ranges
        )
        args += ["-af", mutes, "-c:a", audio_codec]
    else:
        args += ["-c:a", "copy"]
    return args + ["-map_metadata", "-1", "-y", str(target)]


def _local_copy(item: EvidenceItem, workdir: Path) -> Path:
    storage = evidence_storage()
    if isinstance(storage, FileSystemStorage):
        return storage.path(item.storage_key)
    path = workdir / f"original-{item.uuid.hex}"
    with storage.open(item.storage_key) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst, ingest.BLOCK)
    return path


def redaction_review(
    *, actor: Any, redaction: RedactionRequest, approve: bool, note: str = ""
) -> RedactionRequest:
    """Approve (and make the derivative) or reject a redaction request."""
    if not perms.can_review_redaction(actor, redaction):
        raise ApplicationError("A custodian other than the requester reviews redactions.")
    if redaction.status != RedactionRequest.Status.REQUESTED:
        raise ApplicationError("This redaction was already reviewed.")
    item = redaction.item
    with transaction.atomic():
        redaction.reviewed_by, redaction.reviewed_at = actor, timezone.now()
        redaction.review_note = note[:300]
        if not approve:
            redaction.status = RedactionRequest.Status.REJECTED
        redaction.save()
        custody_append(
            item=item,
            action=C.REDACT_REVIEW,
            actor=actor,
            details={"redaction": redaction.pk, "approved": approve, "note": note},
        )
    if approve:
        _make_derivative(actor=actor, redaction=redaction)
    return redaction


def _make_derivative(*, actor: Any, redaction: RedactionRequest) -> None:
    item = redaction.item
    workdir = Path(settings.OPENPRECINCT_EVIDENCE_UPLOAD_DIR)
    workdir.mkdir(parents=True, exist_ok=True)
    ext = item.original_filename.rsplit(".", 1)[-1].lower()
    target = workdir / f"redaction-{redaction.pk}-{secrets.token_hex(8)}.{ext}"
    source = _local_copy(item, workdir)
    args = ffmpeg_arguments(
        source=source,
        target=target,
        content_type=item.content_type,
        regions=redaction.blur_regions,
        ranges=redaction.mute_ranges,
    )
    try:
        # A list of arguments and no shell; every number in it was validated above.
        done = subprocess.run(  # noqa: S603
            args, capture_output=True, text=True, timeout=3600, check=False
        )
        failed = done.returncode != 0 or not target.exists() or target.stat().st_size == 0
        error = (done.stderr or "").strip()[-280:]
    except (OSError, subprocess.TimeoutExpired) as exc:
        failed, error = True, str(exc)[:280]
    if source.parent == workdir:
        ingest.discard(source)
    if failed:
        ingest.discard(target)
        RedactionRequest.objects.filter(pk=redaction.pk).update(
            status=RedactionRequest.Status.FAILED, review_note=f"ffmpeg failed: {error}"
        )
        raise ApplicationError(f"The redaction could not be made (ffmpeg: {error or 'no output'}).")
    digest = ingest.sha256_of_file(target).hexdigest()
    key = secrets.token_hex(20)
    with transaction.atomic():
        derivative = EvidenceItem.objects.create(
            title=f"{item.title} (redacted)",
            description=f"Redacted derivative of {item.uuid}: {redaction.reason}",
            original_filename=f"redacted-{item.original_filename}",
            content_type=item.content_type,
            size_bytes=target.stat().st_size,
            sha256=digest,
            storage_key=key,
            officer=item.officer,
            device_id=item.device_id,
            recorded_at=item.recorded_at,
            location=item.location,
            latitude=item.latitude,
            longitude=item.longitude,
            uploaded_by=actor,
            access_class=item.access_class,
            do_not_disclose=item.do_not_disclose,
            derived_from=item,
            derivative_kind="redaction",
        )
        derivative.categories.set(item.categories.all())
        for link in item.links.all():
            EvidenceLink.objects.create(
                item=derivative,
                kind=link.kind,
                ref=link.ref,
                incident=link.incident,
                is_open=link.is_open,
                referred_to_oversight=link.referred_to_oversight,
            )
        custody_append(
            item=derivative,
            action=C.REDACT,
            actor=actor,
            details={
                "derived_from": str(item.uuid),
                "original_sha256": item.sha256,
                "sha256": digest,
                "redaction": redaction.pk,
            },
        )
        custody_append(
            item=item,
            action=C.REDACT,
            actor=actor,
            details={
                "derivative": str(derivative.uuid),
                "sha256": digest,
                "redaction": redaction.pk,
            },
        )
        RedactionRequest.objects.filter(pk=redaction.pk).update(
            status=RedactionRequest.Status.DONE, derivative=derivative
        )
        evidence_storage().put(target, key)
    redaction.refresh_from_db()
