"""Calls for service, units, their timelines, hazards and BOLOs.

A ``Call`` is one event (an incident that gets a police response); further 911 calls about the
same event are ``Call`` rows with ``duplicate_of`` set. A ``Unit`` is a patrol car (or foot
post) with its crew; an ``Assignment`` is one unit on one call, with that unit's clock.
Every change of state is also an append-only ``TimelineEntry`` (actor and source), so the
clocks can be rebuilt and checked. The ``first_*`` times on the call are the NYC
Admin. Code §14-149 clocks, written once and never moved (a re-opened call keeps them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Priority(models.TextChoices):
    """The Mayor's Management Report groups: critical, serious, non-critical."""

    CRITICAL = "critical", "Critical"
    SERIOUS = "serious", "Serious"
    NON_CRITICAL = "non_critical", "Non-critical"


PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.SERIOUS: 1, Priority.NON_CRITICAL: 2}


class CallStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DISPATCHED = "dispatched", "Dispatched"
    EN_ROUTE = "en_route", "En route"
    ON_SCENE = "on_scene", "On scene"
    DISPOSITIONED = "dispositioned", "Dispositioned"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"
    REOPENED = "reopened", "Re-opened"


OPEN_CALL_STATUSES = (
    CallStatus.PENDING,
    CallStatus.DISPATCHED,
    CallStatus.EN_ROUTE,
    CallStatus.ON_SCENE,
    CallStatus.DISPOSITIONED,
    CallStatus.REOPENED,
)
QUEUED_CALL_STATUSES = (CallStatus.PENDING, CallStatus.REOPENED)


class UnitStatus(models.TextChoices):
    OFF_DUTY = "off_duty", "Off duty"
    AVAILABLE = "available", "Available"
    DISPATCHED = "dispatched", "Dispatched"
    EN_ROUTE = "en_route", "En route"
    ON_SCENE = "on_scene", "On scene"
    TRANSPORTING = "transporting", "Transporting"
    BUSY = "busy", "Busy"
    OUT_OF_SERVICE = "out_of_service", "Out of service"
    EMERGENCY = "emergency", "Emergency"


class Source(models.TextChoices):
    CAD = "cad", "Dispatcher console"
    MDT = "mdt", "Officer's phone"
    API = "api", "API"
    RADIO = "radio", "Radio (entered by dispatcher)"
    DEMO = "demo", "Generated demo"


class CallType(models.Model):
    """An NYPD radio code (loaded from data: dispatch/data/radio_codes.csv, 2024 code table)."""

    code = models.CharField(max_length=8, unique=True)
    description = models.CharField(max_length=120)
    category = models.CharField(max_length=80, blank=True)
    super_category = models.CharField(max_length=40, blank=True)
    priority = models.CharField(max_length=12, choices=Priority.choices)
    self_initiated = models.BooleanField(default=False)
    count_2024 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Disposition(models.TextChoices):
    """How a call ended (NYPD-style finalisation codes, simplified)."""

    REPORT = "report", "Report taken (complaint report written)"
    ARREST = "arrest", "Arrest made"
    SUMMONS = "summons", "Summons issued"
    ASSISTED = "assisted", "Assistance given"
    GONE_ON_ARRIVAL = "gone_on_arrival", "Gone on arrival"
    UNFOUNDED = "unfounded", "Unfounded"
    NO_POLICE_ACTION = "no_police_action", "No police action needed"
    REFERRED = "referred", "Referred to another agency"


REPORT_DISPOSITIONS = (Disposition.REPORT, Disposition.ARREST)


