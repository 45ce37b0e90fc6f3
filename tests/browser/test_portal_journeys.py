"""The public portal in a real browser: axe-core on every public page, no serious or
critical accessibility violation; the map draws the published points."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.axe import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Pages with their options; every other public page is found by walking the URL conf.
PORTAL_PAGES = [
    "/portal/compstat/?sector=120A",
    "/portal/map/?days=365",
]


def public_pages() -> list[str]:
    """Every HTML page anyone may open without signing in: the front page, the sign-in page,
    and every route under /portal/ (the portal's own and other apps' public pages)."""
    from django.test import Client

    from tests.platform.url_walk import all_paths

    client = Client()
    pages = ["/", "/accounts/login/"]
    for path in [p for p in all_paths() if p.startswith("/portal/")] + PORTAL_PAGES:
        response = client.get(path)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and response.status_code in (200, 404) and path not in pages:
            pages.append(path)
    return pages


@pytest.fixture
def portal_records(transactional_db):
    from tests.portal.factories import BURGLARY, RAPE, ROBBERY, incident

    for n in range(1, 9):
        incident(n, sector="120A" if n < 5 else "120B", **BURGLARY)
    for n in range(9, 12):
        incident(n, sector="120C", **ROBBERY)
    incident(12, sector="120A", **RAPE)


@pytest.mark.slow
def test_every_public_page_passes_axe_with_no_serious_or_critical_violation(
    live_server, browser, portal_records, shot
):
    from django.core.cache import cache

    cache.clear()
    browser.delete_all_cookies()
    problems = {}
    pages = public_pages()
    assert "/portal/methodology/" in pages and "/portal/community/" in pages
    for path in pages:
        browser.get(live_server.url + path)
        WebDriverWait(browser, 20).until(
            lambda b: b.execute_script("return document.readyState") == "complete"
        )
        if path == "/portal/map/":
            WebDriverWait(browser, 20).until(
                lambda b: b.execute_script(
                    "return document.getElementById('portal-map').dataset.loaded"
                )
            )
        violations = [v for v in run_axe(browser) if v.get("impact") in ("serious", "critical")]
        if violations:
            problems[path] = [
                (v["id"], v["help"], [n.get("target") for n in v["nodes"][:3]]) for v in violations
            ]
    shot(browser, "last-public-page")
    assert problems == {}
    # the check itself works: an image without a text alternative is caught
    browser.execute_script(
        "var i = document.createElement('img'); i.src = '/static/favicon.svg';"
        "document.getElementById('main').appendChild(i);"
    )
    assert "image-alt" in {v["id"] for v in run_axe(browser)}


def test_the_public_map_draws_the_published_points_only(live_server, browser, portal_records, shot):
    from django.core.cache import cache

    cache.clear()
    browser.get_log("browser")  # judge only this page's console
    browser.get(live_server.url + "/portal/map/")
    loaded = WebDriverWait(browser, 20).until(
        lambda b: b.execute_script("return document.getElementById('portal-map').dataset.loaded")
    )
    assert loaded == "11"  # eight burglaries and three robberies; the rape is only counted
    markers = browser.execute_script(
        "return document.querySelectorAll('#portal-map path.leaflet-interactive').length"
    )
    assert markers >= 11
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []  # nothing refused by the Content-Security-Policy, no script error
    shot(browser, "portal-map")
    browser.set_window_size(390, 844)  # a phone
    browser.get(live_server.url + "/portal/compstat/")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400  # wide tables scroll inside their own box, the page does not
    shot(browser, "portal-compstat-phone")
    browser.set_window_size(1280, 1000)
