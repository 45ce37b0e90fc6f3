"""Community work: anonymous tips, suspicious-activity reports, service requests, events and
meetings with the problems raised at them, watch groups, volunteers, the Citizens' Police
Academy, donations, partnerships and grants, safety posts and the trust survey.

Tip models hold no address, header, cookie or time of day of the tipster: dates only
(``DateField``), a random reference and a peppered scrypt of the server-made passphrase.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


# --- anonymous tips -------------------------------------------------------------------------
class TipStatus(models.TextChoices):
    RECEIVED = "received", "Received (not yet triaged)"
    TRIAGED = "triaged", "Triaged"
    SCREENED = "screened", "Screened (identifying details removed)"
    ASSIGNED = "assigned", "Assigned"
    DISPOSED = "disposed", "Outcome recorded"
    CLOSED = "closed", "Closed"
    PURGED = "purged", "Purged"


class TipRoute(models.TextChoices):
    SQUAD = "squad", "Precinct squad"
    DETECTIVES = "detectives", "Detective squad"
    OTHER_AGENCY = "other_agency", "Another agency"
    SERVICE_REQUEST = "service_request", "Quality-of-life service request"
    NO_ACTION = "no_action", "No police action"


class TipOutcome(models.TextChoices):
    ARREST = "arrest", "Arrest made"
    INFO_USED = "info_used", "Information used"
    UNFOUNDED = "unfounded", "Unfounded"
    DUPLICATE = "duplicate", "Duplicate"
    REFERRED = "referred", "Referred to another agency"


class Tip(models.Model):
    """One anonymous tip. ``reference`` is shown to the tipster with a passphrase; only
    ``key_hash`` (scrypt of the passphrase with a pepper kept outside the database) is kept."""

    reference = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=128)
    status = models.CharField(max_length=12, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    category = models.CharField(max_length=40, blank=True)
    narrative_original = models.TextField(blank=True)  # the coordinator's eyes only
    narrative_screened = models.TextField(blank=True)  # what investigators read
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sector = models.CharField(max_length=8, blank=True)
    received_on = models.DateField()
    last_message_on = models.DateField()
    emergency = models.BooleanField(default=False)
    route = models.CharField(max_length=16, choices=TipRoute.choices, blank=True)
    other_agency = models.CharField(max_length=120, blank=True)
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=TipOutcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    purge_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Tip {self.reference}"


class TipMessage(models.Model):
    class Author(models.TextChoices):
        TIPSTER = "tipster", "Tipster"
        STAFF = "staff", "Precinct"

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=Author.choices)
    staff_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    sent_on = models.DateField()
    # Tipster messages also reach investigators only once the coordinator screened them.
    screened_body = models.TextField(blank=True)
    screened = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_author_display()} message on {self.tip_id}"


class TipAttachment(models.Model):
    """An image with every metadata block removed (re-encoded pixels only), stored in the
    database so a purge removes it with the tip and nothing lands in a file system."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    released = models.BooleanField(default=False)  # coordinator released it to investigators

    def __str__(self) -> str:
        return f"Photo {self.pk} of tip {self.tip_id}"


# --- suspicious-activity reports ------------------------------------------------------------
class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    RETAINED = "retained", "Retained (reasonable suspicion documented)"
    NOT_RETAINED = "not_retained", "Not retained"
    PURGED = "purged", "Purged"


class SuspiciousActivityReport(models.Model):
    """Behaviour-focused (ISE-SAR FS 1.5); reviewed under 28 CFR 23 before it is kept."""

    BEHAVIOURS = [
        ("surveillance", "Photographing or watching security features"),
        ("testing_security", "Testing or probing security"),
        ("breach", "Breach or attempted intrusion"),
        ("materials", "Acquiring unusual materials or expertise"),
        ("eliciting", "Eliciting information about operations or security"),
        ("sabotage", "Sabotage, tampering or vandalism of infrastructure"),
        ("threat", "Expressed or implied threat"),
        ("other", "Other specific behaviour"),
    ]
    reference = models.CharField(max_length=16, unique=True)
    behaviour = models.CharField(max_length=20, choices=BEHAVIOURS)
    description = models.TextField()
    location = models.CharField(max_length=200)
    observed_on = models.DateField()
    bias_warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=14, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    received_on = models.DateField()
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_reason = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)
    purge_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"SAR {self.reference}"


# --- service requests (Open311 GeoReport v2) -----------------------------------------------
class ServiceStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


SERVICE_CODES = {
    "noise": "Noise",
    "illegal_parking": "Illegal or blocking parking",
    "abandoned_vehicle": "Abandoned vehicle",
    "loitering": "Loitering or disorderly group",
    "graffiti": "Graffiti",
    "street_light": "Street light out",
    "drug_activity": "Open drug activity",
}


class ServiceRequest(models.Model):
    service_code = models.CharField(max_length=32)
    description = models.TextField(max_length=4000)
    address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sector = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=14, choices=ServiceStatus.choices, default="open")
    status_notes = models.TextField(blank=True)
    agency_responsible = models.CharField(max_length=120, default="NYPD precinct")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Service request {self.pk} ({self.service_code})"


