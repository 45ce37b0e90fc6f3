"""One patient wait for every journey."""

from __future__ import annotations

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.support.ui import WebDriverWait


def wait(browser, condition, seconds: float = 30):
    """Wait for ``condition``; on timeout, say where the browser was and what its console said.

    While a page is being replaced, chromedriver can answer a read with a transient
    "unhandled inspector error" or a stale element: those are asked again until time is up.
    """
    try:
        return WebDriverWait(
            browser,
            seconds,
            ignored_exceptions=(
                NoSuchElementException,
                StaleElementReferenceException,
                WebDriverException,
            ),
        ).until(condition)
    except Exception as exc:
        logs = [e["message"] for e in browser.get_log("browser")]
        raise AssertionError(
            f"waited {seconds}s on {browser.current_url}; console: {logs}"
        ) from exc


def click(browser, by, value: str, seconds: float = 30) -> None:
    """Find and click, again if a page that refreshes itself replaced the element meanwhile."""

    def found_and_clicked(b) -> bool:
        b.find_element(by, value).click()
        return True

    wait(browser, found_and_clicked, seconds)
