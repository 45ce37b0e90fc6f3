"""Demo data for personnel (idempotent): the default early-intervention rules, training courses
with two years of sessions and attendance, exposure (arrests, tours) per officer and month,
wellness participation (shown only in aggregate), and one evaluation of the rules.

Training, exposure and wellness rows are SYNTHETIC (seeded, reproducible): no public source
publishes them per officer. The conduct events the rules count are the real CCRB history
loaded by the accountability demo, so the evaluation date is the last month of that history.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from openprecinct.core.audit import audit_record

COURSES = [
    ("de-escalation", "De-escalation and tactical communication", "de_escalation", 12),
    ("use-of-force-policy", "Use-of-force policy (Patrol Guide 221)", "use_of_force", 12),
    ("firearms", "Firearms qualification", "firearms", 6),
    ("first-aid", "First aid and CPR", "first_aid", 24),
    ("crisis-intervention", "Crisis intervention team", "crisis", 36),
]
PROGRAMS = [
    ("peer-support", "Peer support"),
    ("eap", "Employee assistance programme"),
    ("fitness", "Fitness and nutrition"),
]
SEED = 120
EVALUATION_MONTHS = 36


class Command(BaseCommand):
    help = "Load demo rules, training, exposure and wellness records, then evaluate the rules."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        from openprecinct.accountability.models import Officer
        from openprecinct.personnel import eis
        from openprecinct.personnel.models import Course

        created_rules = eis.ensure_default_rules()
        if Course.objects.filter(code="de-escalation").exists():
            self.stdout.write("Personnel: demo records already loaded.")
            return
        # everyone on the active roster is trained; exposure is kept for this precinct's officers
        officers = list(Officer.objects.filter(is_active=True).order_by("pk"))
        if not officers:
            self.stdout.write("Personnel: no officers on the roster; demo skipped.")
            return
        as_of = self._evaluation_date()
        dates = self._month_ends(as_of, EVALUATION_MONTHS)
        with transaction.atomic():
            counts = self._load(officers, dates)
            audit_record(
                action="personnel.demo.load",
                object_type="personnel",
                object_id="demo",
                details=counts,
            )
        raised = events = 0
        for day in dates:
            result = eis.evaluate_all(day)
            raised += result["raised"]
            events = max(events, result["events"])
        self.stdout.write(
            f"Personnel: {created_rules} rules, {counts['courses']} courses, "
            f"{counts['attendance']} attendance rows, {counts['activity']} exposure rows, "
            f"{counts['wellness']} wellness rows (synthetic, seeded); early intervention on the "
            f"real CCRB history, monthly {dates[0]} to {dates[-1]}: {raised} alerts."
        )

    def _evaluation_date(self) -> date:
        """The last day of the busiest year of the real CCRB history (it ends years ago, so
        evaluating today would find next to nothing): what the rules would have flagged then."""
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        from openprecinct.accountability.models import Allegation

        busiest = (
            Allegation.objects.filter(
                officer__isnull=False,
                occurred_on__isnull=False,
                complaint__source__startswith="ccrb",
            )
            .annotate(year=ExtractYear("occurred_on"))
            .values("year")
            .annotate(n=Count("id"))
            .order_by("-n", "-year")
            .first()
        )
        if busiest is None:
            return timezone.localdate()
        return date(busiest["year"], 12, 31)

    @staticmethod
    def _month_ends(last: date, count: int) -> list[date]:
        """``count`` month ends up to ``last``, oldest first: the nightly run, replayed monthly."""
        ends = []
        first_of_next = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
        for _ in range(count):
            ends.append(first_of_next - timedelta(days=1))
            first_of_next = (first_of_next - timedelta(days=1)).replace(day=1)
        return sorted(ends)

    def _load(self, officers: list[Any], dates: list[date]) -> dict[str, int]:
        from openprecinct.accounts.models import User
        from openprecinct.personnel.models import (
            Attendance,
            Course,
            OfficerActivity,
            TrainingSession,
            WellnessParticipation,
            WellnessProgram,
        )

        rng = random.Random(SEED)
        recorder = User.objects.filter(role="sergeant").order_by("pk").first()
        if recorder is None:
            recorder = User.objects.order_by("pk").first()
        today = timezone.localdate()
        courses = [
            Course.objects.create(code=c, name=n, category=k, validity_months=m)
            for c, n, k, m in COURSES
        ]
        attendance = []
        for course in courses:
            # one session every quarter (firearms: every two months) for two years
            step = 61 if course.category == "firearms" else 91
            sessions = [
                TrainingSession.objects.create(
                    course=course,
                    held_on=today - timedelta(days=d),
                    location="Staten Island Borough training room",
                    instructor="Borough training sergeant",
                )
                for d in range(15, 730, step)
            ]
            for officer in officers:
                attended = rng.random()
                if attended < 0.08:
                    continue  # never took it
                # most recent session the officer attended: skewed to recent
                index = min(int(rng.expovariate(0.9)), len(sessions) - 1)
                result = "passed" if rng.random() < 0.95 else "failed"
                attendance.append(
                    Attendance(
                        session=sessions[index],
                        officer=officer,
                        result=result,
                        recorded_by=recorder,
                    )
                )
        Attendance.objects.bulk_create(attendance)
        activity = []
        months: set[date] = set()
        # the last year, and the years the rules are evaluated on (with a year's look-back)
        for end, span in ((today, 13), (dates[-1], len(dates) + 13)):
            month = end.replace(day=1)
            for _ in range(span):
                months.add(month)
                month = (month - timedelta(days=1)).replace(day=1)
        for officer in officers:
            level = rng.uniform(0.5, 1.5)
            if "120" not in (officer.command or ""):
                continue
            for m in sorted(months):
                activity.append(
                    OfficerActivity(
                        officer=officer,
                        month=m,
                        arrests=max(0, round(rng.gauss(3 * level, 1.5))),
                        tours=max(0, round(rng.gauss(19, 2))),
                    )
                )
        OfficerActivity.objects.bulk_create(activity)
        programs = [WellnessProgram.objects.create(code=c, name=n) for c, n in PROGRAMS]
        wellness = []
        for officer in officers:
            for program, share in zip(programs, (0.12, 0.05, 0.25), strict=True):
                if rng.random() < share:
                    wellness.append(
                        WellnessParticipation(
                            program=program,
                            officer=officer,
                            started_on=today - timedelta(days=rng.randrange(20, 700)),
                        )
                    )
        WellnessParticipation.objects.bulk_create(wellness)
        return {
            "courses": len(courses),
            "attendance": len(attendance),
            "activity": len(activity),
            "wellness": len(wellness),
        }
