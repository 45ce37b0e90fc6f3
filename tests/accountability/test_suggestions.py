"""Suggested links: calls for service and evidence near a complaint in time, place and unit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from openprecinct.accountability import services
from openprecinct.accountability.models import CaseLink
from openprecinct.accountability.suggestions import suggest_calls, suggest_evidence
from openprecinct.core.errors import ApplicationError


@pytest.fixture
def near_complaint(personas, investigating, officer):
    officer.user = personas["patrol_officer"]
    officer.save()
    return investigating(
        incident_at=timezone.now() - timedelta(days=2), latitude=40.6365, longitude=-74.0765
    )


def test_no_calls_and_no_evidence_means_no_suggestions(near_complaint):
    assert suggest_calls(near_complaint) == []
    assert suggest_evidence(near_complaint, near_complaint.investigator) == []


def test_a_call_nearby_with_the_officer_on_the_unit_is_suggested(near_complaint, personas):
    from openprecinct.dispatch.models import Assignment, Call, CallType, Unit

    at = near_complaint.incident_at
    kind = CallType.objects.create(code="10-99", description="Test", priority="serious")
    unit = Unit.objects.create(call_sign="120A-1")
    near = Call.objects.create(
        number="C-1",
        call_type=kind,
        priority="serious",
        address="Bay St",
        latitude=40.6370,
        longitude=-74.0760,
        received_at=at - timedelta(minutes=20),
        entered_at=at - timedelta(minutes=19),
    )
    a = Assignment.objects.create(call=near, unit=unit, assigned_at=at, status="cleared")
    a.crew.add(personas["patrol_officer"])
    Call.objects.create(  # far away at the same time: not suggested
        number="C-2",
        call_type=kind,
        priority="serious",
        latitude=40.58,
        longitude=-74.15,
        received_at=at,
        entered_at=at,
    )
    Call.objects.create(  # next day: outside the window
        number="C-3",
        call_type=kind,
        priority="serious",
        latitude=40.6365,
        longitude=-74.0765,
        received_at=at + timedelta(days=1),
        entered_at=at + timedelta(days=1),
    )
    found = suggest_calls(near_complaint)
    assert [s["ref"] for s in found] == ["C-1"]
    assert "an officer on the complaint was on the unit" in found[0]["reasons"]
    services.complaint_link(
        actor=personas["ia_investigator"], complaint=near_complaint, kind="call", ref="C-1"
    )
    assert suggest_calls(near_complaint)[0]["linked"] is True


def test_linking_suggested_footage_links_it_in_the_evidence_app(near_complaint, personas):
    from openprecinct.evidence.models import EvidenceItem, EvidenceLink

    item = EvidenceItem.objects.create(
        title="BWC 120A",
        original_filename="bwc.mp4",
        content_type="video/mp4",
        size_bytes=3,
        sha256=hashlib.sha256(b"abc").hexdigest(),
        officer=personas["patrol_officer"],
        recorded_at=near_complaint.incident_at + timedelta(minutes=5),
        latitude=40.6366,
        longitude=-74.0766,
        uploaded_by=personas["patrol_officer"],
    )
    ia = personas["ia_investigator"]
    found = suggest_evidence(near_complaint, ia)
    assert [s["ref"] for s in found] == [str(item.uuid)]
    assert "recorded by an officer on the complaint" in found[0]["reasons"]
    services.complaint_link(actor=ia, complaint=near_complaint, kind="evidence", ref=str(item.uuid))
    link = EvidenceLink.objects.get(item=item)
    assert (link.kind, link.ref, link.is_open) == ("complaint", near_complaint.number, True)
    assert CaseLink.objects.filter(complaint=near_complaint, kind="evidence").exists()
    with pytest.raises(ApplicationError, match="no such evidence"):
        services.complaint_link(actor=ia, complaint=near_complaint, kind="evidence", ref="nope")
    # closing the complaint closes the evidence link (the footage may then age out)
    services.complaint_transition(
        actor=ia, complaint=near_complaint, action="truncate", reason="complaint_withdrawn"
    )
    link.refresh_from_db()
    assert link.is_open is False
