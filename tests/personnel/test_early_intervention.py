"""Early intervention: rules as data, alerts with their facts, exposure and peers, idempotence,
and wellness participation never an input."""

from __future__ import annotations

import ast
import inspect
from datetime import date, timedelta

import pytest

from openprecinct.core.models import AuditEntry
from openprecinct.personnel import eis
from openprecinct.personnel.models import Alert, IndicatorRule, OfficerActivity
from tests.personnel.conftest import AS_OF, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    eis.ensure_default_rules()
    return {r.code: r for r in IndicatorRule.objects.all()}


def test_three_complaints_in_six_months_raise_one_alert_with_its_facts(rules, officers, events):
    a, b = officers[0], officers[1]
    events += [event(a, "complaint", AS_OF - timedelta(days=d), d) for d in (10, 60, 170)]
    events += [event(b, "complaint", AS_OF - timedelta(days=d), 100 + d) for d in (10, 60)]
    events += [event(b, "complaint", AS_OF - timedelta(days=200), 999)]  # outside the window
    result = eis.evaluate_all(AS_OF)
    assert result["raised"] == 1
    alert = Alert.objects.get()
    assert alert.officer == a and alert.rule.code == "complaints-6-months"
    assert alert.facts["count"] == 3 and alert.facts["threshold"] == 3
    assert [e["source_id"] for e in alert.facts["events"]] == [
        "complaint:170",
        "complaint:60",
        "complaint:10",
    ]
    assert alert.window_start == AS_OF - timedelta(days=181)
    assert AuditEntry.objects.filter(action="eis.alert.raise", object_id=str(alert.pk)).exists()


def test_evaluating_twice_makes_no_duplicate(rules, officers, events):
    a = officers[0]
    events += [event(a, "force", AS_OF - timedelta(days=d), d) for d in (1, 2, 3)]
    first = eis.evaluate_all(AS_OF)
    second = eis.evaluate_all(AS_OF)
    third = eis.evaluate_all(AS_OF + timedelta(days=1))
    assert first["raised"] >= 1 and second["raised"] == 0 and third["raised"] == 0
    assert Alert.objects.filter(rule__code="force-90-days").count() == 1


def test_a_closed_alert_is_not_raised_again_for_the_same_events(rules, officers, events, personas):
    from openprecinct.personnel import services

    a = officers[0]
    events += [event(a, "force", AS_OF - timedelta(days=d), d) for d in (1, 2, 3)]
    eis.evaluate_all(AS_OF)
    alert = Alert.objects.get(rule__code="force-90-days")
    services.alert_transition(
        actor=personas["commanding_officer"], alert=alert, action="dismiss", note="Riot duty."
    )
    assert eis.evaluate_all(AS_OF)["raised"] == 0
    events.append(event(a, "force", AS_OF, 4))  # a new use of force: a new set of facts
    assert eis.evaluate_all(AS_OF)["raised"] >= 1
    assert Alert.objects.filter(rule__code="force-90-days").count() == 2


def test_rules_are_data_the_commanding_officer_can_change(rules, officers, events, personas):
    from openprecinct.core.errors import ApplicationError
    from openprecinct.personnel import services

    a = officers[0]
    events += [event(a, "complaint", AS_OF - timedelta(days=d), d) for d in (1, 2)]
    assert eis.evaluate_all(AS_OF)["raised"] == 0
    rule = rules["complaints-6-months"]
    with pytest.raises(ApplicationError):
        services.rule_update(actor=personas["sergeant"], rule=rule, data={"threshold": 2})
    with pytest.raises(ApplicationError, match="threshold must be between"):
        services.rule_update(actor=personas["commanding_officer"], rule=rule, data={"threshold": 0})
    services.rule_update(actor=personas["commanding_officer"], rule=rule, data={"threshold": 2})
    assert AuditEntry.objects.filter(action="eis.rule.update").count() == 1
    assert eis.evaluate_all(AS_OF)["raised"] == 1


def test_rates_are_compared_with_peers_in_the_same_assignment(rules, officers, events):
    rule = rules["force-vs-peers-12-months"]
    IndicatorRule.objects.exclude(pk=rule.pk).update(active=False)
    a, b, c, d, nco = officers
    month = date(2026, 3, 1)
    for o, arrests in ((a, 10), (b, 10), (c, 10), (d, 10), (nco, 10)):
        OfficerActivity.objects.create(officer=o, month=month, arrests=arrests)
    events += [event(a, "force", AS_OF - timedelta(days=30 + i), i) for i in range(2)]
    events += [event(b, "force", AS_OF - timedelta(days=40), 50)]
    result = eis.evaluate_all(AS_OF)
    alert = Alert.objects.get()
    assert result["raised"] == 1 and alert.officer == a
    facts = alert.facts
    assert facts["exposure"] == 10 and facts["rate_per_100"] == 20.0
    assert facts["peer_count"] == 4  # the NCO is not a peer of patrol officers
    assert facts["peer_median_rate_per_100"] == 5.0
    assert "peer median" in facts["peer_comparison"]


