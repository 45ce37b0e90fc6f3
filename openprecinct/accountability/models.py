"""Accountability: the sworn roster, civilian complaints, internal-affairs cases, use of force.

The roster (``Officer``) is shared: dispatch, oversight and personnel point at it with
``"accountability.Officer"`` foreign keys. CCRB imports create and update officers.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Officer(models.Model):
    """A member of service (sworn officer), from the roster or from the CCRB's records.

    ``source_key`` says where the row came from and is the import's natural key
    (``propublica:<unique_mos_id>``, ``mos20210320:active:<id>``, or blank for officers
    entered by staff). ``tax_id`` is the NYPD tax registry number when known (the CCRB
    files do not publish it).
    """

    tax_id = models.CharField("tax registry number", max_length=20, blank=True)
    shield_no = models.CharField("shield number", max_length=20, blank=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80)
    rank = models.CharField(max_length=60, blank=True)
    command = models.CharField(
        max_length=40, blank=True, help_text="Command or precinct, e.g. '120 PCT'."
    )
    precinct = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    assignment = models.CharField(
        max_length=80, blank=True, help_text="Assignment within the command, e.g. 'patrol', 'NCO'."
    )
    gender = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="On the force (CCRB 'active'), not retired or separated."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer",
    )
    source_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="officer_source_once"
            ),
            models.UniqueConstraint(
                fields=["tax_id"], condition=~Q(tax_id=""), name="officer_tax_id_once"
            ),
        ]
        indexes = [models.Index(fields=["command"]), models.Index(fields=["last_name"])]

    def __str__(self) -> str:
        shield = f" #{self.shield_no}" if self.shield_no and self.shield_no.strip("0") else ""
        rank = f"{self.rank} " if self.rank else ""
        return f"{rank}{self.first_name} {self.last_name}{shield}".strip()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# --- shared vocabularies ---------------------------------------------------------------------
class FadoType(models.TextChoices):
    FORCE = "force", "Force"
    ABUSE = "abuse_of_authority", "Abuse of Authority"
    DISCOURTESY = "discourtesy", "Discourtesy"
    OFFENSIVE = "offensive_language", "Offensive Language"
    UNTRUTHFUL = "untruthful_statement", "Untruthful Statement"


class Disposition(models.TextChoices):
    """CCRB's board dispositions (the values in its published records), per allegation."""

    PENDING = "", "Pending"
    SUBST_CHARGES = "substantiated_charges", "Substantiated (Charges)"
    SUBST_CD = "substantiated_cd", "Substantiated (Command Discipline)"
    SUBST_CD_A = "substantiated_cd_a", "Substantiated (Command Discipline A)"
    SUBST_CD_B = "substantiated_cd_b", "Substantiated (Command Discipline B)"
    SUBST_TRAINING = "substantiated_training", "Substantiated (Formalized Training)"
    SUBST_INSTRUCTIONS = "substantiated_instructions", "Substantiated (Instructions)"
    SUBST_CMD_INSTRUCTIONS = (
        "substantiated_command_instructions",
        "Substantiated (Command Lvl Instructions)",
    )
    SUBST_NO_REC = "substantiated_no_recommendations", "Substantiated (No Recommendations)"
    SUBST_MOS_UNIDENTIFIED = "substantiated_mos_unidentified", "Substantiated (MOS Unidentified)"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    EXONERATED = "exonerated", "Exonerated"
    UNFOUNDED = "unfounded", "Unfounded"
    OFFICER_UNIDENTIFIED = "officer_unidentified", "Officer(s) Unidentified"
    MEDIATED = "mediated", "Mediated"
    MEDIATION_ATTEMPTED = "mediation_attempted", "Mediation Attempted"
    COMPLAINANT_UNCOOPERATIVE = "complainant_uncooperative", "Complainant Uncooperative"
    COMPLAINANT_UNAVAILABLE = "complainant_unavailable", "Complainant Unavailable"
    WITHDRAWN = "complaint_withdrawn", "Complaint Withdrawn"
    VICTIM_UNCOOPERATIVE = "victim_uncooperative", "Alleged Victim Uncooperative"
    VICTIM_UNAVAILABLE = "victim_unavailable", "Alleged Victim Unavailable"
    VICTIM_UNIDENTIFIED = "victim_unidentified", "Victim Unidentified"
    WITNESS_UNCOOPERATIVE = "witness_uncooperative", "Witness Uncooperative"
    WITNESS_UNAVAILABLE = "witness_unavailable", "Witness Unavailable"
    PENDING_LITIGATION = "closed_pending_litigation", "Closed - Pending Litigation"
    MISC_RETIRED = "misc_subject_retired", "Miscellaneous - Subject Retired"
    MISC_RESIGNED = "misc_subject_resigned", "Miscellaneous - Subject Resigned"
    MISC_TERMINATED = "misc_subject_terminated", "Miscellaneous - Subject Terminated"
    MISC = "miscellaneous", "Miscellaneous"


