"""A real Chromium for the dashboard's browser tests, and the few moves they all make. Each
page a test shows is saved as a screenshot under test-artifacts/dashboard/."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from tests.support.required import required

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"


def _binary(name: str, *candidates: str) -> str:
    found = next((path for path in (shutil.which(c) for c in candidates) if path), None)
    return required(name, found, "apt-get install chromium chromium-driver")


@contextmanager
def chromium(downloads: Path) -> Iterator[webdriver.Chrome]:
    """Headless, downloading into `downloads`, keeping the console's log."""
    chromium_path = _binary("Chromium", "chromium", "chromium-browser")
    driver_path = _binary("ChromeDriver", "chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900"):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.implicitly_wait(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(predicate: Callable[[], Any], timeout_s: float = 15, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (StaleElementReferenceException, WebDriverException, LookupError, ValueError) as exc:
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f" (last error: {last})" if last else ""))


def find(driver: WebDriver, css: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, css)


def text(driver: WebDriver, css: str) -> str:
    return str(find(driver, css).text)


def shot(driver: WebDriver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Errors the page logged: a script that failed, or anything the CSP blocked."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [str(e["message"]) for e in entries if e["level"] == "SEVERE"]


def log_in_at(driver: WebDriver, url: str, password: str) -> None:
    """Open `url`, logging in on the way if the session is gone."""
    driver.get(url)
    wait_for(lambda: "/login" in driver.current_url or driver.current_url == url, 5, "the page or the login")
    if "/login" in driver.current_url:
        find(driver, "#password").send_keys(password)
        find(driver, "#login-submit").click()
        wait_for(lambda: driver.current_url == url, 5, "the page asked for")
