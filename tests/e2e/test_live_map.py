"""End to end in a real browser: headless Debian Chromium (driven by Selenium through chromedriver) opens
the live map of a running worker on the embedded broker; a story is ingested over HTTP; its alert
appears on the map and in the list from the server-sent-event stream; the popup shows the evidence;
acknowledging from the map changes the alert's status. No request leaves localhost."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import orjson
import pytest

from tests.helpers import running_worker, wait_until

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOKEN = "map-token-123"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        message = "Debian chromium and chromium-driver are needed (.ci/run installs them: apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def worker(broker, tmp_path_factory):
    with running_worker(broker.url, tmp_path_factory.mktemp("map-worker"), ingest_token=TOKEN) as handle:
        yield handle


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):
    """Poll ``condition``; the list re-renders an alert's item when it changes, so an element found a
    moment ago may be gone: that counts as "not yet"."""
    from selenium.common.exceptions import StaleElementReferenceException

    def settled():
        try:
            return condition()
        except StaleElementReferenceException:  # the page redrew the element meanwhile: ask again
            return None

    return wait_until(settled, timeout, what, interval=0.05)


def ingest(worker, body: bytes) -> None:
    req = urllib.request.Request(f"{worker.base_url}/ingest", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 202


def test_an_ingested_story_appears_on_the_map_and_is_acknowledged_there(worker, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{worker.base_url}/")
    wait_for(lambda: browser.find_element(By.ID, "status").text == "live", what="the alert stream to open")
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#map path")) > 100, what="the vendored base map")
    regions = browser.find_element(By.ID, "regions").text
    assert "kurdistan" in regions and "syria" in regions
    assert browser.find_elements(By.CSS_SELECTOR, "#alerts li") == []

    story = orjson.dumps({"uri": "urn:test:map", "version": 1, "language": "en",
                          "headline": "Drone hits fuel depot near Irbil",
                          "body_text": "A drone struck a fuel depot outside Irbil on Sunday night, officials said."})
    t0 = time.monotonic()
    ingest(worker, story)
    item = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#alerts li"), what="the alert in the list")[0]
    print(f"alert on the map {time.monotonic() - t0:.2f} s after POST /ingest (a cold worker; not asserted)")
    assert "Drone hits fuel depot near Irbil" in item.text and "Kurdistan" in item.text
    markers = browser.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")
    assert markers, "the alert has a marker on the map"

    browser.execute_script("sessionStorage.setItem('wirewatch-token', arguments[0])", TOKEN)
    item.click()
    popup = wait_for(lambda: [p for p in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .popup")
                              if p.text], what="the popup")[0]
    assert "urn:test:map" in popup.text and "Kurdistan" in popup.text
    popup.find_element(By.CSS_SELECTOR, "button.ack").click()
    wait_for(lambda: "acknowledged" in browser.execute_script(
        "const li = document.querySelector('#alerts li'); return li ? li.className : ''"),
        what="the acknowledgement to come back through the stream")

    hosts = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).hostname)")
    assert set(hosts) <= {"127.0.0.1", "localhost"}, f"the page fetched from elsewhere: {set(hosts)}"
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
    shot = os.environ.get("WIREWATCH_MAP_SCREENSHOT")
    if shot:
        browser.save_screenshot(shot)
