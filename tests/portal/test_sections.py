"""The sections fed by other apps (contract 5), with real rows made through their models:
the portal shows their figures after its own privacy rules, and says so honestly when an
app publishes nothing yet."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from openprecinct.portal import datasets
from openprecinct.portal.privacy import SUPPRESSED, WITHHELD
from tests.portal.htmltables import csv_rows, page_tables

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-03-02T10:00:00-05:00")
NY = ZoneInfo("America/New_York")


def _rows(client, slug):
    header, rows = csv_rows(client.get(f"/portal/data/{slug}.csv").content.decode())
    return [dict(zip(header, r, strict=True)) for r in rows]


def _call(number, *, priority="critical", assign_s=60, travel_s=240, sector="120A"):
    from openprecinct.dispatch.models import Call, CallType

    assigned = T0 + timedelta(seconds=assign_s)
    return Call.objects.create(
        number=number,
        call_type=CallType.objects.get(code="34Q1"),
        priority=priority,
        status="closed",
        received_at=T0 - timedelta(seconds=30),
        entered_at=T0,
        first_assigned_at=assigned,
        first_arrived_at=assigned + timedelta(seconds=travel_s),
        sector=sector,
    )


def test_response_times_publish_medians_only_over_five_calls_or_more(client):
    for i in range(6):
        _call(f"C{i}", assign_s=60 + 10 * i, travel_s=240)
    for i in range(3):
        _call(f"S{i}", priority="serious", assign_s=30, travel_s=300)
    rows = {r["priority"]: r for r in _rows(client, "response-times") if r["month"] == "2026-03"}
    assert rows["all"]["calls"] == "9"
    assert rows["serious"]["calls"] == SUPPRESSED
    assert rows["serious"]["response_median_s"] == WITHHELD  # three calls describe three people
    # 9 - 3 would give the serious count away: the critical count is withheld too, but its
    # medians (six calls) are not about the serious calls and stay
    assert rows["critical"]["calls"] == WITHHELD
    assert rows["critical"]["dispatch_median_s"] == "85.0"
    assert rows["critical"]["travel_median_s"] == "240.0"
    # the page shows the same, chart included
    html = client.get("/portal/response-times/").content.decode()
    tables, bars = page_tables(html)
    assert tables[0]["rows"] == [list(r.values()) for r in _rows(client, "response-times")]
    assert [b["value"] for b in bars] == [
        r["response_median_s"] for r in _rows(client, "response-times") if r["priority"] == "all"
    ]
    calls = _rows(client, "calls-for-service")
    assert [(r["month"], r["sector"], r["calls"]) for r in calls] == [("2026-03", "120A", "9")]


def test_accountability_tables_from_complaints_and_force_reports(client, personas):
    from openprecinct.accountability import services
    from openprecinct.accountability.models import Allegation, ForceReport
    from tests.oversight import factories

    complaints = [factories.complaint(closed_date=date(2026, 5, 1)) for _ in range(6)]
    for c in complaints[:2]:
        Allegation.objects.create(
            complaint=c,
            officer=factories.officer(),
            fado_type="force",
            allegation="Push",
            disposition="substantiated",
        )
    sealed = factories.complaint(closed_date=date(2026, 5, 1), is_sealed=True)
    assert sealed.is_sealed
    officer = factories.officer()
    for n in range(7):
        report = services.force_report_create(
            actor=personas["patrol_officer"],
            data={
                "level": 1 if n < 6 else 3,
                "occurred_at": T0,
                "location": "Bay Street",
                "narrative": "Take-down during arrest.",
            },
            subjects=[{"age": 30, "injury": "minor"}],
            officers=[{"officer": officer, "force_types": ["takedown"]}],
        )
        # submitted for review (the review chain is accountability's and tested there)
        ForceReport.objects.filter(pk=report.pk).update(status="supervisor_review")
    complaints_rows = {
        (r["fado_type"], r["outcome"]): r["allegations"] for r in _rows(client, "complaints")
    }
    assert SUPPRESSED in complaints_rows.values()  # the two force allegations
    assert (
        "6" in complaints_rows.values()
    )  # six discourtesy allegations, the sealed one not counted
    force = {r["level"]: r["incidents"] for r in _rows(client, "use-of-force")}
    assert force == {"1": "6", "3": SUPPRESSED}
    close = _rows(client, "time-to-close")
    assert close[0]["year"] == "2026" and close[0]["closed"] == "6"
    page = client.get("/portal/accountability-figures/").content.decode()
    tables, _ = page_tables(page)
    assert [t["dataset"] for t in tables][:3] == ["complaints", "time-to-close", "use-of-force"]


def test_training_compliance_hides_a_small_number_of_officers_behind_it(client, personas):
    from openprecinct.personnel import services
    from openprecinct.personnel.models import Course, TrainingSession
    from tests.oversight import factories

    course = Course.objects.create(
        code="deesc", name="De-escalation", category="de_escalation", validity_months=12
    )
    officers = [factories.officer(command="120 PCT") for _ in range(6)]
    with time_machine.travel(date(2026, 6, 30)):
        session = TrainingSession.objects.create(course=course, held_on=date(2026, 6, 1))
        for officer in officers[:5]:
            services.attendance_record(
                actor=personas["sergeant"], session=session, officer=officer, result="passed"
            )
        rows = _rows(client, "training")
    row = next(r for r in rows if r["command"] == "120 PCT")
    assert row["required"] == "6"
    assert row["not_compliant"] == SUPPRESSED  # one officer: would name them in a small unit
    assert row["compliant"] == WITHHELD  # or 6 - 5 gives them away
    assert row["compliant_share"] == WITHHELD


def test_community_outcomes_show_meetings_in_full_and_small_surveys_withheld(client):
    from django.utils import timezone

    from openprecinct.community.models import (
        Event,
        Problem,
        Survey,
        SurveyAnswer,
        SurveyQuestion,
        SurveyResponse,
    )

    start = timezone.make_aware(datetime(2026, 4, 8, 18))
    for _ in range(2):
        Event.objects.create(
            kind="council",
            title="Council",
            venue="Precinct",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status="held",
            attendance=3,
        )
    Problem.objects.create(
        title="Lights out", raised_on=date(2026, 4, 8), solved_on=date(2026, 4, 20)
    )
    survey = Survey.objects.create(title="Trust", status="published")
    safe = SurveyQuestion.objects.create(survey=survey, number=1, text="I feel safe", code="safe")
    for i in range(3):
        response = SurveyResponse.objects.create(survey=survey, submitted_on=date(2026, 4, 9))
        SurveyAnswer.objects.create(response=response, question=safe, value=5 if i else 2)
    meetings = _rows(client, "community-meetings")
    assert meetings == [{"month": "2026-04", "kind": "council", "meetings": "2", "attendees": "6"}]
    assert _rows(client, "community-problems") == [
        {"month": "2026-04", "raised": "1", "solved": "1"}
    ]
    survey_row = _rows(client, "community-survey")[0]
    assert survey_row["responses"] == SUPPRESSED and survey_row["agree_share"] == WITHHELD


def test_a_section_whose_app_publishes_nothing_yet_says_so(client, monkeypatch):
    monkeypatch.setattr(datasets, "_from_app", lambda module, function: None)
    page = client.get("/portal/accountability-figures/").content.decode()
    assert page.count("Not available yet") == 4
    api = client.get("/api/v1/public/datasets/recommendations/").json()
    assert api["available"] is False and api["rows"] == []
    assert "Not available yet" in api["unavailable_reason"]


def test_recommendations_are_listed_with_the_departments_answer(client, monkeypatch):
    rows = [
        {
            "number": 1,
            "date": "2026-04-02",
            "kind": "policy",
            "summary": "Record every stop on body-worn camera.",
            "response": "accept",
            "response_reason": "Agreed.",
            "response_date": "2026-05-01",
            "implementation": "In force.",
        },
        {
            "number": 2,
            "date": "2026-05-02",
            "kind": "case",
            "summary": "Retrain the officer.",
            "response": "pending",
            "response_reason": "",
            "response_date": None,
            "implementation": "",
        },
    ]
    real = datasets._from_app
    monkeypatch.setattr(
        datasets,
        "_from_app",
        lambda module, function: (
            (lambda: rows) if module == "oversight.public" else real(module, function)
        ),
    )
    got = _rows(client, "recommendations")
    assert [r["number"] for r in got] == ["2", "1"]  # newest first
    assert got[1]["response"] == "accept" and got[0]["response_date"] == ""
    tables, _ = page_tables(client.get("/portal/accountability-figures/").content.decode())
    table = next(t for t in tables if t["dataset"] == "recommendations")
    assert table["rows"] == [list(r.values()) for r in got]


def test_recommendations_from_the_oversight_committee_with_the_departments_answers(
    client, personas
):
    from openprecinct.oversight import services

    member, co = personas["oversight_member"], personas["commanding_officer"]
    with time_machine.travel(datetime(2026, 4, 2, 15, tzinfo=NY)):
        first = services.recommendation_issue(
            actor=member,
            kind="policy",
            text="Publish body-camera activation rates every quarter (internal wording).",
            public_summary="Publish body-camera activation rates quarterly.",
        )
    with time_machine.travel(datetime(2026, 5, 4, 15, tzinfo=NY)):
        services.recommendation_respond(
            actor=co, recommendation=first, response="partly", reason="Budget for 2027 only."
        )
        services.recommendation_issue(
            actor=member,
            kind="policy",
            text="Internal text.",
            public_summary="Hold a town hall on stops each quarter.",
        )
    rows = _rows(client, "recommendations")
    assert [r["summary"] for r in rows] == [
        "Hold a town hall on stops each quarter.",
        "Publish body-camera activation rates quarterly.",
    ]
    assert rows[0]["response"] == "pending" and rows[0]["response_reason"] == ""
    assert rows[1]["response"] == "partly"
    assert rows[1]["response_reason"] == "Budget for 2027 only."
    assert rows[1]["response_date"] == "2026-05-04"
    page = client.get("/portal/accountability-figures/").content.decode()
    assert "internal wording" not in page
    tables, _ = page_tables(page)
    table = next(t for t in tables if t["dataset"] == "recommendations")
    assert table["rows"] == [list(r.values()) for r in rows]


def test_a_new_row_in_an_app_shows_at_once_despite_the_cache(client):
    assert _rows(client, "calls-for-service") == []
    for i in range(5):
        _call(f"N{i}")
    assert [r["calls"] for r in _rows(client, "calls-for-service")] == ["5"]


def test_generated_demo_calls_are_labelled_as_such(client):
    from openprecinct.dispatch.models import Call

    for i in range(5):
        _call(f"D{i}")
    assert b"generated demo calls" not in client.get("/portal/calls/").content
    Call.objects.filter(number="D0").update(is_generated=True)
    _call("D9")  # a new row: the figures are rebuilt
    for page in ("/portal/calls/", "/portal/response-times/"):
        assert b"generated demo calls" in client.get(page).content
