"""End to end in a real browser: headless Debian Chromium (driven by Selenium through chromedriver) opens
the live map of a running worker on the embedded broker; a story is ingested over HTTP; its incident
appears on the map and in the list from the server-sent-event stream; the popup shows the evidence with
the trigger marked; acknowledging from the map with a note changes the incident's status and shows who.
A region drawn on the map is saved through the regions API, a story there alerts in it, and is
acknowledged. No request leaves localhost. A failing test leaves a screenshot (WIREWATCH_MAP_SCREENSHOT_DIR,
else the test's temporary directory)."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def screenshot_on_failure(browser, tmp_path: Path, name: str):
    """Save what the page looked like when the block fails."""
    try:
        yield
    except BaseException:
        folder = Path(os.environ.get("WIREWATCH_MAP_SCREENSHOT_DIR") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(folder / f"{name}.png"))
        print(f"screenshot: {folder / f'{name}.png'}")
        raise


def get_json(worker, path: str):
    with urllib.request.urlopen(f"{worker.base_url}{path}", timeout=10) as resp:
        return orjson.loads(resp.read())


def ingest(worker, body: bytes) -> None:
    req = urllib.request.Request(f"{worker.base_url}/ingest", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 202


def test_an_ingested_story_appears_on_the_map_and_is_acknowledged_there(worker, browser, tmp_path):
    with screenshot_on_failure(browser, tmp_path, "map-ingest-ack"):
        _ingest_and_acknowledge(worker, browser)


def _ingest_and_acknowledge(worker, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{worker.base_url}/")
    wait_for(lambda: browser.find_element(By.ID, "status").text == "live", what="the alert stream to open")
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#map path")) > 100, what="the vendored base map")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".place-label"), what="the place labels")
    regions = browser.find_element(By.ID, "regions").text
    assert "kurdistan" in regions and "syria" in regions
    assert browser.find_elements(By.CSS_SELECTOR, "#alerts li") == []

    story = orjson.dumps({"uri": "urn:test:map", "version": 1, "language": "en",
                          "headline": "Drone hits fuel depot near Irbil",
                          "body_text": "A drone struck a fuel depot outside Irbil on Sunday night, officials said."})
    t0 = time.monotonic()
    ingest(worker, story)
    item = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#alerts li"), what="the incident in the list")[0]
    print(f"alert on the map {time.monotonic() - t0:.2f} s after POST /ingest (a cold worker; not asserted)")
    assert "Drone hits fuel depot near Irbil" in item.text and "Kurdistan" in item.text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#alerts li")) == 1  # one incident, one item
    assert browser.find_elements(By.CSS_SELECTOR, ".incident-marker, .marker-cluster"), "the incident has a marker"

    browser.execute_script("sessionStorage.setItem('wirewatch-token', arguments[0])", TOKEN)
    item.click()
    popup = wait_for(lambda: [p for p in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .popup")
                              if p.text], what="the popup")[0]
    assert "urn:test:map" in popup.text and "Kurdistan" in popup.text
    assert "Erbil" in popup.text or "Irbil" in popup.text  # drawn at the event's place
    marked = popup.find_elements(By.CSS_SELECTOR, ".evidence mark")
    assert marked and marked[0].text in popup.find_element(By.CSS_SELECTOR, ".evidence").text
    popup.find_element(By.CSS_SELECTOR, "input.ack-by").send_keys("e2e analyst")
    popup.find_element(By.CSS_SELECTOR, "input.ack-note").send_keys("checked with the desk")
    popup.find_element(By.CSS_SELECTOR, "button.ack").click()
    wait_for(lambda: "acknowledged" in browser.execute_script(
        "const li = document.querySelector('#alerts li'); return li ? li.className : ''"),
        what="the acknowledgement to come back through the stream")
    info = browser.find_element(By.CSS_SELECTOR, "#alerts li .ackinfo").text
    assert "e2e analyst" in info and "checked with the desk" in info

    hosts = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).hostname)")
    assert set(hosts) <= {"127.0.0.1", "localhost"}, f"the page fetched from elsewhere: {set(hosts)}"
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
    shot = os.environ.get("WIREWATCH_MAP_SCREENSHOT")
    if shot:
        browser.save_screenshot(shot)


def test_a_region_drawn_on_the_map_alerts_and_is_acknowledged(worker, browser, tmp_path):
    with screenshot_on_failure(browser, tmp_path, "map-draw-region"):
        _draw_region(worker, browser)


def _draw_region(worker, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(f"{worker.base_url}/")
    wait_for(lambda: browser.find_element(By.ID, "status").text == "live", what="the alert stream to open")
    browser.execute_script("sessionStorage.setItem('wirewatch-token', arguments[0]);"
                           "window.prompt = (message, fallback) => message.includes('id') ? 'kharkiv-drawn' : 'Kharkiv drawn';"
                           "map.setView([49.99, 36.23], 8, {animate: false});", TOKEN)
    time.sleep(0.3)
    browser.find_element(By.CSS_SELECTOR, "a.leaflet-draw-draw-rectangle").click()
    area = browser.find_element(By.ID, "map")
    ActionChains(browser).move_to_element_with_offset(area, -120, -90).click_and_hold() \
        .move_by_offset(60, 45).move_by_offset(180, 135).release().perform()
    wait_for(lambda: "kharkiv-drawn" in browser.find_element(By.ID, "regions").text, what="the drawn region in the list")
    region = get_json(worker, "/regions/kharkiv-drawn")
    ring = region["geometry"]["coordinates"][0]
    west, east = min(p[0] for p in ring), max(p[0] for p in ring)
    south, north = min(p[1] for p in ring), max(p[1] for p in ring)
    assert west < 36.23 < east and south < 49.99 < north, region

    ingest(worker, orjson.dumps({
        "uri": "urn:test:map-kharkiv", "version": 1, "language": "en", "headline": "Drones hit Kharkiv power plant",
        "body_text": "KHARKIV, Ukraine (AP) — Russian drones struck a power plant in Kharkiv overnight, killing two "
                     "workers, the regional governor said on Tuesday."}))
    item = wait_for(lambda: [li for li in browser.find_elements(By.CSS_SELECTOR, "#alerts li")
                             if "Kharkiv drawn" in li.text], what="an incident in the drawn region")[0]
    assert "Drones hit Kharkiv power plant" in item.text
    item.click()
    popup = wait_for(lambda: [p for p in browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .popup")
                              if "Kharkiv" in p.text], what="the popup")[0]
    popup.find_element(By.CSS_SELECTOR, "button.ack").click()
    wait_for(lambda: [li for li in browser.find_elements(By.CSS_SELECTOR, "#alerts li.acknowledged")
                      if "Kharkiv drawn" in li.text], what="the drawn region's incident acknowledged")
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
