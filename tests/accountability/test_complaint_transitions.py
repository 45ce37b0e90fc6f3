"""The complaint lifecycle: every (stage, step) pair, tried by every role.

A step succeeds exactly when the transition table has it and the role may take it; a
successful step is written to the timeline and the audit log, a refused one changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from openprecinct.accountability import services
from openprecinct.accountability.models import Allegation, CaseEvent, Complaint
from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry

S = Complaint.Status


class Rollback(Exception):
    pass


def _params(action, personas):
    return {
        "note": "Because the record says so.",
        "reason": "complainant_uncooperative",
        "recipient": "iab",
        "investigator": personas["ia_investigator"],
    }


def _prepare(complaint: Complaint, allegation: Allegation, action: str) -> None:
    """Meet the step's own conditions, so only the table and the role decide."""
    changes: dict = {}
    if action == "offer_mediation":
        changes["fado_type"] = "discourtesy"
    if action in ("recommend_penalty",) or (action == "close" and complaint.status == S.PENALTY):
        changes.update(
            disposition="substantiated_cd_a",
            penalty_recommended="command_discipline_a",
            penalty_final="command_discipline_a",
        )
    elif action in ("record_findings", "close"):
        changes["disposition"] = "unsubstantiated"
    if changes:
        Allegation.objects.filter(pk=allegation.pk).update(**changes)
    if action == "submit_closing_report":
        Complaint.objects.filter(pk=complaint.pk).update(closing_report="Done.")


@pytest.fixture
def at_stage(new_complaint, officer):
    def make(status):
        c = new_complaint()
        Complaint.objects.filter(pk=c.pk).update(status=status)
        c.refresh_from_db()
        a = Allegation.objects.create(
            complaint=c, officer=officer, fado_type="abuse_of_authority", allegation="Stop"
        )
        return c, a

    return make


def test_the_table_names_only_known_stages_and_roles():
    for (before, action), after in services.COMPLAINT_TRANSITIONS.items():
        assert before in S.values and after in S.values
        assert action in perms.COMPLAINT_ACTION_ROLES
        assert action in services.ACTION_LABELS


@pytest.mark.parametrize("status", S.values)
def test_every_step_from_every_stage_by_every_role(status, personas, at_stage):
    complaint, allegation = at_stage(status)
    people = [personas[r.value] for r in Role] + [personas["outsider"]]
    tried = allowed_seen = 0
    for action in sorted(perms.COMPLAINT_ACTION_ROLES):
        in_table = (status, action) in services.COMPLAINT_TRANSITIONS
        for person in people:
            role_ok = person.role in perms.COMPLAINT_ACTION_ROLES[action]
            expected = in_table and role_ok
            tried += 1
            try:
                with transaction.atomic():
                    _prepare(complaint, allegation, action)
                    audits = AuditEntry.objects.count()
                    events = CaseEvent.objects.count()
                    try:
                        done = services.complaint_transition(
                            actor=person,
                            complaint=complaint,
                            action=action,
                            **_params(action, personas),
                        )
                    except ApplicationError as exc:
                        assert not expected, f"{person.role} {status}->{action}: {exc.message}"
                        if not in_table:
                            assert isinstance(exc, TransitionNotAllowed)
                        assert AuditEntry.objects.count() == audits
                        assert CaseEvent.objects.count() == events
                        raise Rollback from None
                    assert expected, f"{person.role} could take {status}->{action}"
                    allowed_seen += 1
                    assert done.status == services.COMPLAINT_TRANSITIONS[(status, action)]
                    entry = AuditEntry.objects.order_by("-seq").first()
                    assert entry.action == f"accountability.complaint.{action}"
                    assert entry.actor_id == person.pk
                    assert entry.object_id == str(complaint.pk)
                    event = CaseEvent.objects.order_by("-pk").first()
                    assert (event.action, event.from_status, event.to_status) == (
                        action,
                        status,
                        done.status,
                    )
                    raise Rollback
            except Rollback:
                pass
            complaint.refresh_from_db()
            assert complaint.status == status  # every attempt was rolled back or refused
    expected_allowed = sum(
        len([p for p in people if p.role in perms.COMPLAINT_ACTION_ROLES[a]])
        for (s, a) in services.COMPLAINT_TRANSITIONS
        if s == status
    )
    assert allowed_seen == expected_allowed
    assert tried == len(perms.COMPLAINT_ACTION_ROLES) * len(people)


