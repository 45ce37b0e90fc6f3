"""Incident records: the canonical incident, arrests, the report workflow, imports.

Coordinates are kept as latitude/longitude (WGS84) and as projected metres in the analysis
CRS, EPSG:32118 (NAD83 / New York Long Island, metres: the metric twin of NYPD's EPSG:2263).
Times are timezone-aware; the NYPD files give local New York times.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LawCategory(models.TextChoices):
    FELONY = "felony", "Felony"
    MISDEMEANOR = "misdemeanor", "Misdemeanour"
    VIOLATION = "violation", "Violation"
    INFRACTION = "infraction", "Infraction"
    UNKNOWN = "", "Unknown"


class IncidentKind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint (crime report)"
    SHOOTING = "shooting", "Shooting incident"
    HATE_CRIME = "hate_crime", "Hate crime"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class ImportRun(models.Model):
    """One run of an importer over one file; the summary its counts add up to."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    schema = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"{self.schema} {self.file_name} ({self.status})"


class QuarantinedRow(models.Model):
    """A row an import refused, with its line number and why, for a clerk to fix and re-import."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="quarantined_rows")
    line_number = models.PositiveBigIntegerField()
    reason_code = models.CharField(max_length=40, db_index=True)
    reason = models.CharField(max_length=500)
    raw = models.TextField(blank=True)  # truncated to 4 KB
    audit_exclude = True

    class Meta:
        ordering = ["run", "line_number"]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class Located(models.Model):
    """Where: WGS84 and projected metres, precinct and sector (point-in-polygon), premises."""

    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    x_m = models.FloatField(null=True, blank=True)
    y_m = models.FloatField(null=True, blank=True)
    precinct = models.CharField(max_length=8, blank=True)
    # The precinct as the source file wrote it. ``precinct`` is today's precinct by
    # point-in-polygon; they differ e.g. for pre-2013 records of 120/122 now in 121.
    reported_precinct = models.CharField(max_length=8, blank=True, default="")
    sector = models.CharField(max_length=8, blank=True)
    borough = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200, blank=True)
    premises = models.CharField(max_length=100, blank=True)
    location_description = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True


class Incident(Located):
    """A reported incident: from an NYPD file, another city's CSV, or written in the platform.

    ``(source, source_key)`` identifies a record across re-imports. Written reports have
    ``source = "platform"`` and go through the report workflow (``status``); imported records
    arrive approved. ``content_hash`` over the imported fields tells unchanged from updated.
    """

    source = models.CharField(max_length=40)
    source_key = models.CharField(max_length=64)
    report_number = models.CharField(max_length=32, blank=True)
    kind = models.CharField(
        max_length=12, choices=IncidentKind.choices, default=IncidentKind.COMPLAINT
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.APPROVED
    )
    is_sealed = models.BooleanField(default=False)
    sealed_reason = models.CharField(max_length=200, blank=True)

    occurred_from = models.DateTimeField(null=True, blank=True)
    occurred_to = models.DateTimeField(null=True, blank=True)
    occurred_date = models.DateField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_date = models.DateField(null=True, blank=True)

    ky_cd = models.PositiveSmallIntegerField(null=True, blank=True)  # NYPD offence key code
    pd_cd = models.PositiveSmallIntegerField(null=True, blank=True)  # NYPD internal code
    offense_description = models.CharField(max_length=100, blank=True)
    pd_description = models.CharField(max_length=100, blank=True)
    law_category = models.CharField(
        max_length=12, choices=LawCategory.choices, blank=True, default=""
    )
    attempted = models.BooleanField(null=True, blank=True)
    compstat_category = models.CharField(max_length=40, blank=True)
    bias_motive = models.CharField(max_length=60, blank=True)

    victim_count = models.PositiveSmallIntegerField(default=1)
    fatal = models.BooleanField(null=True, blank=True)
    victim_age_group = models.CharField(max_length=20, blank=True)
    victim_race = models.CharField(max_length=40, blank=True)
    victim_sex = models.CharField(max_length=10, blank=True)
    suspect_age_group = models.CharField(max_length=20, blank=True)
    suspect_race = models.CharField(max_length=40, blank=True)
    suspect_sex = models.CharField(max_length=10, blank=True)
    narrative = models.TextField(blank=True)

    # Written reports only: partial indexes below (imported records never have an author).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authored_incidents",
        db_index=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_incidents",
        db_index=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    content_hash = models.CharField(max_length=64, blank=True)
    # Not indexed: nothing looks records up by run, and an index would cost every imported
    # row a write; deleting an import run (never done by the platform) scans the table.
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="incident_source_key"),
            models.CheckConstraint(
                condition=Q(occurred_to__isnull=True)
                | Q(occurred_from__isnull=True)
                | Q(occurred_to__gte=models.F("occurred_from")),
                name="incident_occurrence_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(author__isnull=True)
                | Q(approved_by__isnull=False),
                name="incident_written_report_approved_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("author")),
                name="incident_not_approved_by_author",
            ),
        ]
        # Every index costs each imported row a write (docs/importing.md, "Indexes"). Kept: what
        # CompStat (precinct or category by date), the records list (newest first; sector) and
        # the approval queue need. Indexes on values imported records never have (an open
        # status, sealed, a report number) are partial, so imports never touch them. Filters
        # on premises or report date scan the (small) result of the other conditions.
        indexes = [
            models.Index(fields=["precinct", "occurred_date"], name="incident_pct_date"),
            models.Index(fields=["compstat_category", "occurred_date"], name="incident_cat_date"),
            # the records list's default order (newest first), also for deep pages
            models.Index(fields=["-occurred_from", "-id"], name="incident_occurred_desc"),
            models.Index(fields=["sector", "occurred_date"], name="incident_sector_date"),
            models.Index(
                fields=["status"], name="incident_open_status", condition=~Q(status="approved")
            ),
            models.Index(fields=["is_sealed"], name="incident_sealed", condition=Q(is_sealed=True)),
            models.Index(
                fields=["report_number"],
                name="incident_report_number",
                condition=~Q(report_number=""),
            ),
            models.Index(
                fields=["author"], name="incident_author", condition=Q(author__isnull=False)
            ),
            models.Index(
                fields=["approved_by"],
                name="incident_approved_by",
                condition=Q(approved_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        label = self.report_number or f"{self.source}:{self.source_key}"
        return f"{label} {self.offense_description or self.compstat_category}".strip()


class Arrest(Located):
    """An arrest: a different kind of record from a complaint (it measures enforcement)."""

    source = models.CharField(max_length=40)
    source_key = models.CharField(max_length=64)
    arrest_date = models.DateField(db_index=True)
    ky_cd = models.PositiveSmallIntegerField(null=True, blank=True)
    pd_cd = models.PositiveSmallIntegerField(null=True, blank=True)
    offense_description = models.CharField(max_length=100, blank=True)
    pd_description = models.CharField(max_length=100, blank=True)
    law_code = models.CharField(max_length=30, blank=True)
    law_category = models.CharField(
        max_length=12, choices=LawCategory.choices, blank=True, default=""
    )
    compstat_category = models.CharField(max_length=40, blank=True, db_index=True)
    jurisdiction_code = models.SmallIntegerField(null=True, blank=True)
    perp_age_group = models.CharField(max_length=20, blank=True)
    perp_sex = models.CharField(max_length=10, blank=True)
    perp_race = models.CharField(max_length=40, blank=True)
    is_sealed = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="arrest_source_key")
        ]
        indexes = [
            models.Index(fields=["precinct", "arrest_date"], name="arrest_pct_date"),
            models.Index(fields=["sector", "arrest_date"], name="arrest_sector_date"),
        ]

    def __str__(self) -> str:
        return f"arrest {self.source_key} {self.offense_description}"


class IncidentRevision(models.Model):
    """A change to a record after it was approved or imported: reclassifications and corrections.

    CompStat counts reclassifications (downgrades/upgrades) from this table, and the portal shows
    it as the record's revision history.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL)
    changes = models.JSONField(default=dict)  # field -> [old, new]
    old_category = models.CharField(max_length=40, blank=True)
    new_category = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["incident", "at"]

    def __str__(self) -> str:
        return f"revision of {self.incident_id} at {self.at:%Y-%m-%d}"


class Supplement(models.Model):
    """A numbered addition to an approved (locked) report."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="supplements")
    number = models.PositiveSmallIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["incident", "number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="supplement_number_unique")
        ]

    def __str__(self) -> str:
        return f"supplement {self.number} to {self.incident_id}"


class ReviewAction(models.Model):
    """One step of a report's life: submitted, returned (with reasons), approved, sealed..."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted"
        RETURN = "return", "Returned"
        APPROVE = "approve", "Approved"
        SUPPLEMENT = "supplement", "Supplement added"
        SEAL = "seal", "Sealed"
        UNSEAL = "unseal", "Unsealed"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="review_actions")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of {self.incident_id} by {self.actor_id}"
