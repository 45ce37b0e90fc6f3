"""Use-of-force review chain: every (stage, step) by every role, the author never reviewing,
level routing, change requests kept, the FBI flag and export."""

from __future__ import annotations

import pytest
from django.db import transaction

from openprecinct.accountability import services
from openprecinct.accountability.models import ForceReport, ForceReview, IACase
from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry

F = ForceReport.Status


class Rollback(Exception):
    pass


@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("status", F.values)
def test_every_step_from_every_stage_by_every_role(status, level, personas, force_report):
    report = force_report(level=level)
    ForceReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    people = [personas[r.value] for r in Role] + [personas["outsider"]]
    for action in sorted(perms.FORCE_ACTION_ROLES):
        target = services.force_target(report, action)
        for person in people:
            if action == "submit":
                role_ok = person.pk == report.author_id
            elif action == "request_changes":
                role_ok = person.role in perms.FORCE_STAGE_REVIEWERS.get(status, ())
            else:
                role_ok = person.role in perms.FORCE_ACTION_ROLES[action]
            role_ok = role_ok and (action == "submit" or person.pk != report.author_id)
            expected = target is not None and role_ok
            try:
                with transaction.atomic():
                    audits = AuditEntry.objects.count()
                    reviews = ForceReview.objects.count()
                    try:
                        done = services.force_report_transition(
                            actor=person,
                            report=report,
                            action=action,
                            comments="Clarify the subject's injury.",
                            finding="within_policy",
                        )
                    except ApplicationError as exc:
                        assert not expected, f"{person.role} {status}->{action}: {exc.message}"
                        if target is None:
                            assert isinstance(exc, TransitionNotAllowed)
                        assert AuditEntry.objects.count() == audits
                        assert ForceReview.objects.count() == reviews
                        raise Rollback from None
                    assert expected, f"{person.role} could take {status}->{action}"
                    assert done.status == target
                    if action == "command_approve":
                        assert target == (F.DISPOSITIONED if level == 1 else F.IA_REVIEW)
                    assert AuditEntry.objects.filter(
                        action=f"accountability.force_report.{action}", actor_id=person.pk
                    ).exists()
                    review = ForceReview.objects.order_by("-pk").first()
                    assert (review.stage, review.action, review.reviewer_id) == (
                        status,
                        action,
                        person.pk,
                    )
                    raise Rollback
            except Rollback:
                pass
            report.refresh_from_db()
            assert report.status == status


def test_a_full_chain_keeps_every_change_request(personas, force_report):
    patrol, sgt = personas["patrol_officer"], personas["sergeant"]
    co, ia = personas["commanding_officer"], personas["ia_investigator"]
    r = force_report(level=2)
    step = services.force_report_transition
    step(actor=patrol, report=r, action="submit")
    with pytest.raises(ApplicationError, match="change request needs comments"):
        step(actor=sgt, report=r, action="request_changes")
    step(actor=sgt, report=r, action="request_changes", comments="Add the injury photo.")
    step(actor=patrol, report=r, action="submit")
    step(actor=sgt, report=r, action="supervisor_approve")
    step(actor=co, report=r, action="command_approve")
    step(actor=ia, report=r, action="request_changes", comments="Which strike, exactly?")
    step(actor=patrol, report=r, action="submit")
    step(actor=sgt, report=r, action="supervisor_approve")
    r = step(actor=co, report=r, action="command_approve")
    assert r.status == F.IA_REVIEW
    with pytest.raises(ApplicationError, match="disposition"):
        step(actor=ia, report=r, action="ia_approve")
    r = step(
        actor=ia, report=r, action="ia_approve", finding="policy_violation", recommendation="IA"
    )
    assert r.status == F.DISPOSITIONED
    changes = r.reviews.filter(action="request_changes")
    assert [c.comments for c in changes] == ["Add the injury photo.", "Which strike, exactly?"]
    assert r.reviews.count() == 10
    # a policy violation opens an IA case
    assert IACase.objects.get(force_report=r).kind == IACase.Kind.FORCE
    step(actor=co, report=r, action="close")


def test_a_sergeant_never_reviews_their_own_report(personas, force_report):
    sgt = personas["sergeant"]
    r = force_report(author=sgt)
    services.force_report_transition(actor=sgt, report=r, action="submit")
    with pytest.raises(ApplicationError, match="own report"):
        services.force_report_transition(actor=sgt, report=r, action="supervisor_approve")


def test_fbi_flag_and_export(personas, force_report):
    co = personas["commanding_officer"]
    plain = force_report()
    services.force_report_transition(
        actor=personas["patrol_officer"], report=plain, action="submit"
    )
    assert plain.fbi_reportable is False
    shot = force_report(level=4, firearm_discharged_at_person=True)
    assert shot.fbi_reportable is True
    services.force_report_transition(actor=personas["patrol_officer"], report=shot, action="submit")
    on = shot.occurred_on
    payload = services.fbi_use_of_force_export(actor=co, year=on.year, month=on.month)
    assert payload["ZeroReport"] is False
    assert [i["Incident"]["IncidentId"] for i in payload["Incidents"]] == [shot.number]
    assert payload["Incidents"][0]["Officers"][0]["ForceTypes"] == ["takedown"]
    empty = services.fbi_use_of_force_export(actor=co, year=2001, month=1)
    assert empty == {"ReportingMonth": "2001-01", "ZeroReport": True, "Incidents": []}
    with pytest.raises(ApplicationError):
        services.fbi_use_of_force_export(actor=personas["patrol_officer"], year=2001, month=1)


def test_force_report_input_is_checked(personas, officer):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ApplicationError, match="level"):
        services.force_report_create(actor=personas["patrol_officer"], data={"level": 7})
    with pytest.raises(ApplicationError, match="future"):
        services.force_report_create(
            actor=personas["patrol_officer"],
            data={
                "level": 1,
                "occurred_at": timezone.now() + timedelta(days=1),
                "location": "x",
                "narrative": "x",
            },
        )
    assert not ForceReport.objects.exists()