SUBSTANTIATED = tuple(d for d in Disposition.values if d.startswith("substantiated"))
TRUNCATION_DISPOSITIONS = (
    Disposition.COMPLAINANT_UNCOOPERATIVE,
    Disposition.COMPLAINANT_UNAVAILABLE,
    Disposition.WITHDRAWN,
    Disposition.VICTIM_UNCOOPERATIVE,
    Disposition.VICTIM_UNAVAILABLE,
    Disposition.VICTIM_UNIDENTIFIED,
    Disposition.WITNESS_UNCOOPERATIVE,
    Disposition.WITNESS_UNAVAILABLE,
    Disposition.OFFICER_UNIDENTIFIED,
    Disposition.PENDING_LITIGATION,
    Disposition.MISC_RETIRED,
    Disposition.MISC_RESIGNED,
    Disposition.MISC_TERMINATED,
    Disposition.MISC,
)


def outcome_of(disposition: str) -> str:
    """The outcome group of a disposition, as the public reports use it."""
    if not disposition:
        return "open"
    if disposition in SUBSTANTIATED:
        return "substantiated"
    if disposition in ("unsubstantiated", "exonerated", "unfounded"):
        return disposition
    if disposition in ("mediated", "mediation_attempted"):
        return "mediated"
    return "truncated"


class Penalty(models.TextChoices):
    NONE = "", "None"
    INSTRUCTIONS = "instructions", "Instructions"
    TRAINING = "formalized_training", "Formalized Training"
    CD_A = "command_discipline_a", "Command Discipline A"
    CD_B = "command_discipline_b", "Command Discipline B (up to 10 days)"
    CHARGES = "charges", "Charges and Specifications"
    NO_ACTION = "no_disciplinary_action", "No disciplinary action"
    VACATION_DAYS = "vacation_days", "Forfeit vacation days"
    SUSPENSION = "suspension", "Suspension"
    DISMISSAL_PROBATION = "dismissal_probation", "Dismissal probation"
    TERMINATION = "termination", "Termination"
    OTHER = "other", "Other (see note)"


class ConfidentialityFlags(models.Model):
    """Contract 4: what may never leave the department (oversight packets, exports, counts)."""

    is_sealed = models.BooleanField(default=False)
    involves_juvenile = models.BooleanField(default=False)
    victim_protected = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def is_restricted(self) -> bool:
        return self.is_sealed or self.involves_juvenile or self.victim_protected


