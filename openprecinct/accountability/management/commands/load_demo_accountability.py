"""Load the 120th Precinct's real CCRB history and a few staff-entered demo cases (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from openprecinct.accountability import services
from openprecinct.accountability.ccrb import import_ccrb_file, summary
from openprecinct.accountability.models import Complaint, ForceReport, IACase, Officer
from openprecinct.accounts.models import User
from openprecinct.accounts.roles import Role
from openprecinct.records.importing.errors import ImportFileError

DATA = Path(__file__).resolve().parents[2] / "data"
FILES = (
    ("ccrb_propublica_120pct.csv.gz", "propublica", ""),
    ("ccrb_mos_20210320_active_officers_120pct.csv.gz", "mos_officers", "active"),
    ("ccrb_mos_20210320_active_complaints_120pct.csv.gz", "mos_complaints", "active"),
    ("ccrb_mos_20210320_inactive_officers_120pct.csv.gz", "mos_officers", "inactive"),
    ("ccrb_mos_20210320_inactive_complaints_120pct.csv.gz", "mos_complaints", "inactive"),
)


def _user(role: Role) -> User | None:
    return User.objects.filter(role=role, is_active=True).order_by("pk").first()


class Command(BaseCommand):
    help = "Load the 120th Precinct's CCRB history (real, see data/README.md) and demo cases."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Accountability: the 120th Precinct's CCRB history (real records):")
        for name, dataset, status in FILES:
            try:
                run = import_ccrb_file(DATA / name, dataset, mos_status=status)
            except ImportFileError as exc:
                raise CommandError(f"demo file {name}: {exc}") from None
            s = summary(run)
            self.stdout.write(
                f"  {name:<52} read {s['rows_read']:>5}  new {s['created']:>5}  "
                f"unchanged {s['unchanged']:>5}  duplicates {s['duplicates']:>3}  "
                f"quarantined {s['quarantined']:>3}"
            )
        self._demo_cases()

    def _demo_cases(self) -> None:
        ia, co = _user(Role.IA_INVESTIGATOR), _user(Role.COMMANDING_OFFICER)
        patrol, sergeant = _user(Role.PATROL_OFFICER), _user(Role.SERGEANT)
        if not (ia and co and patrol and sergeant):
            self.stdout.write("  (no demo accounts: staff-entered demo cases skipped)")
            return
        if Complaint.objects.filter(source_key__startswith="demo:").exists():
            self.stdout.write("  demo cases: already loaded")
            return
        now = timezone.now()
        with transaction.atomic():
            roster = {}
            for user, shield in ((patrol, "31120"), (sergeant, "4120")):
                officer, _ = Officer.objects.get_or_create(
                    user=user,
                    defaults={
                        "first_name": user.first_name,
                        "last_name": user.last_name or user.username,
                        "shield_no": shield,
                        "rank": "Police Officer" if user is patrol else "Sergeant",
                        "command": "120 PCT",
                        "precinct": 120,
                        "assignment": "patrol",
                    },
                )
                roster[user.pk] = officer
            po = roster[patrol.pk]
            # 1. A walk-in complaint under investigation, close to its 18-month limit.
            c1 = services.complaint_intake(
                actor=sergeant,
                data={
                    "channel": "walk_in",
                    "narrative": "Stopped on Bay Street and searched without explanation; the "
                    "officer refused to give his name.",
                    "incident_at": now - timedelta(days=470),
                    "location": "Bay St & Victory Blvd, Staten Island",
                    "precinct": 120,
                    "latitude": 40.6365,
                    "longitude": -74.0765,
                    "officer_description": "Male officer, shield ending 120, RMP 4321",
                    "complainant_name": "Demo Complainant",
                    "complainant_phone": "718-555-0100",
                },
            )
            services.complaint_acknowledge(actor=ia, complaint=c1)
            services.complaint_transition(actor=ia, complaint=c1, action="screen")
            services.complaint_transition(actor=ia, complaint=c1, action="assign", investigator=ia)
            services.complaint_transition(actor=ia, complaint=c1, action="start_investigation")
            services.allegation_add(
                actor=ia,
                complaint=c1,
                fado_type="abuse_of_authority",
                allegation="Search (of person)",
                officer=po,
            )
            services.allegation_add(
                actor=ia,
                complaint=c1,
                fado_type="abuse_of_authority",
                allegation="Refusal to provide name/shield number",
                officer=po,
            )
            services.task_add(
                actor=ia,
                complaint=c1,
                title="Body-camera footage of the stop",
                kind="evidence_request",
                evidence_kind="bwc",
                requested_from="120 PCT ICO",
                due_on=timezone.localdate() + timedelta(days=10),
            )
            # 2. An anonymous web complaint waiting for the jurisdiction screen.
            c2 = services.complaint_intake(
                actor=None,
                data={
                    "narrative": "An officer cursed at my son outside the ferry terminal.",
                    "incident_at": now - timedelta(days=3),
                    "location": "St. George Ferry Terminal",
                    "anonymous": True,
                },
            )
            # 3. A 311 complaint that is not FADO, referred to the command.
            c3 = services.complaint_intake(
                actor=co,
                data={
                    "channel": "311",
                    "narrative": "Patrol car parked in a bus stop for an hour.",
                    "incident_at": now - timedelta(days=30),
                    "location": "Richmond Terrace",
                    "complainant_email": "resident@example.org",
                },
            )
            services.complaint_transition(actor=ia, complaint=c3, action="screen")
            services.complaint_transition(
                actor=ia,
                complaint=c3,
                action="refer",
                recipient="command",
                note="Parking conduct is not FADO: referred to the commanding officer.",
            )
            for i, c in enumerate((c1, c2, c3), 1):
                Complaint.objects.filter(pk=c.pk).update(source_key=f"demo:{i}")
            # A level-1 force report in review, and an IA case for a pursuit.
            report = services.force_report_create(
                actor=patrol,
                data={
                    "level": 1,
                    "occurred_at": now - timedelta(days=2, hours=3),
                    "location": "Tompkinsville Park",
                    "precinct": 120,
                    "reason_for_contact": "Disorderly person, call for service",
                    "narrative": "Subject resisted handcuffing; forcible take-down to the grass.",
                },
                subjects=[{"age": 34, "sex": "M", "injury": "minor", "arrested": True}],
                officers=[{"officer": po, "force_types": ["takedown"]}],
            )
            services.force_report_transition(actor=patrol, report=report, action="submit")
            services.ia_case_open(
                actor=ia,
                data={
                    "kind": IACase.Kind.PURSUIT,
                    "summary": "Vehicle pursuit on Richmond Terrace ended in a minor collision.",
                    "occurred_at": now - timedelta(days=12),
                    "officer": po,
                    "due_on": timezone.localdate() + timedelta(days=60),
                },
            )
        self.stdout.write(
            f"  demo cases: 3 complaints, {ForceReport.objects.count()} force report(s), "
            f"{IACase.objects.count()} IA case(s)"
        )
