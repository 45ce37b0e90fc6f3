"""Training: expiry, recertification and compliance per command; wellness only in aggregate,
with small counts suppressed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from openprecinct.core.errors import ApplicationError
from openprecinct.personnel import public, selectors, services
from openprecinct.personnel.models import Course, WellnessProgram
from tests.conftest import login_verified
from tests.oversight import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)


@pytest.fixture
def course(db):
    return Course.objects.create(
        code="deesc", name="De-escalation", category="de_escalation", validity_months=12
    )


def _passed(course, officer, held_on, sergeant):
    from openprecinct.personnel.models import TrainingSession

    session, _ = TrainingSession.objects.get_or_create(course=course, held_on=held_on)
    with time_machine.travel(date(2026, 6, 30)):
        services.attendance_record(
            actor=sergeant, session=session, officer=officer, result="passed"
        )


def test_compliance_per_command_counts_current_due_expired_and_never(course, personas):
    sergeant = personas["sergeant"]
    current, due, expired, never = (factories.officer(command="120 PCT") for _ in range(4))
    other = factories.officer(command="121 PCT")
    _passed(course, current, date(2026, 1, 10), sergeant)  # expires 2027-01-10
    _passed(course, due, date(2025, 8, 1), sergeant)  # expires 2026-08-01: within 60 days
    _passed(course, expired, date(2025, 6, 1), sergeant)  # expired 2026-06-01
    _passed(course, other, date(2026, 2, 1), sergeant)
    rows = {r["command"]: r for r in selectors.training_compliance_by_command(as_of=TODAY)}
    assert rows["120 PCT"] | {} == {
        "command": "120 PCT",
        "course": "De-escalation",
        "required": 4,
        "compliant": 2,
        "due_soon": 1,
        "expired": 1,
        "never": 1,
        "share": 0.5,
    }
    assert rows["121 PCT"]["compliant"] == 1
    with time_machine.travel(TODAY):
        assert {r["command"] for r in public.training_compliance()} == {"120 PCT", "121 PCT"}
        assert set(public.training_compliance()[0]) == {
            "course",
            "command",
            "required",
            "compliant",
        }


def test_attendance_rules(course, personas):
    from openprecinct.personnel.models import TrainingSession

    officer = factories.officer()
    with time_machine.travel(TODAY):
        future = TrainingSession.objects.create(course=course, held_on=date(2026, 7, 20))
        with pytest.raises(ApplicationError, match="after the session"):
            services.attendance_record(
                actor=personas["sergeant"], session=future, officer=officer, result="passed"
            )
        past = TrainingSession.objects.create(course=course, held_on=date(2026, 6, 1))
        with pytest.raises(ApplicationError):
            services.attendance_record(
                actor=personas["patrol_officer"], session=past, officer=officer, result="passed"
            )
        with pytest.raises(ApplicationError, match="Choose a result"):
            services.attendance_record(
                actor=personas["sergeant"], session=past, officer=officer, result="maybe"
            )


def test_wellness_is_shown_only_in_aggregate_with_small_counts_suppressed(personas, client):
    admin = personas["administrator"]
    peer = WellnessProgram.objects.create(code="peer", name="Peer support")
    fit = WellnessProgram.objects.create(code="fit", name="Fitness")
    for _ in range(6):
        services.wellness_participation_record(
            actor=admin, program=peer, officer=factories.officer(), started_on=date(2026, 2, 1)
        )
    for _ in range(2):
        services.wellness_participation_record(
            actor=admin, program=fit, officer=factories.officer(), started_on=date(2026, 3, 1)
        )
    rows = selectors.wellness_aggregate(user=personas["commanding_officer"])
    assert rows == [
        {"program": "Fitness", "year": 2026, "participants": None, "suppressed": True},
        {"program": "Peer support", "year": 2026, "participants": 6, "suppressed": False},
    ]
    assert selectors.wellness_aggregate(user=personas["sergeant"]) == []
    with pytest.raises(ApplicationError):
        services.wellness_participation_record(
            actor=personas["commanding_officer"],
            program=fit,
            officer=factories.officer(),
            started_on=date(2026, 3, 1),
        )
    login_verified(client, personas["commanding_officer"])
    page = client.get("/personnel/wellness/").content.decode()
    assert "fewer than 5" in page and "Officer" not in page
    client.logout()
    login_verified(client, personas["sergeant"])
    assert client.get("/personnel/wellness/").status_code == 403
