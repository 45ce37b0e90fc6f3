"""Personnel: early-intervention rules and alerts, intervention plans, training and wellness.

Early intervention is a supervisor's, non-disciplinary tool. Its inputs are conduct events
(complaints, force, pursuits, ...), exposure (calls handled, arrests, tours) and the officer's
assignment. Wellness-programme participation lives here too, but no early-intervention code
reads it (a test proves that).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

CONDUCT_KINDS = [
    ("complaint", "Civilian complaints"),
    ("force", "Uses of force"),
    ("pursuit", "Vehicle pursuits"),
    ("firearm_discharge", "Firearm discharges"),
    ("vehicle_accident", "Vehicle accidents"),
    ("in_custody_injury", "In-custody injuries"),
]


class IndicatorRule(models.Model):
    """One explicit, configurable early-intervention rule, e.g. 3 complaints in 182 days."""

    class Exposure(models.TextChoices):
        NONE = "none", "No normalisation (raw count)"
        CALLS = "calls", "Calls for service handled"
        ARRESTS = "arrests", "Arrests made"
        TOURS = "tours", "Tours worked"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=CONDUCT_KINDS)
    threshold = models.PositiveSmallIntegerField(
        help_text="events in the window that raise an alert"
    )
    window_days = models.PositiveSmallIntegerField()
    exposure = models.CharField(max_length=10, choices=Exposure.choices, default=Exposure.NONE)
    peer_multiple = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="also require the officer's rate per exposure to be at least this many times "
        "the median rate of peers in the same assignment (blank: count only)",
    )
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=1), name="rule_threshold_pos"),
            models.CheckConstraint(condition=models.Q(window_days__gte=1), name="rule_window_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.threshold} in {self.window_days} days)"


class OfficerActivity(models.Model):
    """Exposure per officer per month: arrests made and tours worked (from rosters and arrest
    paperwork; the records app's arrests carry no officer). Calls handled come from dispatch."""

    officer = models.ForeignKey("accountability.Officer", on_delete=models.CASCADE)
    month = models.DateField(help_text="first day of the month")
    arrests = models.PositiveIntegerField(default=0)
    tours = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "month"], name="activity_officer_month")
        ]

    def __str__(self) -> str:
        return f"officer activity #{self.pk}"


class AlertStatus(models.TextChoices):
    RAISED = "raised", "Raised, awaiting triage"
    DISMISSED = "dismissed", "Dismissed at triage"
    SUPERVISOR_REVIEW = "supervisor_review", "With the supervisor"
    MONITORING = "monitoring", "Monitoring"
    PLAN_ACTIVE = "plan_active", "Intervention plan active"
    CLOSED = "closed", "Closed"


class Alert(models.Model):
    officer = models.ForeignKey("accountability.Officer", on_delete=models.PROTECT)
    rule = models.ForeignKey(IndicatorRule, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default="raised")
    raised_on = models.DateField(db_index=True)
    window_start = models.DateField()
    window_end = models.DateField()
    trigger_key = models.CharField(max_length=64, help_text="hash of the events that triggered it")
    facts = models.JSONField(default=dict)
    determination = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "rule", "trigger_key"], name="alert_once_per_trigger"
            )
        ]

    def __str__(self) -> str:
        return f"alert #{self.pk} {self.rule.code} for officer {self.officer_id}"


class AlertStep(models.Model):
    """The alert's history: every triage, review and determination, with its note."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"alert step #{self.pk}"


class InterventionPlan(models.Model):
    """A non-disciplinary plan agreed after supervisor review, with follow-ups at 3/6/12 months."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        COUNSELING = "counseling", "Counseling"
        PEER_SUPPORT = "peer_support", "Peer support"
        EAP = "eap", "Employee assistance programme referral"
        MENTORING = "mentoring", "Mentoring"
        REASSIGNMENT = "reassignment", "Reassignment"

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="plan")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    goals = models.TextField()
    started_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    outcome = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"intervention plan #{self.pk}"


class PlanTask(models.Model):
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"plan task #{self.pk}"


class FollowUp(models.Model):
    class Outcome(models.TextChoices):
        IMPROVED = "improved", "Improved"
        NO_CHANGE = "no_change", "No change yet"
        NOT_IMPROVING = "not_improving", "Not improving"

    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["months"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "months"], name="followup_once_per_month_mark")
        ]

    def __str__(self) -> str:
        return f"follow up #{self.pk}"


# --- training ---------------------------------------------------------------------------------
class Course(models.Model):
    class Category(models.TextChoices):
        DE_ESCALATION = "de_escalation", "De-escalation"
        USE_OF_FORCE = "use_of_force", "Use-of-force policy"
        FIREARMS = "firearms", "Firearms qualification"
        FIRST_AID = "first_aid", "First aid / CPR"
        CRISIS = "crisis", "Crisis intervention"
        BIAS = "bias", "Fair and impartial policing"
        OTHER = "other", "Other"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="months a completion stays valid (blank: never expires)"
    )
    required = models.BooleanField(default=True, help_text="required of every sworn officer")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField()
    location = models.CharField(max_length=120, blank=True)
    instructor = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.course} on {self.held_on:%Y-%m-%d}"


class Attendance(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", "Attended and passed"
        FAILED = "failed", "Attended, not passed"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    officer = models.ForeignKey("accountability.Officer", on_delete=models.CASCADE)
    result = models.CharField(max_length=10, choices=Result.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"attendance #{self.pk}"


# --- wellness (confidential: aggregate views only; never an early-intervention input) ---------
class WellnessProgram(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.name


class WellnessParticipation(models.Model):
    program = models.ForeignKey(WellnessProgram, on_delete=models.PROTECT)
    officer = models.ForeignKey("accountability.Officer", on_delete=models.CASCADE)
    started_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "officer", "started_on"], name="wellness_once"
            )
        ]

    def __str__(self) -> str:
        return f"wellness participation #{self.pk}"
