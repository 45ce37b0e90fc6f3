"""Who sees what: a patrol officer never sees complaints against colleagues, and a sealed
complaint never reaches a list, search, export, count or API answer for a role not allowed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openprecinct.accountability import public, selectors, services
from openprecinct.accountability.dashboard import build
from openprecinct.accountability.models import Complaint, Officer
from openprecinct.accounts.roles import Role

SECRET = "Zanzibar-sealed-narrative"


@pytest.fixture
def sealed_and_open(personas, investigating, officer):
    ia = personas["ia_investigator"]
    visible = investigating(narrative="An ordinary complaint about a stop.")
    sealed = investigating(narrative=SECRET)
    for c in (visible, sealed):
        a = c.allegations.get()
        services.allegation_record_finding(actor=ia, allegation=a, disposition="exonerated")
        services.complaint_transition(
            actor=ia, complaint=c, action="submit_closing_report", note="x"
        )
        co = personas["commanding_officer"]
        services.complaint_transition(actor=co, complaint=c, action="send_to_panel")
        services.complaint_transition(actor=co, complaint=c, action="record_findings")
        services.complaint_transition(actor=co, complaint=c, action="close")
    # sealing orders apply to finished cases
    services.complaint_set_flags(actor=ia, complaint=sealed, is_sealed=True, reason="Court order 1")
    return visible, sealed


def test_patrol_officers_and_sergeants_see_no_complaint_against_a_colleague(
    personas, investigating, verified_client, make_officer
):
    colleague = make_officer("Colleague", user=personas["sergeant"])
    c = investigating()
    services.allegation_add(
        actor=personas["ia_investigator"],
        complaint=c,
        fado_type="force",
        allegation="Physical force",
        officer=colleague,
    )
    for role in ("patrol_officer", "sergeant", "dispatcher", "crime_analyst", "records_clerk"):
        user = personas[role]
        assert not selectors.complaints_for(user).exists()
        assert not selectors.allegations_for(user).exists()
        client = verified_client(user)
        assert client.get(reverse("accountability:complaints")).status_code == 403
        api = client.get("/api/v1/accountability/complaints/")
        assert api.status_code == 403 and api.json()["error"]["code"] == "permission_denied"
        detail = client.get(f"/api/v1/accountability/complaints/{c.pk}/")
        assert detail.status_code == 404
        officer_page = client.get(reverse("accountability:officer", args=[colleague.pk]))
        assert officer_page.status_code == 403
        assert "Physical force" not in officer_page.content.decode()


def test_a_patrol_officer_sees_only_their_own_force_reports(
    personas, force_report, verified_client
):
    mine = force_report(author=personas["patrol_officer"])
    theirs = force_report(author=personas["sergeant"])
    client = verified_client(personas["patrol_officer"])
    numbers = [
        r["number"] for r in client.get("/api/v1/accountability/force-reports/").json()["results"]
    ]
    assert numbers == [mine.number]
    assert client.get(reverse("accountability:force_report", args=[theirs.pk])).status_code == 404


def test_sealed_complaints_reach_no_list_search_export_count_or_api_for_the_co(
    personas, sealed_and_open, verified_client
):
    visible, sealed = sealed_and_open
    co = personas["commanding_officer"]
    client = verified_client(co)
    # list and search
    page = client.get(reverse("accountability:complaints"), {"q": ""}).content.decode()
    assert visible.number in page and sealed.number not in page
    search = client.get(reverse("accountability:complaints"), {"q": "Zanzibar"}).content.decode()
    assert sealed.number not in search and "No complaints match" in search
    # the detail answers like a missing complaint
    assert client.get(reverse("accountability:complaint", args=[sealed.pk])).status_code == 404
    # export
    csv_text = client.get(reverse("accountability:complaint_export")).content.decode()
    assert visible.number in csv_text and sealed.number not in csv_text
    # counts: dashboard and its API
    d = build(co)
    assert d["fado"]["total"] == 1 and d["close"]["closed"] == 1
    assert sum(n for _, n in d["statuses"]) == 1
    dash = client.get("/api/v1/accountability/dashboard/").json()
    assert dash["allegations_by_fado_and_outcome"]["total"] == 1
    assert client.get(reverse("accountability:home")).status_code == 200
    # API list, search and detail
    api = client.get("/api/v1/accountability/complaints/", {"q": "Zanzibar"}).json()
    assert api["count"] == 0
    assert client.get(f"/api/v1/accountability/complaints/{sealed.pk}/").status_code == 404
    # the officer page counts only what the CO may see
    officer_page = client.get(
        reverse("accountability:officer", args=[visible.allegations.get().officer_id])
    ).content.decode()
    assert officer_page.count("Exonerated") == 1


def test_internal_affairs_sees_the_sealed_complaint(personas, sealed_and_open, verified_client):
    visible, sealed = sealed_and_open
    ia = personas["ia_investigator"]
    assert build(ia)["fado"]["total"] == 2
    client = verified_client(ia)
    assert (
        SECRET in client.get(reverse("accountability:complaint", args=[sealed.pk])).content.decode()
    )
    assert sealed.number in client.get(reverse("accountability:complaint_export")).content.decode()


def test_sealed_material_stays_out_of_oversight_and_the_portal(personas, sealed_and_open):
    visible, sealed = sealed_and_open
    eligible = list(selectors.complaints_eligible_for_oversight())
    assert eligible == [visible]
    assert sum(r["allegations"] for r in public.complaints_by_type_and_outcome()) == 1
    assert sum(r["closed"] for r in public.time_to_close()) == 1
    # every role other than IA: the sealed complaint is in no count
    for role in Role:
        if role == Role.IA_INVESTIGATOR:
            continue
        user = personas[role.value]
        assert not selectors.complaints_for(user).filter(pk=sealed.pk).exists()
        assert not selectors.allegations_for(user).filter(complaint=sealed).exists()


def test_public_aggregates_have_the_contract_shape_and_no_personal_data(personas, sealed_and_open):
    rows = public.complaints_by_type_and_outcome()
    assert rows and set(rows[0]) == {"year", "fado_type", "outcome", "allegations"}
    closing = public.time_to_close()
    assert set(closing[0]) == {"year", "closed", "median_days", "closed_within_18_months"}
    assert public.force_by_level() == []
    text = repr(rows) + repr(closing)
    assert "A. Resident" not in text and "Rolman" not in text


def test_conduct_events_count_sealed_items_but_show_only_ids(personas, sealed_and_open):
    from datetime import timedelta

    from django.utils import timezone

    visible, sealed = sealed_and_open
    today = timezone.localdate()
    events = selectors.conduct_events(today - timedelta(days=60), today)
    sources = {e["source_id"] for e in events}
    assert sources == {f"complaint:{visible.pk}", f"complaint:{sealed.pk}"}
    assert all(set(e) == {"officer_id", "kind", "occurred_on", "source_id"} for e in events)
    assert {e["officer_id"] for e in events} == {Officer.objects.get().pk}
    assert Complaint.objects.count() == 2
