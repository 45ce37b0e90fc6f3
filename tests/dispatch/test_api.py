"""Dispatch through the REST API: a call from entry to close, the error shape, the schema."""

import pytest

from tests.conftest import login_verified

pytestmark = pytest.mark.django_db


def test_a_call_from_entry_to_close_over_the_api(client, people, unit):
    login_verified(client, people["dispatcher"])
    created = client.post(
        "/api/v1/dispatch/calls/",
        {
            "call_type": "34Q1",
            "address": "10 Bay St",
            "latitude": 40.641,
            "longitude": -74.076,
            "caller_callback": "7185550142",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["priority"] == "critical" and body["caller_callback"].endswith("42")
    assert "5550142" not in created.content.decode()
    call_id = body["id"]

    queue = client.get("/api/v1/dispatch/calls/", {"status": "queue"}).json()
    assert [c["id"] for c in queue["results"]] == [call_id]
    assigned = client.post(
        f"/api/v1/dispatch/calls/{call_id}/assign/",
        {"unit": "120a1"},
        content_type="application/json",
    )
    assert assigned.json()["status"] == "dispatched"

    login_verified(client, people["patrol_officer"])
    for action in ("en_route", "arrive"):
        r = client.post(
            f"/api/v1/dispatch/units/{unit.pk}/status/",
            {"action": action},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    refused = client.post(
        f"/api/v1/dispatch/units/{unit.pk}/status/",
        {"action": "clear"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "disposition" in refused.json()["error"]["message"]
    done = client.post(
        f"/api/v1/dispatch/units/{unit.pk}/status/",
        {"action": "clear", "disposition": "assisted"},
        content_type="application/json",
    )
    assert done.json()["status"] == "available"

    detail = client.get(f"/api/v1/dispatch/calls/{call_id}/").json()
    assert detail["status"] == "closed"
    assert [e["source"] for e in detail["timeline"]][-1] == "mdt"


def test_an_illegal_transition_gets_the_one_error_shape(client, people, unit):
    login_verified(client, people["dispatcher"])
    r = client.post(
        f"/api/v1/dispatch/units/{unit.pk}/status/",
        {"action": "arrive"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "rule_violation"
    assert "available" in r.json()["error"]["message"]


def test_response_times_api_and_roles(client, people):
    login_verified(client, people["crime_analyst"])
    assert client.get("/api/v1/dispatch/response-times/", {"by": "tour"}).json()["rows"] == []
    assert client.get("/api/v1/dispatch/response-times/", {"by": "planet"}).status_code == 400
    login_verified(client, people["records_clerk"])
    assert client.get("/api/v1/dispatch/calls/").status_code == 403


def test_a_bolo_query_over_the_api(client, people):
    from openprecinct.dispatch import services

    services.bolo_create(
        actor=people["dispatcher"],
        kind="person",
        name="John Q Doe",
        description="tall",
        reason="warrant",
    )
    login_verified(client, people["patrol_officer"])
    body = client.get("/api/v1/dispatch/query/", {"q": "john q doe"}).json()
    assert body["hit"] and body["hits"][0]["name"] == "John Q Doe"


def test_the_schema_documents_the_dispatch_api(client, people):
    login_verified(client, people["dispatcher"])
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert schema.status_code == 200
    assert "/api/v1/dispatch/calls/" in text and "/api/v1/dispatch/response-times/" in text
