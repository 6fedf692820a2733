"""Bounded state on the real broker: a worker's sweep deletes table entries past the retention window
(tombstones on the changelogs), and a story sent again after the window is enriched and alerted again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from pipeline.kafka import ensure_topics, follow
from tests.helpers import await_until, make_settings, produce_and_collect, start_worker

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


async def test_entries_past_the_window_are_deleted_and_the_story_is_new_again(broker, tmp_path):
    # a window of ≈ 3 s, a sweep every second
    settings = make_settings(broker.url, tmp_path, FIXTURES / "regions.geojson", state_retention_days=3 / 86400,
                             state_sweep_seconds=1.0)
    await ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1)
    t = settings.topics
    story = orjson.dumps({"uri": "urn:test:retention", "version": 1, "body_text": "Shelling hit Mosul on Monday."})
    loop = asyncio.get_running_loop()
    worker = await loop.run_in_executor(None, start_worker, settings)
    try:
        await produce_and_collect(settings, [story], [t.enriched], lambda seen: len(seen) >= 1)
        versions, alerted = settings.changelog_topics[:2]

        async def tombstoned() -> bool:
            last: dict[tuple[str, bytes], bytes | None] = {}
            async for topic, key, value in follow(settings.bootstrap_servers, [versions, alerted],
                                                  from_beginning=True, idle_timeout=1):
                last[topic, key] = value
            return bool(last) and all(value is None for value in last.values()) and (versions, b"urn:test:retention") in last

        await await_until(tombstoned, 60, "the story's table entries deleted (tombstones)", interval=1.0)
        again = await produce_and_collect(settings, [story], [t.enriched, t.alerts], lambda seen: any(
            topic == t.enriched for topic, _, _ in seen) and any(topic == t.alerts for topic, _, _ in seen))
        assert [orjson.loads(v)["version"] for topic, _, v in again if topic == t.enriched] == [1]  # new, not dropped
    finally:
        assert worker.stop() == 0


async def test_a_sweep_larger_than_its_chunks_deletes_every_entry(broker, tmp_path):
    # 1,100 stories enriched within the first sweep's 15 s, past the 3 s window by then: that sweep deletes
    # them in three chunks (of 500), waiting for the producer between
    settings = make_settings(broker.url, tmp_path, FIXTURES / "regions.geojson", state_retention_days=3 / 86400,
                             state_sweep_seconds=15.0)
    await ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1)
    stories = [orjson.dumps({"uri": f"urn:test:sweep:{i}", "version": 1, "body_text": f"Item {i}."})
               for i in range(1100)]
    loop = asyncio.get_running_loop()
    worker = await loop.run_in_executor(None, start_worker, settings)
    try:
        await produce_and_collect(settings, stories, [settings.topics.enriched], lambda seen: len(seen) >= 1100,
                                  timeout=300)
        versions = settings.changelog_topics[0]

        async def all_deleted() -> bool:
            last: dict[bytes, bytes | None] = {}
            async for _, key, value in follow(settings.bootstrap_servers, [versions], from_beginning=True,
                                              idle_timeout=1):
                last[key] = value
            return len(last) == 1100 and all(value is None for value in last.values())

        await await_until(all_deleted, 120, "all 1,100 versions entries deleted (tombstones)", interval=2.0)
    finally:
        assert worker.stop() == 0
