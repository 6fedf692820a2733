"""`wirewatch run` keeps its data across a restart (the embedded broker on its local S3 store): regions,
rules, alerts and their acknowledgements are there again, a story sent just before the stop is enriched
and alerted after it, and the worker's tables come back from their changelogs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest

from tests.helpers import free_port

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TOKEN = "durable-token"
IRBIL = {"type": "Feature", "geometry": None,
         "properties": {"name": "Irbil, 60 km", "circle": {"lat": 36.19, "lon": 44.01, "radius_km": 60}}}
RULE = {"region": "irbil-60", "types": ["air_drone_strike"]}


def story(uri: str, text: str) -> bytes:
    return orjson.dumps({"uri": uri, "version": 1, "language": "en", "headline": "Drone strike", "body_text": text})


# Two incidents whatever the weekday the test runs on: dated days apart, they never group into one alert.
FIRST = story("urn:test:durable:1", "A drone struck a checkpoint in Irbil five days ago, officials said.")
LAST = story("urn:test:durable:2", "A drone hit a fuel depot near Irbil airport yesterday, police said.")


class Run:
    """`wirewatch run` (embedded broker on its default storage) in the background, on ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "WIREWATCH_SESSION_TIMEOUT": "2", "WIREWATCH_DATA_DIR": str(data_dir),
               "WIREWATCH_INGEST_TOKEN": TOKEN, "WIREWATCH_REGIONS": str(FIXTURES / "regions.geojson"),
               "WIREWATCH_PARTITIONS": "2"}
        for name in ("WIREWATCH_BROKER", "WIREWATCH_STORAGE", "WIREWATCH_RULES"):
            env.pop(name, None)
        self.log = open(data_dir.parent / f"run-{self.port}.out", "w+")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--web-port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env, text=True)
        self.data_dir = data_dir
        self.wait(lambda: self.call("GET", "/ready")[0] == 200, 180, "the worker to be ready")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read() + "\n--- worker.log ---\n" + (self.data_dir / "worker.log").read_text()[-4000:]

    def call(self, method: str, path: str, body: bytes | dict | None = None) -> tuple[int, dict]:
        data = None if body is None else (body if isinstance(body, bytes) else orjson.dumps(body))
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        req.add_header("Authorization", f"Bearer {TOKEN}")
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except OSError:
            return 0, {}

    def wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                raise AssertionError(f"wirewatch run exited ({self.proc.returncode}) waiting for {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.output()}")
            time.sleep(0.3)

    def alerts(self, uri: str) -> list[dict]:
        status, body = self.call("GET", "/alerts?rule=irbil-drones")
        return [a for a in body.get("alerts", []) if a["story_uri"] == uri] if status == 200 else []

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)  # Ctrl-C: stops the worker, the broker, then the store
        try:
            return self.proc.wait(60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()


def test_regions_rules_alerts_and_acknowledgements_survive_a_restart(tmp_path):
    data_dir = tmp_path / "data"
    first = Run(data_dir)
    try:
        assert "data kept in" in first.output()
        assert first.call("PUT", "/regions/irbil-60", IRBIL)[0] == 201
        assert first.call("PUT", "/rules/irbil-drones", RULE)[0] == 201
        assert first.call("POST", "/ingest", FIRST)[0] == 202
        first.wait(lambda: first.alerts("urn:test:durable:1"), 120, "alert for the first story")
        alert_id = first.alerts("urn:test:durable:1")[0]["alert_id"]
        assert first.call("POST", f"/alerts/{alert_id}/ack")[0] == 202
        first.wait(lambda: first.alerts("urn:test:durable:1")[0]["status"] == "acknowledged", 60, "acknowledgement")
        assert first.call("POST", "/ingest", LAST)[0] == 202  # right before the stop: maybe not enriched yet
    finally:
        code = first.stop()
    assert code in (0, 130), first.output()
    assert (data_dir / "s3" / "tansu").is_dir()

    second = Run(data_dir)
    try:
        # the catalog follower reads wire.regions / wire.rules from their beginning, beside /ready
        second.wait(lambda: second.call("GET", "/rules/irbil-drones")[0] == 200, 60, "the rule after the restart")
        status, region = second.call("GET", "/regions/irbil-60")
        assert status == 200 and region["properties"]["id"] == "irbil-60", region
        assert second.call("GET", "/rules/irbil-drones")[1]["region"] == "irbil-60"
        second.wait(lambda: second.alerts("urn:test:durable:1"), 120, "the first story's alert after the restart")
        [again] = second.alerts("urn:test:durable:1")
        assert (again["alert_id"], again["status"]) == (alert_id, "acknowledged")
        second.wait(lambda: second.alerts("urn:test:durable:2"), 180, "the last story's alert after the restart")
        # the versions table came back from its changelog: the first story again is a duplicate
        assert second.call("POST", "/ingest", FIRST)[0] == 202
        second.wait(lambda: second.call("GET", "/stats")[1].get("dropped", {}).get("duplicate", 0) >= 1, 120,
                    "the repeated story dropped as a duplicate")
        assert len(second.alerts("urn:test:durable:1")) == 1
    finally:
        code = second.stop()
    assert code in (0, 130), second.output()
