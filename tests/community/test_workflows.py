"""Events and meetings, problems, the academy, donations, safety posts, SARs, watch groups,
volunteers, grants and the survey: each role, the public and an outsider."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openprecinct.community import checks, selectors, services
from openprecinct.community.models import Event, Problem, Rsvp
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed


# --- events -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_resident_finds_an_event_rsvps_and_cancels(make_event, as_user):
    event = make_event(capacity=3)
    public = as_user("public")
    listing = public.get("/portal/community/events/?sector=120A").content.decode()
    assert event.title in listing
    response = public.post(
        f"/portal/community/events/{event.pk}/", {"form": "rsvp", "name": "Ana", "party_size": "2"}
    )
    assert response.status_code == 200
    code = re.search(r"<code>([^<]+)</code>", response.content.decode()).group(1)
    full = public.post(
        f"/portal/community/events/{event.pk}/", {"form": "rsvp", "name": "Bo", "party_size": "2"}
    )
    assert full.status_code == 400 and "only 1 places are left" in full.content.decode()
    public.post("/portal/community/rsvp/cancel/", {"code": code})
    assert Rsvp.objects.get(name="Ana").status == "cancelled"
    ics = public.get("/portal/community/events.ics").content.decode()
    assert "BEGIN:VCALENDAR" in ics and f"UID:event-{event.pk}@" in ics and "\r\n" in ics


@pytest.mark.django_db
def test_a_draft_event_is_not_public(make_event, as_user):
    event = make_event(publish=False)
    assert as_user("public").get(f"/portal/community/events/{event.pk}/").status_code == 404


@pytest.mark.django_db
def test_only_community_staff_manage_events(make_event, as_user):
    event = make_event(publish=False)
    for who in ("patrol_officer", "outsider", "crime_analyst"):
        response = as_user(who).post(f"/community/events/{event.pk}/act/", {"action": "publish"})
        assert response.status_code == 403
    assert (
        as_user("commanding_officer")
        .post(f"/community/events/{event.pk}/act/", {"action": "publish"})
        .status_code
        == 302
    )
    event.refresh_from_db()
    assert event.status == "published"


@pytest.mark.django_db
def test_meeting_concerns_become_problems_reported_back_at_the_next_sector_meeting(
    make_event, coordinator, as_user
):
    first = make_event(days=-30)
    first.starts_at = timezone.now() - timedelta(days=30)
    first.save()
    services.hold_event(coordinator, first, attendance=25, minutes="Parking and noise on Bay St.")
    problem = services.raise_problem(coordinator, title="Double parking on Bay St", event=first)
    assert problem.sector == "120A"
    services.move_problem(
        coordinator, problem, "analyse", text="Deliveries 7-9am, no loading zone."
    )
    with pytest.raises(ApplicationError, match="The response plan is required"):
        services.move_problem(coordinator, problem, "respond", text="")
    with pytest.raises(TransitionNotAllowed):
        services.move_problem(coordinator, problem, "solve")
    other_sector = services.raise_problem(coordinator, title="Noise at night", sector="120C")
    other_sector.raised_on = first.starts_at.date()
    other_sector.save()
    second = make_event(days=-1)
    second.starts_at = timezone.now() - timedelta(hours=1)
    second.save()
    services.hold_event(coordinator, second, attendance=18)
    back = list(second.report_backs.values_list("problem__title", "status"))
    assert back == [("Double parking on Bay St", "analysis")]
    page = as_user("public").get(f"/portal/community/events/{second.pk}/").content.decode()
    assert "Double parking on Bay St" in page and "Analysis" in page


@pytest.mark.django_db
def test_feedback_opens_only_after_the_event(make_event, coordinator, as_user):
    event = make_event()
    with pytest.raises(ApplicationError, match="once the event has taken place"):
        services.give_feedback(event, rating=5)
    with pytest.raises(ApplicationError, match="once it has started"):
        services.hold_event(coordinator, event, attendance=10)
    event.starts_at = timezone.now() - timedelta(hours=2)
    event.save()
    services.hold_event(coordinator, event, attendance=10)
    response = as_user("public").post(
        f"/portal/community/events/{event.pk}/",
        {"form": "feedback", "rating": "4", "useful": "yes"},
    )
    assert response.status_code == 200 and event.feedback.get().rating == 4


@pytest.mark.django_db
def test_an_event_that_ends_before_it_starts_is_refused(coordinator):
    start = timezone.now()
    with pytest.raises(ApplicationError, match="end after it starts"):
        services.create_event(
            coordinator,
            kind="town_hall",
            title="Town hall",
            venue="Hall",
            starts_at=start,
            ends_at=start,
        )
    assert not Event.objects.exists()


# --- the academy --------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_academy_cohort_from_application_to_alumni_volunteer(coordinator, as_user):
    cohort = services.create_cohort(
        coordinator,
        name="Spring 2026",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 5, 10),
        capacity=1,
    )
    public = as_user("public")
    assert (
        public.get(f"/portal/community/academy/{cohort.pk}/apply/").status_code == 404
    )  # not open yet
    services.move_cohort(coordinator, cohort, "open_applications")
    public.post(
        f"/portal/community/academy/{cohort.pk}/apply/",
        {"name": "Rita", "email": "rita@example.org", "local": "on"},
    )
    public.post(
        f"/portal/community/academy/{cohort.pk}/apply/", {"name": "Sam", "phone": "718 555 0101"}
    )
    refused = public.post(f"/portal/community/academy/{cohort.pk}/apply/", {"name": "Nobody"})
    assert (
        refused.status_code == 400 and "email address or a phone number" in refused.content.decode()
    )
    rita, sam = cohort.applications.order_by("id")
    for app in (rita, sam):
        services.move_application(coordinator, app, "screen", notes="Interviewed; references fine.")
    services.move_application(coordinator, rita, "admit")
    with pytest.raises(ApplicationError, match="cohort is full"):
        services.move_application(coordinator, sam, "admit")
    services.move_application(coordinator, sam, "waitlist")
    services.move_application(coordinator, rita, "enrol")
    services.move_cohort(coordinator, cohort, "start")
    sessions = [
        services.add_session(coordinator, cohort, held_on=date(2026, 3, d), topic=f"Week {d}")
        for d in (2, 9, 16, 23, 30)
    ]
    for session in sessions[:3]:
        services.record_attendance(coordinator, session, [rita.pk])
    for session in sessions[3:]:
        services.record_attendance(coordinator, session, [])
    with pytest.raises(ApplicationError, match="3 of 5 sessions"):
        services.move_application(coordinator, rita, "graduate")
    services.record_attendance(coordinator, sessions[3], [rita.pk])
    services.move_application(coordinator, rita, "graduate")
    volunteer = services.enlist_alumnus(coordinator, rita)
    assert volunteer.academy_application == rita
    with pytest.raises(ApplicationError):
        services.enlist_alumnus(coordinator, rita)


@pytest.mark.django_db
def test_only_community_staff_run_the_academy(coordinator, as_user):
    cohort = services.create_cohort(
        coordinator, name="Fall", starts_on=date(2026, 9, 1), ends_on=date(2026, 11, 1)
    )
    for who in ("sergeant", "outsider"):
        assert (
            as_user(who)
            .post(f"/community/academy/{cohort.pk}/act/", {"action": "open_applications"})
            .status_code
            == 403
        )
    assert as_user("public").get(f"/community/academy/{cohort.pk}/").status_code in (302, 403)


# --- donations ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_donation_from_pledge_to_public_ledger(coordinator, personas, as_user):
    co = personas["commanding_officer"]
    gift = services.record_pledge(
        coordinator,
        donor_name="Ana Ruiz",
        donor_kind="individual",
        amount="500",
        restricted_purpose="youth league",
    )
    with pytest.raises(ApplicationError, match="not allowed"):
        services.check_donation(coordinator, gift, accept=True)  # the recorder never checks
    with pytest.raises(TransitionNotAllowed):
        services.move_donation(coordinator, gift, "receive")  # not before the conflict check
    services.check_donation(co, gift, accept=True)
    services.move_donation(coordinator, gift, "receive")
    services.move_donation(coordinator, gift, "acknowledge")
    with pytest.raises(ApplicationError, match="restricted to: youth league"):
        services.allocate_donation(coordinator, gift, purpose="printer", amount="100")
    services.allocate_donation(coordinator, gift, purpose="youth league uniforms", amount="300")
    gift.refresh_from_db()
    assert gift.status == "acknowledged"
    with pytest.raises(ApplicationError, match="Only 200.00 is left"):
        services.allocate_donation(coordinator, gift, purpose="youth league", amount="250")
    services.allocate_donation(coordinator, gift, purpose="youth league field fees", amount="200")
    gift.refresh_from_db()
    assert gift.status == "allocated"
    ledger = as_user("public").get("/portal/community/donations/").content.decode()
    assert "Ana Ruiz" not in ledger and "youth league uniforms" not in ledger  # not disclosed yet
    services.move_donation(coordinator, gift, "disclose")
    ledger = as_user("public").get("/portal/community/donations/").content.decode()
    assert (
        "Anonymous individual" in ledger
        and "Ana Ruiz" not in ledger
        and "youth league uniforms" in ledger
    )


@pytest.mark.django_db
def test_a_donor_with_a_pending_matter_fails_the_conflict_check(coordinator, personas):
    services.create_partner(
        coordinator, name="Bay Towing Inc", kind="business", pending_matter="Tow contract bid"
    )
    gift = services.record_pledge(
        coordinator, donor_name="bay towing inc", donor_kind="business", amount="8000"
    )
    with pytest.raises(ApplicationError, match="matter pending"):
        services.check_donation(personas["commanding_officer"], gift, accept=True)
    services.check_donation(personas["commanding_officer"], gift, accept=False, notes="Conflict.")
    gift.refresh_from_db()
    assert gift.status == "declined" and len(gift.coi_findings) == 2


@pytest.mark.django_db
def test_a_large_business_gift_needs_the_cos_reasons(coordinator, personas):
    gift = services.record_pledge(
        coordinator, donor_name="Island Grocers", donor_kind="business", amount="6000"
    )
    with pytest.raises(ApplicationError, match="Explain in the note"):
        services.check_donation(personas["commanding_officer"], gift, accept=True, notes="ok")
    services.check_donation(
        personas["commanding_officer"],
        gift,
        accept=True,
        notes="Community Day food; no matter pending.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["patrol_officer", "outsider", "records_clerk"])
def test_donations_are_off_limits_to_other_roles(as_user, who):
    assert as_user(who).get("/community/donations/").status_code == 403
    assert (
        as_user(who)
        .post(
            "/community/donations/new/",
            {"action": "pledge", "donor_name": "X", "donor_kind": "individual", "amount": "5"},
        )
        .status_code
        == 403
    )


# --- safety posts -------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_post_is_reviewed_by_someone_else_corrected_visibly_and_expired(
    coordinator, personas, as_user
):
    post = services.write_post(
        coordinator,
        title="Car break-ins on Victory Blvd",
        body="Three cars were broken into overnight. Do not leave bags on seats.",
        sector="120B",
        context="3 this month, 5 in the same month last year.",
    )
    services.submit_post(coordinator, post)
    with pytest.raises(ApplicationError, match="not allowed"):
        services.review_post(coordinator, post, publish=True)  # never the author
    services.review_post(personas["sergeant"], post, publish=True)
    services.correct_post(
        coordinator,
        post,
        title=post.title,
        body="Four cars were broken into overnight. Do not leave bags on seats.",
        note="Four cars, not three.",
    )
    page = as_user("public").get(f"/portal/community/safety/{post.pk}/").content.decode()
    assert "Four cars, not three." in page and "Three cars were broken into" in page
    atom = as_user("public").get("/portal/community/safety/feed.atom").content.decode()
    assert "<feed" in atom and "Four cars were broken into" in atom
    services.expire_post(coordinator, post)
    assert post.title not in as_user("public").get("/portal/community/safety/").content.decode()


@pytest.mark.django_db
def test_a_post_with_a_race_only_description_or_victim_details_cannot_be_published(
    coordinator, personas
):
    post = services.write_post(
        coordinator,
        title="Be alert",
        body="Residents report a Black man in the area. The victim, aged 34, lives at 12 Bay Street.",
    )
    services.submit_post(coordinator, post)
    assert len(post.review_findings) == 3
    with pytest.raises(ApplicationError, match="Cannot publish"):
        services.review_post(personas["sergeant"], post, publish=True)
    services.review_post(
        personas["sergeant"], post, publish=False, note="Describe behaviour; remove victim details."
    )
    assert post.status == "draft"


def test_bias_checks_warn_on_traits_alone_not_on_specific_descriptions():
    assert checks.bias_warnings("Two Muslim men near the station.")
    assert not checks.bias_warnings(
        "A white man in a red hoodie photographed the substation fence and tried the gate."
    )
    assert not checks.bias_warnings("A van parked by the school every day.")


# --- SARs, service requests, watch groups, volunteers, grants ---------------------------------
@pytest.mark.django_db
def test_a_sar_resting_on_religion_alone_is_sent_back_then_reviewed_and_purged(as_user, personas):
    import re as _re

    public = as_user("public")
    page = public.get("/portal/community/suspicious-activity/").content.decode()
    token = _re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {
        "token": token,
        "behaviour": "other",
        "description": "A Muslim family lives in the corner house now.",
        "location": "Corner of Bay St",
        "observed_on": "2026-01-05",
    }
    response = public.post("/portal/community/suspicious-activity/", data)
    assert response.status_code == 400 and "is not suspicious" in response.content.decode()
    from openprecinct.community.models import SuspiciousActivityReport

    assert not SuspiciousActivityReport.objects.exists()
    data.update(
        description="A man photographed the substation fence for an hour and tested the gate lock.",
        behaviour="surveillance",
    )
    assert public.post("/portal/community/suspicious-activity/", data).status_code == 200
    sar = SuspiciousActivityReport.objects.get()
    with pytest.raises(ApplicationError, match="not allowed"):
        services.review_sar(personas["patrol_officer"], sar, retain=True, reason="x" * 20)
    services.review_sar(
        personas["sergeant"],
        sar,
        retain=False,
        reason="No criminal nexus found after a check.",
        today=date(2026, 1, 6),
    )
    assert services.purge_expired(date(2026, 2, 6))["sars"] == 1
    sar.refresh_from_db()
    assert sar.status == "purged" and sar.description == ""


@pytest.mark.django_db
def test_a_watch_group_needs_a_liaison_and_an_area_to_become_active(coordinator, personas, as_user):
    group = services.create_watch_group(coordinator, name="Bay Street Watch", sector="120A")
    with pytest.raises(ApplicationError, match="liaison"):
        services.move_watch_group(coordinator, group, "activate")
    group.liaison = personas["patrol_officer"]
    group.area_geojson = {
        "type": "Polygon",
        "coordinates": [[[-74.08, 40.63], [-74.07, 40.63], [-74.07, 40.64], [-74.08, 40.63]]],
    }
    group.save()
    services.add_watch_member(coordinator, group, name="Mo Diaz", contact="mo@example.org")
    services.move_watch_group(coordinator, group, "activate")
    assert "Mo Diaz" not in as_user("public").get("/portal/community/").content.decode()
    assert as_user("patrol_officer").get("/community/watch/").status_code == 403


@pytest.mark.django_db
def test_volunteer_hours_need_a_cleared_background_check(coordinator):
    volunteer = services.create_volunteer(coordinator, name="Lee", roles="Community Day")
    with pytest.raises(ApplicationError, match="background check cleared"):
        services.log_hours(
            coordinator, volunteer, worked_on=date(2026, 1, 2), hours="3", activity="Setup"
        )
    services.move_background_check(coordinator, volunteer, "start_check")
    services.move_background_check(coordinator, volunteer, "clear")
    services.log_hours(
        coordinator, volunteer, worked_on=date(2026, 1, 2), hours="3.5", activity="Setup"
    )
    assert volunteer.shifts.get().hours == Decimal("3.50")


@pytest.mark.django_db
def test_a_grant_from_application_to_close_out(coordinator):
    grant = services.create_grant(
        coordinator,
        funder="DOJ COPS",
        program="Community Policing Development",
        amount_requested="50000",
    )
    services.move_grant(coordinator, grant, "submit")
    services.move_grant(
        coordinator,
        grant,
        "award",
        award_number="15JCOPS-26",
        amount_awarded="40000",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    with pytest.raises(ApplicationError, match="outside the award period"):
        services.record_grant_expense(
            coordinator, grant, spent_on=date(2025, 12, 1), amount="100", description="Early"
        )
    services.record_grant_expense(
        coordinator, grant, spent_on=date(2026, 2, 1), amount="39000", description="Youth program"
    )
    with pytest.raises(ApplicationError, match="Only 1000.00"):
        services.record_grant_expense(
            coordinator, grant, spent_on=date(2026, 2, 2), amount="2000", description="Overspend"
        )
    report = services.add_grant_report(
        coordinator, grant, period="Feb 1 – Jul 31", due_on=date(2026, 8, 30)
    )
    with pytest.raises(ApplicationError, match="not submitted"):
        services.move_grant(coordinator, grant, "close_out")
    services.submit_grant_report(coordinator, report)
    services.move_grant(coordinator, grant, "close_out")


@pytest.mark.django_db
def test_survey_results_suppress_small_cells_and_feed_the_portal(coordinator, as_user):
    from openprecinct.community.models import Survey, SurveyQuestion

    survey = Survey.objects.create(title="Trust survey")
    question = SurveyQuestion.objects.create(
        survey=survey, number=1, text="Police treat people with respect", code="respect"
    )
    services.move_survey(coordinator, survey, "publish")
    for value in (5, 4, 4, 2, 1, 5):
        services.submit_survey_response(
            survey, sector="120A", answers={question.pk: value}, today=date(2026, 2, 1)
        )
    services.submit_survey_response(
        survey, sector="120B", answers={question.pk: 5}, today=date(2026, 2, 1)
    )
    rows = {r["sector"]: r for r in selectors.survey_results(survey)}
    assert rows["120A"]["responses"] == 6 and rows["120A"]["agree_share"] == round(4 / 6, 3)
    assert rows["120B"]["suppressed"] and rows["120B"]["responses"] is None
    page = as_user("public").get(f"/portal/community/survey/{survey.pk}/").content.decode()
    assert "fewer than 5" in page
    outcomes = selectors.community_outcomes()
    assert outcomes["survey"] == [
        {"period": "2026-Q1", "question": "respect", "responses": 7, "agree_share": round(5 / 7, 3)}
    ]


@pytest.mark.django_db
def test_community_outcomes_has_the_contract_shape(make_event, coordinator):
    from openprecinct.community.public import community_outcomes

    event = make_event()
    event.starts_at = timezone.now() - timedelta(hours=1)
    event.save()
    services.hold_event(coordinator, event, attendance=12)
    problem = services.raise_problem(coordinator, title="Speeding on Forest Ave", event=event)
    for action, text in (("analyse", "a"), ("respond", "b"), ("assess", "c"), ("solve", "")):
        services.move_problem(coordinator, problem, action, text=text)
    out = community_outcomes()
    assert set(out) == {"meetings", "problems", "survey"}
    month = f"{timezone.localtime(event.starts_at):%Y-%m}"
    assert out["meetings"] == [
        {"month": month, "kind": "sector_meeting", "meetings": 1, "attendees": 12}
    ]
    assert (
        sum(r["raised"] for r in out["problems"]) == 1
        and sum(r["solved"] for r in out["problems"]) == 1
    )
    assert Problem.objects.get().solved_on is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/community/",
        "/community/tips/",
        "/community/events/",
        "/community/problems/",
        "/community/posts/",
        "/community/donations/",
        "/community/grants/",
        "/community/academy/",
        "/community/watch/",
        "/community/volunteers/",
        "/community/suspicious-activity/",
        "/community/service-requests/",
        "/community/surveys/",
    ],
)
def test_every_staff_page_renders_for_community_affairs_and_is_refused_to_an_outsider(
    as_user, path
):
    assert as_user("community_affairs").get(path).status_code == 200
    assert as_user("outsider").get(path).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/portal/community/",
        "/portal/community/tips/",
        "/portal/community/tips/follow-up/",
        "/portal/community/suspicious-activity/",
        "/portal/community/service-requests/",
        "/portal/community/events/",
        "/portal/community/problems/",
        "/portal/community/safety/",
        "/portal/community/donations/",
        "/portal/community/events.ics",
        "/portal/community/safety/feed.atom",
        "/portal/community/rsvp/cancel/",
    ],
)
def test_every_public_page_renders_without_signing_in(as_user, path):
    assert as_user("public").get(path).status_code == 200


@pytest.mark.django_db
def test_the_digest_and_the_social_text(coordinator, personas):
    import io

    from django.core import mail
    from django.core.management import call_command

    from openprecinct.community import feeds

    post = services.write_post(
        coordinator, title="Scam calls", body="Police never ask for payment in gift cards. " * 10
    )
    services.submit_post(coordinator, post)
    services.review_post(personas["sergeant"], post, publish=True)
    social = feeds.social_text(post, host="precinct.example")
    assert len(social) <= 280 and social.endswith(f"/portal/community/safety/{post.pk}/")
    out = io.StringIO()
    call_command("community_digest", "--host", "precinct.example", stdout=out)
    assert "Scam calls" in out.getvalue()
    call_command("community_digest", "--to", "residents@example.org", stdout=io.StringIO())
    assert mail.outbox[-1].to == ["residents@example.org"] and "Scam calls" in mail.outbox[-1].body


@pytest.mark.django_db
def test_home_page_lists_community_tasks(make_tip, as_user):
    make_tip()
    page = as_user("community_affairs").get("/staff/").content.decode()
    assert "anonymous tips wait for triage" in page


@pytest.mark.django_db
def test_staff_draft_a_survey_and_a_drive_through_the_pages(as_user):
    from openprecinct.community.models import Drive, Survey

    staff = as_user("community_affairs")
    bad = staff.post(
        "/community/surveys/new/",
        {"action": "create", "title": "Trust", "statements": "no code here"},
    )
    assert bad.status_code == 302 and not Survey.objects.exists()
    staff.post(
        "/community/surveys/new/",
        {
            "action": "create",
            "title": "Trust",
            "statements": "safe: I feel safe.\nrespect: Police are respectful.",
        },
    )
    survey = Survey.objects.get()
    assert [q.code for q in survey.questions.all()] == ["safe", "respect"]
    staff.post(f"/community/surveys/{survey.pk}/act/", {"action": "publish"})
    survey.refresh_from_db()
    assert survey.status == "published"
    staff.post(
        "/community/donations/new/",
        {
            "action": "create_drive",
            "title": "Coats",
            "purpose": "Winter coats",
            "goal": "2000",
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
        },
    )
    drive = Drive.objects.get()
    staff.post("/community/donations/new/", {"action": "close_drive", "drive": drive.pk})
    drive.refresh_from_db()
    assert drive.status == "closed"
