"""Who reaches which community page: every role, an outsider with no role, and the public."""

from __future__ import annotations

import pytest

from openprecinct.accounts.roles import Role

MANAGERS = {"community_affairs", "commanding_officer"}
TIP_READERS = MANAGERS | {"patrol_officer", "sergeant", "ia_investigator"}
EXPECTED = {
    "/community/tips/": TIP_READERS,
    "/community/events/": MANAGERS,
    "/community/problems/": MANAGERS,
    "/community/academy/": MANAGERS,
    "/community/donations/": MANAGERS,
    "/community/suspicious-activity/": MANAGERS | {"sergeant"},
    "/community/posts/": MANAGERS | {"sergeant"},
}
EVERYONE = [r.value for r in Role] + ["outsider", "public"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_each_person_reaches_exactly_the_community_pages_their_role_allows(as_user, who):
    client = as_user(who)
    for path, allowed in EXPECTED.items():
        status = client.get(path).status_code
        if who == "public":
            assert status == 302, path  # to the sign-in page
        elif who in allowed:
            assert status == 200, (path, status)
        else:
            assert status == 403, (path, status)
    # the public pages are everyone's
    assert client.get("/portal/community/events/").status_code == 200
    assert client.get("/portal/community/problems/").status_code == 200
    assert client.get("/portal/community/donations/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_only_managers_can_change_events_problems_cohorts_and_donations(as_user, who):
    client = as_user(who)
    posts = {
        "/community/events/new/": {
            "action": "create",
            "kind": "town_hall",
            "title": "T",
            "venue": "V",
            "starts_at": "2030-01-01T18:00",
            "ends_at": "2030-01-01T19:00",
        },
        "/community/problems/new/": {"action": "create", "title": "Noise"},
        "/community/academy/new/": {
            "action": "create",
            "name": "C",
            "starts_on": "2030-01-01",
            "ends_on": "2030-02-01",
        },
        "/community/donations/new/": {
            "action": "pledge",
            "donor_name": "D",
            "donor_kind": "individual",
            "amount": "5",
        },
    }
    for path, data in posts.items():
        status = client.post(path, data).status_code
        if who == "public":
            assert status == 302 and "/accounts/login/" in client.post(path, data)["Location"]
        elif who in MANAGERS:
            assert status == 302, path  # done, back to the page
        else:
            assert status == 403, (path, status)
    from openprecinct.community.models import Cohort, Donation, Event, Problem

    made = (
        Event.objects.count()
        + Problem.objects.count()
        + Cohort.objects.count()
        + Donation.objects.count()
    )
    assert made == (4 if who in MANAGERS else 0)
