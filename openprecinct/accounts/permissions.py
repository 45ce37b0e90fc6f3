"""Every access rule of OpenPrecinct, as a question about a user (and maybe an object).

Deny by default: a user who is inactive, locked, or has no role gets ``False`` from every
rule. Views and APIs ask these functions; nothing else decides who may do what. Selectors
use them to filter, and return the same "not found" for missing and forbidden records.
"""

from __future__ import annotations

from typing import Any

from openprecinct.accounts.roles import Role

R = Role


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False) or getattr(user, "locked_at", None) is not None:
        return None
    return getattr(user, "role", "") or None


def _has(user: Any, *roles: Role) -> bool:
    role = _role(user)
    return role is not None and role in roles


SWORN_FIELD = (R.PATROL_OFFICER, R.SERGEANT, R.COMMANDING_OFFICER)
RECORD_READERS = (
    R.PATROL_OFFICER,
    R.SERGEANT,
    R.CRIME_ANALYST,
    R.DISPATCHER,
    R.COMMANDING_OFFICER,
    R.RECORDS_CLERK,
    R.IA_INVESTIGATOR,
)
SUPERVISORS = (R.SERGEANT, R.COMMANDING_OFFICER)


# --- the platform --------------------------------------------------------------------------
def can_use_staff_pages(user: Any) -> bool:
    """Signed in, active, not locked. A user with no role sees only a 'no role' home page."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "locked_at", None) is None
    )


def can_manage_users(user: Any) -> bool:
    return _has(user, R.ADMINISTRATOR)


def can_unlock_account(user: Any, target: Any = None) -> bool:
    return _has(user, R.ADMINISTRATOR) and (target is None or target.pk != user.pk)


def can_view_audit_log(user: Any) -> bool:
    return _has(user, R.ADMINISTRATOR, R.IA_INVESTIGATOR)


def can_view_map(user: Any) -> bool:
    return _role(user) is not None


# --- incident records ----------------------------------------------------------------------
def can_view_records(user: Any) -> bool:
    return _has(user, *RECORD_READERS)


def can_view_sealed_records(user: Any) -> bool:
    return _has(user, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR, R.RECORDS_CLERK)


def can_view_record(user: Any, record: Any) -> bool:
    if not can_view_records(user):
        return False
    if getattr(record, "is_sealed", False):
        return can_view_sealed_records(user)
    author_id = getattr(record, "author_id", None)
    status = getattr(record, "status", "")
    if status in ("draft", "returned") and author_id is not None:
        # An unfinished report is its author's and their supervisors' business.
        return author_id == user.pk or _has(user, *SUPERVISORS)
    return True


def can_create_report(user: Any) -> bool:
    return _has(user, *SWORN_FIELD)


def can_edit_report(user: Any, report: Any) -> bool:
    return (
        can_create_report(user)
        and report.author_id == user.pk
        and report.status in ("draft", "returned")
    )


def can_submit_report(user: Any, report: Any) -> bool:
    return can_edit_report(user, report)


def can_approve_report(user: Any, report: Any) -> bool:
    """A supervisor may approve or return a submitted report, never their own."""
    return _has(user, *SUPERVISORS) and report.status == "submitted" and report.author_id != user.pk


def can_add_supplement(user: Any, report: Any) -> bool:
    return _has(user, *SWORN_FIELD, R.RECORDS_CLERK) and report.status == "approved"


def can_seal_record(user: Any, record: Any = None) -> bool:
    return _has(user, R.COMMANDING_OFFICER, R.RECORDS_CLERK)


def can_import_records(user: Any) -> bool:
    return _has(user, R.RECORDS_CLERK, R.ADMINISTRATOR)


def can_export_records(user: Any) -> bool:
    return _has(user, R.RECORDS_CLERK, R.CRIME_ANALYST, R.COMMANDING_OFFICER)


def can_export_nibrs(user: Any) -> bool:
    return _has(user, R.RECORDS_CLERK, R.COMMANDING_OFFICER)


# --- CompStat and analysis -------------------------------------------------------------------
def can_view_compstat(user: Any) -> bool:
    return _has(
        user,
        R.COMMANDING_OFFICER,
        R.CRIME_ANALYST,
        R.SERGEANT,
        R.PATROL_OFFICER,
        R.DISPATCHER,
        R.RECORDS_CLERK,
        R.COMMUNITY_AFFAIRS,
    )


def can_run_analysis(user: Any) -> bool:
    return _has(user, R.CRIME_ANALYST, R.COMMANDING_OFFICER)


# --- dispatch --------------------------------------------------------------------------------
def can_dispatch(user: Any) -> bool:
    return _has(user, R.DISPATCHER, R.SERGEANT)


def can_use_mobile_view(user: Any) -> bool:
    return _has(user, R.PATROL_OFFICER, R.SERGEANT)


def can_resolve_unit_emergency(user: Any) -> bool:
    """A 10-13 is never cleared by the officer alone: a dispatcher or a supervisor does it."""
    return _has(user, R.DISPATCHER, *SUPERVISORS)


def can_flag_hazard(user: Any) -> bool:
    """Premise hazards and BOLOs: sworn field staff and dispatchers."""
    return _has(user, *SWORN_FIELD, R.DISPATCHER)


def can_review_hazards(user: Any) -> bool:
    """Keep or retire a premise hazard flag at its review date: supervisors only."""
    return _has(user, *SUPERVISORS)


def can_view_response_times(user: Any) -> bool:
    return _has(user, R.DISPATCHER, R.CRIME_ANALYST, *SUPERVISORS)


def can_plan_patrol(user: Any) -> bool:
    """Run the patrol-allocation models (hypercube, PCAM) on the precinct's sectors."""
    return _has(user, R.CRIME_ANALYST, R.COMMANDING_OFFICER)


