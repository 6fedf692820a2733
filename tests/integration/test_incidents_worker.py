"""One alert per incident across wires, and the per-rule cooldown, on the embedded broker — including after
a worker restart (the incident books are recovered from their changelog topic)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path

import orjson
import pytest

from pipeline import Alert
from pipeline.core import from_json
from pipeline.kafka import produce
from tests.helpers import make_settings, produce_and_collect, start_worker

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def story(uri: str, body: str, version: int = 1, pubstatus: str = "usable") -> bytes:
    return orjson.dumps({"uri": uri, "version": version, "pubstatus": pubstatus, "language": "en",
                         "headline": "Drone strike", "firstcreated": "2026-11-23T18:00:00Z", "body_text": body})


def stats(worker) -> dict:
    with urllib.request.urlopen(f"{worker.base_url}/stats", timeout=5) as resp:
        return json.loads(resp.read())


async def alerts_after(settings, messages, n, timeout=60.0):
    t = settings.topics
    seen = await produce_and_collect(settings, messages, [t.alerts], lambda seen: len(seen) >= n, timeout=timeout)
    return [from_json(Alert, v) for _, _, v in seen]


def test_near_duplicates_fold_and_cooldown_suppresses_across_a_restart(broker, tmp_path):
    from pipeline.kafka import ensure_topics

    rules = tmp_path / "rules.json"
    rules.write_bytes(orjson.dumps([{"id": "kurdistan-drones", "region": "kurdistan", "types": ["air_drone_strike"],
                                     "cooldown_minutes": 60}]))
    settings = make_settings(broker.url, tmp_path, FIXTURES / "regions.geojson", rules=rules)
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    worker = start_worker(settings)
    try:
        [first] = asyncio.run(alerts_after(settings, [story(
            "urn:wire-a:1", "A drone struck the airport in Irbil on Monday, wounding two guards.")], 1))
        assert first.status == "active" and first.rule_id == "kurdistan-drones"
        [second] = asyncio.run(alerts_after(settings, [story(
            "urn:wire-b:7", "Two guards were wounded when a drone hit Irbil airport on Monday.")], 1))
        assert second.alert_id == first.alert_id and second.also_reported_by == ["urn:wire-a:1"]
        # a different incident 80 km away, within the hour: suppressed by the cooldown (counted, not sent)
        asyncio.run(produce(settings.bootstrap_servers, settings.topics.raw, [story(
            "urn:wire-c:3", "A drone struck a power station in Sulaymaniyah on Monday.")]))
        for _ in range(100):
            if stats(worker)["produced"].get("incident_suppressed"):
                break
            asyncio.run(asyncio.sleep(0.2))
        assert stats(worker)["produced"].get("incident_suppressed") == 1, stats(worker)
    finally:
        assert worker.stop() == 0, worker.log_path.read_text()[-3000:]

    worker = start_worker(settings)  # same app id: the incident books come back from the changelog
    try:
        [third] = asyncio.run(alerts_after(settings, [story(
            "urn:wire-d:2", "Officials said a drone struck Irbil airport on Monday; two guards were wounded.")], 1))
        assert third.alert_id == first.alert_id, "after the restart the incident was forgotten"
        assert set(third.also_reported_by) == {"urn:wire-a:1", "urn:wire-b:7"}
        # wire b kills its story: it leaves the alert, which still carries wire d's report
        [withdrawn] = asyncio.run(alerts_after(settings, [story("urn:wire-b:7", "Withdrawn.", 2, "canceled")], 1))
        assert (withdrawn.alert_id, withdrawn.status) == (first.alert_id, "updated")
        assert (withdrawn.story_uri, withdrawn.also_reported_by) == ("urn:wire-d:2", ["urn:wire-a:1"])
        with urllib.request.urlopen(f"{worker.base_url}/alerts", timeout=5) as resp:  # history survives the restart
            assert first.alert_id in {a["alert_id"] for a in json.loads(resp.read())["alerts"]}
    finally:
        assert worker.stop() == 0, worker.log_path.read_text()[-3000:]
