"""A real browser (Debian's Chromium through chromedriver) against the live test server.

Screenshots of every journey step go to ``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("OPENPRECINCT_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            "Chromium and chromedriver are needed: run `make setup` (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def shot(request):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(100))

    def take(driver, label: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{next(counter):02d}-{label}.png"
        driver.save_screenshot(str(path))
        return path

    return take


@pytest.fixture
def sign_in(live_server, browser):
    """Sign a persona in through the real login and two-factor pages."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import PASSWORD_FOR_TESTS, totp_now

    def go(user):
        browser.get_log("browser")  # drain: each journey judges only its own console
        browser.delete_all_cookies()
        browser.get(live_server.url + "/accounts/login/")
        browser.find_element(By.NAME, "username").send_keys(user.username)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD_FOR_TESTS)
        browser.find_element(By.NAME, "acknowledge").click()
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        browser.find_element(By.NAME, "token").send_keys(totp_now(user))
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # click() does not wait for the navigation it starts: wait for the home page to load
        try:
            WebDriverWait(browser, 20).until(lambda b: b.current_url.endswith("/staff/"))
        except TimeoutException:
            raise AssertionError(f"sign-in ended on {browser.current_url}") from None
        return browser

    return go