# --- accountability --------------------------------------------------------------------------
# Complaints and IA cases are seen by internal affairs and the commanding officer only: a
# patrol officer or sergeant never sees complaints against colleagues. Sealed complaints and
# cases are internal affairs' alone (not in the commanding officer's lists, counts, exports).
ACCOUNTABILITY_INTAKE = (R.SERGEANT, R.RECORDS_CLERK, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)

# Who may take each step of a civilian complaint (the step's legality is the transition table
# in accountability/services.py). Findings and penalties are decided by the reviewing
# authority (the commanding officer as the department's panel); IA does the investigation.
COMPLAINT_ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "screen": (R.IA_INVESTIGATOR,),
    "refer": (R.IA_INVESTIGATOR,),
    "assign": (R.IA_INVESTIGATOR, R.COMMANDING_OFFICER),
    "offer_mediation": (R.IA_INVESTIGATOR,),
    "schedule_mediation": (R.IA_INVESTIGATOR,),
    "mediation_declined": (R.IA_INVESTIGATOR,),
    "mediation_failed": (R.IA_INVESTIGATOR,),
    "complete_mediation": (R.IA_INVESTIGATOR,),
    "start_investigation": (R.IA_INVESTIGATOR,),
    "truncate": (R.IA_INVESTIGATOR, R.COMMANDING_OFFICER),
    "submit_closing_report": (R.IA_INVESTIGATOR,),
    "send_to_panel": (R.COMMANDING_OFFICER,),
    "return_to_investigation": (R.COMMANDING_OFFICER,),
    "record_findings": (R.COMMANDING_OFFICER,),
    "recommend_penalty": (R.COMMANDING_OFFICER,),
    "close": (R.COMMANDING_OFFICER,),
    "reopen": (R.COMMANDING_OFFICER,),
}
IA_CASE_ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "start_investigation": (R.IA_INVESTIGATOR,),
    "submit_for_approval": (R.IA_INVESTIGATOR,),
    "return": (R.COMMANDING_OFFICER,),
    "approve": (R.COMMANDING_OFFICER,),
    "impose_discipline": (R.COMMANDING_OFFICER,),
    "appeal": (R.IA_INVESTIGATOR, R.COMMANDING_OFFICER),
    "decide_appeal": (R.COMMANDING_OFFICER,),
    "close": (R.COMMANDING_OFFICER,),
    "reopen": (R.COMMANDING_OFFICER,),
}
# Use-of-force review chain: the author submits, a sergeant (never the author) reviews, the
# commanding officer reviews, internal affairs reviews level 2-4; reviewers may ask for changes.
FORCE_ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "submit": (R.PATROL_OFFICER, R.SERGEANT, R.COMMANDING_OFFICER),
    "supervisor_approve": (R.SERGEANT,),
    "command_approve": (R.COMMANDING_OFFICER,),
    "ia_approve": (R.IA_INVESTIGATOR,),
    "request_changes": (R.SERGEANT, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR),
    "close": (R.COMMANDING_OFFICER,),
}
FORCE_STAGE_REVIEWERS: dict[str, tuple[Role, ...]] = {
    "supervisor_review": (R.SERGEANT,),
    "command_review": (R.COMMANDING_OFFICER,),
    "ia_review": (R.IA_INVESTIGATOR,),
}


