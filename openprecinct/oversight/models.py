"""The civilian oversight committee: case reviews, redacted packets, time-limited access,
meetings, votes, recommendations, the department's responses and their implementation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReviewStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible, packet not prepared"
    PACKET_PREPARED = "packet_prepared", "Packet prepared"
    MEMBER_ACCESS = "member_access", "Open to members"
    DISCUSSED = "discussed", "Discussed in closed session"
    DECIDED = "decided", "Committee has voted"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Public summary published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VoteChoice(models.TextChoices):
    AGREE = "agree", "Agree with the findings"
    DISAGREE = "disagree", "Disagree with the findings"
    FURTHER = "further_investigation", "Request further investigation"


class CommitteeReview(models.Model):
    """One closed (or at-findings) complaint before the committee."""

    number = models.CharField(max_length=20, unique=True)
    complaint = models.ForeignKey(
        "accountability.Complaint", on_delete=models.PROTECT, related_name="committee_reviews"
    )
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default="eligible", db_index=True
    )
    selected_reason = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=24, choices=VoteChoice.choices, blank=True)
    public_summary = models.TextField(blank=True)
    published_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # one live review per complaint (a withdrawn one may be followed by another)
            models.UniqueConstraint(
                fields=["complaint"],
                condition=~Q(status="withdrawn"),
                name="review_one_live_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return f"Review {self.number}"


class ReviewStep(models.Model):
    review = models.ForeignKey(CommitteeReview, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"review step #{self.pk}"


class ReviewPacket(models.Model):
    """A redacted snapshot of the case, built by ``oversight.packets.build_packet`` only.

    ``content`` holds only admissible material; ``withheld`` counts what the redaction rules
    kept out, and is shown only to staff allowed to see sealed records.
    """

    review = models.ForeignKey(CommitteeReview, on_delete=models.CASCADE, related_name="packets")
    version = models.PositiveSmallIntegerField()
    content = models.JSONField()
    withheld = models.JSONField(default=dict)
    content_sha256 = models.CharField(max_length=64)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="packet_version_once")
        ]

    def __str__(self) -> str:
        return f"review packet #{self.pk}"


class PacketAccess(models.Model):
    """A member's time-boxed access to a review's packets."""

    review = models.ForeignKey(CommitteeReview, on_delete=models.CASCADE, related_name="grants")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packet_grants"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="grant_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"packet access #{self.pk}"

    def is_open(self, at) -> bool:  # noqa: ANN001 - a datetime
        return self.revoked_at is None and self.opens_at <= at < self.closes_at


class PacketView(models.Model):
    """Every time anyone opened a packet (also in the audit log)."""

    packet = models.ForeignKey(ReviewPacket, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    via = models.CharField(max_length=10, default="web")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"packet view #{self.pk}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        CLOSED = "closed", "Closed session"
        PUBLIC = "public", "Public meeting"

    held_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLOSED)
    location = models.CharField(max_length=200, blank=True)
    minutes = models.TextField(blank=True)
    reviews = models.ManyToManyField(CommitteeReview, blank=True, related_name="meetings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"


class MemberVote(models.Model):
    review = models.ForeignKey(CommitteeReview, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=24, choices=VoteChoice.choices)
    reason = models.TextField(blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL)
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"member vote #{self.pk}"


class Response(models.TextChoices):
    PENDING = "pending", "Awaiting the department's response"
    ACCEPT = "accept", "Accepted"
    PARTLY = "partly", "Partly accepted"
    REJECT = "reject", "Rejected"


class Implementation(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable (rejected)"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    ABANDONED = "abandoned", "Abandoned"


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", "Case"
        POLICY = "policy", "Policy"

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    review = models.ForeignKey(
        CommitteeReview,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    text = models.TextField(help_text="the recommendation as sent to the department")
    public_summary = models.TextField(
        blank=True, help_text="what the public portal shows; no names, no case details"
    )
    issued_at = models.DateTimeField()
    issued_on = models.DateField(help_text="local date of issue")
    response_due_on = models.DateField(db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.CharField(max_length=10, choices=Response.choices, default="pending")
    response_reason = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    implementation = models.CharField(
        max_length=20, choices=Implementation.choices, default="not_started"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__in=["pending", "accept"]) | ~Q(response_reason=""),
                name="response_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="case") | Q(review__isnull=False),
                name="case_recommendation_has_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class ImplementationUpdate(models.Model):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    note = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"implementation update #{self.pk}"


class ResponseDeadlineAlert(models.Model):
    """A response-deadline warning, raised once per recommendation, kind and local day."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Response due within 7 days"
        DUE_TODAY = "due_today", "Response due today"
        OVERDUE = "overdue", "Response overdue"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    raised_on = models.DateField()
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "kind", "due_on"], name="deadline_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"response deadline alert #{self.pk}"
