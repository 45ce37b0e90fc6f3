"""Main journeys in a real browser: an officer files a report and a sergeant approves it; an
analyst opens CompStat, the map and the hotspot forecast."""

from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select

from openprecinct.records.models import Incident
from tests.browser.waits import wait
from tests.records.factories import imported_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_files_a_report_and_a_sergeant_approves_it(live_server, sign_in, personas, shot):
    officer, sergeant = personas["patrol_officer"], personas["sergeant"]
    browser = sign_in(officer)
    browser.get(live_server.url + "/records/new/")
    browser.execute_script(
        "document.getElementById('id_occurred_from').value = '2026-11-20T22:15';"
    )
    Select(browser.find_element(By.ID, "id_ky_cd")).select_by_value("107")
    wait(browser, lambda b: "Burglary" in b.find_element(By.ID, "category-hint").text)
    Select(browser.find_element(By.ID, "id_attempted")).select_by_value("false")
    Select(browser.find_element(By.ID, "id_premises")).select_by_value("RESIDENCE-HOUSE")
    browser.find_element(By.ID, "id_address").send_keys("100 Richmond Terrace")
    picker = browser.find_element(By.ID, "picker")
    wait(
        browser,
        lambda b: b.execute_script("return document.querySelectorAll('#picker path').length") > 0,
    )
    browser.execute_script("arguments[0].scrollIntoView()", picker)
    # click the middle of the precinct as drawn on the map
    browser.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "var e = new MouseEvent('click', {clientX: r.left + r.width * 0.55, clientY: r.top + r.height * 0.45, bubbles: true});"
        "document.elementFromPoint(r.left + r.width * 0.55, r.top + r.height * 0.45).dispatchEvent(e);",
        picker,
    )
    wait(browser, lambda b: b.find_element(By.ID, "id_latitude").get_attribute("value"))
    browser.find_element(By.ID, "id_narrative").send_keys("Rear door forced; laptop taken.")
    shot(browser, "report-form")
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".msg-success")))
    report = Incident.objects.get(author=officer)
    assert report.precinct == "120" and report.compstat_category == "Burglary"
    browser.find_element(By.XPATH, "//button[normalize-space()='Submit for approval']").click()
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "Submitted"))
    shot(browser, "submitted")

    browser = sign_in(sergeant)
    assert (
        "1 reports wait for your approval" in browser.find_element(By.CSS_SELECTOR, ".tasks").text
    )
    browser.get(live_server.url + "/records/approvals/")
    browser.find_element(By.LINK_TEXT, report.report_number).click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Approve']").click()
    wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "Approved"))
    shot(browser, "approved")
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == sergeant


def test_an_analyst_opens_compstat_and_the_map(live_server, sign_in, personas, shot):
    week = date(2025, 6, 29)
    imported_incident(source_key="early", occurred_date=date(2020, 1, 1))
    for i in range(3):
        imported_incident(
            source_key=f"b{i}",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=week - timedelta(days=i),
            sector="120B",
        )
    browser = sign_in(personas["crime_analyst"])
    browser.find_element(By.LINK_TEXT, "CompStat").click()
    row = browser.find_element(By.CSS_SELECTOR, "#report-120 tr[data-category='Burglary']")
    assert row.find_elements(By.CSS_SELECTOR, "td")[0].text == "3"
    wait(
        browser,
        lambda b: (
            b.execute_script("return document.querySelectorAll('#sector-map path').length") >= 4
        ),
    )
    shot(browser, "compstat")
    browser.find_element(By.LINK_TEXT, "Map").click()
    wait(browser, lambda b: b.find_element(By.ID, "map").get_attribute("data-loaded"))
    shot(browser, "map")
    browser.find_element(By.LINK_TEXT, "Analysis").click()
    browser.find_element(By.NAME, "as_of").send_keys("07012025")  # typed as in a US date field
    browser.find_element(By.XPATH, "//button[normalize-space()='Forecast']").click()
    wait(
        browser,
        lambda b: b.find_element(By.ID, "analysis-map").get_attribute("data-loaded") is not None,
    )
    assert "flagged" in browser.find_element(By.CSS_SELECTOR, ".lead").text
    shot(browser, "hotspots")
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert [e["message"] for e in logs] == []
