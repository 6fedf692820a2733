"""The versions table survives a worker restart (recovered from its changelog topic, where each story has\na pending mark, written before its enriched record was sent, and then its final one)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path

import orjson
import pytest

from pipeline.kafka import ensure_topics
from tests.helpers import make_settings, produce_and_collect, start_worker

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def stats(worker) -> dict:
    with urllib.request.urlopen(f"{worker.base_url}/stats", timeout=5) as resp:
        return json.loads(resp.read())


async def test_duplicate_after_restart_is_still_dropped(broker, tmp_path):
    settings = make_settings(broker.url, tmp_path, FIXTURES / "regions.geojson")
    await ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1)
    t = settings.topics
    stories = [orjson.dumps({"uri": f"urn:test:restart:{i}", "version": 2, "body_text": f"Story {i} from Mosul."})
               for i in range(6)]
    loop = asyncio.get_running_loop()
    first = await loop.run_in_executor(None, start_worker, settings)
    try:
        await produce_and_collect(settings, stories, [t.enriched], lambda seen: len(seen) >= len(stories))
    finally:
        assert first.stop() == 0
    from pipeline.kafka import follow

    logged = [(k, orjson.loads(v)) async for _, k, v in follow(settings.bootstrap_servers,
                                                                [settings.changelog_topics[0]],
                                                                from_beginning=True, idle_timeout=2)]
    # per story a pending mark (written before its enriched record was sent), then the final one
    uris = sorted(f"urn:test:restart:{i}".encode() for i in range(len(stories)))
    assert sorted(k for k, _ in logged) == sorted(uris * 2), logged
    last = {k: mark for k, mark in logged}
    assert all(not mark.get("pending") and mark["version"] == 2 for mark in last.values()), last
    assert all(next(m for k2, m in logged if k2 == k).get("pending") for k in uris)
    second = await loop.run_in_executor(None, start_worker, settings)
    try:
        newer = orjson.dumps({"uri": "urn:test:restart:0", "version": 3, "body_text": "Story 0, updated, from Mosul."})
        seen = await produce_and_collect(settings, [*stories, newer], [t.enriched],
                                         lambda seen: any(k == b"urn:test:restart:0" for _, k, _ in seen))
        versions = [orjson.loads(v)["version"] for _, _, v in seen]
        assert versions == [3], f"replayed versions reached wire.enriched after restart: {versions}"
        assert stats(second)["dropped"] == {"duplicate": len(stories)}
    finally:
        assert second.stop() == 0
