"""The community demo: a seeded, clearly labelled set of meetings, problems, tips, posts,
volunteers, an academy cohort, donations, grants and survey answers, created through the
services (so every record has its audit trail). Everything is generated, none of it real:
titles and names start with ``[Demo]``."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from openprecinct.accounts.models import User

from . import services
from .models import (
    Agreement,
    Cohort,
    Donation,
    Drive,
    Event,
    Grant,
    Partner,
    Problem,
    SafetyPost,
    ServiceRequest,
    Survey,
    SuspiciousActivityReport,
    Tip,
    Volunteer,
    WatchGroup,
)

DEMO = "[Demo] "
SECTORS = ("120A", "120B", "120C", "120D")
VENUES = {
    "120A": "Staten Island Borough Hall, 10 Richmond Terrace",
    "120B": "PS 31 William T. Morris, 55 Layton Ave",
    "120C": "West Brighton Community Center, 1000 Castleton Ave",
    "120D": "Stapleton Library, 132 Canal St",
}
CONCERNS = [
    ("Double parking during school drop-off", "parking"),
    ("Loud music from cars late at night", "noise"),
    ("Group loitering outside the deli after midnight", "loitering"),
    ("Package thefts from doorsteps", "theft"),
    ("Speeding on the hill", "traffic"),
    ("Broken street light on the corner", "lighting"),
    ("Open drug use in the park", "drugs"),
    ("Abandoned car for three weeks", "vehicle"),
]
QUESTIONS = [
    ("safe", "I feel safe walking in my neighbourhood at night."),
    ("respect", "Police in my neighbourhood treat people with respect."),
    ("listen", "Police listen to the concerns of people in my neighbourhood."),
    ("trust", "I trust the police in my neighbourhood."),
]


def _user(role: str) -> User:
    user = User.objects.filter(role=role, is_active=True).order_by("id").first()
    if user is None:
        raise LookupError(f"No active {role} account: run `openprecinct demo` (it creates them).")
    return user


def clear() -> None:
    """Remove earlier demo records so the loader can run again."""
    Tip.objects.filter(narrative_original__startswith=DEMO).delete()
    SuspiciousActivityReport.objects.filter(description__startswith=DEMO).delete()
    ServiceRequest.objects.filter(description__startswith=DEMO).delete()
    Problem.objects.filter(title__startswith=DEMO).delete()
    Event.objects.filter(title__startswith=DEMO).delete()
    WatchGroup.objects.filter(name__startswith=DEMO).delete()
    Volunteer.objects.filter(name__startswith=DEMO).delete()
    Cohort.objects.filter(name__startswith=DEMO).delete()
    Donation.objects.filter(donor_name__startswith=DEMO).delete()
    Drive.objects.filter(title__startswith=DEMO).delete()
    Agreement.objects.filter(title__startswith=DEMO).delete()
    Partner.objects.filter(name__startswith=DEMO).delete()
    Grant.objects.filter(program__startswith=DEMO).delete()
    SafetyPost.objects.filter(title__startswith=DEMO).delete()
    Survey.objects.filter(title__startswith=DEMO).delete()


@transaction.atomic
def generate(*, seed: int = 120) -> dict[str, Any]:
    rng = random.Random(seed)
    ca = _user("community_affairs")
    co = _user("commanding_officer")
    sergeant = _user("sergeant")
    officer = _user("patrol_officer")
    clear()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    summary: dict[str, Any] = {}

    # --- Build the Block: two past meetings per sector, concerns tracked with SARA ---------
    held = 0
    problems: list[Problem] = []
    for round_, days_ago in enumerate((84, 28)):
        for sector in SECTORS:
            start = (now - timedelta(days=days_ago - SECTORS.index(sector))).replace(hour=19)
            event = services.create_event(
                ca,
                kind="sector_meeting",
                title=f"{DEMO}Build the Block, sector {sector[-1]}",
                venue=VENUES[sector],
                sector=sector,
                starts_at=start,
                ends_at=start + timedelta(hours=1, minutes=30),
                description="Meet your neighbourhood coordination officers. Demo event (generated).",
            )
            services.publish_event(ca, event)
            services.hold_event(
                ca,
                event,
                attendance=rng.randint(12, 45),
                minutes="Concerns raised are tracked on the problems page. (Demo minutes.)",
            )
            held += 1
            for title, category in rng.sample(CONCERNS, 2):
                problem = services.raise_problem(
                    ca, title=f"{DEMO}{title}", category=category, event=event
                )
                problems.append(problem)
                steps = rng.choice([0, 1, 2, 3, 4] if round_ == 0 else [0, 0, 1, 2])
                texts = [
                    "Times and places checked against calls for service.",
                    "Directed patrols; referral to DOT / 311.",
                    "Calls fell after three weeks.",
                    "",
                ]
                for action, text in list(
                    zip(("analyse", "respond", "assess", "solve"), texts, strict=True)
                )[:steps]:
                    services.move_problem(ca, problem, action, text=text)
            for _ in range(rng.randint(3, 8)):
                services.give_feedback(
                    event, rating=rng.choice([3, 4, 4, 5, 5]), useful=rng.random() < 0.8
                )
    council_start = (now - timedelta(days=10)).replace(hour=19)
    council = services.create_event(
        ca,
        kind="council",
        title=f"{DEMO}120th Precinct Community Council",
        venue="120th Precinct, 78 Richmond Terrace",
        starts_at=council_start,
        ends_at=council_start + timedelta(hours=2),
    )
    services.publish_event(ca, council)
    services.hold_event(ca, council, attendance=rng.randint(30, 60))
    held += 1

    # --- upcoming events with RSVPs ---------------------------------------------------------
    upcoming = [
        ("community_day", "Community Day at Clove Lakes Park", "", 14, None),
        ("night_out", "National Night Out", "", 30, None),
        ("workshop_fraud", "Scam-proof: fraud-prevention workshop for seniors", "120B", 5, 40),
        (
            "workshop_emergency",
            "Ready for the storm: emergency-preparedness workshop",
            "120D",
            9,
            35,
        ),
        ("school_visit", "Youth officers visit PS 31", "120B", 3, 60),
        ("town_hall", "Town hall with the commanding officer", "", 21, 150),
    ]
    for kind, title, sector, days, cap in upcoming:
        start = (now + timedelta(days=days)).replace(hour=18)
        event = services.create_event(
            ca,
            kind=kind,
            title=f"{DEMO}{title}",
            venue=VENUES.get(sector or "120A"),
            sector=sector,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=cap,
            description="Demo event (generated).",
        )
        services.publish_event(ca, event)
        for i in range(rng.randint(2, 9)):
            services.rsvp(event, name=f"Demo resident {i + 1}", party_size=rng.randint(1, 3))
    for sector in SECTORS:
        start = (now + timedelta(days=28 + SECTORS.index(sector))).replace(hour=19)
        event = services.create_event(
            ca,
            kind="sector_meeting",
            title=f"{DEMO}Build the Block, sector {sector[-1]}",
            venue=VENUES[sector],
            sector=sector,
            starts_at=start,
            ends_at=start + timedelta(hours=1, minutes=30),
            description="Demo event (generated).",
        )
        services.publish_event(ca, event)
    summary["meetings_held"] = held
    summary["problems"] = len(problems)

    # --- tips ---------------------------------------------------------------------------------
    t1, _ = services.submit_tip(
        narrative=f"{DEMO}Cars without plates are stripped every night in the lot behind the auto shop on Bay St.",
        category="property",
    )
    t2, _ = services.submit_tip(
        narrative=f"{DEMO}My neighbour at 40 Hill St sells pills from his car, call me 718-555-0142.",
        category="drugs",
    )
    services.triage_tip(ca, t2, emergency=False, route="squad")
    services.screen_tip(
        ca,
        t2,
        screened_text="Pills are sold from a car on Hill St (tipster's contact details removed).",
    )
    services.assign_tip(ca, t2, officer)
    services.staff_reply(ca, t2, "Thank you. Which days and times do you see this?")
    services.tipster_reply(t2, "Weekdays around 4pm when school lets out.")
    t3, _ = services.submit_tip(
        narrative=f"{DEMO}Someone is painting tags on the school wall on weekends.",
        category="property",
    )
    services.triage_tip(ca, t3, emergency=False, route="service_request")
    services.record_tip_outcome(ca, t3, "referred")
    services.close_tip(ca, t3)
    summary["tips"] = 3

    services.submit_sar(
        behaviour="surveillance",
        observed_on=timezone.localdate() - timedelta(days=2),
        description=f"{DEMO}A man photographed the ferry terminal's gates and asked a guard when shifts change.",
        location="St. George Ferry Terminal",
    )
    for code, text, address in (
        ("noise", "Loud generator all night", "Victory Blvd & Cebra Ave"),
        ("abandoned_vehicle", "Grey sedan, flat tyres, three weeks", "Bay St & Canal St"),
        ("street_light", "Light out on the stairs", "Hamilton Ave steps"),
    ):
        services.submit_service_request(
            service_code=code, description=f"{DEMO}{text}", address=address
        )

    # --- watch groups, volunteers, the academy ------------------------------------------------
    for name, sector in (
        ("Silver Lake Block Watch", "120C"),
        ("Stapleton Heights Neighbors", "120D"),
    ):
        group = services.create_watch_group(
            ca,
            name=f"{DEMO}{name}",
            sector=sector,
            liaison=officer,
            meeting_cadence="First Tuesday monthly",
            area_geojson={
                "type": "Polygon",
                "coordinates": [
                    [
                        [-74.10, 40.625],
                        [-74.09, 40.625],
                        [-74.09, 40.632],
                        [-74.10, 40.632],
                        [-74.10, 40.625],
                    ]
                ],
            },
        )
        for i in range(rng.randint(4, 9)):
            services.add_watch_member(ca, group, name=f"Demo member {i + 1}", captain=i == 0)
        services.move_watch_group(ca, group, "activate")
    cohort = services.create_cohort(
        ca,
        name=f"{DEMO}Spring cohort",
        starts_on=timezone.localdate() - timedelta(days=50),
        ends_on=timezone.localdate() - timedelta(days=1),
        capacity=8,
    )
    services.move_cohort(ca, cohort, "open_applications")
    apps = [
        services.apply_to_academy(
            cohort, name=f"{DEMO}Applicant {i + 1}", email=f"applicant{i + 1}@example.org"
        )
        for i in range(8)
    ]
    for app in apps:
        services.move_application(
            ca, app, "screen", notes="Interviewed by community affairs (demo)."
        )
        services.move_application(ca, app, "admit")
        services.move_application(ca, app, "enrol")
    services.move_cohort(ca, cohort, "start")
    topics = [
        "Law and the courts",
        "Patrol procedure",
        "Domestic violence",
        "Mental-health crises",
        "Use of force and de-escalation",
        "Firearms simulator",
        "Gangs and youth",
        "Counterterrorism",
    ]
    for week, topic in enumerate(topics):
        session = services.add_session(
            ca, cohort, held_on=cohort.starts_on + timedelta(days=6 * week), topic=topic
        )
        services.record_attendance(ca, session, [a.pk for a in apps if rng.random() < 0.88])
    graduates = 0
    for app in apps:
        try:
            services.move_application(ca, app, "graduate")
            graduates += 1
        except services.ApplicationError:
            continue
    services.move_cohort(ca, cohort, "graduate")
    alumni = [a for a in apps if a.status == "graduated"][:3]
    for app in alumni:
        volunteer = services.enlist_alumnus(ca, app, roles="Community Day, National Night Out")
        services.move_background_check(ca, volunteer, "start_check")
        services.move_background_check(ca, volunteer, "clear")
        services.log_hours(
            ca,
            volunteer,
            worked_on=timezone.localdate() - timedelta(days=7),
            hours=rng.choice([2, 3, 4.5]),
            activity="Community Day setup",
        )
    services.create_volunteer(
        ca, name=f"{DEMO}Volunteer interpreter", roles="Spanish and Arabic interpreting"
    )
    nxt = services.create_cohort(
        ca,
        name=f"{DEMO}Fall cohort",
        starts_on=timezone.localdate() + timedelta(days=60),
        ends_on=timezone.localdate() + timedelta(days=130),
    )
    services.move_cohort(ca, nxt, "open_applications")
    summary["academy_graduates"] = graduates

    # --- donations, partners, grants --------------------------------------------------------
    drive = services.create_drive(
        ca,
        title=f"{DEMO}Back-to-school backpacks",
        purpose="Backpacks and supplies for PS 31 and PS 78.",
        goal="5000",
        opens_on=timezone.localdate() - timedelta(days=30),
        closes_on=timezone.localdate() + timedelta(days=30),
    )
    towing = services.create_partner(
        ca,
        name=f"{DEMO}Island Towing Inc",
        kind="business",
        pending_matter="Bid for the precinct tow contract",
    )
    school = services.create_partner(ca, name=f"{DEMO}PS 31 William T. Morris", kind="school")
    agreement = services.create_agreement(
        ca,
        school,
        title=f"{DEMO}School safety partnership MOU",
        data_sharing="No student records are shared.",
    )
    services.move_agreement(
        ca, agreement, "sign", renews_on=timezone.localdate() + timedelta(days=300)
    )
    gifts = [
        ("Staten Island Rotary", "nonprofit", "1500", "backpacks"),
        ("Ana R.", "individual", "250", "backpacks"),
        ("Richmond Grocers", "business", "800", ""),
    ]
    for donor, kind, amount, purpose in gifts:
        gift = services.record_pledge(
            ca,
            donor_name=f"{DEMO}{donor}",
            donor_kind=kind,
            amount=amount,
            drive=drive,
            restricted_purpose=purpose,
        )
        services.check_donation(co, gift, accept=True)
        services.move_donation(ca, gift, "receive")
        services.move_donation(ca, gift, "acknowledge")
        services.allocate_donation(
            ca, gift, purpose=(purpose or "Community Day") + " (demo)", amount=amount
        )
        services.move_donation(ca, gift, "disclose")
    conflicted = services.record_pledge(
        ca, donor_name=towing.name, donor_kind="business", amount="2000"
    )
    services.check_donation(
        co, conflicted, accept=False, notes="Pending tow-contract bid: declined."
    )
    services.record_pledge(
        ca,
        donor_name=f"{DEMO}Hill St Block Association",
        donor_kind="nonprofit",
        amount="300",
        drive=drive,
    )
    grant = services.create_grant(
        ca,
        funder="US DOJ COPS Office",
        program=f"{DEMO}Community Policing Development",
        amount_requested="75000",
    )
    services.move_grant(ca, grant, "submit")
    start = timezone.localdate() - timedelta(days=120)
    services.move_grant(
        ca,
        grant,
        "award",
        award_number="DEMO-COPS-0001",
        amount_awarded="60000",
        period_start=start,
        period_end=start + timedelta(days=730),
    )
    services.record_grant_expense(
        ca,
        grant,
        spent_on=start + timedelta(days=30),
        amount="12500",
        description="Youth-officer overtime",
    )
    services.add_grant_report(
        ca, grant, period="Semi-annual progress report", due_on=start + timedelta(days=190)
    )
    services.create_grant(
        ca,
        funder="NYS DCJS",
        program=f"{DEMO}Crime Analysis Center support",
        amount_requested="20000",
        due_on=timezone.localdate() + timedelta(days=45),
    )

    # --- safety posts ---------------------------------------------------------------------------
    p1 = services.write_post(
        ca,
        title=f"{DEMO}Car break-ins near the ferry",
        sector="120A",
        body="Cars parked overnight near the ferry terminal were broken into. Keep bags and phones out of sight.",
        context="6 in the past four weeks; 9 in the same weeks last year.",
    )
    services.submit_post(ca, p1)
    services.review_post(sergeant, p1, publish=True)
    services.correct_post(
        ca,
        p1,
        title=p1.title,
        note="The lot is on Bay St, not Richmond Terrace.",
        body="Cars parked overnight in the Bay St lot near the ferry were broken into. Keep bags and phones out of sight.",
    )
    p2 = services.write_post(
        ca,
        title=f"{DEMO}Phone scam: callers pretending to be from the precinct",
        body="Police never ask for payment in gift cards. Hang up and call the precinct.",
    )
    services.submit_post(ca, p2)
    services.review_post(sergeant, p2, publish=True)
    p3 = services.write_post(
        ca,
        title=f"{DEMO}Storm preparedness",
        sector="120D",
        body="Coastal flooding is expected Sunday night. Move cars from low streets.",
    )
    services.submit_post(ca, p3)

    # --- the trust survey -------------------------------------------------------------------------
    survey = services.create_survey(
        ca,
        title=f"{DEMO}Neighbourhood trust and safety survey",
        introduction="Four statements, five answers each. Anonymous: only your sector is asked.",
        statements=QUESTIONS,
    )
    questions = list(survey.questions.all())
    services.move_survey(ca, survey, "publish")
    lean = {"120A": 0.3, "120B": 0.0, "120C": 0.5, "120D": -0.3}
    responses = 0
    for sector, n in (("120A", 40), ("120B", 35), ("120C", 28), ("120D", 3)):
        for _ in range(n):
            answers = {
                q.pk: max(1, min(5, round(rng.gauss(3.4 + lean[sector], 1.1)))) for q in questions
            }
            day = timezone.localdate() - timedelta(days=rng.randint(0, 80))
            services.submit_survey_response(survey, sector=sector, answers=answers, today=day)
            responses += 1
    summary["survey_responses"] = responses
    return summary
