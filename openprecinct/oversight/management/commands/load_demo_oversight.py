"""Demo data for the civilian oversight committee (idempotent).

Two closed complaints and one at findings, entered here as finished cases (the complaint
workflow itself is the accountability app's): one with juvenile and victim-protected material,
to show the redaction; one reviewed, voted, published with recommendations and a response; one
open to the demo committee member right now.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from openprecinct.accounts.models import User
from openprecinct.accounts.roles import Role

DEMO_KEY = "demo-oversight:"


def _user(role: Role) -> User | None:
    return User.objects.filter(role=role, is_active=True).order_by("pk").first()


class Command(BaseCommand):
    help = "Load demo committee reviews, packets, votes and recommendations (idempotent)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        from openprecinct.accountability.models import Complaint

        ia, co, member = (
            _user(Role.IA_INVESTIGATOR),
            _user(Role.COMMANDING_OFFICER),
            _user(Role.OVERSIGHT_MEMBER),
        )
        if not (ia and co and member):
            self.stdout.write("Oversight: no demo accounts, skipped.")
            return
        if Complaint.objects.filter(source_key__startswith=DEMO_KEY).exists():
            self.stdout.write("Oversight: demo reviews already loaded.")
            return
        with transaction.atomic():
            self._load(ia=ia, co=co, member=member)

    def _officer(self, n: int) -> Any:
        from openprecinct.accountability.models import Officer

        officer = Officer.objects.filter(command__icontains="120", is_active=True).order_by("pk")
        found = list(officer[n : n + 1])
        if found:
            return found[0]
        return Officer.objects.create(
            first_name="Demo",
            last_name=f"Officer {n}",
            rank="Police Officer",
            command="120 PCT",
            precinct=120,
            assignment="patrol",
        )

    def _complaint(self, key: str, *, days_ago: int, status: str, **fields: Any) -> Any:
        from openprecinct.accountability.models import Complaint

        today = timezone.localdate()
        incident = today - timedelta(days=days_ago)
        return Complaint.objects.create(
            number=f"DEMO-OV-{key}",
            source="staff",
            source_key=DEMO_KEY + key,
            channel=fields.pop("channel", "phone"),
            status=status,
            received_date=incident + timedelta(days=2),
            incident_date=incident,
            sol_date=incident + timedelta(days=548),
            closed_date=today - timedelta(days=20) if status == "closed" else None,
            **fields,
        )

    def _load(self, *, ia: User, co: User, member: User) -> None:
        from openprecinct.accountability.models import Allegation, Attachment
        from openprecinct.oversight import services
        from openprecinct.oversight.models import Recommendation

        today = timezone.localdate()
        # 1. Reviewed, voted, published, with a case recommendation and a partial acceptance.
        done = self._complaint(
            "1",
            days_ago=300,
            status="closed",
            narrative="A driver stopped on Richmond Terrace says the officer pulled him from the "
            "car by the arm without warning after he asked why he was stopped.",
            location="Richmond Terrace near Jersey Street",
            closing_report="Body-camera footage shows the driver asking for the reason of the "
            "stop twice and the officer opening the door within 40 seconds. Physical force "
            "allegation substantiated; discourtesy unsubstantiated.",
        )
        Allegation.objects.create(
            complaint=done,
            officer=self._officer(0),
            fado_type="force",
            allegation="Physical force",
            description="Pulled the driver from the car by the arm.",
            disposition="substantiated_cd_a",
            penalty_recommended="command_discipline_a",
        )
        Allegation.objects.create(
            complaint=done,
            officer=self._officer(0),
            fado_type="discourtesy",
            allegation="Word",
            description="Told the driver to 'stop talking'.",
            disposition="unsubstantiated",
        )
        review1 = services.review_open(
            actor=ia, complaint=done, reason="Force used at a traffic stop"
        )
        services.packet_build(actor=ia, review=review1)
        services.access_open(actor=ia, review=review1, members=[member], days=14)
        services.vote_cast(
            member=member,
            review=review1,
            choice="agree",
            reason="The footage supports the finding.",
        )
        meeting = services.meeting_create(
            actor=member,
            held_at=timezone.now() - timedelta(days=40),
            kind="closed",
            location="120 Precinct community room",
            minutes="Reviewed DEMO-OV-1. Agreed with the findings; asked for a policy on "
            "explaining the reason for a stop before ordering a driver out.",
        )
        services.review_discuss(actor=member, review=review1, meeting=meeting)
        services.review_decide(actor=member, review=review1)
        case_rec = services.recommendation_issue(
            actor=member,
            kind="case",
            review=review1,
            text="Formalized training for the officer on car stops and explaining the reason "
            "for a stop.",
            public_summary="In a traffic-stop force case the committee agreed with the "
            "findings and asked for the officer's retraining on car stops.",
            response_days=30,
        )
        services.recommendation_respond(
            actor=co,
            recommendation=case_rec,
            response="accept",
        )
        services.implementation_update(
            actor=co, recommendation=case_rec, step="start", note="Training scheduled."
        )
        policy = services.recommendation_issue(
            actor=member,
            kind="policy",
            review=review1,
            text="Require officers to state the reason for a vehicle stop before ordering a "
            "driver out of the car, unless safety demands otherwise, and audit it quarterly "
            "from body-camera samples.",
            public_summary="State the reason for a vehicle stop before ordering a driver out; "
            "audit quarterly.",
            response_days=60,
        )
        services.recommendation_respond(
            actor=co,
            recommendation=policy,
            response="partly",
            reason="Adopted as guidance in the precinct's roll-call training; a quarterly audit "
            "needs staff the precinct does not have, so it will be semi-annual.",
        )
        services.review_close(actor=member, review=review1)
        services.review_publish(
            actor=member,
            review=review1,
            summary="The committee reviewed a 2026 traffic-stop complaint, agreed with the "
            "finding that force was used without need, and made two recommendations.",
        )
        # A pending policy recommendation, so the response deadline shows on the dashboard.
        services.recommendation_issue(
            actor=member,
            kind="policy",
            text="Publish the precinct's body-camera activation rate every quarter.",
            public_summary="Publish body-camera activation rates quarterly.",
            response_days=14,
        )
        # Backdate the first review's history so the dashboard shows a response time.
        Recommendation.objects.filter(pk__in=[case_rec.pk, policy.pk]).update(
            issued_on=today - timedelta(days=45),
            response_due_on=today - timedelta(days=15),
        )
        Recommendation.objects.filter(pk=case_rec.pk).update(
            responded_on=today - timedelta(days=20)
        )
        Recommendation.objects.filter(pk=policy.pk).update(responded_on=today - timedelta(days=10))

        # 2. Open to the demo member now: juvenile and victim-protected material withheld.
        open_case = self._complaint(
            "2",
            days_ago=200,
            status="closed",
            channel="walk_in",
            narrative="A mother says officers searched her teenage son and his friend on "
            "Victory Boulevard without reason and one officer pushed the friend against a wall.",
            location="Victory Blvd & Cebra Ave",
            closing_report="Footage from two body cameras reviewed; the stop was based on a "
            "radio description. Search unsubstantiated; force exonerated.",
        )
        Allegation.objects.create(
            complaint=open_case,
            officer=self._officer(1),
            fado_type="force",
            allegation="Physical force",
            description="Pushed the adult companion against a wall during the stop.",
            disposition="exonerated",
        )
        Allegation.objects.create(
            complaint=open_case,
            officer=self._officer(1),
            fado_type="abuse_of_authority",
            allegation="Frisk",
            description="Frisk of the 15-year-old (juvenile record: withheld from packets).",
            disposition="unsubstantiated",
            involves_juvenile=True,
        )
        Attachment.objects.create(
            complaint=open_case,
            title="Radio run and description",
            body="Dispatcher's description: two males, dark jackets, heading west on Victory.",
        )
        Attachment.objects.create(
            complaint=open_case,
            title="Witness statement (protected)",
            body="Statement of a protected witness: withheld from packets.",
            victim_protected=True,
        )
        review2 = services.review_open(
            actor=ia, complaint=open_case, reason="Stop and frisk involving a minor"
        )
        services.packet_build(actor=ia, review=review2)
        services.access_open(actor=ia, review=review2, members=[member], days=14)

        # 3. Eligible, not yet before the committee.
        waiting = self._complaint(
            "3",
            days_ago=120,
            status="findings",
            channel="311",
            narrative="Officer refused to take a report of a stolen bicycle at the station house.",
            location="120 Precinct station house",
        )
        Allegation.objects.create(
            complaint=waiting,
            officer=self._officer(2),
            fado_type="abuse_of_authority",
            allegation="Refusal to process civilian complaint",
            description="Refused to take the report.",
            disposition="unfounded",
        )
        self.stdout.write(
            "Oversight: 3 demo complaints, 2 reviews (one published, one open to "
            f"{member.username}), {Recommendation.objects.count()} recommendations."
        )
