"""`wirewatch ingest` against a broker: what parses is sent, what would be dead-lettered is reported and not
sent (unless --send-invalid), a message too large for the broker is reported once and not retried. Refusals
that the embedded broker never gives (unknown topic: it creates topics on demand; authorisation):
tests/test_ingest_checks.py. The broker-away case: tests/reliability/test_broker_outage.py."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import orjson
import pytest

from pipeline.core import settings_to_env
from pipeline.kafka import MAX_REQUEST_BYTES, ensure_topics, read_all
from tests.helpers import FIXTURE_REGIONS, make_settings

pytestmark = pytest.mark.broker


def story(uri: str, body: str = "Shelling hit Idlib overnight, officials said.") -> bytes:
    return orjson.dumps({"uri": uri, "version": 1, "headline": "h", "body_text": body})


def ingest(settings, *args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings_to_env(settings), **env_extra}
    # --retry-seconds 600: a refusal that were retried would outlast the generous timeout below
    return subprocess.run([sys.executable, "-m", "pipeline", "ingest", "--retry-seconds", "600", *args],
                          capture_output=True, text=True, timeout=240, env=env)


def raw_values(settings) -> list[bytes]:
    return [v for _, _, v in asyncio.run(read_all(settings.bootstrap_servers, [settings.topics.raw]))]


@pytest.fixture
def settings(broker, tmp_path):
    s = make_settings(broker.url, tmp_path, FIXTURE_REGIONS)
    asyncio.run(ensure_topics(s.bootstrap_servers, [s.topics.raw], partitions=1, replication=1))
    return s


def test_sends_what_parses_and_reports_the_rest(settings, tmp_path):
    (tmp_path / "1-good.json").write_bytes(story("urn:ingest:good"))
    (tmp_path / "2-no-uri.json").write_text('{"headline": "h", "body_text": "Shelling near Idlib."}')
    (tmp_path / "3-huge.json").write_bytes(story("urn:ingest:huge", "x" * (MAX_REQUEST_BYTES + 1000)))
    (tmp_path / "4-good.json").write_bytes(story("urn:ingest:good2"))
    files = sorted(str(p) for p in tmp_path.glob("*.json"))
    # a local limit above the producer's: the huge one passes the check here and is refused at sending
    proc = ingest(settings, *files, WIREWATCH_MAX_MESSAGE_BYTES=str(4 * MAX_REQUEST_BYTES))
    assert proc.returncode == 1, proc.stderr
    problems = [ln for ln in proc.stderr.splitlines() if ": NOT sent: " in ln]
    assert len(problems) == 2, proc.stderr
    assert "2-no-uri.json: NOT sent: missing_uri" in problems[0]
    assert "3-huge.json: NOT sent: refused as too large" in problems[1]
    assert "sent 2 message(s)" in proc.stderr and "NOT sent: 2 file(s)" in proc.stderr
    [listing] = tmp_path.glob("unsent-*.txt")
    assert listing.read_text().splitlines() == [files[1], files[2]]
    assert sorted(orjson.loads(v)["uri"] for v in raw_values(settings)) == ["urn:ingest:good", "urn:ingest:good2"]


def test_send_invalid_sends_it_for_the_dead_letters(settings, tmp_path):
    bad = tmp_path / "no-uri.json"
    bad.write_text('{"headline": "h", "body_text": "Shelling near Idlib."}')
    proc = ingest(settings, "--send-invalid", str(bad))
    assert proc.returncode == 0, proc.stderr
    assert raw_values(settings) == [bad.read_bytes()]
