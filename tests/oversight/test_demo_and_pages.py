"""The demo loader, and the committee's pages and API by role."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from openprecinct.oversight.models import CommitteeReview, Recommendation, ReviewPacket
from tests.conftest import login_verified

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_its_packets_are_redacted(personas):
    call_command("load_demo_oversight", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (CommitteeReview.objects.count(), Recommendation.objects.count())
    call_command("load_demo_oversight", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (CommitteeReview.objects.count(), Recommendation.objects.count()) == counts == (2, 3)
    blob = json.dumps(list(ReviewPacket.objects.values_list("content", flat=True)))
    assert "15-year-old" not in blob and "protected witness" not in blob
    assert "Radio run and description" in blob


def test_pages_and_api_by_role(client, personas):
    call_command("load_demo_oversight", stdout=open("/dev/null", "w"))  # noqa: SIM115
    review = CommitteeReview.objects.get(status="member_access")
    rec = Recommendation.objects.filter(response="pending").first()
    allowed = {"oversight_member", "ia_investigator", "commanding_officer"}
    for role, user in personas.items():
        client.logout()
        login_verified(client, user)
        expected = 200 if role in allowed else 403
        assert client.get("/oversight/").status_code == expected, role
        assert client.get("/oversight/meetings/").status_code == expected, role
        assert client.get(f"/oversight/recommendations/{rec.pk}/").status_code in (
            (200,) if role in allowed else (403,)
        ), role
        assert client.get("/api/v1/oversight/reviews/").status_code == expected, role
        page = client.get(f"/oversight/reviews/{review.pk}/packet/")
        assert page.status_code == (200 if role in allowed else 403), role
    client.logout()
    login_verified(client, personas["commanding_officer"])
    response = client.post(
        f"/oversight/recommendations/{rec.pk}/respond/", {"response": "reject", "reason": ""}
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.response == "pending"  # refused: a rejection needs its reason
    api = client.post(
        f"/api/v1/oversight/recommendations/{rec.pk}/respond/",
        {"response": "reject"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "rule_violation"


def test_the_member_votes_through_the_api(client, personas):
    call_command("load_demo_oversight", stdout=open("/dev/null", "w"))  # noqa: SIM115
    review = CommitteeReview.objects.get(status="member_access")
    login_verified(client, personas["oversight_member"])
    response = client.post(
        f"/api/v1/oversight/reviews/{review.pk}/vote/",
        {"choice": "further_investigation", "reason": "Interview the second officer."},
        content_type="application/json",
    )
    assert response.status_code == 200
    bad = client.post(
        f"/api/v1/oversight/reviews/{review.pk}/act/",
        {"action": "close"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "can't take the step" in bad.json()["error"]["message"]


def test_the_dashboard_query_count_does_not_grow_with_reviews(
    client, personas, django_assert_max_num_queries
):
    from openprecinct.oversight import services
    from tests.oversight import factories

    member, ia = personas["oversight_member"], personas["ia_investigator"]
    login_verified(client, member)

    def add_review():
        review = services.review_open(actor=ia, complaint=factories.complaint())
        services.packet_build(actor=ia, review=review)
        services.access_open(actor=ia, review=review, members=[member], days=5)

    add_review()
    client.get("/oversight/")  # warm caches
    with django_assert_max_num_queries(25) as one:
        client.get("/oversight/")
    for _ in range(4):
        add_review()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/oversight/")
    assert response.content.count(b"open until") == 5
