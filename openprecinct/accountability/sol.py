"""The 18-month statute of limitations and the local calendar deadlines are counted in.

Dates are local calendar dates in the platform's time zone (``settings.TIME_ZONE``,
America/New_York by default): an incident at 23:30 local on 31 March is a 31 March incident
even though it is 1 April in UTC, and a deadline "is today" from local midnight to local
midnight whatever the daylight-saving offset.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils import timezone

SOL_MONTHS = 18
ACKNOWLEDGE_DAYS = 7


def add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later, clamped to the month's end (31 Aug + 18 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sol_date(incident_date: date) -> date:
    return add_months(incident_date, SOL_MONTHS)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def today() -> date:
    return timezone.localdate()
