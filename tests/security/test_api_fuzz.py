"""Schemathesis over the whole OpenAPI schema (/api/v1/schema/): no server errors, as staff with
a token and anonymously. In-process over WSGI; bounded (a few examples per operation) and
derandomized, so a run is repeatable and takes well under a minute.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FUZZ = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Fuzzing hits the throttled token endpoint: leave no throttle state to later tests."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def staff_token(make_user):
    from rest_framework.authtoken.models import Token

    user = make_user("fuzz-co", "commanding_officer")
    return Token.objects.create(user=user).key


def _operations(token):
    from django.test import Client

    response = Client().get("/api/v1/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content[:300]
    schema = schemathesis.openapi.from_dict(response.json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10
    return operations


def send(case, headers):
    """Send a generated case through Django's test client (the test database stays open)."""
    import json

    from django.test import Client

    client = Client(raise_request_exception=True)  # a server error shows its exception
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    for name, value in (case.headers or {}).items():
        if name.lower() not in ("authorization", "content-type", "content-length"):
            extra[f"HTTP_{name.upper().replace('-', '_')}"] = str(value)
    method = case.method.lower()
    path = case.formatted_path
    if method in ("get", "delete", "head", "options"):
        return getattr(client, method)(path, query, **extra)
    body = case.body
    media = case.media_type or "application/json"
    if "json" in media or body is None or not isinstance(body, dict | list | str | bytes):
        data, media = json.dumps(body if body is not None else {}, default=str), "application/json"
    elif "multipart" in media or "form" in media:
        data = body if isinstance(body, dict) else {}
        media = "multipart/form-data; boundary=BoUnDaRy"
        from django.test.client import encode_multipart

        data = encode_multipart("BoUnDaRy", {k: v for k, v in data.items() if v is not None})
    else:
        data = body
    if query:
        from urllib.parse import urlencode

        path = f"{path}?{urlencode(query, doseq=True)}"
    return getattr(client, method)(path, data=data, content_type=media, **extra)


TIMES: dict[str, float] = {}


def _fuzz(operations, check):
    failures = []
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            check(case)

        started = time.monotonic()
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!r}"[:600])
        TIMES[f"{operation.method.upper()} {operation.path}"] = time.monotonic() - started
    slowest = sorted(TIMES.items(), key=lambda kv: -kv[1])[:5]
    print("slowest operations:", [(k, round(v, 1)) for k, v in slowest])
    assert failures == []


def test_no_server_error_as_staff(staff_token):
    def check(case):
        response = send(case, {"Authorization": f"Token {staff_token}"})
        assert response.status_code < 500, (case.formatted_path, response.content[:200])

    _fuzz(_operations(staff_token), check)


def test_no_server_error_anonymously(staff_token):
    open_paths = ("/api/v1/public/", "/api/v1/auth/token/", "/api/v1/schema/")

    def check(case):
        response = send(case, {})
        assert response.status_code < 500, (case.formatted_path, response.content[:200])
        if not case.path.startswith(open_paths):
            assert response.status_code in (401, 403, 404, 405), (
                case.formatted_path,
                response.status_code,
            )

    _fuzz(_operations(staff_token), check)