def can_view_complaints(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_view_sealed_complaints(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR)


def can_view_complaint(user: Any, complaint: Any) -> bool:
    if not can_view_complaints(user):
        return False
    if getattr(complaint, "is_sealed", False):
        return can_view_sealed_complaints(user)
    return True


def can_enter_complaint(user: Any) -> bool:
    """Staff intake (phone, walk-in, 311, mail, referral)."""
    return _has(user, *ACCOUNTABILITY_INTAKE)


def can_act_on_complaint(user: Any, complaint: Any, action: str) -> bool:
    roles = COMPLAINT_ACTION_ROLES.get(action, ())
    return can_view_complaint(user, complaint) and _has(user, *roles)


def can_work_complaint(user: Any, complaint: Any) -> bool:
    """Add allegations, tasks, evidence requests, links, findings, acknowledgements."""
    return can_view_complaint(user, complaint) and _has(user, R.IA_INVESTIGATOR)


def can_seal_complaint(user: Any, complaint: Any = None) -> bool:
    return _has(user, R.IA_INVESTIGATOR)


def can_view_ia_cases(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_open_ia_case(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_act_on_ia_case(user: Any, case: Any, action: str) -> bool:
    if not can_view_ia_cases(user):
        return False
    if getattr(case, "is_sealed", False) and not can_view_sealed_complaints(user):
        return False
    return _has(user, *IA_CASE_ACTION_ROLES.get(action, ()))


def can_view_force_reports(user: Any) -> bool:
    return _has(user, R.PATROL_OFFICER, R.SERGEANT, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)


def can_view_all_force_reports(user: Any) -> bool:
    """Patrol officers see only the force reports they wrote."""
    return _has(user, R.SERGEANT, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)


def can_create_force_report(user: Any) -> bool:
    return _has(user, *SWORN_FIELD)


def can_edit_force_report(user: Any, report: Any) -> bool:
    return (
        can_create_force_report(user)
        and report.author_id == user.pk
        and report.status in ("draft", "changes_requested")
    )


def can_act_on_force_report(user: Any, report: Any, action: str) -> bool:
    if action == "submit":
        return can_edit_force_report(user, report)
    if not _has(user, *FORCE_ACTION_ROLES.get(action, ())):
        return False
    if report.author_id == user.pk:
        return False  # nobody reviews their own report
    if action == "request_changes":
        return _has(user, *FORCE_STAGE_REVIEWERS.get(report.status, ()))
    return True


def can_export_force_reports(user: Any) -> bool:
    """The FBI National Use-of-Force Data Collection export."""
    return _has(user, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)


def can_export_complaints(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_view_accountability_dashboard(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_import_ccrb(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.ADMINISTRATOR)


def can_manage_officers(user: Any) -> bool:
    return _has(user, R.IA_INVESTIGATOR, R.COMMANDING_OFFICER, R.ADMINISTRATOR)


def can_view_oversight_packets(user: Any) -> bool:
    return _has(user, R.OVERSIGHT_MEMBER)


# --- oversight: the civilian oversight committee ---------------------------------------------
# Staff (internal affairs, the commanding officer) prepare packets and open members' access;
# members read packets only while their access is open, vote and recommend; the commanding
# officer answers for the department. Sealed material is for can_view_sealed_records only.
OVERSIGHT_STAFF = (R.IA_INVESTIGATOR, R.COMMANDING_OFFICER)


def can_use_oversight(user: Any) -> bool:
    return _has(user, R.OVERSIGHT_MEMBER, *OVERSIGHT_STAFF)


def can_staff_oversight(user: Any) -> bool:
    """Select eligible cases, build packets, open and close members' access, withdraw."""
    return _has(user, *OVERSIGHT_STAFF)


def can_read_packet(user: Any, *, access_open: bool = False) -> bool:
    """A member reads a (redacted) packet only while their access is open; staff may check it."""
    if _has(user, R.OVERSIGHT_MEMBER):
        return bool(access_open)
    return can_staff_oversight(user)


def can_vote_in_committee(user: Any) -> bool:
    return _has(user, R.OVERSIGHT_MEMBER)


def can_issue_recommendation(user: Any) -> bool:
    return _has(user, R.OVERSIGHT_MEMBER)


def can_respond_to_recommendation(user: Any) -> bool:
    """Only the department answers (and only the Police Commissioner's delegate imposes)."""
    return _has(user, R.COMMANDING_OFFICER)


def can_see_packet_withholdings(user: Any) -> bool:
    """How much was withheld from a packet, and why: itself sensitive (it tells that sealed or
    juvenile material exists), so only for those who may see sealed records."""
    return can_view_sealed_records(user) and can_staff_oversight(user)


# --- personnel: early intervention, training, wellness ----------------------------------------
def can_view_early_intervention(user: Any) -> bool:
    return _has(user, R.SERGEANT, R.COMMANDING_OFFICER)


def can_view_alert(user: Any, alert: Any) -> bool:
    """Supervisors see alerts, never one about themselves."""
    officer_user_id = getattr(getattr(alert, "officer", None), "user_id", None)
    return can_view_early_intervention(user) and officer_user_id != user.pk


def can_triage_alert(user: Any, alert: Any = None) -> bool:
    """The commanding officer acts as the early-intervention coordinator."""
    return _has(user, R.COMMANDING_OFFICER) and (alert is None or can_view_alert(user, alert))


def can_review_alert(user: Any, alert: Any = None) -> bool:
    return can_view_early_intervention(user) and (alert is None or can_view_alert(user, alert))


def can_manage_eis_rules(user: Any) -> bool:
    return _has(user, R.COMMANDING_OFFICER)


def can_view_training(user: Any) -> bool:
    return _has(user, R.SERGEANT, R.COMMANDING_OFFICER, R.ADMINISTRATOR)


def can_record_training(user: Any) -> bool:
    return _has(user, R.SERGEANT, R.COMMANDING_OFFICER)


def can_record_wellness(user: Any) -> bool:
    """Wellness participation is entered by the programme's coordinator account only."""
    return _has(user, R.ADMINISTRATOR)


def can_view_wellness_aggregate(user: Any) -> bool:
    """Only counts, with small counts suppressed; nobody sees who took part."""
    return _has(user, R.COMMANDING_OFFICER, R.ADMINISTRATOR)


# --- community -------------------------------------------------------------------------------
COMMUNITY_STAFF = (R.COMMUNITY_AFFAIRS, R.COMMANDING_OFFICER)
TIP_INVESTIGATORS = (R.PATROL_OFFICER, R.SERGEANT, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)


def can_manage_community(user: Any) -> bool:
    """Events, meetings, problems, watch groups, volunteers, the academy, posts, surveys."""
    return _has(user, *COMMUNITY_STAFF)


def can_triage_tips(user: Any) -> bool:
    """The tip coordinator: triage, screen (scrub), assign, record outcomes, close."""
    return _has(user, *COMMUNITY_STAFF)


def can_view_tip(user: Any, tip: Any) -> bool:
    """Coordinators see every tip; an investigator sees a tip only once it was screened and
    assigned to them, and then only the screened text (never the original)."""
    if can_triage_tips(user):
        return True
    return (
        _has(user, *TIP_INVESTIGATORS)
        and getattr(tip, "assigned_to_id", None) == user.pk
        and getattr(tip, "status", "") in ("assigned", "disposed")
    )


def can_view_tip_original(user: Any, tip: Any = None) -> bool:
    """The unscreened narrative is the coordinator's alone."""
    return can_triage_tips(user)


def can_reply_to_tip(user: Any, tip: Any) -> bool:
    return can_view_tip(user, tip) and getattr(tip, "status", "") not in ("closed", "purged")


def can_review_sars(user: Any) -> bool:
    """Suspicious-activity reports: reviewed by a supervisor or the CO (28 CFR 23 gate)."""
    return _has(user, R.SERGEANT, R.COMMANDING_OFFICER, R.COMMUNITY_AFFAIRS)


def can_review_safety_post(user: Any, post: Any = None) -> bool:
    """Reviewer of a safety post: community staff or a sergeant, never the post's author."""
    if not _has(user, *COMMUNITY_STAFF, R.SERGEANT):
        return False
    return post is None or getattr(post, "author_id", None) != user.pk


def can_manage_donations(user: Any) -> bool:
    return _has(user, *COMMUNITY_STAFF)


def can_check_donation_conflicts(user: Any, donation: Any = None) -> bool:
    """The conflict-of-interest check is the commanding officer's, never the recorder's."""
    if not _has(user, R.COMMANDING_OFFICER):
        return False
    return donation is None or getattr(donation, "recorded_by_id", None) != user.pk


def can_manage_grants(user: Any) -> bool:
    return _has(user, *COMMUNITY_STAFF)


def can_use_open311(user: Any) -> bool:
    """City 311 systems connect with an API token of a community-affairs account."""
    return _has(user, *COMMUNITY_STAFF, R.DISPATCHER)


# --- evidence --------------------------------------------------------------------------------
# (rules for body-worn-camera and drone footage; see openprecinct/evidence)
# Items are asked about through their attributes and two methods, ``has_grant_for(user)``
# (the internal access list, unexpired entries only) and ``linked_for_oversight()`` /
# ``linked_for_internal_affairs()`` (links to complaints and cases), so this module never
# imports the evidence app.
EVIDENCE_READERS = (
    R.PATROL_OFFICER,
    R.SERGEANT,
    R.COMMANDING_OFFICER,
    R.RECORDS_CLERK,
    R.IA_INVESTIGATOR,
    R.OVERSIGHT_MEMBER,
)
EVIDENCE_UPLOADERS = (R.PATROL_OFFICER, R.SERGEANT, R.COMMANDING_OFFICER, R.RECORDS_CLERK)
EVIDENCE_CUSTODIANS = (R.COMMANDING_OFFICER, R.RECORDS_CLERK)


def can_view_evidence_list(user: Any) -> bool:
    return _has(user, *EVIDENCE_READERS)


def can_upload_evidence(user: Any) -> bool:
    return _has(user, *EVIDENCE_UPLOADERS)


def can_view_evidence_item(user: Any, item: Any) -> bool:
    """Deny by default. Oversight members see only footage linked to a case referred to them;
    internal affairs sees footage linked to complaints and cases, whatever its access class;
    otherwise the access class decides, and the internal access list can add a person."""
    if not can_view_evidence_list(user):
        return False
    if _has(user, R.OVERSIGHT_MEMBER):
        return bool(item.linked_for_oversight()) or bool(item.has_grant_for(user))
    if _has(user, R.IA_INVESTIGATOR) and item.linked_for_internal_affairs():
        return True
    if item.has_grant_for(user):
        return True
    access = getattr(item, "access_class", "standard")
    own = user.pk in (getattr(item, "officer_id", None), getattr(item, "uploaded_by_id", None))
    if access == "confidential":
        return _has(user, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)
    if access == "restricted":
        return own or _has(user, R.SERGEANT, R.COMMANDING_OFFICER, R.IA_INVESTIGATOR)
    return _has(user, *EVIDENCE_UPLOADERS, R.IA_INVESTIGATOR)


def can_manage_evidence(user: Any, item: Any = None) -> bool:
    """Categorise, link, change the access class and the access list."""
    return _has(user, R.SERGEANT, *EVIDENCE_CUSTODIANS)


def can_hold_evidence(user: Any, item: Any = None) -> bool:
    return _has(user, *EVIDENCE_CUSTODIANS, R.IA_INVESTIGATOR)


def can_request_evidence_deletion(user: Any, item: Any = None) -> bool:
    return _has(user, *EVIDENCE_CUSTODIANS)


def can_share_evidence(user: Any, item: Any) -> bool:
    """External share links; never for an item marked do-not-disclose."""
    return _has(user, *EVIDENCE_CUSTODIANS) and not getattr(item, "do_not_disclose", True)


def can_request_redaction(user: Any, item: Any) -> bool:
    return can_view_evidence_item(user, item) and _has(user, *EVIDENCE_UPLOADERS, R.IA_INVESTIGATOR)


def can_review_redaction(user: Any, redaction: Any) -> bool:
    """A custodian reviews a redaction request, never their own."""
    return _has(user, *EVIDENCE_CUSTODIANS) and redaction.requested_by_id != user.pk


def can_manage_drones(user: Any) -> bool:
    """The aircraft registry and flight records (pilots are sworn field staff)."""
    return _has(user, *SWORN_FIELD)


# --- end evidence ----------------------------------------------------------------------------


# --- background jobs (openprecinct.core.jobs) -------------------------------------------------
def can_view_job(user: Any, job: Any) -> bool:
    """A job's progress page: the person who started it, and administrators."""
    role = _role(user)
    if role is None:
        return False
    if role == R.ADMINISTRATOR:
        return True
    return job.submitted_by_id is not None and job.submitted_by_id == user.pk


def can_run_scheduled_jobs(user: Any) -> bool:
    """Start a scheduled job (retention purge, fixity sweep, early intervention) by hand."""
    return _has(user, R.ADMINISTRATOR)


# --- end background jobs ------------------------------------------------------------------------
