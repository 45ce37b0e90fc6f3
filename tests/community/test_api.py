"""The community API and the Open311 GeoReport v2 endpoints."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from openprecinct.community import services
from openprecinct.community.models import ServiceRequest


@pytest.mark.slow  # building the whole OpenAPI schema takes several seconds
@pytest.mark.django_db
def test_the_schema_documents_the_community_routes(as_user):
    schema = as_user("community_affairs").get("/api/v1/schema/").json()
    for path in (
        "/api/v1/community/tips/",
        "/api/v1/community/tips/{id}/actions/",
        "/api/v1/community/events/",
        "/api/v1/community/open311/v2/requests.json",
        "/api/v1/community/outcomes/",
    ):
        assert path in schema["paths"], path


@pytest.mark.django_db
def test_tips_over_the_api_follow_the_same_rules(make_tip, as_user, personas):
    tip, _ = make_tip("Call me at 718-555-0100: the blue van sells drugs on Bay Street.")
    staff = as_user("community_affairs")
    assert staff.get("/api/v1/community/tips/").json()[0]["narrative"].startswith("Call me")
    officer = as_user("patrol_officer")
    assert officer.get(f"/api/v1/community/tips/{tip.pk}/").status_code == 404
    bad = staff.post(
        f"/api/v1/community/tips/{tip.pk}/actions/",
        {"action": "assign", "assignee": personas["patrol_officer"].pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("Cannot assign")
    for body in (
        {"action": "triage", "route": "squad"},
        {"action": "screen", "screened_text": "The blue van sells drugs on Bay Street."},
        {"action": "assign", "assignee": personas["patrol_officer"].pk},
    ):
        assert (
            staff.post(
                f"/api/v1/community/tips/{tip.pk}/actions/", body, content_type="application/json"
            ).status_code
            == 200
        )
    seen = officer.get(f"/api/v1/community/tips/{tip.pk}/").json()
    assert seen["narrative"] == "The blue van sells drugs on Bay Street." and "718" not in str(seen)
    assert as_user("outsider").get("/api/v1/community/tips/").status_code == 403


@pytest.mark.django_db
def test_events_over_the_api(as_user):
    staff = as_user("community_affairs")
    created = staff.post(
        "/api/v1/community/events/",
        {
            "kind": "town_hall",
            "title": "Town hall",
            "venue": "Borough Hall",
            "starts_at": "2030-05-01T18:00:00Z",
            "ends_at": "2030-05-01T20:00:00Z",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    published = staff.post(
        f"/api/v1/community/events/{pk}/actions/",
        {"action": "publish"},
        content_type="application/json",
    )
    assert published.json()["status"] == "published"
    again = staff.post(
        f"/api/v1/community/events/{pk}/actions/",
        {"action": "publish"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "error" in again.json()
    assert as_user("patrol_officer").get("/api/v1/community/events/").status_code == 403


@pytest.mark.django_db
def test_open311_with_a_token(personas, client):
    token = Token.objects.create(user=personas["community_affairs"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    services_list = client.get("/api/v1/community/open311/v2/services.json", **auth).json()
    assert {"service_code": "noise"}.items() <= next(
        s for s in services_list if s["service_code"] == "noise"
    ).items()
    created = client.post(
        "/api/v1/community/open311/v2/requests.json",
        {
            "service_code": "graffiti",
            "description": "Tags on the wall",
            "lat": 40.636,
            "long": -74.08,
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    rid = created.json()[0]["service_request_id"]
    one = client.get(f"/api/v1/community/open311/v2/requests/{rid}.json", **auth).json()[0]
    assert one["status"] == "open" and one["lat"] == 40.636 and one["service_name"] == "Graffiti"
    sr = ServiceRequest.objects.get(pk=rid)
    services.move_service_request(personas["community_affairs"], sr, "acknowledge")
    services.move_service_request(
        personas["community_affairs"], sr, "close", notes="Cleaned by DSNY"
    )
    closed = client.get("/api/v1/community/open311/v2/requests.json?status=closed", **auth).json()
    assert [r["service_request_id"] for r in closed] == [rid] and closed[0][
        "status_notes"
    ] == "Cleaned by DSNY"
    bad = client.post(
        "/api/v1/community/open311/v2/requests.json",
        {"service_code": "nope", "description": "x", "address_string": "here"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    assert client.get("/api/v1/community/open311/v2/services.json").status_code in (401, 403)
    analyst = Token.objects.create(user=personas["crime_analyst"])
    assert (
        client.get(
            "/api/v1/community/open311/v2/services.json", HTTP_AUTHORIZATION=f"Token {analyst.key}"
        ).status_code
        == 403
    )