def test_a_high_count_in_line_with_peers_raises_nothing(rules, officers, events):
    rule = rules["force-vs-peers-12-months"]
    IndicatorRule.objects.exclude(pk=rule.pk).update(active=False)
    month = date(2026, 3, 1)
    for i, o in enumerate(officers[:4]):
        OfficerActivity.objects.create(officer=o, month=month, arrests=40)
        events += [event(o, "force", AS_OF - timedelta(days=20 + j), 10 * i + j) for j in range(2)]
    assert eis.evaluate_all(AS_OF)["raised"] == 0


def test_calls_handled_come_from_dispatch_by_user(rules, officers, events, monkeypatch, make_user):
    a = officers[0]
    a.user = make_user("pat-a", "patrol_officer")
    a.save()
    monkeypatch.setattr(eis, "_calls_handled", lambda start, end: {a.user_id: 250})
    events += [event(a, "complaint", AS_OF - timedelta(days=d), d) for d in (1, 2, 3)]
    eis.evaluate_all(AS_OF)
    alert = Alert.objects.get(rule__code="complaints-6-months")
    assert alert.facts["exposure_measure"] == "calls" and alert.facts["exposure"] == 250
    assert alert.facts["rate_per_100"] == 1.2


def test_the_real_conduct_events_feed_the_rules(rules, officers, db):
    """Through accountability's selector (contract 2), sealed complaints counted, not shown."""
    from openprecinct.accountability.models import Allegation, Complaint

    a = officers[0]
    for i in range(3):
        c = Complaint.objects.create(
            number=f"C-EIS-{i}",
            channel="phone",
            received_date=AS_OF - timedelta(days=10 + i),
            is_sealed=(i == 0),
        )
        Allegation.objects.create(
            complaint=c,
            officer=a,
            fado_type="discourtesy",
            occurred_on=AS_OF - timedelta(days=10 + i),
        )
    eis.evaluate_all(AS_OF)
    alert = Alert.objects.get(rule__code="complaints-6-months")
    assert alert.facts["count"] == 3
    assert all(set(e) == {"kind", "occurred_on", "source_id"} for e in alert.facts["events"])
    sealed_id = Complaint.objects.get(number="C-EIS-0").pk
    shown = [e["source_id"] for e in alert.facts["events"]]
    assert f"complaint:{sealed_id}" not in shown
    assert shown.count("sealed record (counted, not shown)") == 1


def _snapshot():
    return sorted(
        (a.officer_id, a.rule.code, a.trigger_key, a.status, repr(sorted(a.facts.items())))
        for a in Alert.objects.select_related("rule")
    )


def test_wellness_participation_never_changes_an_alert(rules, officers, events, personas):
    """Same conduct and exposure, with and without wellness data: the same alerts."""
    from openprecinct.personnel import services
    from openprecinct.personnel.models import WellnessParticipation, WellnessProgram

    a, b = officers[0], officers[1]
    events += [event(a, "complaint", AS_OF - timedelta(days=d), d) for d in (5, 15, 25)]
    events += [event(b, "force", AS_OF - timedelta(days=d), 100 + d) for d in (5, 15, 25)]
    OfficerActivity.objects.create(officer=a, month=date(2026, 5, 1), arrests=5, tours=20)
    eis.evaluate_all(AS_OF)
    without = _snapshot()
    Alert.objects.all().delete()
    program = WellnessProgram.objects.create(code="peer-support", name="Peer support")
    for o in officers:
        services.wellness_participation_record(
            actor=personas["administrator"], program=program, officer=o, started_on=date(2026, 1, 5)
        )
    eis.evaluate_all(AS_OF)
    assert _snapshot() == without
    Alert.objects.all().delete()
    WellnessParticipation.objects.filter(officer=a).delete()
    eis.evaluate_all(AS_OF)
    assert _snapshot() == without


def test_no_early_intervention_code_reads_wellness_data():
    """The guardrail in the code itself: eis.py and the rule model never touch wellness."""
    source = inspect.getsource(eis)
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    imported = {
        alias.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom | ast.Import)
        for alias in n.names
    }
    assert not {x for x in names | imported if "ellness" in x}
    assert "wellness" not in " ".join(IndicatorRule.Exposure.values)
    assert {k for k, _ in IndicatorRule._meta.get_field("kind").choices} == {
        "complaint",
        "force",
        "pursuit",
        "firearm_discharge",
        "vehicle_accident",
        "in_custody_injury",
    }