class Unit(models.Model):
    call_sign = models.CharField(max_length=16, unique=True)
    precinct = models.CharField(max_length=8, default="120")
    home_sector = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=16, choices=UnitStatus.choices, default=UnitStatus.OFF_DUTY, db_index=True
    )
    status_since = models.DateTimeField(null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="dispatch_units"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    x_m = models.FloatField(null=True, blank=True)
    y_m = models.FloatField(null=True, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["call_sign"]

    def __str__(self) -> str:
        return self.call_sign


class Call(models.Model):
    number = models.CharField(max_length=24, unique=True)
    call_type = models.ForeignKey(CallType, on_delete=models.PROTECT, related_name="calls")
    priority = models.CharField(max_length=12, choices=Priority.choices, db_index=True)
    status = models.CharField(
        max_length=16, choices=CallStatus.choices, default=CallStatus.PENDING, db_index=True
    )
    self_initiated = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    x_m = models.FloatField(null=True, blank=True)
    y_m = models.FloatField(null=True, blank=True)
    precinct = models.CharField(max_length=8, blank=True, db_index=True)
    sector = models.CharField(max_length=8, blank=True, db_index=True)

    caller_name = models.CharField(max_length=100, blank=True)
    caller_callback = models.CharField(max_length=32, blank=True)
    remarks = models.TextField(blank=True)

    # The clocks (§14-149). received = 911 pickup; entered = operator's entry in the system.
    received_at = models.DateTimeField()
    entered_at = models.DateTimeField(db_index=True)
    first_assigned_at = models.DateTimeField(null=True, blank=True)
    first_en_route_at = models.DateTimeField(null=True, blank=True)
    first_arrived_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    report_written = models.BooleanField(default=False)
    report_number = models.CharField(max_length=32, blank=True)
    incident = models.ForeignKey(
        "records.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatch_calls",
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    is_generated = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entered_at__gte=models.F("received_at")),
                name="call_entered_after_received",
            ),
            models.CheckConstraint(
                condition=Q(first_assigned_at__isnull=True)
                | Q(first_assigned_at__gte=models.F("entered_at")),
                name="call_assigned_after_entered",
            ),
            models.CheckConstraint(
                condition=Q(first_arrived_at__isnull=True)
                | Q(first_assigned_at__isnull=False)
                & Q(first_arrived_at__gte=models.F("first_assigned_at")),
                name="call_arrived_after_assigned",
            ),
            models.CheckConstraint(
                condition=~Q(report_written=True) | ~Q(report_number=""),
                name="call_report_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "priority", "entered_at"], name="call_queue"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def callback_masked(self) -> str:
        """Only the last two digits, as on the MDT: the caller's number is not for display."""
        digits = "".join(c for c in self.caller_callback if c.isdigit())
        return f"•••-•••-••{digits[-2:]}" if len(digits) >= 2 else ""


class AssignmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", "Dispatched"
    EN_ROUTE = "en_route", "En route"
    ON_SCENE = "on_scene", "On scene"
    TRANSPORTING = "transporting", "Transporting"
    CLEARED = "cleared", "Cleared"


ACTIVE_ASSIGNMENT = (
    AssignmentStatus.DISPATCHED,
    AssignmentStatus.EN_ROUTE,
    AssignmentStatus.ON_SCENE,
    AssignmentStatus.TRANSPORTING,
)


class Assignment(models.Model):
    """One unit on one call, with the crew that was on the unit at the time."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    crew = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.DISPATCHED
    )
    assigned_at = models.DateTimeField()
    en_route_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status__in=["dispatched", "en_route", "on_scene", "transporting"]),
                name="assignment_one_active_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} on {self.call}"


class TimelineEntry(models.Model):
    """An append-only timestamp: what happened to a call or unit, when, who, from where."""

    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(max_length=32)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CAD)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=300, blank=True)
    audit_exclude = True  # the service writes a domain audit entry for each of these

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.at:%H:%M:%S} {self.kind}"


class HazardCategory(models.TextChoices):
    WEAPONS = "weapons", "Weapons known at the address"
    VIOLENCE = "violence", "Prior violence toward responders"
    DOG = "dog", "Dangerous dog"
    HAZMAT = "hazmat", "Hazardous materials"
    MENTAL_HEALTH = "mental_health", "Response guidance: request co-response"
    ACCESS = "access", "Access note (gate code, entrance)"
    OTHER = "other", "Other"


class Hazard(models.Model):
    """A premise hazard flag: every flag has a source, an author and a review date."""

    address = models.CharField(max_length=200)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    x_m = models.FloatField(null=True, blank=True)
    y_m = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=16, choices=HazardCategory.choices)
    guidance = models.CharField(max_length=300)
    source = models.CharField(max_length=120, help_text="The record or call this comes from.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    review_by = models.DateField()
    retired_at = models.DateTimeField(null=True, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} at {self.address}"


class Bolo(models.Model):
    """Be on the lookout: a person or vehicle, live until it expires or is cancelled."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        VEHICLE = "vehicle", "Vehicle"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    plate = models.CharField(max_length=12, blank=True, db_index=True)
    description = models.CharField(max_length=300)
    reason = models.CharField(max_length=200)
    armed_and_dangerous = models.BooleanField(default=False)
    case_number = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(plate=""), name="bolo_has_name_or_plate"
            ),
        ]

    def __str__(self) -> str:
        return f"BOLO {self.name or self.plate}"
