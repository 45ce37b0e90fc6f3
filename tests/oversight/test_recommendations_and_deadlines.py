"""Recommendations, the department's responses (reason mandatory unless accepted in full),
implementation tracking, and response-deadline alerts on the right local day across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry
from openprecinct.oversight import deadlines, public, services
from openprecinct.oversight.models import ResponseDeadlineAlert

pytestmark = pytest.mark.django_db


def _policy(member, **kw):
    return services.recommendation_issue(
        actor=member,
        kind="policy",
        text="Publish body-camera activation rates every quarter.",
        public_summary="Publish body-camera activation rates quarterly.",
        **kw,
    )


def test_only_members_recommend_and_only_the_commanding_officer_answers(personas):
    member, co = personas["oversight_member"], personas["commanding_officer"]
    for role, person in personas.items():
        if role != "oversight_member":
            with pytest.raises(ApplicationError):
                _policy(person)
    rec = _policy(member)
    for role, person in personas.items():
        if role != "commanding_officer":
            with pytest.raises(ApplicationError):
                services.recommendation_respond(actor=person, recommendation=rec, response="accept")
    rec = services.recommendation_respond(actor=co, recommendation=rec, response="accept")
    assert rec.response == "accept" and rec.implementation == "not_started"
    assert AuditEntry.objects.filter(action="oversight.recommendation.respond").count() == 1


def test_rejecting_or_partly_accepting_needs_a_reason(personas):
    member, co = personas["oversight_member"], personas["commanding_officer"]
    for response in ("reject", "partly"):
        rec = _policy(member)
        with pytest.raises(ApplicationError, match="reason"):
            services.recommendation_respond(actor=co, recommendation=rec, response=response)
        rec = services.recommendation_respond(
            actor=co, recommendation=rec, response=response, reason="Budget for 2027 only."
        )
        assert rec.response_reason == "Budget for 2027 only."
    with pytest.raises(TransitionNotAllowed):
        services.recommendation_respond(actor=co, recommendation=rec, response="accept")


def test_implementation_moves_along_its_table(personas):
    member, co = personas["oversight_member"], personas["commanding_officer"]
    rec = services.recommendation_respond(
        actor=co,
        recommendation=_policy(member),
        response="partly",
        reason="Quarterly, not monthly.",
    )
    with pytest.raises(TransitionNotAllowed):
        services.implementation_update(actor=co, recommendation=rec, step="bogus", note="x")
    rec = services.implementation_update(actor=co, recommendation=rec, step="start", note="Drafted")
    rec = services.implementation_update(actor=co, recommendation=rec, step="complete", note="Live")
    assert rec.implementation == "implemented" and rec.updates.count() == 2
    with pytest.raises(TransitionNotAllowed):
        services.implementation_update(actor=co, recommendation=rec, step="start", note="again")
    rejected = services.recommendation_respond(
        actor=co, recommendation=_policy(member), response="reject", reason="Not our policy."
    )
    with pytest.raises(TransitionNotAllowed):
        services.implementation_update(actor=co, recommendation=rejected, step="start", note="x")
    rows = public.recommendations()
    assert {r["response"] for r in rows} == {"partly", "reject"}
    assert set(rows[0]) == {
        "number",
        "date",
        "kind",
        "summary",
        "response",
        "response_reason",
        "response_date",
        "implementation",
    }


def test_a_case_recommendation_follows_the_vote(personas, case):
    member = personas["oversight_member"]
    review = services.review_open(actor=personas["ia_investigator"], complaint=case)
    with pytest.raises(ApplicationError, match="follow the committee's vote"):
        services.recommendation_issue(
            actor=member, kind="case", text="Retrain the officer.", review=review
        )
    with pytest.raises(ApplicationError, match="needs its review"):
        services.recommendation_issue(actor=member, kind="case", text="Retrain the officer.")


# Spring forward in New York: Sunday 8 March 2026, 02:00 EST -> 03:00 EDT.
# Fall back: Sunday 1 November 2026, 02:00 EDT -> 01:00 EST.
def _issue_at(member, when_utc: datetime, days: int):
    with time_machine.travel(when_utc, tick=False):
        return _policy(member, response_days=days)


def _kinds(now_utc: datetime) -> set[str]:
    with time_machine.travel(now_utc, tick=False):
        deadlines.raise_response_deadline_alerts()
    return set(ResponseDeadlineAlert.objects.values_list("kind", flat=True))


def test_the_due_date_is_the_local_date_of_issue_plus_the_period(personas):
    member = personas["oversight_member"]
    # 23:30 in New York on 6 Feb is 04:30 UTC on 7 Feb: the local date counts
    rec = _issue_at(member, datetime(2026, 2, 7, 4, 30, tzinfo=UTC), 30)
    assert rec.issued_on == date(2026, 2, 6)
    assert rec.response_due_on == date(2026, 3, 8)


def test_alerts_fire_on_the_right_local_day_across_spring_forward(personas):
    member = personas["oversight_member"]
    rec = _issue_at(member, datetime(2026, 2, 7, 4, 30, tzinfo=UTC), 30)  # due Sun 8 March
    assert _kinds(datetime(2026, 2, 28, 4, 59, tzinfo=UTC)) == set()  # Fri 27 Feb 23:59 EST
    assert _kinds(datetime(2026, 3, 1, 5, 0, tzinfo=UTC)) == {"due_soon"}  # Sun 1 Mar 00:00 EST
    assert _kinds(datetime(2026, 3, 8, 4, 59, tzinfo=UTC)) == {"due_soon"}  # Sat 7 Mar 23:59 EST
    assert _kinds(datetime(2026, 3, 8, 5, 0, tzinfo=UTC)) == {"due_soon", "due_today"}
    # after the clocks went forward, local midnight is 04:00 UTC
    assert _kinds(datetime(2026, 3, 9, 3, 59, tzinfo=UTC)) == {"due_soon", "due_today"}
    assert _kinds(datetime(2026, 3, 9, 4, 0, tzinfo=UTC)) == {"due_soon", "due_today", "overdue"}
    # idempotent: running again raises nothing new
    before = ResponseDeadlineAlert.objects.count()
    assert _kinds(datetime(2026, 3, 10, 12, 0, tzinfo=UTC)) and (
        ResponseDeadlineAlert.objects.count() == before
    )
    alert = ResponseDeadlineAlert.objects.get(recommendation=rec, kind="overdue")
    assert alert.raised_on == date(2026, 3, 9)
    assert AuditEntry.objects.filter(action="oversight.deadline.overdue").count() == 1


def test_alerts_fire_on_the_right_local_day_across_fall_back(personas):
    member = personas["oversight_member"]
    rec = _issue_at(member, datetime(2026, 9, 2, 16, 0, tzinfo=UTC), 60)  # 2 Sep 12:00 EDT
    assert rec.response_due_on == date(2026, 11, 1)  # the day the clocks go back
    # Sat 31 Oct 23:59 EDT = 03:59 UTC on 1 Nov: not due today yet
    assert "due_today" not in _kinds(datetime(2026, 11, 1, 3, 59, tzinfo=UTC))
    assert "due_today" in _kinds(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))  # 00:00 EDT
    # 1 Nov lasts 25 hours: 23:59 EST is 04:59 UTC on 2 Nov, still not overdue
    assert "overdue" not in _kinds(datetime(2026, 11, 2, 4, 59, tzinfo=UTC))
    assert "overdue" in _kinds(datetime(2026, 11, 2, 5, 0, tzinfo=UTC))


def test_an_answered_recommendation_raises_no_alert(personas):
    member, co = personas["oversight_member"], personas["commanding_officer"]
    rec = _issue_at(member, datetime(2026, 2, 7, 4, 30, tzinfo=UTC), 30)
    services.recommendation_respond(actor=co, recommendation=rec, response="accept")
    assert _kinds(datetime(2026, 4, 1, 12, 0, tzinfo=UTC)) == set()


def test_the_nightly_command_raises_each_alert_once(personas):
    from io import StringIO

    from django.core.management import call_command

    member = personas["oversight_member"]
    rec = _issue_at(member, datetime(2026, 2, 7, 4, 30, tzinfo=UTC), 30)
    out = StringIO()
    with time_machine.travel(datetime(2026, 3, 8, 15, 0, tzinfo=UTC), tick=False):
        call_command("oversight_deadlines", stdout=out)
        call_command("oversight_deadlines", stdout=out)
    text = out.getvalue()
    assert f"{rec.number}: Response due today (due 2026-03-08)" in text
    assert text.count("Response due today") == 1 and "0 new deadline alert(s)." in text
