"""Deadline alerts fire on the right local day, across time zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import override_settings

from openprecinct.accountability import services
from openprecinct.accountability.deadlines import raise_due_alerts
from openprecinct.accountability.models import DeadlineAlert
from openprecinct.accountability.sol import add_months, sol_date


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2025, 8, 31), 18) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 31), 18) == date(2028, 2, 29)
    assert sol_date(date(2025, 9, 14)) == date(2027, 3, 14)


def _complaint(personas, incident_at):
    return services.complaint_intake(
        actor=personas["ia_investigator"],
        data={
            "channel": "phone",
            "narrative": "x",
            "anonymous": True,
            "incident_at": incident_at,
        },
    )


def _sol_alerts(complaint, threshold=None):
    qs = DeadlineAlert.objects.filter(kind="sol", object_id=str(complaint.pk))
    return qs.filter(days_left=threshold) if threshold is not None else qs


def test_an_evening_incident_is_dated_by_the_local_day(personas):
    # 23:30 in New York on 14 September is already 15 September in UTC.
    with time_machine.travel(utc(2025, 9, 20, 12), tick=False):
        c = _complaint(personas, utc(2025, 9, 15, 3, 30))
    assert c.incident_date == date(2025, 9, 14)
    assert c.sol_date == date(2027, 3, 14)


@pytest.mark.parametrize(
    ("sol_day", "before", "after"),
    [
        # spring forward: 14 March 2027, local midnight is 05:00 UTC (EST, UTC-5)
        (date(2027, 3, 14), utc(2027, 3, 14, 4, 59), utc(2027, 3, 14, 5, 0)),
        # fall back: 7 November 2027, local midnight is 04:00 UTC (still EDT, UTC-4)
        (date(2027, 11, 7), utc(2027, 11, 7, 3, 59), utc(2027, 11, 7, 4, 0)),
        # the day after the change: 15 March 2027 starts at 04:00 UTC (EDT)
        (date(2027, 3, 15), utc(2027, 3, 15, 3, 59), utc(2027, 3, 15, 4, 0)),
    ],
)
def test_the_last_day_alert_fires_at_local_midnight_across_dst(personas, sol_day, before, after):
    incident = add_months(sol_day, -18)
    with time_machine.travel(utc(incident.year, incident.month, incident.day, 17), tick=False):
        c = _complaint(personas, utc(incident.year, incident.month, incident.day, 16))
    assert c.sol_date == sol_day
    with time_machine.travel(before, tick=False):
        raise_due_alerts()  # the 7-day alert (and earlier ones) fire on the days before
        assert _sol_alerts(c, 7).count() == 1
        assert not _sol_alerts(c, 0).exists()
    with time_machine.travel(after, tick=False):
        created = raise_due_alerts()
        assert [a.days_left for a in created if a.object_id == str(c.pk) and a.kind == "sol"] == [0]
        alert = _sol_alerts(c, 0).get()
        assert alert.raised_on == sol_day and "due today" in alert.message
        assert raise_due_alerts() == []  # a second run the same day raises nothing


def test_each_threshold_fires_once_on_its_own_day(personas):
    with time_machine.travel(utc(2025, 1, 10, 15), tick=False):
        c = _complaint(personas, utc(2025, 1, 10, 14))  # limit: 10 July 2026
    days = {}
    for day, threshold in ((date(2026, 4, 11), 90), (date(2026, 6, 10), 30), (date(2026, 7, 3), 7)):
        # the day before the threshold: nothing new
        before = date.fromordinal(day.toordinal() - 1)
        with time_machine.travel(utc(before.year, before.month, before.day, 16), tick=False):
            raise_due_alerts()
            assert not _sol_alerts(c, threshold).exists()
        with time_machine.travel(utc(day.year, day.month, day.day, 16), tick=False):
            raise_due_alerts()
            days[threshold] = _sol_alerts(c, threshold).get().raised_on
    assert days == {90: date(2026, 4, 11), 30: date(2026, 6, 10), 7: date(2026, 7, 3)}
    assert _sol_alerts(c).count() == 3


@override_settings(TIME_ZONE="America/Los_Angeles")
def test_the_platform_time_zone_decides_the_day(personas):
    # 02:00 UTC on 1 March is still 28 February in Los Angeles (and in New York)
    with time_machine.travel(utc(2026, 3, 1, 2), tick=False):
        c = services.complaint_intake(
            actor=personas["ia_investigator"],
            data={"channel": "phone", "narrative": "x", "anonymous": True},
        )
    assert c.received_date == date(2026, 2, 28)
    assert c.acknowledgement_due == date(2026, 3, 7)
    # acknowledgement alert: 07:59 UTC on 7 March is 23:59 on 6 March in Los Angeles
    with time_machine.travel(utc(2026, 3, 7, 7, 59), tick=False):
        raise_due_alerts()
        assert not DeadlineAlert.objects.filter(kind="acknowledgement", days_left=0).exists()
    with time_machine.travel(utc(2026, 3, 7, 8, 0), tick=False):
        raise_due_alerts()
        assert DeadlineAlert.objects.filter(kind="acknowledgement", days_left=0).exists()


def test_an_acknowledged_or_closed_complaint_raises_nothing(personas, investigating):
    with time_machine.travel(utc(2025, 1, 10, 15), tick=False):
        c = investigating()
        services.complaint_acknowledge(actor=personas["ia_investigator"], complaint=c)
        services.complaint_transition(
            actor=personas["ia_investigator"],
            complaint=c,
            action="truncate",
            reason="budget_closure",
        )
    with time_machine.travel(utc(2026, 7, 1, 16), tick=False):
        raise_due_alerts()
    assert not DeadlineAlert.objects.filter(object_id=str(c.pk)).exists()


def test_tasks_and_force_reports_have_deadlines_too(personas, investigating, force_report):
    with time_machine.travel(utc(2026, 3, 2, 15), tick=False):
        c = investigating()
        task = services.task_add(
            actor=personas["ia_investigator"],
            complaint=c,
            title="BWC",
            kind="evidence_request",
            evidence_kind="bwc",
            due_on=date(2026, 3, 9),
        )
        report = force_report()  # occurred 10:00 UTC, submit within 24 hours
    with time_machine.travel(utc(2026, 3, 6, 16), tick=False):
        raise_due_alerts()
        assert DeadlineAlert.objects.filter(
            kind="task", object_id=str(task.pk), days_left=3
        ).exists()
    with time_machine.travel(utc(2026, 3, 3, 16), tick=False):
        raise_due_alerts()
        assert DeadlineAlert.objects.filter(
            kind="force_submission", object_id=str(report.pk), days_left=0
        ).exists()
