"""The broker stops answering (SIGSTOP) and comes back (SIGCONT): `wirewatch ingest` retries with backoff
and completes, the worker reconnects and enriches everything. When the broker stays away, ingest stops
after --retry-seconds, lists the files it did not send and exits 1 — it never drops silently.

(A *restart* of the embedded broker loses its memory — every topic and record; see docs/deployment.md, "The
embedded broker". An outage that keeps the broker's state is what can be tested here.)"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from pipeline.core import settings_to_env
from pipeline.kafka import read_all
from tests.helpers import make_settings, start_worker, wait_until

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def own_broker():
    from pipeline.kafka import EmbeddedBroker

    with EmbeddedBroker() as b:
        yield b


def write_stories(folder: Path, n: int) -> None:
    folder.mkdir()
    for k in range(n):
        (folder / f"{k:03d}.json").write_bytes(orjson.dumps({
            "uri": f"urn:outage:{k}", "version": 1, "language": "en", "headline": f"Story {k}",
            "body_text": f"Story {k}: officials in Mosul reported a quiet day."}))


def ingest(settings, folder: Path, retry: float) -> subprocess.Popen:
    env = {**os.environ, **settings_to_env(settings)}
    return subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--retry-seconds", str(retry)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_ingest_and_worker_ride_out_a_broker_outage(own_broker, tmp_path):
    from pipeline.kafka import ensure_topics

    settings = make_settings(own_broker.url, tmp_path, FIXTURES / "regions.geojson")
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    worker = start_worker(settings)
    write_stories(tmp_path / "in", 40)
    try:
        os.kill(own_broker.pid, signal.SIGSTOP)
        proc = ingest(settings, tmp_path / "in", retry=60)
        time.sleep(6)  # ingest retries; the worker's fetches and heartbeats time out
        os.kill(own_broker.pid, signal.SIGCONT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert b"sent 40 message(s)" in err
        def enriched_keys():
            keys = {k for _, k, v in asyncio.run(read_all(settings.bootstrap_servers, [settings.topics.enriched])) if v}
            return len(keys) == 40

        wait_until(enriched_keys, 120, f"all 40 stories enriched after the outage (see {worker.log_path})", interval=1)
    finally:
        os.kill(own_broker.pid, signal.SIGCONT)
        assert worker.stop() == 0, worker.log_path.read_text()[-3000:]


def test_ingest_reports_what_it_could_not_send(own_broker, tmp_path):
    from pipeline.kafka import ensure_topics

    settings = make_settings(own_broker.url, tmp_path, FIXTURES / "regions.geojson")
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    write_stories(tmp_path / "in", 5)
    os.kill(own_broker.pid, signal.SIGSTOP)
    try:
        proc = ingest(settings, tmp_path / "in", retry=3)
        _, err = proc.communicate(timeout=120)
    finally:
        os.kill(own_broker.pid, signal.SIGCONT)
    assert proc.returncode == 1, err.decode()
    assert b"NOT sent: 5 file(s)" in err
    [listing] = list(tmp_path.glob("unsent-*.txt"))
    assert len(listing.read_text().splitlines()) == 5
