"""The generated demo stream: seeded, labelled, consistent with the state machines."""

from datetime import datetime

import pytest

from openprecinct.dispatch.demo import generate
from openprecinct.dispatch.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    Call,
    TimelineEntry,
    Unit,
)

pytestmark = pytest.mark.django_db
END = datetime.fromisoformat("2026-03-01T18:00:00-05:00")


def _fingerprint():
    return list(
        Call.objects.order_by("number").values_list(
            "number", "call_type__code", "entered_at", "first_arrived_at", "status"
        )
    )


def test_the_demo_stream_is_seeded_labelled_and_replaced_on_reload(personas):
    summary = generate(days=3, seed=7, end=END)
    first = _fingerprint()
    assert summary["calls"] > 100
    assert Call.objects.filter(is_generated=False).count() == 0
    assert all(c.remarks.startswith("Generated") for c in Call.objects.all()[:20])

    generate(days=3, seed=7, end=END)

    assert _fingerprint() == first


def test_the_demo_stream_is_consistent_with_the_state_machines(personas):
    generate(days=3, seed=11, end=END)
    for unit in Unit.objects.all():
        active = Assignment.objects.filter(unit=unit, status__in=ACTIVE_ASSIGNMENT)
        assert active.count() <= 1
        expected = active.first().status if active.exists() else "available"
        assert unit.status == expected
    for call in Call.objects.filter(duplicate_of__isnull=True, self_initiated=False):
        if call.first_arrived_at:
            assert call.entered_at <= call.first_assigned_at <= call.first_arrived_at
        if call.status == "closed":
            assert call.disposition and (not call.report_written or call.report_number)
    assert Call.objects.filter(self_initiated=True, status="closed").exists()
    assert Call.objects.filter(duplicate_of__isnull=False, status="cancelled").exists()
    assert TimelineEntry.objects.filter(source="demo").exists()
    officer = personas["patrol_officer"]
    assert Unit.objects.filter(members=officer).count() == 1
