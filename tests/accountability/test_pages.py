"""The staff pages and the public complaint form, by role."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.urls import reverse

from openprecinct.accountability.models import Complaint


@pytest.mark.parametrize(
    "name", ["home", "complaints", "officers", "imports", "ia_list", "force_list", "complaint_new"]
)
def test_ia_and_the_commanding_officer_reach_every_page(verified_client, personas, name):
    for role in ("ia_investigator", "commanding_officer"):
        client = verified_client(personas[role])
        assert client.get(reverse(f"accountability:{name}")).status_code == 200


def test_a_patrol_officer_sees_no_complaint_page(verified_client, personas, investigating):
    c = investigating()
    client = verified_client(personas["patrol_officer"])
    for url in (
        reverse("accountability:complaints"),
        reverse("accountability:officers"),
        reverse("accountability:complaint_export"),
        reverse("accountability:ia_list"),
    ):
        assert client.get(url).status_code == 403
    # the same answer as for a complaint that does not exist
    real = client.get(reverse("accountability:complaint", args=[c.pk]))
    missing = client.get(reverse("accountability:complaint", args=[99999]))
    assert real.status_code == missing.status_code == 403
    assert c.narrative not in real.content.decode()
    # the dashboard sends them to their own force reports
    assert client.get(reverse("accountability:home")).url == reverse("accountability:force_list")


def test_the_complaint_page_shows_the_18_month_limit(verified_client, personas, investigating):
    c = investigating()
    page = verified_client(personas["ia_investigator"]).get(
        reverse("accountability:complaint", args=[c.pk])
    )
    assert page.status_code == 200
    assert "18-month limit" in page.content.decode()
    assert c.sol_date.strftime("%B %Y").split()[0] in page.content.decode()


def test_an_investigator_works_a_complaint_through_the_pages(
    verified_client, personas, investigating
):
    c = investigating()
    client = verified_client(personas["ia_investigator"])
    r = client.post(
        reverse("accountability:task_add", args=[c.pk]),
        {
            "kind": "evidence_request",
            "evidence_kind": "bwc",
            "title": "BWC of the stop",
            "due_on": "2099-01-01",
        },
    )
    assert r.status_code == 302
    a = c.allegations.get()
    client.post(
        reverse("accountability:allegation_finding", args=[a.pk]),
        {"disposition": "unsubstantiated"},
    )
    a.refresh_from_db()
    assert a.disposition == "unsubstantiated"
    client.post(
        reverse("accountability:complaint_act", args=[c.pk]),
        {"action": "submit_closing_report", "note": "Video inconclusive."},
    )
    c.refresh_from_db()
    assert c.status == "closing_report"
    page = client.get(reverse("accountability:complaint", args=[c.pk])).content.decode()
    assert "BWC of the stop" in page and "Video inconclusive." in page


def test_the_public_form_takes_an_anonymous_complaint(client, db):
    url = reverse("accountability_public:complaint")
    assert client.get(url).status_code == 200
    r = client.post(url, {"narrative": "An officer swore at me.", "anonymous": "on"})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.anonymous and c.channel == "web" and c.source == "public" and c.complainant_name == ""
    thanks = client.get(r.url).content.decode()
    assert c.tracking_code in thanks
    status = client.get(reverse("accountability_public:status"), {"code": c.tracking_code})
    assert "Received" in status.content.decode()


def test_the_public_form_says_what_to_fix(client, db):
    r = client.post(reverse("accountability_public:complaint"), {"narrative": "x"})
    assert r.status_code == 200
    assert "how to reach you" in r.content.decode()
    assert not Complaint.objects.exists()


def test_an_ia_case_page_shows_its_18_month_limit(verified_client, personas, officer):
    from datetime import datetime

    from openprecinct.accountability import services

    case = services.ia_case_open(
        actor=personas["ia_investigator"],
        data={
            "kind": "vehicle_accident",
            "summary": "RMP collision.",
            "occurred_at": datetime(2026, 3, 31, 16, tzinfo=UTC),
            "officer": officer,
        },
    )
    page = verified_client(personas["commanding_officer"]).get(
        reverse("accountability:ia_case", args=[case.pk])
    )
    assert "18-month limit: Thursday 30 September 2027" in page.content.decode()