# --- civilian complaints ---------------------------------------------------------------------
class Complaint(ConfidentialityFlags):
    class Channel(models.TextChoices):
        WEB = "web", "Public web form"
        PHONE = "phone", "Phone"
        WALK_IN = "walk_in", "Walk-in at the precinct"
        NYC311 = "311", "311"
        MAIL = "mail", "Mail"
        REFERRAL = "referral", "Referral from another agency"
        IMPORTED = "imported", "Imported CCRB record"

    class Status(models.TextChoices):
        INTAKE = "intake", "Intake"
        SCREENING = "screening", "Jurisdiction screen"
        REFERRED = "referred", "Referred (not FADO)"
        ASSIGNED = "assigned", "Assigned"
        MEDIATION_OFFERED = "mediation_offered", "Mediation offered"
        MEDIATION_SCHEDULED = "mediation_scheduled", "Mediation scheduled"
        MEDIATED = "mediated", "Mediated"
        INVESTIGATING = "investigating", "Investigating"
        TRUNCATED = "truncated", "Truncated"
        CLOSING_REPORT = "closing_report", "Closing report"
        BOARD_REVIEW = "board_review", "Panel review"
        FINDINGS = "findings", "Findings"
        PENALTY = "penalty", "Penalty recommended"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        STAFF = "staff", "Entered by staff"
        PUBLIC = "public", "Public web form"
        PROPUBLICA = "ccrb_propublica", "CCRB via ProPublica (2020)"
        MOS = "ccrb_mos", "CCRB member-of-service histories (2021)"

    class Truncation(models.TextChoices):
        NONE = "", "—"
        COMPLAINANT_UNCOOPERATIVE = "complainant_uncooperative", "Complainant uncooperative"
        COMPLAINANT_UNAVAILABLE = "complainant_unavailable", "Complainant unavailable"
        WITHDRAWN = "complaint_withdrawn", "Complaint withdrawn"
        VICTIM_UNIDENTIFIED = "victim_unidentified", "Victim unidentified"
        OFFICER_UNIDENTIFIED = "officer_unidentified", "Officer unidentified"
        PENDING_LITIGATION = "closed_pending_litigation", "Closed, pending litigation"
        OFFICER_SEPARATED = "misc_subject_separated", "Officer separated (miscellaneous)"
        BUDGET = "budget_closure", "Budget closure"

    number = models.CharField(max_length=30, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    source_key = models.CharField(max_length=60, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.INTAKE, db_index=True
    )
    received_at = models.DateTimeField(default=timezone.now)
    received_date = models.DateField(db_index=True)
    acknowledgement_due = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    incident_at = models.DateTimeField(null=True, blank=True)
    incident_date = models.DateField(null=True, blank=True, db_index=True)
    sol_date = models.DateField(
        "18-month limit", null=True, blank=True, help_text="Incident date + 18 months."
    )
    location = models.CharField(max_length=200, blank=True)
    precinct = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    officer_description = models.TextField(
        blank=True, help_text="Names, shield numbers, descriptions, vehicle numbers as given."
    )
    unit_description = models.CharField(max_length=100, blank=True)
    anonymous = models.BooleanField(default=False)
    complainant_name = models.CharField(max_length=120, blank=True)
    complainant_email = models.EmailField(blank=True)
    complainant_phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=40, blank=True)
    tracking_code = models.CharField(max_length=20, blank=True, db_index=True)
    is_fado = models.BooleanField(null=True, blank=True)
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )
    truncation_reason = models.CharField(
        max_length=30, choices=Truncation.choices, blank=True, default=""
    )
    mediation_attempted = models.BooleanField(default=False)
    closing_report = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="complaint_source_once"
            ),
        ]
        indexes = [models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"Complaint {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status not in (
            self.Status.CLOSED,
            self.Status.REFERRED,
            self.Status.MEDIATED,
            self.Status.TRUNCATED,
        )


class Allegation(ConfidentialityFlags):
    """One officer, one act: FADO type, sub-type, the finding and the penalty.

    Belongs to a civilian complaint or to an internal-affairs case (exactly one).
    """

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="allegations"
    )
    ia_case = models.ForeignKey(
        "IACase", null=True, blank=True, on_delete=models.CASCADE, related_name="allegations"
    )
    officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations"
    )
    officer_description = models.CharField(max_length=200, blank=True)
    fado_type = models.CharField(max_length=24, choices=FadoType.choices, blank=True)
    allegation = models.CharField("sub-type", max_length=120, blank=True)
    description = models.TextField(blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    disposition = models.CharField(
        max_length=40, choices=Disposition.choices, blank=True, default=""
    )
    board_disposition = models.CharField(
        max_length=80, blank=True, help_text="The disposition text as published (imports)."
    )
    finding_note = models.TextField(blank=True)
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finding_at = models.DateTimeField(null=True, blank=True)
    penalty_recommended = models.CharField(
        max_length=30, choices=Penalty.choices, blank=True, default=""
    )
    penalty_final = models.CharField(max_length=30, choices=Penalty.choices, blank=True, default="")
    penalty_note = models.CharField(max_length=200, blank=True)
    nypd_disposition = models.CharField(max_length=80, blank=True)
    rank_at_incident = models.CharField(max_length=60, blank=True)
    command_at_incident = models.CharField(max_length=40, blank=True)
    contact_reason = models.CharField(max_length=120, blank=True)
    outcome_description = models.CharField(max_length=120, blank=True)
    complainant_ethnicity = models.CharField(max_length=40, blank=True)
    complainant_gender = models.CharField(max_length=40, blank=True)
    complainant_age = models.PositiveSmallIntegerField(null=True, blank=True)
    source_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="allegation_source_once"
            ),
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, ia_case__isnull=True)
                | Q(complaint__isnull=True, ia_case__isnull=False),
                name="allegation_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_fado_type_display()}: {self.allegation}"

    @property
    def outcome(self) -> str:
        return outcome_of(self.disposition)


class Referral(models.Model):
    """A non-FADO matter sent elsewhere, tracked to its outcome."""

    class Recipient(models.TextChoices):
        IAB = "iab", "Internal Affairs Bureau"
        COMMAND = "command", "Officer's command"
        CHIEF = "chief_of_department", "Office of the Chief of Department"
        OTHER = "other_agency", "Other agency"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="referrals")
    recipient = models.CharField(max_length=24, choices=Recipient.choices)
    agency_name = models.CharField(max_length=120, blank=True)
    reference = models.CharField("their reference", max_length=60, blank=True)
    reason = models.TextField()
    referred_at = models.DateTimeField(default=timezone.now)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Referral to {self.get_recipient_display()}"


