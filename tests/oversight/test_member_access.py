"""A member sees only redacted packets, only while their access is open; every view is logged.
Sealed cases vanish from everything a member (or any role not allowed) can see."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from openprecinct.core.models import AuditEntry
from openprecinct.oversight import public, selectors, services
from openprecinct.oversight.models import PacketView
from tests.conftest import login_verified
from tests.oversight import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(case, personas, members):
    """A review with restricted material, its packet built and opened to member 0 for 7 days."""
    factories.restricted_material(case)
    ia = personas["ia_investigator"]
    review = services.review_open(actor=ia, complaint=case)
    services.packet_build(actor=ia, review=review)
    services.access_open(actor=ia, review=review, members=[members[0]], days=7)
    return review


def _get(client, user, url):
    client.logout()
    login_verified(client, user)
    return client.get(url)


def test_a_member_reads_the_redacted_packet_while_access_is_open(client, opened, members):
    response = _get(client, members[0], f"/oversight/reviews/{opened.pk}/packet/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "SENTINEL" not in body and "Jordan Complainant" not in body
    assert "Ferry terminal CCTV log" in body
    assert members[0].username in body  # watermarked with the reader
    assert PacketView.objects.filter(viewer=members[0]).count() == 1
    entry = AuditEntry.objects.filter(action="oversight.packet.view").latest("seq")
    assert entry.actor_id == members[0].pk


def test_the_export_and_the_api_carry_only_the_redacted_content(client, opened, members):
    export = _get(client, members[0], f"/oversight/reviews/{opened.pk}/packet.json")
    assert export.status_code == 200 and "SENTINEL" not in export.content.decode()
    assert json.loads(export.content)["exported_for"] == members[0].username
    api = client.get(f"/api/v1/oversight/reviews/{opened.pk}/packet/")
    assert api.status_code == 200 and "SENTINEL" not in api.content.decode()
    assert PacketView.objects.filter(viewer=members[0]).count() == 2


def test_no_access_before_it_opens_or_after_it_closes(client, opened, members):
    # a member never given access: the same 404 as for a review that does not exist
    assert _get(client, members[1], f"/oversight/reviews/{opened.pk}/packet/").status_code == 404
    assert _get(client, members[1], f"/oversight/reviews/{opened.pk}/").status_code == 404
    assert _get(client, members[1], "/oversight/reviews/999999/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        response = _get(client, members[0], f"/oversight/reviews/{opened.pk}/packet/")
        assert response.status_code == 404
        api = client.get(f"/api/v1/oversight/reviews/{opened.pk}/packet/")
        assert api.status_code == 404
        # the review itself is still listed for them, without the packet
        page = client.get(f"/oversight/reviews/{opened.pk}/")
        assert page.status_code == 200 and b"Read the packet" not in page.content
    assert AuditEntry.objects.filter(action="access.denied", outcome="denied").exists()


def test_revoked_access_ends_at_once(client, opened, members, personas):
    grant = opened.grants.get(member=members[0])
    services.access_revoke(actor=personas["ia_investigator"], grant=grant)
    assert _get(client, members[0], f"/oversight/reviews/{opened.pk}/packet/").status_code == 404


def test_a_member_cannot_vote_after_access_ends(opened, members):
    from openprecinct.core.errors import ApplicationError

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(ApplicationError, match="access to this case has ended"):
            services.vote_cast(member=members[0], review=opened, choice="agree")


def test_other_roles_never_see_packets(client, opened, personas):
    for role in (
        "patrol_officer",
        "sergeant",
        "crime_analyst",
        "dispatcher",
        "records_clerk",
        "community_affairs",
        "administrator",
        "outsider",
    ):
        response = _get(client, personas[role], f"/oversight/reviews/{opened.pk}/packet/")
        assert response.status_code in (403, 404), role
        assert b"SENTINEL" not in response.content


def test_a_complaint_sealed_later_vanishes_for_members_everywhere(
    client, opened, members, personas
):
    member = members[0]
    services.vote_cast(member=member, review=opened, choice="agree")
    opened.status = "decided"
    opened.save()
    services.recommendation_issue(
        actor=member,
        kind="case",
        text="Retrain the officer on courtesy.",
        review=opened,
        public_summary="The committee asked for courtesy retraining in one case.",
        response_days=7,
    )
    assert len(public.recommendations()) == 1
    opened.complaint.is_sealed = True
    opened.complaint.save()
    assert not selectors.reviews_for(member).exists()
    assert not selectors.recommendations_for(member).exists()
    assert public.recommendations() == []
    dash = selectors.dashboard(user=member)
    assert dash["total"] == 0 and dash["reviews_by_status"] == {}
    assert _get(client, member, f"/oversight/reviews/{opened.pk}/packet/").status_code == 404
    home = client.get("/oversight/")
    assert opened.number.encode() not in home.content
    assert home.context["deadlines"] == {"overdue": 0, "due_today": 0, "due_soon": 0}
    assert home.context["dash"]["total"] == 0
    listing = client.get("/api/v1/oversight/reviews/")
    assert listing.json()["count"] == 0 if "count" in listing.json() else listing.json() == []
    # internal affairs (may see sealed records) still sees it; the packet stays closed
    ia = personas["ia_investigator"]
    assert selectors.reviews_for(ia).filter(pk=opened.pk).exists()
    assert _get(client, ia, f"/oversight/reviews/{opened.pk}/packet/").status_code == 404


def test_withholding_counts_are_for_staff_who_may_see_sealed_records(
    client, opened, members, personas
):
    staff = _get(client, personas["ia_investigator"], f"/oversight/reviews/{opened.pk}/")
    assert b"Withheld from the packet" in staff.content
    member = _get(client, members[0], f"/oversight/reviews/{opened.pk}/")
    assert b"Withheld from the packet" not in member.content
    assert b"sealed" not in member.content.lower().replace(b"unsealed", b"")