# --- events, meetings and the problems raised at them ---------------------------------------
class EventKind(models.TextChoices):
    COMMUNITY_DAY = "community_day", "Community Day"
    NIGHT_OUT = "night_out", "National Night Out"
    SCHOOL_VISIT = "school_visit", "School visit"
    WORKSHOP_FRAUD = "workshop_fraud", "Fraud-prevention workshop"
    WORKSHOP_EMERGENCY = "workshop_emergency", "Emergency-preparedness workshop"
    TOWN_HALL = "town_hall", "Town hall"
    SECTOR_MEETING = "sector_meeting", "Build the Block sector meeting"
    COUNCIL = "council", "Precinct community council"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Event(models.Model):
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=8, blank=True)
    venue = models.CharField(max_length=200)
    languages = models.CharField(max_length=120, blank=True, default="English")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=EventStatus.choices, default="draft")
    attendance = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def booked(self) -> int:
        return sum(r.party_size for r in self.rsvps.all() if r.status == "confirmed")


class Rsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    party_size = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10,
        choices=[("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="confirmed",
    )
    code_hash = models.CharField(max_length=64, unique=True)  # sha256 of the cancel code
    attended = models.BooleanField(default=False)
    created_on = models.DateField()

    def __str__(self) -> str:
        return f"RSVP {self.pk} for {self.event_id}"


class Feedback(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField()  # 1-5
    useful = models.BooleanField(null=True)
    comment = models.TextField(blank=True, max_length=2000)
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"Feedback {self.pk} on {self.event_id}"


class ProblemStatus(models.TextChoices):
    SCAN = "scan", "Scanning"
    ANALYSIS = "analysis", "Analysis"
    RESPONSE = "response", "Response"
    ASSESSMENT = "assessment", "Assessment"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed without solution"


class Problem(models.Model):
    """A concern raised at a meeting, worked with SARA and reported back at the sector's next
    meeting."""

    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=8, blank=True)
    category = models.CharField(max_length=40, blank=True)
    raised_at = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems_raised"
    )
    raised_on = models.DateField()
    status = models.CharField(max_length=12, choices=ProblemStatus.choices, default="scan")
    analysis = models.TextField(blank=True)
    response_plan = models.TextField(blank=True)
    partners = models.CharField(max_length=200, blank=True)
    assessment = models.TextField(blank=True)
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemReportBack(models.Model):
    """What the meeting was told about a problem: the status at that meeting."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="report_backs")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="report_backs")
    status = models.CharField(max_length=12, choices=ProblemStatus.choices)

    class Meta:
        unique_together = [("problem", "event")]

    def __str__(self) -> str:
        return f"{self.problem_id} reported at {self.event_id}"


# --- neighbourhood watch, volunteers, the academy -------------------------------------------
class WatchGroup(models.Model):
    name = models.CharField(max_length=120, unique=True)
    sector = models.CharField(max_length=8, blank=True)
    area_geojson = models.JSONField(null=True, blank=True)  # a Polygon, WGS84
    liaison = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=[("proposed", "Proposed"), ("active", "Active"), ("inactive", "Inactive")],
        default="proposed",
    )
    meeting_cadence = models.CharField(max_length=80, blank=True)
    training_completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WatchMember(models.Model):
    """Private: only community staff see members; nothing of it is public."""

    group = models.ForeignKey(WatchGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=160, blank=True)
    is_captain = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    class Check(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PENDING = "pending", "Pending"
        CLEARED = "cleared", "Cleared"
        REFUSED = "refused", "Not cleared"

    name = models.CharField(max_length=120)
    contact = models.CharField(max_length=160, blank=True)
    roles = models.CharField(max_length=200, blank=True)
    background_check = models.CharField(max_length=12, choices=Check.choices, default="not_started")
    active = models.BooleanField(default=True)
    academy_application = models.OneToOneField(
        "community.AcademyApplication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VolunteerShift(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="shifts")
    worked_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    activity = models.CharField(max_length=160)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.hours} h on {self.worked_on}"


class Cohort(models.Model):
    name = models.CharField(max_length=80, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    capacity = models.PositiveIntegerField(default=25)
    status = models.CharField(
        max_length=12,
        choices=[
            ("planned", "Planned"),
            ("open", "Taking applications"),
            ("in_session", "In session"),
            ("graduated", "Graduated"),
        ],
        default="planned",
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class AcademyStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    SCREENED = "screened", "Screened"
    ADMITTED = "admitted", "Admitted"
    WAITLISTED = "waitlisted", "Waitlisted"
    DECLINED = "declined", "Declined"
    ENROLLED = "enrolled", "Enrolled"
    GRADUATED = "graduated", "Graduated"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AcademyApplication(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    lives_or_works_in_precinct = models.BooleanField(default=True)
    statement = models.TextField(blank=True, max_length=4000)
    nominated_by = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=12, choices=AcademyStatus.choices, default="applied")
    screening_notes = models.TextField(blank=True)
    applied_on = models.DateField()

    class Meta:
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return self.name


class AcademySession(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    topic = models.CharField(max_length=160)

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.held_on}: {self.topic}"


class AcademyAttendance(models.Model):
    session = models.ForeignKey(AcademySession, on_delete=models.CASCADE, related_name="attendance")
    application = models.ForeignKey(
        AcademyApplication, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(default=True)
    evaluation = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-5

    class Meta:
        unique_together = [("session", "application")]

    def __str__(self) -> str:
        return f"{self.application_id} at {self.session_id}"


# --- donations, partnerships, grants ---------------------------------------------------------
class Drive(models.Model):
    title = models.CharField(max_length=160)
    purpose = models.TextField()
    goal = models.DecimalField(max_digits=12, decimal_places=2)
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=8, choices=[("open", "Open"), ("closed", "Closed")], default="open"
    )

    def __str__(self) -> str:
        return self.title


class DonationStatus(models.TextChoices):
    PLEDGED = "pledged", "Pledged"
    CLEARED = "cleared", "Conflict check passed"
    DECLINED = "declined", "Declined (conflict of interest)"
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ALLOCATED = "allocated", "Allocated"
    DISCLOSED = "disclosed", "Disclosed on the public ledger"


class Donation(models.Model):
    drive = models.ForeignKey(
        Drive, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    donor_name = models.CharField(max_length=160)
    donor_kind = models.CharField(
        max_length=12,
        choices=[
            ("individual", "Individual"),
            ("business", "Business"),
            ("foundation", "Foundation"),
            ("nonprofit", "Non-profit"),
        ],
    )
    donor_may_be_named = models.BooleanField(default=False)
    in_kind = models.BooleanField(default=False)
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    restricted_purpose = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=DonationStatus.choices, default="pledged")
    pledged_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coi_checked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coi_findings = models.JSONField(default=list, blank=True)
    coi_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-pledged_on", "-id"]

    def __str__(self) -> str:
        return f"{self.public_donor}: {self.amount}"

    @property
    def public_donor(self) -> str:
        if self.donor_kind != "individual" or self.donor_may_be_named:
            return self.donor_name
        return "Anonymous individual"


class Allocation(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="allocations")
    purpose = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    allocated_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.amount} for {self.purpose}"


class Partner(models.Model):
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(
        max_length=12,
        choices=[
            ("school", "School"),
            ("housing", "Housing"),
            ("business", "Business"),
            ("faith", "Faith group"),
            ("agency", "City agency"),
            ("nonprofit", "Non-profit"),
        ],
    )
    # A business with a matter pending before the precinct (a contract, a licence review,
    # an open case): its gifts fail the conflict-of-interest check.
    pending_matter = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(max_length=160)
    data_sharing = models.TextField(blank=True)
    signed_on = models.DateField(null=True, blank=True)
    renews_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=[
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        default="draft",
    )

    def __str__(self) -> str:
        return self.title


class GrantStatus(models.TextChoices):
    DRAFTING = "drafting", "Drafting"
    SUBMITTED = "submitted", "Submitted"
    AWARDED = "awarded", "Awarded"
    REJECTED = "rejected", "Not funded"
    CLOSED = "closed", "Closed out"


class Grant(models.Model):
    funder = models.CharField(max_length=160)
    program = models.CharField(max_length=160)
    award_number = models.CharField(max_length=60, blank=True)
    amount_requested = models.DecimalField(max_digits=12, decimal_places=2)
    amount_awarded = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    match_required = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GrantStatus.choices, default="drafting")
    due_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.funder}: {self.program}"


class GrantExpense(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="expenses")
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.amount} on {self.spent_on}"


class GrantReport(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(max_length=60)
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.period} due {self.due_on}"


# --- safety posts ----------------------------------------------------------------------------
class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    EXPIRED = "expired", "Expired"


class SafetyPost(models.Model):
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=5000)
    sector = models.CharField(max_length=8, blank=True)  # blank: the whole precinct
    context = models.TextField(blank=True)  # base-rate context ("3 this month vs 5 last year")
    status = models.CharField(max_length=10, choices=PostStatus.choices, default="draft")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_findings = models.JSONField(default=list, blank=True)
    review_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PostRevision(models.Model):
    """A published version. Corrections add a revision with a visible note."""

    post = models.ForeignKey(SafetyPost, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    body = models.TextField()
    note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        unique_together = [("post", "number")]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.post_id}"


# --- the community trust survey -------------------------------------------------------------
class Survey(models.Model):
    title = models.CharField(max_length=160)
    introduction = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=[("draft", "Draft"), ("published", "Published"), ("closed", "Closed")],
        default="draft",
    )
    opens_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    """A statement answered on a five-point scale (1 strongly disagree … 5 strongly agree)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    code = models.SlugField(max_length=40)

    class Meta:
        ordering = ["number"]
        unique_together = [("survey", "number")]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    sector = models.CharField(max_length=8, blank=True)
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"Response {self.pk}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"
