"""Regions and rules changed while a worker runs (HTTP API and CLI, stored on wire.regions / wire.rules),
on the embedded broker: no restart, validated with clear 4xx errors, tombstones delete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pipeline import Alert
from pipeline.core import from_json, settings_to_env
from tests.helpers import produce_and_collect, running_worker, wait_until

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOKEN = "catalog-token"


@pytest.fixture(scope="module")
def worker(broker, tmp_path_factory):
    with running_worker(broker.url, tmp_path_factory.mktemp("catalog-worker"), ingest_token=TOKEN, log_format="json",
                        read_token="reader-token") as handle:
        yield handle


def call(worker, method: str, path: str, body=None, token: str | None = TOKEN) -> tuple[int, dict]:
    data = None if body is None else (body if isinstance(body, bytes) else orjson.dumps(body))
    req = urllib.request.Request(f"{worker.base_url}{path}", data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def cli(worker, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings_to_env(worker.settings)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], env=env, capture_output=True, timeout=120)


IRBIL = {"type": "Feature", "geometry": None,
         "properties": {"name": "Irbil, 60 km", "circle": {"lat": 36.19, "lon": 44.01, "radius_km": 60}}}


def test_regions_api_validates_and_applies_without_restart(worker):
    status, body = call(worker, "GET", "/regions")
    assert status == 200 and {"kurdistan", "syria", "donut"} <= {f["properties"]["id"] for f in body["regions"]}
    assert body["origins"]["kurdistan"] == "file"
    assert call(worker, "PUT", "/regions/irbil-60", IRBIL, token=None)[0] == 401
    assert call(worker, "PUT", "/regions/irbil-60", IRBIL, token="wrong")[0] == 401
    status, body = call(worker, "PUT", "/regions/irbil-60", b"{not json")
    assert status == 400 and "not JSON" in body["error"]
    bowtie = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}
    status, body = call(worker, "PUT", "/regions/bowtie", bowtie)
    assert status == 422 and "invalid geometry" in body["error"]
    swapped = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[36.1, 44.0], [36.3, 44.0], [36.3, 136.0], [36.1, 44.0]]]}}
    status, body = call(worker, "PUT", "/regions/swapped", swapped)
    assert status == 422 and "latitude 136 is outside −90…90: GeoJSON positions are [longitude, latitude]" in body["error"]
    status, body = call(worker, "PUT", "/regions/uk", {"type": "Feature", "properties": {"country_codes": ["UK"]}})
    assert status == 422 and "did you mean 'GB'" in body["error"]
    status, body = call(worker, "PUT", "/regions/bad%20id!", IRBIL)
    assert status in (404, 422)
    status, body = call(worker, "PUT", "/regions/irbil-60", IRBIL)
    assert status == 201 and body["applied"] is True, body
    assert call(worker, "GET", "/regions/irbil-60")[1]["properties"]["id"] == "irbil-60"


def test_taxonomy_lists_the_names_rules_use(worker):
    status, body = call(worker, "GET", "/taxonomy", token="reader-token")
    assert status == 200
    strike = next(t for t in body["types"] if t["id"] == "air_drone_strike")
    assert strike["category"] == "Explosions/Remote violence" and strike["name"] == "Air/drone strike"
    assert strike["definition"] and "air_drone_strike" in body["categories"]["Explosions/Remote violence"]
    status, body = call(worker, "PUT", "/rules/typo", {"region": "kurdistan", "types": ["air_strike"]})
    assert status == 422 and "did you mean 'air_drone_strike'?" in body["error"]


def test_rules_api_alerts_at_once_and_masks_secrets(worker):
    status, body = call(worker, "PUT", "/rules/nowhere-rule", {"region": "nowhere"})
    assert status == 422 and "not among the regions" in body["error"]
    rule = {"region": "irbil-60", "types": ["air_drone_strike"], "route": True,
            "webhook": {"url": "https://hooks.example.org/x", "secret": "0123456789abcdef-secret"}}
    status, body = call(worker, "PUT", "/rules/irbil-drones", rule)
    assert status == 201 and body["applied"] is True, body
    assert call(worker, "GET", "/rules/irbil-drones")[1]["webhook"]["secret"] == "***"
    s, t = worker.settings, worker.settings.topics
    story = orjson.dumps({"uri": "urn:test:catalog", "version": 1, "language": "en", "headline": "Drone strike",
                          "body_text": "A drone struck a checkpoint in Irbil on Monday, officials said."})
    routed = f"{t.alerts}.irbil-drones"  # its own topic, created when the rule arrived

    def ruled(seen):  # the rule's alerts; regions without a rule ("kurdistan") alert on the story too
        return [(topic, a) for topic, a in ((tp, from_json(Alert, v)) for tp, _, v in seen) if a.rule_id]

    seen = asyncio_run(produce_and_collect(s, [story], [t.alerts, routed], lambda seen: len(ruled(seen)) >= 2))
    assert sorted(topic for topic, _ in ruled(seen)) == sorted([t.alerts, routed])
    alert = ruled(seen)[0][1]
    assert (alert.rule_id, alert.region_id, alert.event.type) == ("irbil-drones", "irbil-60", "air_drone_strike")
    # a region in use cannot go
    status, body = call(worker, "DELETE", "/regions/irbil-60")
    assert status == 409 and "irbil-drones" in body["error"]


def test_cli_lists_shows_adds_and_removes(worker, tmp_path):
    listed = cli(worker, "rules", "list")
    assert listed.returncode == 0, listed.stderr
    assert b"irbil-drones" in listed.stdout and b"[topic]" in listed.stdout
    shown = cli(worker, "rules", "show", "irbil-drones")
    assert shown.returncode == 0 and b'"secret": "***"' in shown.stdout
    regions = tmp_path / "more.geojson"
    regions.write_bytes(orjson.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"id": "jordan", "country_codes": ["JO"]}}]}))
    added = cli(worker, "regions", "add", str(regions))
    assert added.returncode == 0, added.stderr
    wait_until(lambda: call(worker, "GET", "/regions/jordan")[0] == 200, 20, "the added region served")
    refused = cli(worker, "regions", "rm", "irbil-60")
    assert refused.returncode == 2 and b"irbil-drones" in refused.stderr
    assert cli(worker, "rules", "rm", "irbil-drones").returncode == 0
    assert cli(worker, "regions", "rm", "irbil-60").returncode == 0
    wait_until(lambda: call(worker, "GET", "/regions/irbil-60")[0] == 404, 20, "the removed region gone")
    assert call(worker, "GET", "/rules/irbil-drones")[0] == 404
    status, body = call(worker, "DELETE", "/regions/jordan")
    assert status == 200 and body["applied"] is True
    missing = cli(worker, "rules", "show", "irbil-drones")
    assert missing.returncode == 2 and b"no rule" in missing.stderr


def asyncio_run(coro):
    import asyncio

    return asyncio.run(coro)


def test_metrics_and_json_logs(worker):
    """/metrics in Prometheus text format 0.0.4; the worker logs JSON lines, with story_uri on lines about a story."""

    story = orjson.dumps({"uri": "urn:test:catalog", "version": 1, "language": "en", "headline": "again",
                          "body_text": "The same version again: dropped as a duplicate."})
    req = urllib.request.Request(f"{worker.base_url}/ingest", data=story, method="POST",
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 202
    def scrape():
        with urllib.request.urlopen(f"{worker.base_url}/metrics?token=reader-token", timeout=5) as resp:
            text, content_type = resp.read().decode(), resp.headers["Content-Type"]
        families = {f.name: f for f in text_string_to_metric_families(text)}
        samples = [s for f in families.values() for s in f.samples]
        duplicates = [s.value for s in samples
                      if s.name == "wirewatch_duplicates_dropped_total" and s.labels == {"verdict": "duplicate"}]
        return (text, content_type, families, samples, duplicates) if duplicates == [1] else None

    text, content_type, families, samples, duplicates = wait_until(scrape, 30, "the duplicate counted in /metrics",
                                                                   interval=0.3)
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    assert duplicates == [1]
    assert {name: families[name].type for name in (
        "wirewatch_up", "wirewatch_messages_processed", "wirewatch_duplicates_dropped", "wirewatch_alerts",
        "wirewatch_stage_seconds", "wirewatch_record_age_seconds", "wirewatch_consumer_lag",
        "wirewatch_model_load_seconds", "wirewatch_gazetteer_load_seconds")} == {
        "wirewatch_up": "gauge", "wirewatch_messages_processed": "counter", "wirewatch_duplicates_dropped": "counter",
        "wirewatch_alerts": "counter", "wirewatch_stage_seconds": "histogram", "wirewatch_record_age_seconds": "histogram",
        "wirewatch_consumer_lag": "gauge", "wirewatch_model_load_seconds": "gauge",
        "wirewatch_gazetteer_load_seconds": "gauge"}

    def has(name: str, **labels: str) -> bool:
        return any(s.name == name and labels.items() <= s.labels.items() for s in samples)

    assert has("wirewatch_up") and has("wirewatch_messages_processed_total", stage="enrich")
    assert has("wirewatch_stage_seconds_bucket", stage="enrich", le="+Inf")
    assert has("wirewatch_record_age_seconds_count", stage="match")
    assert has("wirewatch_model_load_seconds") and has("wirewatch_gazetteer_load_seconds")
    assert any(s.name == "wirewatch_alerts_total" and set(s.labels) == {"severity", "status"} for s in samples)
    assert any(s.name == "wirewatch_consumer_lag" and set(s.labels) == {"topic", "partition"} and s.value >= 0
               for s in samples)
    lines = [ln for ln in worker.log_path.read_text().splitlines() if ln.startswith("{")]
    entries = [json.loads(ln) for ln in lines]
    assert entries and all({"ts", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e.get("story_uri") == "urn:test:catalog" and "duplicate" in e["message"] for e in entries)


def test_read_token_cors_size_limit_and_no_secrets_in_logs(worker):
    assert call(worker, "GET", "/alerts", token=None)[0] == 401
    assert call(worker, "GET", "/regions", token="wrong")[0] == 401
    assert call(worker, "GET", "/alerts", token="reader-token")[0] == 200
    assert call(worker, "GET", "/alerts?token=reader-token", token=None)[0] == 200
    for open_path in ("/health", "/static/map.js", "/"):  # probes and the map page need no token
        with urllib.request.urlopen(f"{worker.base_url}{open_path}", timeout=5) as resp:
            assert resp.status == 200
    assert call(worker, "PUT", "/regions/x", IRBIL, token="reader-token")[0] == 401  # reading is not writing
    req = urllib.request.Request(f"{worker.base_url}/alerts?token=reader-token",
                                 headers={"Origin": "https://evil.example"})
    with urllib.request.urlopen(req, timeout=5) as resp:  # CORS is off: no cross-origin reads
        assert "Access-Control-Allow-Origin" not in resp.headers
    huge = b'{"type": "Feature", "properties": {"name": "' + b"x" * (worker.settings.max_message_bytes + 10) + b'"}}'
    assert call(worker, "PUT", "/regions/huge", huge)[0] == 413
    log = worker.log_path.read_text()
    assert TOKEN not in log and "reader-token" not in log and "0123456789abcdef-secret" not in log
