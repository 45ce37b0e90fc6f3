"""Crime analysis in a real browser: a forecast is logged, and the analyst prints a briefing."""

from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By

from tests.browser.waits import wait
from tests.records.factories import imported_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER = (292386.0, 51788.0)


def test_an_analyst_logs_a_forecast_and_prints_a_briefing(live_server, sign_in, personas, shot):
    for i in range(12):
        imported_incident(
            source_key=f"j{i}",
            compstat_category="Burglary",
            ky_cd=107,
            occurred_date=date(2024, 12, 1) + timedelta(days=2 * i),
            x_m=CLUSTER[0] + 10 * i,
            y_m=CLUSTER[1],
        )
    browser = sign_in(personas["crime_analyst"])
    browser.get(
        live_server.url
        + "/insights/analysis/?category=Burglary&method=naivelong&cell_size=150"
        + "&horizon=month&as_of=2025-01-01"
    )
    wait(browser, lambda b: b.find_element(By.ID, "analysis-map").get_attribute("data-loaded"))
    assert browser.find_element(By.XPATH, "//h2[normalize-space()='Bias audit']")
    shot(browser, "analysis")
    browser.find_element(By.CSS_SELECTOR, "a[href*='#forecast-']").click()
    wait(browser, lambda b: "/insights/analysis/forecasts/" in b.current_url)
    row = browser.find_element(By.CSS_SELECTOR, "table tbody tr")
    assert "Burglary" in row.text and "Issued" in row.text
    shot(browser, "forecast-log")
    browser.get(
        live_server.url
        + "/insights/analysis/briefing/?day=2024-12-25&tour=2&category=Burglary&method=naivelong"
    )
    wait(browser, lambda b: b.find_element(By.ID, "analysis-map").get_attribute("data-loaded"))
    assert browser.find_elements(By.CSS_SELECTOR, ".briefing-cell")
    assert browser.find_element(By.CSS_SELECTOR, "[data-print]")
    shot(browser, "briefing")
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert [e["message"] for e in logs] == []
