"""A resident on a phone-sized screen finds an event and RSVPs, sends an anonymous tip, a
community affairs officer replies, and the resident reads the reply with the tip ID and
passphrase and answers it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from openprecinct.community import services
from openprecinct.community.models import Rsvp, Tip, TipMessage
from tests.browser.axe import serious_violations
from tests.browser.waits import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)


def _severe(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]


def test_a_resident_rsvps_sends_a_tip_and_reads_the_reply_on_a_phone(
    live_server, browser, sign_in, personas, shot
):
    coordinator = personas["community_affairs"]
    start = timezone.now() + timedelta(days=6)
    event = services.create_event(
        coordinator,
        kind="sector_meeting",
        title="Build the Block, sector B",
        venue="PS 31, 55 Layton Ave",
        sector="120B",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=40,
    )
    services.publish_event(coordinator, event)

    browser.get_log("browser")
    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    try:
        # --- the resident finds the meeting for their sector and RSVPs -----------------------
        browser.get(live_server.url + "/portal/community/events/?sector=120B")
        wait(
            browser, lambda b: "Build the Block, sector B" in b.find_element(By.ID, "upcoming").text
        )
        shot(browser, "phone-events")
        browser.find_element(By.LINK_TEXT, "Build the Block, sector B").click()
        wait(browser, lambda b: b.find_elements(By.ID, "rsvp-form"))
        browser.find_element(By.ID, "name").send_keys("Maria")
        browser.find_element(By.ID, "party_size").clear()
        browser.find_element(By.ID, "party_size").send_keys("2")
        browser.find_element(By.CSS_SELECTOR, "#rsvp-form button[type=submit]").click()
        wait(browser, lambda b: b.find_elements(By.ID, "rsvp-done"))
        shot(browser, "phone-rsvp-done")
        assert serious_violations(browser) == []
        assert Rsvp.objects.get(event=event).party_size == 2

        # --- the resident sends a tip and keeps the tip ID and passphrase ---------------------
        browser.delete_all_cookies()  # (the RSVP form set the site's CSRF cookie)
        browser.get(live_server.url + "/portal/community/tips/")
        wait(browser, lambda b: b.find_elements(By.ID, "narrative"))
        wait(
            browser,
            lambda b: b.execute_script("return document.querySelectorAll('#map path').length") > 0,
        )
        browser.find_element(By.ID, "narrative").send_keys(
            "A grey van parks behind the laundromat on Bay St every night and people buy drugs from it."
        )
        shot(browser, "phone-tip-form")
        assert serious_violations(browser) == []
        # tap the middle of the map to mark the place
        browser.execute_script(
            "var m = document.getElementById('map'); m.scrollIntoView();"
            "var r = m.getBoundingClientRect();"
            "var x = r.left + r.width / 2, y = r.top + r.height / 2;"
            "document.elementFromPoint(x, y).dispatchEvent(new MouseEvent('click', {clientX: x, clientY: y, bubbles: true}));"
        )
        wait(browser, lambda b: b.find_element(By.ID, "latitude").get_attribute("value"))
        browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait(browser, lambda b: b.find_elements(By.ID, "tip-passphrase"))
        reference = browser.find_element(By.ID, "tip-reference").text
        passphrase = browser.find_element(By.ID, "tip-passphrase").text
        shot(browser, "phone-tip-receipt")
        assert serious_violations(browser) == []
        assert browser.get_cookies() == []  # the tip pages set no cookie at all
        tip = Tip.objects.get()
        assert tip.latitude is not None and tip.narrative_original.startswith("A grey van")
        assert not _severe(browser)
    finally:
        browser.set_window_size(1280, 1000)

    # --- a community affairs officer triages and replies ------------------------------------
    staff = sign_in(coordinator)
    staff.get(live_server.url + f"/community/tips/{tip.pk}/")
    wait(staff, lambda b: b.find_elements(By.ID, "triage-form"))
    staff.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]").click()
    wait(staff, lambda b: b.find_elements(By.CSS_SELECTOR, ".msg-success"))
    staff.find_element(By.ID, "reply-body").send_keys(
        "Thank you. Which nights, and around what time?"
    )
    shot(staff, "staff-reply")
    staff.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
    wait(staff, lambda b: "Which nights" in b.find_element(By.ID, "tip-messages").text)
    shot(staff, "staff-replied")
    found = serious_violations(staff)
    assert found == [], str(found)

    # --- the resident comes back, reads the reply and answers ------------------------------
    browser.get_log("browser")
    browser.delete_all_cookies()
    browser.set_window_size(*PHONE)
    try:
        browser.get(live_server.url + "/portal/community/tips/follow-up/")
        wait(browser, lambda b: b.find_elements(By.ID, "reference"))
        browser.find_element(By.ID, "reference").send_keys(reference)
        browser.find_element(By.ID, "passphrase").send_keys(passphrase)
        browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait(browser, lambda b: "Which nights" in b.find_element(By.ID, "messages").text)
        shot(browser, "phone-reads-reply")
        assert serious_violations(browser) == []
        browser.find_element(By.ID, "body").send_keys("Thursdays and Fridays after 11pm.")
        browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait(browser, lambda b: "Thursdays and Fridays" in b.find_element(By.ID, "messages").text)
        shot(browser, "phone-answered")
        assert (
            TipMessage.objects.filter(author="tipster").get().body
            == "Thursdays and Fridays after 11pm."
        )
        assert not _severe(browser)
        # a wrong passphrase gets the same answer as an unknown tip (a 404, which the console notes)
        browser.get(live_server.url + "/portal/community/tips/follow-up/")
        browser.find_element(By.ID, "reference").send_keys(reference)
        browser.find_element(By.ID, "passphrase").send_keys("AAAA-BBBB-CCCC-DDDD-EEEE")
        browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
        wait(browser, lambda b: "could not open a tip" in b.find_element(By.ID, "form-error").text)
        assert browser.get_cookies() == []
    finally:
        browser.set_window_size(1280, 1000)
