"""The functions other apps call: calls handled per officer (EIS) and the portal aggregates."""

from datetime import date, datetime, timedelta

import pytest

from openprecinct.dispatch import public, selectors
from openprecinct.dispatch.models import Assignment, Call, CallType, Unit

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-03-02T10:00:00-05:00")


def _call(number, *, priority="critical", entered=T0, assign_s=60, travel_s=240, **extra):
    call_type = CallType.objects.get(code="34Q1")
    assigned = entered + timedelta(seconds=assign_s) if assign_s is not None else None
    arrived = assigned + timedelta(seconds=travel_s) if travel_s is not None else None
    return Call.objects.create(
        number=number,
        call_type=call_type,
        priority=priority,
        status="closed",
        received_at=entered - timedelta(seconds=30),
        entered_at=entered,
        first_assigned_at=assigned,
        first_arrived_at=arrived,
        sector="120A",
        **extra,
    )


def test_calls_handled_counts_the_crew_of_units_that_arrived(make_user):
    alice, bob, carol = make_user("alice", "patrol_officer"), make_user("bob"), make_user("carol")
    car1, car2 = Unit.objects.create(call_sign="120A1"), Unit.objects.create(call_sign="120B1")
    first, second = _call("C1"), _call("C2", entered=T0 + timedelta(days=1))
    a = Assignment.objects.create(
        call=first, unit=car1, assigned_at=T0, arrived_at=T0, status="cleared"
    )
    a.crew.set([alice, bob])
    b = Assignment.objects.create(
        call=second, unit=car1, assigned_at=T0, arrived_at=T0, status="cleared"
    )
    b.crew.set([alice])
    recalled = Assignment.objects.create(call=second, unit=car2, assigned_at=T0, status="cleared")
    recalled.crew.set([carol])

    counts = selectors.calls_handled_by_officer(date(2026, 3, 1), date(2026, 3, 31))

    assert counts == {alice.pk: 2, bob.pk: 1}
    assert selectors.calls_handled_by_officer(date(2026, 3, 3), date(2026, 3, 3)) == {alice.pk: 1}


def test_public_response_times_use_section_14_149_definitions():
    _call("C1", assign_s=60, travel_s=240)
    _call("C2", assign_s=120, travel_s=480)
    _call("C3", priority="serious", assign_s=30, travel_s=None)
    _call("S1", self_initiated=True, assign_s=0, travel_s=0)

    rows = {(r["month"], r["priority"]): r for r in public.response_times()}

    crit = rows[("2026-03", "critical")]
    assert crit["calls"] == 2  # the self-initiated event is workload, not a response
    assert crit["dispatch_median_s"] == 90.0
    assert crit["travel_median_s"] == 360.0
    assert crit["response_median_s"] == 450.0
    assert rows[("2026-03", "serious")]["response_median_s"] is None
    assert rows[("2026-03", "all")]["calls"] == 3
    assert set(crit) == {
        "month",
        "priority",
        "calls",
        "dispatch_median_s",
        "travel_median_s",
        "response_median_s",
        "response_p90_s",
    }


def test_public_calls_for_service_counts_events_not_duplicate_calls():
    event = _call("C1")
    _call("C2", duplicate_of=event)
    _call("C3", entered=T0 + timedelta(days=40))

    rows = public.calls_for_service()

    assert rows == [
        {"month": "2026-03", "sector": "120A", "call_type": "ASSAULT", "calls": 1},
        {"month": "2026-04", "sector": "120A", "call_type": "ASSAULT", "calls": 1},
    ]
