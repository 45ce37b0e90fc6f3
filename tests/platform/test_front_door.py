"""Headers, cookies and assets: the hardened front door."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

import openprecinct
from tests.conftest import login_verified

ROOT = Path(openprecinct.__file__).parent
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_the_csp_allows_no_third_party_origin(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    for directive in csp.split(";"):
        for source in directive.split()[1:]:
            assert source in ("'self'", "'none'", "data:"), directive


def test_security_headers_on_a_staff_page(client, personas):
    login_verified(client, personas["sergeant"])
    response = client.get(reverse("core:home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert "Permissions-Policy" in response


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, personas):
    from tests.conftest import PASSWORD_FOR_TESTS

    user = personas["sergeant"]
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD_FOR_TESTS, "acknowledge": "on"},
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"


def test_production_cookies_are_secure_with_the_host_prefix():
    from openprecinct.config.settings import base

    assert base.SESSION_COOKIE_HTTPONLY and base.CSRF_COOKIE_HTTPONLY
    prod = Path(ROOT / "config/settings/prod.py").read_text()
    assert 'SESSION_COOKIE_NAME = "__Host-sessionid"' in prod
    assert "SESSION_COOKIE_SECURE = True" in prod and "CSRF_COOKIE_SECURE = True" in prod


def test_csrf_is_enforced_on_forms(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:login"), {"username": "x", "password": "y", "acknowledge": "on"}
    )
    assert response.status_code == 403


def test_no_template_or_script_loads_anything_from_another_origin():
    offenders = []
    for path in list(ROOT.rglob("*.html")) + list((ROOT / "static").rglob("*.js")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if REMOTE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_no_inline_scripts_or_styles_that_the_csp_would_block():
    offenders = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline script")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{path.relative_to(ROOT)}: inline style")
    assert offenders == []


def test_the_map_assets_are_served_locally():
    leaflet = Path(settings.REPO_DIR) / "node_modules/leaflet/dist/leaflet.js"
    assert leaflet.is_file(), "run `make setup` (npm ci) to install the front-end packages"


def test_the_map_page_and_boundaries(client, personas):
    login_verified(client, personas["patrol_officer"])
    response = client.get(reverse("core:map"))
    assert response.status_code == 200
    assert b"vendor/leaflet/dist/leaflet.js" in response.content
    data = client.get(reverse("core:boundaries") + "?precinct=120").json()
    labels = sorted(f["properties"]["label"] for f in data["features"])
    assert labels == ["120A", "120B", "120C", "120D", "Precinct 120"]
