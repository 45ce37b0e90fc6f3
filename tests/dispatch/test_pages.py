"""The dispatcher's console, a call's page, the officer's phone view, BOLOs, response times
and the patrol page, through a signed-in browser session."""

import pytest
from django.urls import reverse

from openprecinct.core.models import AuditEntry
from openprecinct.dispatch import services
from openprecinct.dispatch.models import Call
from tests.conftest import login_verified

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_console_shows_the_queue_with_a_recommended_unit(client, people, unit, new_call):
    call = new_call()
    login_verified(client, people["dispatcher"])

    page = client.get(reverse("dispatch:console"))

    assert page.status_code == 200
    html = page.content.decode()
    assert call.number in html and "120A1" in html and "Recommended unit" in html
    panels = client.get(reverse("dispatch:console_panels"))
    assert call.number in panels.content.decode()
    feed = client.get(reverse("dispatch:console_map")).json()
    assert feed["calls"][0]["number"] == call.number


def test_a_dispatcher_enters_and_assigns_a_call_from_the_console(client, people, unit):
    login_verified(client, people["dispatcher"])
    client.post(
        reverse("dispatch:call_create"),
        {
            "call_type": "34q1",
            "address": "10 Bay St",
            "latitude": "40.6410",
            "longitude": "-74.0760",
            "caller_callback": "718-555-0142",
        },
    )
    call = Call.objects.get()
    assert call.caller_callback == "718-555-0142" and call.callback_masked.endswith("42")

    client.post(reverse("dispatch:call_assign", args=[call.pk]), {"unit": unit.pk})

    call.refresh_from_db()
    assert call.status == "dispatched"
    page = client.get(reverse("dispatch:call", args=[call.pk])).content.decode()
    assert "718-555-0142" not in page and "42" in page


def test_an_officer_sees_the_call_card_and_clears_with_a_disposition(
    client, people, unit, new_call
):
    call = new_call(remarks="male in red jacket")
    services.hazard_create(
        actor=people["sergeant"],
        address="1 Richmond Terrace",
        category="dog",
        guidance="Dog in the yard",
        source="120-2025-7",
    )
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    login_verified(client, people["patrol_officer"])

    page = client.get(reverse("dispatch:mobile")).content.decode()
    assert "male in red jacket" in page and "Dog in the yard" in page and "120-2025-7" in page

    url = reverse("dispatch:unit_status", args=[unit.pk])
    client.post(url, {"action": "arrive"})
    client.post(url, {"action": "clear", "disposition": "assisted"})

    call.refresh_from_db()
    assert call.status == "closed"
    assert call.timeline.filter(kind="close", source="mdt").exists()


def test_a_plate_query_matching_a_live_bolo_shows_the_hit_banner_and_is_audited(
    client, people, unit
):
    services.bolo_create(
        actor=people["dispatcher"],
        kind="vehicle",
        plate="KXY 1234",
        description="grey Honda",
        reason="robbery 120-2026-9",
    )
    login_verified(client, people["patrol_officer"])

    page = client.get(reverse("dispatch:mobile"), {"q": "kxy-1234"}).content.decode()

    assert "BOLO HIT" in page and "grey Honda" in page
    assert AuditEntry.objects.filter(action="dispatch.query").exists()
    calm = client.get(reverse("dispatch:mobile"), {"q": "ABC 999"}).content.decode()
    assert "BOLO HIT" not in calm


def test_pages_are_refused_to_the_wrong_roles(client, people):
    login_verified(client, people["patrol_officer"])
    assert client.get(reverse("dispatch:console")).status_code == 403
    assert client.get(reverse("dispatch:patrol")).status_code == 403
    login_verified(client, people["dispatcher"])
    assert client.get(reverse("dispatch:mobile")).status_code == 403
    login_verified(client, people["outsider"])
    assert client.get(reverse("dispatch:call", args=[999])).status_code == 404


def test_response_times_page_and_csv(client, people, unit, new_call):
    call = new_call()
    services.call_assign(actor=people["dispatcher"], call=call, unit=unit, at=at(60))
    services.unit_status_update(actor=None, unit=unit, action="arrive", at=at(360))
    login_verified(client, people["crime_analyst"])

    page = client.get(reverse("dispatch:response_times"), {"by": "priority"})
    assert page.status_code == 200
    assert "1:00" in page.content.decode() and "6:00" in page.content.decode()
    csv = client.get(reverse("dispatch:response_times"), {"by": "sector", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "response_median_s" in csv.content.decode().splitlines()[0]


def test_the_patrol_page_compares_two_plans(client, people):
    login_verified(client, people["crime_analyst"])
    page = client.get(reverse("dispatch:patrol"), {"cars": 4, "proposed": 5, "tour": "third"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mean travel time" in html and "Assumptions" in html and "PCAM" in html


def test_a_units_timeline_page_lists_its_statuses(client, people, unit, new_call):
    services.call_assign(actor=people["dispatcher"], call=new_call(), unit=unit, at=at(60))
    login_verified(client, people["dispatcher"])
    page = client.get(reverse("dispatch:unit", args=[unit.pk])).content.decode()
    assert "120A1" in page and "assign" in page and "sign_on" in page


def test_the_home_page_points_each_role_to_its_dispatch_work(client, people, unit, new_call):
    new_call()
    login_verified(client, people["dispatcher"])
    home = client.get("/staff/").content.decode()
    assert "calls wait for a unit" in home
    login_verified(client, people["crime_analyst"])
    home = client.get("/staff/").content.decode()
    assert reverse("dispatch:response_times") in home and reverse("dispatch:patrol") in home


def _busy_board(people, make_user, new_call, first, n):
    """n more units, each on its own call, and n more calls waiting."""
    for i in range(first, first + n):
        crew = make_user(f"crew-{i}", "patrol_officer")
        car = services.unit_create(actor=None, call_sign=f"Q{i}", members=[crew])
        services.unit_status_update(actor=None, unit=car, action="sign_on", at=at(-60))
        services.call_assign(actor=None, call=new_call(), unit=car, at=at(30))
        new_call()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_console_and_the_calls_api_take_the_same_queries_however_busy(
    client, people, make_user, new_call
):
    login_verified(client, people["dispatcher"])
    _busy_board(people, make_user, new_call, 0, 2)
    client.get(reverse("dispatch:console_panels"))  # warm caches
    few = [
        _queries(client, reverse("dispatch:console_panels")),
        _queries(client, "/api/v1/dispatch/calls/"),
    ]
    _busy_board(people, make_user, new_call, 2, 5)
    many = [
        _queries(client, reverse("dispatch:console_panels")),
        _queries(client, "/api/v1/dispatch/calls/"),
    ]
    assert many == few
    assert few[0] <= 15 and few[1] <= 10  # 13 and 8 when written


def test_a_sergeant_keeps_or_retires_hazard_flags_and_officers_cannot(client, people):
    flag = services.hazard_create(
        actor=people["patrol_officer"],
        address="5 Bay St",
        category="dog",
        guidance="Dog",
        source="call X",
    )
    login_verified(client, people["patrol_officer"])
    assert "5 Bay St" in client.get(reverse("dispatch:hazards")).content.decode()
    client.post(reverse("dispatch:hazards"), {"hazard": flag.pk, "keep": "0"})
    flag.refresh_from_db()
    assert flag.retired_at is None
    login_verified(client, people["sergeant"])
    client.post(reverse("dispatch:hazards"), {"hazard": flag.pk, "keep": "0"})
    flag.refresh_from_db()
    assert flag.retired_at is not None
    assert "5 Bay St" not in client.get(reverse("dispatch:hazards")).content.decode()
