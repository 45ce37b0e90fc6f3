"""The REST API: versioned, schema served, tokens only after two factors, one error shape."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD_FOR_TESTS, login_password_only, login_verified, totp_now


def test_the_openapi_schema_is_served_as_json_to_staff(client, personas):
    login_verified(client, personas["crime_analyst"])
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]


def test_anonymous_routes_live_only_under_public(client, db):
    from tests.platform.url_walk import all_paths

    open_routes = []
    for path in all_paths():
        if not path.startswith("/api/") or path.startswith("/api/v1/auth/"):
            continue
        if client.get(path).status_code < 400:
            open_routes.append(path)
    assert open_routes and all(p.startswith("/api/v1/public/") for p in open_routes)


def test_public_routes_are_read_only(client, db):
    assert client.get("/api/v1/public/boundaries/").status_code == 200
    assert client.post("/api/v1/public/boundaries/", {}).status_code in (403, 405)


def test_a_token_needs_password_and_code(client, personas):
    user = personas["patrol_officer"]
    response = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD_FOR_TESTS, "otp": "abcdef"},
        content_type="application/json",
    )
    assert response.status_code == 400
    other = personas["sergeant"]  # a wrong code throttles that device for a while: use another
    response = client.post(
        "/api/v1/auth/token/",
        {"username": other.username, "password": PASSWORD_FOR_TESTS, "otp": "000000"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    response = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD_FOR_TESTS, "otp": totp_now(user)},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["role"] == "patrol_officer"


def test_tokens_expire(client, personas):
    user = personas["patrol_officer"]
    token = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD_FOR_TESTS, "otp": totp_now(user)},
        content_type="application/json",
    ).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(hours=13)):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_errors_have_one_shape(client, personas):
    login_password_only(client, personas["sergeant"])
    body = client.get("/api/v1/me/").json()
    assert set(body["error"]) == {"code", "message", "details"}
    client.logout()
    body = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token").json()
    assert set(body["error"]) == {"code", "message", "details"}
    body = client.post("/api/v1/auth/token/", {}, content_type="application/json").json()
    assert set(body["error"]) == {"code", "message", "details"}
    assert "username" in body["error"]["details"]
