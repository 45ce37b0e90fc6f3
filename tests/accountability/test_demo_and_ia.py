"""The demo loader, and the internal-affairs case lifecycle with supervisory approval."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from openprecinct.accountability import services
from openprecinct.accountability.models import Allegation, CCRBImportRun, Complaint, IACase
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed


@pytest.mark.slow
def test_the_demo_loads_the_real_history_and_a_few_cases_and_reloads_unchanged(personas):
    call_command("load_demo_accountability", stdout=open("/dev/null", "w"))
    runs = list(CCRBImportRun.objects.all())
    assert len(runs) == 5 and all(r.quarantined == 0 for r in runs)
    allegations = Allegation.objects.filter(complaint__source__startswith="ccrb").count()
    assert allegations == sum(r.created for r in runs if "officers" not in r.dataset)
    local = Complaint.objects.filter(source__in=("staff", "public"))
    assert local.count() == 3
    call_command("load_demo_accountability", stdout=open("/dev/null", "w"))
    again = CCRBImportRun.objects.order_by("-pk")[:5]
    assert all(r.created == r.updated == 0 for r in again)
    assert Allegation.objects.filter(complaint__source__startswith="ccrb").count() == allegations
    assert local.count() == 3


def test_ia_case_lifecycle_with_supervisory_approval(personas, officer):
    ia, co = personas["ia_investigator"], personas["commanding_officer"]
    case = services.ia_case_open(
        actor=ia,
        data={"kind": "firearm_discharge", "summary": "Discharge at a dog.", "officer": officer},
    )
    step = services.ia_case_transition
    step(actor=ia, case=case, action="start_investigation")
    a = services.ia_allegation_add(
        actor=ia, case=case, officer=None, allegation="Unjustified discharge"
    )
    assert a.officer == officer
    with pytest.raises(ApplicationError, match="finding"):
        step(actor=ia, case=case, action="submit_for_approval", note="Done.")
    services.ia_allegation_finding(actor=ia, allegation=a, disposition="substantiated_charges")
    step(actor=ia, case=case, action="submit_for_approval", note="Policy breached.")
    with pytest.raises(ApplicationError, match="Your role"):
        step(actor=ia, case=case, action="approve")
    step(actor=co, case=case, action="return", note="Interview the witness.")
    step(actor=ia, case=case, action="submit_for_approval", note="Witness confirms.")
    case = step(actor=co, case=case, action="approve")
    assert case.approved_by == co
    with pytest.raises(ApplicationError, match="Choose the discipline"):
        step(actor=co, case=case, action="impose_discipline")
    step(actor=co, case=case, action="impose_discipline", penalty="suspension")
    step(actor=ia, case=case, action="appeal", note="Officer appeals to the trial room.")
    case = step(actor=co, case=case, action="decide_appeal", note="Penalty upheld.")
    assert (case.status, case.appeal_outcome) == ("closed", "Penalty upheld.")
    with pytest.raises(TransitionNotAllowed):
        step(actor=co, case=case, action="approve")
    assert list(case.events.values_list("action", flat=True)) == [
        "open",
        "start_investigation",
        "allegation_added",
        "finding",
        "submit_for_approval",
        "return",
        "submit_for_approval",
        "approve",
        "impose_discipline",
        "appeal",
        "decide_appeal",
    ]


def test_the_investigator_never_approves_their_own_case(personas, make_user):
    co = personas["commanding_officer"]
    case = services.ia_case_open(
        actor=co, data={"kind": "commendation", "summary": "Saved a child.", "investigator": co}
    )
    services.ia_case_transition(
        actor=personas["ia_investigator"], case=case, action="start_investigation"
    )
    services.ia_case_transition(
        actor=personas["ia_investigator"], case=case, action="submit_for_approval", note="Verified."
    )
    with pytest.raises(ApplicationError, match="own investigation"):
        services.ia_case_transition(actor=co, case=case, action="approve")
    assert IACase.objects.get().status == "pending_approval"


@pytest.mark.parametrize("status", IACase.Status.values)
def test_every_ia_step_from_every_stage_by_every_role(status, personas, officer):
    from django.db import transaction

    from openprecinct.accounts import permissions as perms
    from openprecinct.accounts.roles import Role
    from openprecinct.core.models import AuditEntry

    case = services.ia_case_open(
        actor=personas["commanding_officer"],
        data={"kind": "pursuit", "summary": "x", "officer": officer},
    )
    Allegation.objects.create(
        ia_case=case,
        officer=officer,
        allegation="Unsafe pursuit",
        disposition="substantiated_charges",
    )
    IACase.objects.filter(pk=case.pk).update(status=status, findings_summary="Done.")
    people = [personas[r.value] for r in Role] + [personas["outsider"]]
    for action in sorted(perms.IA_CASE_ACTION_ROLES):
        for person in people:
            # the investigator (the CO who opened it) may not approve their own case
            own = action == "approve" and person.pk == case.investigator_id
            expected = (
                (status, action) in services.IA_TRANSITIONS
                and person.role in perms.IA_CASE_ACTION_ROLES[action]
                and not own
            )
            with transaction.atomic():
                before = AuditEntry.objects.count()
                try:
                    done = services.ia_case_transition(
                        actor=person,
                        case=case,
                        action=action,
                        note="Because.",
                        penalty="suspension",
                    )
                except ApplicationError:
                    assert not expected, (person.role, status, action)
                    assert AuditEntry.objects.count() == before
                else:
                    assert expected, (person.role, status, action)
                    assert done.status == services.IA_TRANSITIONS[(status, action)]
                    assert AuditEntry.objects.filter(
                        action=f"accountability.ia_case.{action}", actor_id=person.pk
                    ).exists()
                transaction.set_rollback(True)
            case.refresh_from_db()
            assert case.status == status
