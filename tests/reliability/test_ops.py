"""Health check, Prometheus metrics (deny by default) and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = None
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": "ok", "broker": "not configured"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["broker"] == "unavailable"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.base import base

    def broken(self, *a, **k):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(base.BaseDatabaseWrapper, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_metrics_from_loopback_without_a_token(client, settings):
    settings.OPENPRECINCT_METRICS_TOKEN = ""
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openprecinct_http_requests_total" in text and "openprecinct_database_up 1.0" in text
    assert 'openprecinct_jobs{status="queued"}' in text


def test_metrics_denied_by_default(client, settings):
    settings.OPENPRECINCT_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    relayed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert relayed.status_code == 404
    settings.OPENPRECINCT_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")
    assert right.status_code == 200


def test_json_log_lines_are_one_object_with_escaped_newlines():
    from openprecinct.core.logs import JsonFormatter

    record = logging.makeLogRecord(
        {"name": "x", "levelname": "WARNING", "msg": "user %s\r\nFAKE ENTRY", "args": ("bob",)}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["msg"] == "user bob\r\nFAKE ENTRY" and payload["level"] == "WARNING"


def test_a_lost_database_answers_503_not_500(client, make_user, monkeypatch):
    from django.db import OperationalError

    from openprecinct.records import views
    from tests.conftest import login_verified

    login_verified(client, make_user("clerk", "records_clerk"))

    def down(*args, **kwargs):
        raise OperationalError("connection to server was lost")

    monkeypatch.setattr(views.ImportRun.objects, "order_by", down)
    page = client.get("/records/imports/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"Traceback" not in page.content


def test_public_pages_are_cached_until_any_change(client, settings, make_user):
    from django.core.cache import cache

    from openprecinct.core.audit import audit_record

    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    first = client.get("/api/v1/public/boundaries/")
    assert first.status_code == 200 and "X-Page-Cache" not in first
    second = client.get("/api/v1/public/boundaries/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    audit_record(action="test.change", object_type="test")  # any change: a new data version
    assert "X-Page-Cache" not in client.get("/api/v1/public/boundaries/")
    # never for signed-in users or staff pages
    client.cookies["sessionid"] = "x"
    assert "X-Page-Cache" not in client.get("/api/v1/public/boundaries/")
    cache.clear()
