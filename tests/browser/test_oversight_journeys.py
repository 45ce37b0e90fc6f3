"""An oversight committee member signs in, opens the case referred to them, reads the redacted
packet (watermarked, logged) and votes; the commanding officer answers a recommendation."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from openprecinct.oversight import services
from openprecinct.oversight.models import MemberVote, PacketView
from tests.browser.waits import wait
from tests.oversight import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reviews_a_redacted_packet_and_votes(live_server, sign_in, personas, shot):
    member, ia = personas["oversight_member"], personas["ia_investigator"]
    case = factories.complaint()
    factories.restricted_material(case)
    review = services.review_open(actor=ia, complaint=case, reason="Force at the ferry terminal")
    services.packet_build(actor=ia, review=review)
    services.access_open(actor=ia, review=review, members=[member], days=7)

    browser = sign_in(member)
    assert (
        "case packets are open for your review"
        in browser.find_element(By.CSS_SELECTOR, ".tasks").text
    )
    browser.find_element(By.LINK_TEXT, "Oversight").click()
    shot(browser, "committee-dashboard")
    browser.find_element(By.LINK_TEXT, review.number).click()
    assert "Every view is logged" in browser.find_element(By.CSS_SELECTOR, ".banner").text
    browser.find_element(By.PARTIAL_LINK_TEXT, "Read the packet").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".watermark")))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert member.username in browser.find_element(By.CSS_SELECTOR, ".watermark").text
    assert "Ferry terminal CCTV log" in page
    assert "SENTINEL" not in browser.page_source and "Jordan Complainant" not in page
    shot(browser, "redacted-packet")
    assert PacketView.objects.filter(viewer=member, packet__review=review).count() == 1

    browser.find_element(By.LINK_TEXT, "Back to the review and vote").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=choice][value=disagree]").click()
    browser.find_element(By.ID, "vote-reason").send_keys(
        "The footage does not show the turnstile exchange; the finding is premature."
    )
    shot(browser, "vote-form")
    browser.find_element(By.ID, "cast-vote").click()
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "vote"))
    shot(browser, "voted")
    vote = MemberVote.objects.get(review=review, member=member)
    assert vote.choice == "disagree"
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert [e["message"] for e in logs] == []


def test_the_commanding_officer_answers_a_recommendation(live_server, sign_in, personas, shot):
    member, co = personas["oversight_member"], personas["commanding_officer"]
    rec = services.recommendation_issue(
        actor=member,
        kind="policy",
        text="Publish body-camera activation rates every quarter.",
        public_summary="Publish body-camera activation rates quarterly.",
    )
    browser = sign_in(co)
    browser.get(live_server.url + f"/oversight/recommendations/{rec.pk}/")
    browser.find_element(By.CSS_SELECTOR, "#response option[value=reject]").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Record the response']").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".msg-error")))
    assert "reason" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    browser.find_element(By.CSS_SELECTOR, "#response option[value=partly]").click()
    browser.find_element(By.ID, "reason").send_keys("Semi-annually: the audit needs staff.")
    browser.find_element(By.XPATH, "//button[normalize-space()='Record the response']").click()
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "recorded"))
    shot(browser, "response-recorded")
    rec.refresh_from_db()
    assert rec.response == "partly"
