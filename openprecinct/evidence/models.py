"""Evidence items, their chain of custody, retention, sharing, redaction, and drone flights.

An item's file is never changed: derivatives (redactions) are new items pointing at their
original. Deleting an item removes its file and keeps the row as a tombstone with the hash.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccessClass(models.TextChoices):
    STANDARD = "standard", "Standard"
    RESTRICTED = "restricted", "Restricted"
    CONFIDENTIAL = "confidential", "Confidential"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PENDING_DELETION = "pending_deletion", "Deletion queued (can be undone)"
    DELETED = "deleted", "Deleted (tombstone)"


class EvidenceCategory(models.Model):
    """A category carries a retention period; an item in several keeps the longest."""

    name = models.CharField(max_length=100, unique=True)
    # None: keep until someone decides otherwise (never deleted by the retention sweep).
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "evidence categories"

    def __str__(self) -> str:
        keep = f"{self.retention_days} days" if self.retention_days is not None else "indefinitely"
        return f"{self.name} (keep {keep})"


class EvidenceItem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    device_sha256 = models.CharField(max_length=64, blank=True)
    # A random name in the evidence storage; never derived from anything the client sent.
    storage_key = models.CharField(max_length=200, blank=True)

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device_id = models.CharField(max_length=100, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)

    categories = models.ManyToManyField(EvidenceCategory, blank=True, related_name="items")
    access_class = models.CharField(
        max_length=16, choices=AccessClass.choices, default=AccessClass.STANDARD
    )
    do_not_disclose = models.BooleanField(default=False)
    legal_hold = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=300, blank=True)

    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    deletion_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deletion_reason = models.CharField(max_length=300, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    derivative_kind = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="evidence_item_not_empty"),
            models.CheckConstraint(
                condition=~Q(status="pending_deletion") | Q(deletion_due_at__isnull=False),
                name="evidence_pending_deletion_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.uuid})"

    # Questions the access rules ask (openprecinct.accounts.permissions).
    def has_grant_for(self, user: Any) -> bool:
        return self.grants.filter(user_id=user.pk, expires_at__gt=timezone.now()).exists()

    def linked_for_internal_affairs(self) -> bool:
        return self.links.filter(kind__in=OVERSIGHT_KINDS).exists()

    def linked_for_oversight(self) -> bool:
        return self.links.filter(kind__in=OVERSIGHT_KINDS, referred_to_oversight=True).exists()


class LinkKind(models.TextChoices):
    INCIDENT = "incident", "Incident record"
    CALL = "call", "Call for service"
    COMPLAINT = "complaint", "Civilian complaint"
    FORCE_REPORT = "force_report", "Use-of-force report"
    CASE = "case", "Case"


# Links that keep an item from deletion while open, and that internal affairs and the
# oversight committee reach footage through.
OVERSIGHT_KINDS = (LinkKind.COMPLAINT, LinkKind.CASE, LinkKind.FORCE_REPORT)


class EvidenceLink(models.Model):
    """A link from an item to something it is evidence for.

    Incident records exist, so those links carry a foreign key. Calls, complaints, force
    reports and cases belong to apps still to come: until then a link names them by kind and
    identifier (``ref``), and ``is_open`` / ``referred_to_oversight`` are kept by whoever
    links and closes them; when those apps land they will set the flags.
    """

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    ref = models.CharField(max_length=64)
    incident = models.ForeignKey(
        "records.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_open = models.BooleanField(default=True)
    referred_to_oversight = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "ref"], name="evidence_link_once"),
            models.CheckConstraint(
                condition=~Q(kind="incident") | Q(incident__isnull=False),
                name="evidence_incident_link_has_incident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"


class AccessGrant(models.Model):
    """One person on an item's internal access list, until ``expires_at``."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} on {self.item_id} until {self.expires_at:%Y-%m-%d}"