def test_the_whole_lifecycle_with_its_guards(personas, new_complaint, officer):
    ia, co = personas["ia_investigator"], personas["commanding_officer"]
    c = new_complaint()
    step = services.complaint_transition
    step(actor=ia, complaint=c, action="screen")
    with pytest.raises(ApplicationError, match="investigator"):
        step(actor=ia, complaint=c, action="assign", investigator=co)
    step(actor=ia, complaint=c, action="assign", investigator=ia)
    a = services.allegation_add(
        actor=ia, complaint=c, fado_type="force", allegation="Physical force", officer=officer
    )
    with pytest.raises(ApplicationError, match="force is alleged"):
        step(actor=ia, complaint=c, action="offer_mediation")
    step(actor=ia, complaint=c, action="start_investigation")
    with pytest.raises(ApplicationError, match="closing report"):
        step(actor=ia, complaint=c, action="submit_closing_report")
    step(actor=ia, complaint=c, action="submit_closing_report", note="BWC shows a push.")
    step(actor=co, complaint=c, action="send_to_panel")
    with pytest.raises(ApplicationError, match="Every allegation needs a finding"):
        step(actor=co, complaint=c, action="record_findings")
    services.allegation_record_finding(actor=ia, allegation=a, disposition="substantiated_cd_b")
    step(actor=co, complaint=c, action="record_findings")
    with pytest.raises(ApplicationError, match="penalty recommendation"):
        step(actor=co, complaint=c, action="close")
    services.allegation_set_penalty(actor=co, allegation=a, penalty="command_discipline_b")
    step(actor=co, complaint=c, action="recommend_penalty")
    with pytest.raises(ApplicationError, match="final penalty"):
        step(actor=co, complaint=c, action="close")
    services.allegation_set_penalty(actor=co, allegation=a, penalty="vacation_days", final=True)
    c = step(actor=co, complaint=c, action="close")
    assert c.status == "closed" and c.closed_date == timezone.localdate()
    deviation = AuditEntry.objects.filter(action="accountability.allegation.penalty").last()
    assert deviation.details["deviates_from_recommendation"] is True
    with pytest.raises(ApplicationError, match="reason"):
        step(actor=co, complaint=c, action="reopen")
    c = step(actor=co, complaint=c, action="reopen", note="New video surfaced.")
    assert (c.status, c.reopen_count, c.closed_date) == ("investigating", 1, None)


def test_truncation_needs_a_reason_and_closes_open_allegations(personas, investigating):
    ia = personas["ia_investigator"]
    c = investigating()
    with pytest.raises(ApplicationError, match="truncation reason"):
        services.complaint_transition(actor=ia, complaint=c, action="truncate", reason="")
    c = services.complaint_transition(
        actor=ia, complaint=c, action="truncate", reason="complaint_withdrawn"
    )
    assert c.status == "truncated" and c.truncation_reason == "complaint_withdrawn"
    assert c.allegations.get().disposition == "complaint_withdrawn"


def test_mediation_path(personas, new_complaint, officer):
    ia = personas["ia_investigator"]
    c = new_complaint()
    for action in ("screen",):
        services.complaint_transition(actor=ia, complaint=c, action=action)
    services.complaint_transition(actor=ia, complaint=c, action="assign", investigator=ia)
    services.allegation_add(
        actor=ia, complaint=c, fado_type="discourtesy", allegation="Word", officer=officer
    )
    services.complaint_transition(actor=ia, complaint=c, action="offer_mediation")
    services.complaint_transition(
        actor=ia, complaint=c, action="mediation_declined", note="Officer declined."
    )
    c.refresh_from_db()
    assert c.status == "investigating" and c.mediation_attempted
    services.complaint_transition(actor=ia, complaint=c, action="offer_mediation")
    services.complaint_transition(actor=ia, complaint=c, action="schedule_mediation")
    c = services.complaint_transition(actor=ia, complaint=c, action="complete_mediation")
    assert c.status == "mediated" and c.allegations.get().disposition == "mediated"


def test_referral_is_tracked_to_its_outcome(personas, new_complaint):
    ia = personas["ia_investigator"]
    c = new_complaint()
    services.complaint_transition(actor=ia, complaint=c, action="screen")
    with pytest.raises(ApplicationError, match="reason for the referral"):
        services.complaint_transition(actor=ia, complaint=c, action="refer", recipient="iab")
    c = services.complaint_transition(
        actor=ia, complaint=c, action="refer", recipient="iab", note="Corruption: IAB."
    )
    assert c.status == "referred" and c.is_fado is False
    referral = c.referrals.get()
    services.referral_record_outcome(actor=ia, referral=referral, outcome="IAB case 2026-1")
    referral.refresh_from_db()
    assert referral.outcome_at is not None


def test_intake_from_every_channel_and_the_acknowledgement_clock(personas):
    sergeant = personas["sergeant"]
    for channel in services.INTAKE_CHANNELS:
        c = services.complaint_intake(
            actor=sergeant,
            data={"channel": channel, "narrative": "x", "complainant_phone": "555"},
        )
        assert c.acknowledgement_due == c.received_date + timedelta(days=7)
        assert c.source == "staff"
    with pytest.raises(ApplicationError, match="how the complaint came in"):
        services.complaint_intake(actor=sergeant, data={"channel": "fax", "narrative": "x"})
    with pytest.raises(ApplicationError, match="Your role"):
        services.complaint_intake(
            actor=personas["patrol_officer"],
            data={"channel": "phone", "narrative": "x", "anonymous": True},
        )
