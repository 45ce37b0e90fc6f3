"""Reading personnel data: alerts a supervisor may see, training compliance, wellness counts."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.personnel.models import Alert, Attendance, Course, WellnessParticipation

# Wellness counts under this are shown as "fewer than 5": a count of 1 or 2 in a small
# command can identify the person.
WELLNESS_MIN_COUNT = 5
RECERTIFY_WARNING_DAYS = 60


def alert_list_for_user(*, user: Any, status: str = "") -> QuerySet[Alert]:
    if not perms.can_view_early_intervention(user):
        return Alert.objects.none()
    qs = Alert.objects.select_related("officer", "rule").exclude(officer__user_id=user.pk)
    if status:
        qs = qs.filter(status=status)
    return qs


def alert_get_for_user(*, user: Any, alert_id: int) -> Alert:
    alert = alert_list_for_user(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def _officer_command(officer: Any) -> str:
    for name in ("command", "precinct", "assignment"):
        value = getattr(officer, name, "")
        if value:
            return str(value)
    return "unknown"


def _expiry(completed: date, months: int | None) -> date | None:
    if not months:
        return None
    month = completed.month - 1 + months
    year = completed.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(completed.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CourseStatus:
    officer_id: int
    officer: str
    command: str
    course: str
    course_code: str
    last_passed: date | None
    expires_on: date | None
    state: str  # "current" | "due_soon" | "expired" | "never"

    @property
    def compliant(self) -> bool:
        return self.state in ("current", "due_soon")


def training_status(*, as_of: date | None = None, officers: Any = None) -> list[CourseStatus]:
    """Every active officer × every required course: current, due for recertification, expired
    or never taken. One query for the passes, one for officers, one for courses."""
    from openprecinct.accountability.models import Officer

    as_of = as_of or timezone.localdate()
    courses = list(Course.objects.filter(required=True))
    if officers is None:
        officers = Officer.objects.filter(is_active=True)
    officers = list(officers)
    last: dict[tuple[int, int], date] = {}
    for row in Attendance.objects.filter(
        result=Attendance.Result.PASSED, session__held_on__lte=as_of
    ).values("officer_id", "session__course_id", "session__held_on"):
        key = (row["officer_id"], row["session__course_id"])
        if key not in last or row["session__held_on"] > last[key]:
            last[key] = row["session__held_on"]
    out = []
    for officer in officers:
        for course in courses:
            passed = last.get((officer.pk, course.pk))
            expires = _expiry(passed, course.validity_months) if passed else None
            if passed is None:
                state = "never"
            elif expires is not None and expires <= as_of:
                state = "expired"
            elif expires is not None and expires <= as_of + timedelta(days=RECERTIFY_WARNING_DAYS):
                state = "due_soon"
            else:
                state = "current"
            out.append(
                CourseStatus(
                    officer_id=officer.pk,
                    officer=str(officer),
                    command=_officer_command(officer),
                    course=course.name,
                    course_code=course.code,
                    last_passed=passed,
                    expires_on=expires,
                    state=state,
                )
            )
    return out


def training_compliance_by_command(*, as_of: date | None = None) -> list[dict[str, Any]]:
    """Per command and course: officers required, compliant, due soon, expired, never."""
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for status in training_status(as_of=as_of):
        key = (status.command, status.course)
        row = table.setdefault(
            key,
            {
                "command": status.command,
                "course": status.course,
                "required": 0,
                "compliant": 0,
                "due_soon": 0,
                "expired": 0,
                "never": 0,
            },
        )
        row["required"] += 1
        row["compliant"] += int(status.compliant)
        if status.state in ("due_soon", "expired", "never"):
            row[status.state] += 1
    rows = sorted(table.values(), key=lambda r: (r["command"], r["course"]))
    for row in rows:
        row["share"] = round(row["compliant"] / row["required"], 3) if row["required"] else None
    return rows


def wellness_aggregate(*, user: Any) -> list[dict[str, Any]]:
    """Participants per programme and year, with counts under WELLNESS_MIN_COUNT suppressed.
    Never a name, never a command (a small command would identify people)."""
    if not perms.can_view_wellness_aggregate(user):
        return []
    counts: dict[tuple[str, int], int] = defaultdict(int)
    rows = (
        WellnessParticipation.objects.values("program__name", "started_on__year")
        .annotate(people=Count("officer", distinct=True))
        .order_by("program__name", "started_on__year")
    )
    for row in rows:
        counts[(row["program__name"], row["started_on__year"])] = row["people"]
    out = []
    for (program, year), people in sorted(counts.items()):
        suppressed = people < WELLNESS_MIN_COUNT
        out.append(
            {
                "program": program,
                "year": year,
                "participants": None if suppressed else people,
                "suppressed": suppressed,
            }
        )
    return out