class ShareLink(models.Model):
    """A link for someone outside the agency. Only the SHA-256 of its token is stored."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="share_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"share of {self.item_id} with {self.recipient}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class UploadSession(models.Model):
    """A resumable upload in progress: chunks append to a partial file until it is complete."""

    # Saved once per chunk: the start, the refusal and the finished item are audited instead.
    audit_exclude = True

    class Status(models.TextChoices):
        OPEN = "open", "Receiving"
        COMPLETE = "complete", "Complete"
        REJECTED = "rejected", "Rejected"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    total_bytes = models.PositiveBigIntegerField()
    received_bytes = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    error = models.CharField(max_length=300, blank=True)
    item = models.OneToOneField(
        EvidenceItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"upload {self.uuid} ({self.received_bytes}/{self.total_bytes})"


class CustodyEntry(models.Model):
    """One append-only, hash-chained entry of an item's chain of custody.

    Each item has its own chain (``seq`` from 1); ``entry_hash`` is SHA-256 over the previous
    entry's hash and this entry's canonical content. Triggers (migration 0002) refuse UPDATE,
    and DELETE outside the audit log's maintenance switch.
    """

    audit_exclude = True  # each entry writes its own audit record

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    item_uuid = models.UUIDField(db_index=True)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["item_id", "seq"]
        verbose_name_plural = "custody entries"
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="custody_seq_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_uuid} #{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Custody entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Custody entries are append-only and cannot be deleted.")


class CustodyHead(models.Model):
    """The newest entry of an item's chain, locked while appending; catches a deleted tail."""

    audit_exclude = True

    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"custody head of {self.item_id} at #{self.seq}"


class RedactionRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting review"
        REJECTED = "rejected", "Rejected"
        DONE = "done", "Derivative made"
        FAILED = "failed", "Failed"

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="redactions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    # [{"x": 10, "y": 20, "w": 100, "h": 80, "start": 0.0, "end": 2.5}, ...] in pixels/seconds
    blur_regions = models.JSONField(default=list, blank=True)
    # [{"start": 1.0, "end": 2.0}, ...] seconds of audio to silence
    mute_ranges = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    derivative = models.OneToOneField(
        EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"redaction of {self.item_id} ({self.status})"


# --- drones ------------------------------------------------------------------------------
class Aircraft(models.Model):
    """An aircraft in the registry; everything here except ``serial_number`` is public."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", "In service"
        GROUNDED = "grounded", "Grounded"
        RETIRED = "retired", "Retired"

    registration = models.CharField(max_length=30, unique=True)  # FAA registration number
    name = models.CharField(max_length=60)
    make = models.CharField(max_length=60)
    model = models.CharField(max_length=60)
    serial_number = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_SERVICE)
    in_service_since = models.DateField(null=True, blank=True)
    camera = models.CharField(max_length=200, blank=True)
    thermal_camera = models.BooleanField(default=False)
    optical_zoom = models.CharField(max_length=30, blank=True)
    spotlight = models.BooleanField(default=False)
    loudspeaker = models.BooleanField(default=False)
    facial_recognition = models.BooleanField(default=False)
    max_flight_minutes = models.PositiveIntegerField(null=True, blank=True)
    public_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aircraft"

    def __str__(self) -> str:
        return f"{self.name} ({self.registration})"


class Flight(models.Model):
    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled before arrival"
        ABORTED = "aborted", "Aborted (weather, battery, airspace)"
        ARREST = "arrest", "Arrest made"
        PERSON_FOUND = "person_found", "Missing person found"
        NO_ACTION = "no_action", "No police action"

    aircraft = models.ForeignKey(Aircraft, on_delete=models.PROTECT, related_name="flights")
    pilot = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=120)
    call_reference = models.CharField(max_length=64, blank=True)  # a call for service, by id
    incident = models.ForeignKey(
        "records.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    launched_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField()
    # [[lat, lon], ...] as flown; published generalised to 3 decimals (~100 m).
    flight_path = models.JSONField(default=list, blank=True)
    max_altitude_ft = models.PositiveIntegerField(null=True, blank=True)
    recording = models.BooleanField(default=False)
    footage = models.ManyToManyField(EvidenceItem, blank=True, related_name="flights")
    footage_retention = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    legal_authority = models.CharField(max_length=200)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-launched_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("launched_at")),
                name="flight_ends_after_launch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.aircraft} {self.launched_at:%Y-%m-%d %H:%M} {self.purpose}"

    @property
    def minutes(self) -> float:
        return (self.ended_at - self.launched_at).total_seconds() / 60
