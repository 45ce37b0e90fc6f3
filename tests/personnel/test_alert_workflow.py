"""Alerts move only along ALERT_TRANSITIONS, by the right role, each step audited; plans are
non-disciplinary with follow-ups at 3/6/12 months; nobody sees an alert about themselves."""

from __future__ import annotations

from datetime import date

import pytest

from openprecinct.accounts.roles import Role
from openprecinct.core.errors import ApplicationError
from openprecinct.core.models import AuditEntry
from openprecinct.personnel import eis, services
from openprecinct.personnel.models import Alert, AlertStatus, IndicatorRule
from tests.conftest import login_verified
from tests.oversight import factories

pytestmark = pytest.mark.django_db
ROLES = [*Role.values, "outsider"]
ACTIONS = sorted({a for (_, a) in services.ALERT_TRANSITIONS} - {"plan"})


def _alert(status="raised", officer=None):
    eis.ensure_default_rules()
    return Alert.objects.create(
        officer=officer or factories.officer(),
        rule=IndicatorRule.objects.get(code="force-90-days"),
        status=status,
        raised_on=date(2026, 6, 30),
        window_start=date(2026, 4, 2),
        window_end=date(2026, 6, 30),
        trigger_key=f"k{Alert.objects.count()}",
        facts={"count": 3, "events": []},
    )


@pytest.mark.parametrize("status", AlertStatus.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_alert_move_by_every_role(status, action, personas):
    target = services.ALERT_TRANSITIONS.get((status, action))
    allowed = (
        {"commanding_officer"}
        if action in services.TRIAGE_ACTIONS
        else {"sergeant", "commanding_officer"}
    )
    for role in ROLES:
        alert = _alert(status)
        before = AuditEntry.objects.filter(action=f"eis.alert.{action}").count()
        if target is not None and role in allowed:
            services.alert_transition(
                actor=personas[role], alert=alert, action=action, note="Checked with the officer."
            )
            alert.refresh_from_db()
            assert alert.status == target
            assert alert.steps.get().actor == personas[role]
            assert AuditEntry.objects.filter(action=f"eis.alert.{action}").count() == before + 1
        else:
            with pytest.raises(ApplicationError):
                services.alert_transition(
                    actor=personas[role], alert=alert, action=action, note="x"
                )
            alert.refresh_from_db()
            assert alert.status == status and not alert.steps.exists()


def test_dismissing_needs_a_reason(personas):
    with pytest.raises(ApplicationError, match="reason"):
        services.alert_transition(
            actor=personas["commanding_officer"], alert=_alert(), action="dismiss"
        )


def test_a_plan_schedules_follow_ups_and_not_improving_sends_it_back(personas):
    sergeant = personas["sergeant"]
    alert = _alert("supervisor_review")
    plan = services.plan_create(
        actor=sergeant,
        alert=alert,
        kind="mentoring",
        goals="Pair with a field training officer for de-escalation practice.",
        tasks=[("Attend de-escalation refresher", date(2026, 8, 1))],
        started_on=date(2026, 7, 15),
    )
    assert [(f.months, f.due_on) for f in plan.follow_ups.all()] == [
        (3, date(2026, 10, 15)),
        (6, date(2027, 1, 15)),
        (12, date(2027, 7, 15)),
    ]
    services.plan_task_complete(actor=sergeant, task=plan.tasks.get(), on=date(2026, 7, 30))
    three = plan.follow_ups.get(months=3)
    services.follow_up_record(
        actor=sergeant, follow_up=three, outcome="not_improving", notes="Two more complaints."
    )
    alert.refresh_from_db()
    assert alert.status == "supervisor_review"
    assert [s.action for s in alert.steps.all()] == ["plan", "realert"]
    assert AuditEntry.objects.filter(action="eis.plan.create").exists()
    assert AuditEntry.objects.filter(action="eis.follow_up.record").exists()
    with pytest.raises(ApplicationError, match="kind"):
        services.plan_create(
            actor=sergeant, alert=_alert("supervisor_review"), kind="suspension", goals="x"
        )


def test_nobody_sees_or_acts_on_an_alert_about_themselves(client, personas):
    sergeant = personas["sergeant"]
    own = _alert("supervisor_review", officer=factories.officer(user=sergeant))
    other = _alert("supervisor_review")
    login_verified(client, sergeant)
    assert client.get(f"/personnel/alerts/{own.pk}/").status_code == 404
    assert client.get(f"/personnel/alerts/{other.pk}/").status_code == 200
    assert client.get("/api/v1/personnel/alerts/").json()["count"] == 1
    with pytest.raises(ApplicationError):
        services.alert_transition(actor=sergeant, alert=own, action="monitor")


def test_the_pages_follow_the_rules(client, personas):
    alert = _alert()
    for role in ROLES:
        client.logout()
        login_verified(client, personas[role])
        allowed = role in ("sergeant", "commanding_officer")
        assert client.get("/personnel/").status_code == (200 if allowed else 403), role
        expected = 200 if allowed else 403
        assert client.get(f"/personnel/alerts/{alert.pk}/").status_code == expected, role
        assert client.get("/personnel/rules/").status_code == expected, role
        api = client.get("/api/v1/personnel/alerts/")
        assert api.status_code == (200 if allowed else 403), role
    client.logout()
    login_verified(client, personas["commanding_officer"])
    page = client.get(f"/personnel/alerts/{alert.pk}/")
    assert b"Send to the supervisor" in page.content
    response = client.post(f"/personnel/alerts/{alert.pk}/act/", {"action": "escalate", "note": ""})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "supervisor_review"
