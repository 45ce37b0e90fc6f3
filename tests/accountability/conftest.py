"""Fixtures for accountability: officers, complaints at any stage, force reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def officer(db):
    from openprecinct.accountability.models import Officer

    return Officer.objects.create(
        first_name="Pat",
        last_name="Rolman",
        shield_no="1234",
        rank="Police Officer",
        command="120 PCT",
        precinct=120,
    )


@pytest.fixture
def make_officer(db):
    from openprecinct.accountability.models import Officer

    def make(last_name="Officer", user=None, **extra):
        return Officer.objects.create(last_name=last_name, user=user, command="120 PCT", **extra)

    return make


@pytest.fixture
def new_complaint(personas):
    from openprecinct.accountability import services

    def make(**data):
        payload = {
            "channel": "phone",
            "narrative": "The officer pushed me and used a slur.",
            "incident_at": timezone.now() - timedelta(days=10),
            "location": "Bay Street",
            "precinct": 120,
            "complainant_name": "A. Resident",
        }
        payload.update(data)
        return services.complaint_intake(actor=personas["ia_investigator"], data=payload)

    return make


@pytest.fixture
def investigating(personas, new_complaint, officer):
    """A complaint under investigation with one allegation."""
    from openprecinct.accountability import services

    def make(**data):
        ia = personas["ia_investigator"]
        c = new_complaint(**data)
        services.complaint_transition(actor=ia, complaint=c, action="screen")
        services.complaint_transition(actor=ia, complaint=c, action="assign", investigator=ia)
        services.complaint_transition(actor=ia, complaint=c, action="start_investigation")
        services.allegation_add(
            actor=ia, complaint=c, fado_type="discourtesy", allegation="Word", officer=officer
        )
        c.refresh_from_db()
        return c

    return make


@pytest.fixture
def force_report(personas, officer):
    from openprecinct.accountability import services

    def make(level=1, author=None, **data):
        payload = {
            "level": level,
            "occurred_at": timezone.now() - timedelta(hours=5),
            "location": "Tompkinsville Park",
            "narrative": "Take-down during arrest.",
        }
        payload.update(data)
        return services.force_report_create(
            actor=author or personas["patrol_officer"],
            data=payload,
            subjects=[{"age": 30, "injury": "minor"}],
            officers=[{"officer": officer, "force_types": ["takedown"]}],
        )

    return make
