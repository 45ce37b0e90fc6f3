"""The tip workflow by role: coordinator, investigator (assigned or not), other staff, an
outsider with no role and a member of the public."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openprecinct.community import services
from openprecinct.community.models import Tip, TipMessage
from openprecinct.core.errors import ApplicationError, TransitionNotAllowed
from openprecinct.core.models import AuditEntry


def _to_assigned(coordinator, tip, investigator):
    services.triage_tip(coordinator, tip, emergency=False, route="squad")
    services.screen_tip(coordinator, tip, screened_text="Drugs sold from a van on Bay Street.")
    services.assign_tip(coordinator, tip, investigator)
    return tip


@pytest.mark.django_db
def test_the_full_workflow_is_audited_step_by_step(make_tip, coordinator, personas):
    tip, _ = make_tip()
    officer = personas["patrol_officer"]
    _to_assigned(coordinator, tip, officer)
    services.staff_reply(officer, tip, "Which evenings?")
    services.record_tip_outcome(officer, tip, "info_used")
    services.close_tip(coordinator, tip, today=date(2026, 1, 10))
    actions = list(
        AuditEntry.objects.filter(action__startswith="community.tip.").values_list(
            "action", flat=True
        )
    )
    for step in (
        "submit",
        "triage",
        "screen",
        "assign",
        "staff_message",
        "record_outcome",
        "close",
    ):
        assert f"community.tip.{step}" in actions
    tip.refresh_from_db()
    assert tip.status == "closed" and tip.purge_after == date(2027, 1, 10)


@pytest.mark.django_db
def test_illegal_transitions_are_refused_with_a_clear_message(make_tip, coordinator, personas):
    tip, _ = make_tip()
    with pytest.raises(
        TransitionNotAllowed, match="Cannot assign a tip that is received. From here: triage"
    ):
        services.assign_tip(coordinator, tip, personas["sergeant"])
    with pytest.raises(TransitionNotAllowed):
        services.close_tip(coordinator, tip)
    tip.refresh_from_db()
    assert tip.status == "received" and tip.assigned_to is None


@pytest.mark.django_db
def test_emergency_triage_tells_the_tipster_to_call_911(make_tip, coordinator):
    tip, passphrase = make_tip()
    services.triage_tip(coordinator, tip, emergency=True, route="squad")
    found = services.tip_for_tipster(tip.reference, passphrase)
    assert "call 911" in found.messages.get().body


@pytest.mark.django_db
def test_investigators_never_see_an_unscreened_tip_or_the_original(
    make_tip, coordinator, personas, as_user
):
    tip, _ = make_tip(
        "I am the neighbour at 12 Bay Street, call me at 718-555-0100: drugs in the van."
    )
    officer = personas["patrol_officer"]
    client = as_user("patrol_officer")
    assert client.get(f"/community/tips/{tip.pk}/").status_code == 404
    services.triage_tip(coordinator, tip, emergency=False, route="squad")
    services.screen_tip(coordinator, tip, screened_text="Drugs sold from a van on Bay Street.")
    assert client.get(f"/community/tips/{tip.pk}/").status_code == 404  # screened, not theirs yet
    services.assign_tip(coordinator, tip, officer)
    page = client.get(f"/community/tips/{tip.pk}/").content.decode()
    assert "Drugs sold from a van on Bay Street." in page
    assert "718-555-0100" not in page and "12 Bay Street" not in page
    # a tipster message reaches the investigator only once screened
    services.tipster_reply(tip, "It is my neighbour Joe, I live next door.")
    page = client.get(f"/community/tips/{tip.pk}/").content.decode()
    assert "my neighbour Joe" not in page and "Waiting for the coordinator" in page
    message = TipMessage.objects.get(author="tipster")
    services.screen_message(
        coordinator, message, screened_body="The seller is known locally as Joe."
    )
    page = client.get(f"/community/tips/{tip.pk}/").content.decode()
    assert "known locally as Joe" in page and "I live next door" not in page


@pytest.mark.django_db
def test_the_coordinator_sees_the_original_and_hints_at_identifying_details(make_tip, as_user):
    tip, _ = make_tip("My name is Ann, call me at 718-555-0100. Drugs are sold from the van.")
    page = as_user("community_affairs").get(f"/community/tips/{tip.pk}/").content.decode()
    assert "718-555-0100" in page and "a phone number" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["outsider", "records_clerk", "dispatcher", "crime_analyst", "oversight_member"]
)
def test_other_staff_and_outsiders_see_no_tip(make_tip, as_user, who):
    tip, _ = make_tip()
    client = as_user(who)
    assert client.get(f"/community/tips/{tip.pk}/").status_code == 404
    response = client.post(f"/community/tips/{tip.pk}/act/", {"action": "triage", "route": "squad"})
    assert response.status_code == 404
    tip.refresh_from_db()
    assert tip.status == "received"


@pytest.mark.django_db
def test_an_investigator_cannot_triage_or_assign(make_tip, coordinator, personas):
    tip, _ = make_tip()
    with pytest.raises(ApplicationError, match="not allowed"):
        services.triage_tip(personas["sergeant"], tip, emergency=False, route="squad")
    _to_assigned(coordinator, tip, personas["sergeant"])
    with pytest.raises(ApplicationError, match="not allowed"):
        services.assign_tip(personas["sergeant"], tip, personas["patrol_officer"])


@pytest.mark.django_db
def test_the_public_cannot_reach_staff_tip_pages(make_tip, as_user):
    tip, _ = make_tip()
    response = as_user("public").get(f"/community/tips/{tip.pk}/")
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_staff_reply_and_tipster_answer_through_the_pages(make_tip, as_user):
    import re

    tip, passphrase = make_tip()
    staff = as_user("community_affairs")
    staff.post(f"/community/tips/{tip.pk}/act/", {"action": "triage", "route": "detectives"})
    staff.post(
        f"/community/tips/{tip.pk}/act/",
        {"action": "reply", "body": "Thank you. What colour is the van?"},
    )
    public = as_user("public")
    page = public.get("/portal/community/tips/follow-up/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    opened = public.post(
        "/portal/community/tips/follow-up/",
        {
            "token": token,
            "reference": tip.reference.lower(),
            "passphrase": passphrase.replace("-", " "),
        },
    )
    assert "What colour is the van?" in opened.content.decode()
    assert (
        "datetime.date" not in opened.content.decode()
    )  # the conversation is not the messages list


@pytest.mark.django_db
def test_closed_tips_are_purged_on_schedule(make_tip, coordinator, personas):
    tip, passphrase = make_tip()
    _to_assigned(coordinator, tip, personas["sergeant"])
    services.tipster_reply(tip, "One more thing about the van.")
    services.record_tip_outcome(coordinator, tip, "unfounded")
    services.close_tip(coordinator, tip, today=date(2026, 3, 1))
    assert services.purge_expired(date(2026, 5, 29)) == {"tips": 0, "sars": 0, "posts_expired": 0}
    done = []
    result = services.purge_expired(
        date(2026, 5, 30), progress=lambda n, total: done.append((n, total))
    )
    assert result["tips"] == 1 and done == [(1, 1)]
    tip.refresh_from_db()
    assert tip.status == "purged" and tip.narrative_original == "" and not tip.messages.exists()
    assert services.tip_for_tipster(tip.reference, passphrase) is None
    assert services.purge_expired(date(2026, 6, 30))["tips"] == 0  # idempotent
    assert Tip.objects.filter(outcome="unfounded").count() == 1  # the statistic stays


@pytest.mark.django_db
def test_a_closed_tip_takes_no_more_messages(make_tip, coordinator):
    tip, _ = make_tip()
    services.triage_tip(coordinator, tip, emergency=False, route="no_action")
    services.record_tip_outcome(coordinator, tip, "unfounded")
    services.close_tip(coordinator, tip)
    with pytest.raises(ApplicationError, match="closed"):
        services.tipster_reply(tip, "Hello again")


@pytest.mark.django_db
def test_tip_dates_are_dates(make_tip):
    tip, _ = make_tip()
    assert isinstance(tip.received_on, date) and tip.received_on - tip.last_message_on == timedelta(
        0
    )