# --- internal affairs ------------------------------------------------------------------------
class IACase(ConfidentialityFlags):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        FORCE = "force", "Use of force"
        PURSUIT = "pursuit", "Vehicle pursuit"
        FIREARM = "firearm_discharge", "Firearm discharge"
        VEHICLE_ACCIDENT = "vehicle_accident", "Vehicle accident"
        IN_CUSTODY_INJURY = "in_custody_injury", "In-custody injury"
        LACK_OF_SERVICE = "lack_of_service", "Lack of service"
        COMMENDATION = "commendation", "Commendation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        PENDING_APPROVAL = "pending_approval", "Awaiting supervisory approval"
        FINDINGS = "findings", "Findings approved"
        DISCIPLINE = "discipline", "Discipline"
        APPEAL = "appeal", "Appeal"
        CLOSED = "closed", "Closed"

    number = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    occurred_on = models.DateField(null=True, blank=True, db_index=True)
    officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="ia_cases"
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="ia_cases"
    )
    force_report = models.ForeignKey(
        "ForceReport", null=True, blank=True, on_delete=models.PROTECT, related_name="ia_cases"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    findings_summary = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    discipline = models.CharField(max_length=30, choices=Penalty.choices, blank=True, default="")
    discipline_note = models.CharField(max_length=200, blank=True)
    appeal_outcome = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"IA case {self.number}"

    @property
    def sol_date(self) -> date | None:
        """The 18-month limit on administrative charges, counted from the incident."""
        from openprecinct.accountability.sol import sol_date

        return sol_date(self.occurred_on) if self.occurred_on else None


# --- tasks, evidence requests, attachments, the timeline ------------------------------------
class CaseTask(models.Model):
    """An investigation task or an evidence request with a due date."""

    class Kind(models.TextChoices):
        TASK = "task", "Task"
        INTERVIEW = "interview", "Interview"
        EVIDENCE_REQUEST = "evidence_request", "Evidence request"

    class EvidenceKind(models.TextChoices):
        NONE = "", "—"
        BWC = "bwc", "Body-camera footage"
        FORCE_REPORT = "force_report", "Force (TRI) report"
        CALL_RECORD = "call_record", "Call record (CAD)"
        RADIO = "radio", "Radio recording"
        STOP_REPORT = "stop_report", "Stop report"
        OTHER = "other", "Other record"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    ia_case = models.ForeignKey(
        IACase, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TASK)
    evidence_kind = models.CharField(
        max_length=20, choices=EvidenceKind.choices, blank=True, default=""
    )
    title = models.CharField(max_length=200)
    requested_from = models.CharField(max_length=120, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, ia_case__isnull=True)
                | Q(complaint__isnull=True, ia_case__isnull=False),
                name="task_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(ConfidentialityFlags):
    """A document on a complaint or case (statement, letter, photo description, link)."""

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    ia_case = models.ForeignKey(
        IACase, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    evidence_uuid = models.UUIDField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """The visible timeline of a complaint, IA case or force report: every step, who, when."""

    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    ia_case = models.ForeignKey(
        IACase, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    force_report = models.ForeignKey(
        "ForceReport", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"


# --- use of force ----------------------------------------------------------------------------
class ForceType(models.TextChoices):
    HANDS = "hands", "Hand/foot strikes"
    TAKEDOWN = "takedown", "Forcible take-down / wrestling to ground"
    OC_SPRAY = "oc_spray", "OC (pepper) spray"
    CEW_CARTRIDGE = "cew_cartridge", "CEW (taser), cartridge mode"
    CEW_DRIVE_STUN = "cew_drive_stun", "CEW (taser), drive-stun"
    MESH_BLANKET = "mesh_blanket", "Mesh restraint blanket"
    IMPACT_WEAPON = "impact_weapon", "Strike with an object / baton"
    CANINE = "canine", "Canine bite"
    VEHICLE = "vehicle", "Vehicle"
    FIREARM = "firearm", "Firearm discharge"
    OTHER = "other", "Other"


class Injury(models.TextChoices):
    NONE = "none", "No injury"
    MINOR = "minor", "Minor (complaint of pain, abrasion)"
    SUBSTANTIAL = "substantial", "Substantial"
    SERIOUS = "serious", "Serious bodily injury"
    DEATH = "death", "Death"


class ForceReport(models.Model):
    """A Threat, Resistance or Injury (TRI) report, NYPD levels 1-4, and its review chain."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUPERVISOR_REVIEW = "supervisor_review", "Supervisor review"
        COMMAND_REVIEW = "command_review", "Command review"
        IA_REVIEW = "ia_review", "Internal-affairs review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        DISPOSITIONED = "dispositioned", "Dispositioned"
        CLOSED = "closed", "Closed"

    class Level(models.IntegerChoices):
        L1 = 1, "Level 1 (e.g. take-down, OC spray)"
        L2 = 2, "Level 2 (e.g. strike with object, drive-stun, alleged excessive force)"
        L3 = 3, "Level 3 (serious injury)"
        L4 = 4, "Level 4 (deadly force, death)"

    class Finding(models.TextChoices):
        NONE = "", "—"
        WITHIN_POLICY = "within_policy", "Within policy"
        POLICY_VIOLATION = "policy_violation", "Policy violation (IA case)"
        TRAINING = "training_issue", "Training issue"
        TACTICS = "tactics_equipment", "Tactics or equipment issue"

    number = models.CharField(max_length=30, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    occurred_at = models.DateTimeField()
    occurred_on = models.DateField(db_index=True)
    location = models.CharField(max_length=200)
    precinct = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    reason_for_contact = models.CharField(max_length=120, blank=True)
    call_ref = models.CharField("call for service", max_length=40, blank=True)
    narrative = models.TextField()
    officer_approached = models.BooleanField(default=False)
    ambush = models.BooleanField(default=False)
    supervisor_present = models.BooleanField(default=False)
    firearm_discharged_at_person = models.BooleanField(default=False)
    fbi_reportable = models.BooleanField(default=False)
    submission_due_at = models.DateTimeField()
    completion_due_on = models.DateField()
    finding = models.CharField(max_length=24, choices=Finding.choices, blank=True, default="")
    recommendation = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="force_reports"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    is_sealed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"Force report {self.number}"


class ForceSubject(models.Model):
    report = models.ForeignKey(ForceReport, on_delete=models.CASCADE, related_name="subjects")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    race = models.CharField(max_length=40, blank=True)
    behaviour = models.CharField(max_length=120, blank=True)
    armed = models.BooleanField(default=False)
    injury = models.CharField(max_length=12, choices=Injury.choices, default=Injury.NONE)
    arrested = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Subject of {self.report}"


class ForceOfficer(models.Model):
    report = models.ForeignKey(ForceReport, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="force_uses")
    force_types = models.JSONField(default=list)
    injury = models.CharField(max_length=12, choices=Injury.choices, default=Injury.NONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "officer"], name="force_officer_once")
        ]

    def __str__(self) -> str:
        return f"{self.officer} in {self.report}"


class ForceReview(models.Model):
    """Every step of the chain of review. Change requests are kept, never wiped."""

    report = models.ForeignKey(ForceReport, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=20)
    action = models.CharField(max_length=24)
    comments = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} ({self.stage})"


# --- deadlines --------------------------------------------------------------------------------
class DeadlineAlert(models.Model):
    """A deadline warning raised on a given local day; raised once per (thing, kind, day)."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement due (7 days)"
        SOL = "sol", "18-month limit"
        TASK = "task", "Task or evidence request due"
        FORCE_SUBMISSION = "force_submission", "Force report submission due"
        FORCE_COMPLETION = "force_completion", "Force report review due"
        IA_CASE = "ia_case", "IA case due"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    due_on = models.DateField()
    days_left = models.IntegerField()
    raised_on = models.DateField()
    message = models.CharField(max_length=200)
    is_sealed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "due_on", "days_left"],
                name="alert_once",
            )
        ]

    def __str__(self) -> str:
        return self.message


# --- CCRB imports ----------------------------------------------------------------------------
class CCRBImportRun(models.Model):
    """One run of the CCRB importer over one file; its counts reconcile with the file."""

    dataset = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dataset} import {self.started_at:%Y-%m-%d}"


class CCRBQuarantinedRow(models.Model):
    run = models.ForeignKey(CCRBImportRun, on_delete=models.CASCADE, related_name="bad_rows")
    line_number = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    raw = models.JSONField()

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class CaseLink(models.Model):
    """A call for service, evidence item or force report linked to a complaint (accepted suggestion)."""

    class Kind(models.TextChoices):
        CALL = "call", "Call for service"
        EVIDENCE = "evidence", "Evidence item"
        FORCE_REPORT = "force_report", "Force report"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    ref = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind", "ref"], name="case_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"
