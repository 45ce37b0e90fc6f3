"""An investigator works a civilian complaint: opens it, takes a step, records a task and a
finding; a resident files an anonymous complaint on the public form; the commanding officer
reads the dashboard against the 18-month clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from openprecinct.accountability import services
from openprecinct.accountability.models import Complaint, Officer
from tests.browser.waits import wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_console_errors(browser):
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_an_investigator_works_a_complaint(live_server, sign_in, personas, shot):
    ia = personas["ia_investigator"]
    officer = Officer.objects.create(
        first_name="Dana", last_name="Shield", shield_no="4120", command="120 PCT", precinct=120
    )
    complaint = services.complaint_intake(
        actor=personas["sergeant"],
        data={
            "channel": "walk_in",
            "narrative": "Searched on Bay Street without a reason.",
            "incident_at": timezone.now() - timedelta(days=20),
            "location": "Bay St & Victory Blvd",
            "complainant_name": "Walk-in Resident",
        },
    )
    services.complaint_transition(actor=ia, complaint=complaint, action="screen")
    services.complaint_transition(actor=ia, complaint=complaint, action="assign", investigator=ia)
    services.allegation_add(
        actor=ia,
        complaint=complaint,
        fado_type="abuse_of_authority",
        allegation="Search (of person)",
        officer=officer,
    )

    browser = sign_in(ia)
    browser.find_element(By.LINK_TEXT, "Complaints").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "h1")))
    shot(browser, "dashboard")
    browser.find_element(By.CSS_SELECTOR, "nav[aria-label=Accountability]").find_element(
        By.LINK_TEXT, "Complaints"
    ).click()
    browser.find_element(By.LINK_TEXT, complaint.number).click()
    wait(browser, EC.presence_of_element_located((By.ID, "sol")))
    assert "18-month limit" in browser.find_element(By.ID, "sol").text
    shot(browser, "complaint-opened")

    # a step of the lifecycle
    browser.find_element(By.XPATH, "//button[normalize-space()='Start the investigation']").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "status"), "Investigating"))
    shot(browser, "investigation-started")

    # an evidence request with a due date
    browser.find_element(By.CSS_SELECTOR, "#add-task summary").click()
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("evidence_request")
    Select(browser.find_element(By.ID, "id_evidence_kind")).select_by_value("bwc")
    browser.find_element(By.ID, "id_title").send_keys("Body-camera footage of the search")
    due = browser.find_element(By.ID, "id_due_on")
    browser.execute_script("arguments[0].value = '2099-01-15'", due)
    browser.find_element(By.XPATH, "//button[normalize-space()='Add task']").click()
    wait(browser, EC.text_to_be_present_in_element((By.ID, "tasks"), "Body-camera footage"))

    # a finding on the allegation
    allegation = complaint.allegations.get()
    Select(browser.find_element(By.ID, f"disp-{allegation.pk}")).select_by_value(
        "substantiated_cd_a"
    )
    browser.find_element(By.ID, f"fnote-{allegation.pk}").send_keys("Footage shows no basis.")
    browser.find_element(By.XPATH, "//button[normalize-space()='Record finding']").click()
    wait(
        browser,
        EC.text_to_be_present_in_element(
            (By.ID, "allegations"), "Substantiated (Command Discipline A)"
        ),
    )
    shot(browser, "finding-recorded")
    timeline = browser.find_element(By.ID, "timeline").text
    assert "start_investigation" in timeline and "finding" in timeline and "task_added" in timeline
    allegation.refresh_from_db()
    assert allegation.disposition == "substantiated_cd_a" and allegation.finding_by == ia
    no_console_errors(browser)


def test_a_resident_files_an_anonymous_complaint(live_server, browser, shot, db):
    browser.delete_all_cookies()
    browser.get(live_server.url + "/portal/accountability/")
    wait(browser, EC.presence_of_element_located((By.ID, "id_narrative")))
    shot(browser, "public-form")
    browser.find_element(By.ID, "id_narrative").send_keys("An officer swore at my son.")
    browser.find_element(By.ID, "id_location").send_keys("St. George Ferry Terminal")
    browser.find_element(By.ID, "id_anonymous").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Send my complaint']").click()
    code = wait(browser, EC.presence_of_element_located((By.ID, "code"))).text
    shot(browser, "public-receipt")
    complaint = Complaint.objects.get()
    assert complaint.tracking_code == code and complaint.anonymous
    browser.find_element(By.LINK_TEXT, "Check the status now").click()
    assert "Received" in browser.find_element(By.TAG_NAME, "main").text
    no_console_errors(browser)
