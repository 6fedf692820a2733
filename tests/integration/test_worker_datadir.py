"""A worker started the way the README says, with a data directory that does not exist yet, creates it."""

import asyncio

import pytest

from pipeline.core import terminate
from pipeline.kafka import ensure_topics
from pipeline.stream import spawn_worker, wait_ready
from tests.helpers import FIXTURE_REGIONS, make_settings

pytestmark = pytest.mark.broker


def test_a_worker_creates_its_data_directory(broker, tmp_path):
    settings = make_settings(broker.url, tmp_path, FIXTURE_REGIONS).with_(data_dir=tmp_path / "fresh" / "state")
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    log_path = tmp_path / "worker.log"
    proc = spawn_worker(settings, log_path)
    try:
        wait_ready(f"http://{settings.web_host}:{settings.web_port}/ready", proc, 120.0, log_path)
        assert (tmp_path / "fresh" / "state").is_dir()
    finally:
        terminate(proc)
    assert "Traceback" not in log_path.read_text()
