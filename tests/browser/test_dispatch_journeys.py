"""Dispatch journeys in a real browser: a dispatcher enters and assigns a call on the
console; the officer on the assigned car works it and clears it on the phone view."""

import importlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from openprecinct.dispatch import services
from openprecinct.dispatch.models import Call, CallType
from tests.browser.waits import click, wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def radio_codes(transactional_db):
    """The radio codes are data loaded by a migration; an earlier transactional test's flush
    empties that table, so load them again the way the migration does."""
    from django.apps import apps

    if not CallType.objects.exists():
        importlib.import_module("openprecinct.dispatch.migrations.0002_load_radio_codes").load(
            apps, None
        )


def test_a_dispatcher_assigns_a_call_and_the_officer_clears_it_on_the_phone(
    live_server, sign_in, personas, shot
):
    officer, dispatcher = personas["patrol_officer"], personas["dispatcher"]
    car = services.unit_create(actor=None, call_sign="120A1", home_sector="120A", members=[officer])
    services.unit_status_update(actor=None, unit=car, action="sign_on")
    services.unit_place(unit=car, latitude=40.6420, longitude=-74.0790)

    browser = sign_in(dispatcher)
    browser.get(live_server.url + "/dispatch/")
    wait(browser, EC.presence_of_element_located((By.ID, "unit-board")))
    browser.find_element(By.ID, "nc-type").send_keys("34Q1")
    browser.find_element(By.ID, "nc-address").send_keys("10 Bay Street")
    browser.find_element(By.ID, "nc-lat").send_keys("40.6410")
    browser.find_element(By.ID, "nc-lon").send_keys("-74.0760")
    browser.find_element(By.ID, "nc-callback").send_keys("718-555-0142")
    browser.find_element(By.ID, "nc-remarks").send_keys("Two men fighting outside the deli")
    shot(browser, "console-new-call")
    browser.find_element(By.CSS_SELECTOR, "#new-call button").click()
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "entered"))
    call = Call.objects.get()
    # The console refreshes itself: read and click through waits that look again.
    row_text = wait(browser, lambda b: b.find_element(By.ID, f"call-{call.pk}").text)
    assert "120A1" in row_text and "nearest" in row_text  # the recommended unit and why
    shot(browser, "console-queue-recommended")
    click(browser, By.CSS_SELECTOR, f"#call-{call.pk} button.primary")
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "assigned"))
    wait(browser, lambda b: "Dispatched" in b.find_element(By.ID, "unit-board").text)
    shot(browser, "console-assigned")

    browser = sign_in(officer)
    browser.set_window_size(412, 915)  # a phone
    try:
        browser.get(live_server.url + "/dispatch/mobile/")
        card_text = wait(browser, lambda b: b.find_element(By.ID, "call-card").text)
        assert "10 Bay Street" in card_text and "fighting" in card_text
        assert "0142" not in browser.page_source.replace("••42", "")  # callback masked
        shot(browser, "phone-call-card")
        for label in ("En route", "On scene"):
            click(browser, By.XPATH, f"//button[normalize-space()='{label}']")
            wait(browser, lambda b, label=label: label in b.find_element(By.ID, "unit-status").text)
        shot(browser, "phone-on-scene")
        browser.find_element(By.CSS_SELECTOR, "#clear-disp option[value='report']").click()
        browser.find_element(By.ID, "clear-report").send_keys("120-2026-000123")
        click(browser, By.CSS_SELECTOR, "#clear-form button")
        wait(browser, lambda b: "Available" in b.find_element(By.ID, "unit-status").text)
        shot(browser, "phone-cleared")
    finally:
        browser.set_window_size(1280, 1000)

    call.refresh_from_db()
    assert call.status == "closed" and call.report_number == "120-2026-000123"
    assert call.first_assigned_at <= call.first_arrived_at
    assert list(call.timeline.filter(source="mdt").values_list("kind", flat=True)) == [
        "en_route",
        "unit_en_route",
        "arrive",
        "unit_arrive",
        "dispose",
        "close",
        "unit_clear",
    ]
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == []
