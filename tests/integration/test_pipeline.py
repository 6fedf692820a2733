"""End to end on the embedded broker: raw → stories → enriched → alerts, and dead letters."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest

from pipeline import Alert, DeadLetter, EnrichedStory
from pipeline.core import from_json
from tests.helpers import make_settings, produce_and_collect, produce_and_watch, start_worker

pytestmark = pytest.mark.broker
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def worker(broker, tmp_path_factory):
    import asyncio

    from pipeline.kafka import ensure_topics

    settings = make_settings(broker.url, tmp_path_factory.mktemp("worker"), FIXTURES / "regions.geojson",
                             ingest_token="s3cret")
    asyncio.run(ensure_topics(settings.bootstrap_servers, settings.all_topics, partitions=2, replication=1))
    handle = start_worker(settings)
    yield handle
    assert handle.stop() == 0, handle.log_path.read_text()[-3000:]
    errors = [line for line in handle.log_path.read_text().splitlines() if "[ERROR]" in line]
    assert not errors, "the worker logged errors:\n" + "\n".join(errors)


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_health_and_ready(worker):
    assert get(f"{worker.base_url}/health") == (200, {"status": "ok"})
    status, body = get(f"{worker.base_url}/ready")
    assert status == 200 and body["ready"] and all(body["checks"].values())


async def test_story_flows_to_enriched_and_alerts(worker):
    s, t = worker.settings, worker.settings.topics
    story = (FIXTURES / "drone-story.json").read_bytes()

    def done(seen):
        return any(topic == t.enriched for topic, _, _ in seen) and any(topic == t.alerts for topic, _, _ in seen)

    seen = await produce_and_collect(s, [story], [t.enriched, t.alerts], done)
    [(_, key, value)] = [item for item in seen if item[0] == t.enriched]
    enriched = from_json(EnrichedStory, value)
    assert key == b"urn:test:drone-irbil"
    assert enriched.version == 3
    assert enriched.body == orjson.loads(story)["body_text"]
    irbil = next(p for p in enriched.places if p.text == "Irbil")
    assert irbil.geonameid == 95446 and enriched.body[irbil.start:irbil.end] == "Irbil"
    alerts = [from_json(Alert, v) for topic, _, v in seen if topic == t.alerts]
    assert {a.region_id for a in alerts} == {"kurdistan"}
    assert alerts[0].story_uri == "urn:test:drone-irbil" and alerts[0].places[0].name == "Erbil"


async def test_malformed_message_is_dead_lettered_and_worker_keeps_going(worker):
    s, t = worker.settings, worker.settings.topics
    junk = b'{"uri": "urn:test:broken", "body_text": '
    good = orjson.dumps({"uri": "urn:test:after-junk", "body_text": "Protesters gathered in Mosul on Friday."})

    def done(seen):
        return any(topic == t.deadletter for topic, _, _ in seen) and any(
            topic == t.enriched and key == b"urn:test:after-junk" for topic, key, _ in seen)

    seen = await produce_and_collect(s, [junk, b"\xff\xfe binary", good], [t.enriched, t.deadletter],
                                     lambda seen: done(seen) and sum(x[0] == t.deadletter for x in seen) >= 2)
    letters = [from_json(DeadLetter, v) for topic, _, v in seen if topic == t.deadletter]
    reasons = {d.reason for d in letters}
    assert reasons == {"bad_json", "invalid_utf8"}
    bad_json = next(d for d in letters if d.reason == "bad_json")
    import base64

    assert base64.b64decode(bad_json.original_base64) == junk  # nothing lost
    assert bad_json.stage == "normalize" and bad_json.source_topic == t.raw and bad_json.offset is not None
    status, stats = get(f"{worker.base_url}/stats")
    assert stats["dead_letters"].get("normalize:bad_json", 0) >= 1


async def test_bad_record_on_internal_topic_is_dead_lettered_by_that_stage(worker):
    s, t = worker.settings, worker.settings.topics

    def from_enrich(item):
        return from_json(DeadLetter, item[2]).source_topic == t.stories

    seen = await produce_and_collect(s, [b'{"uri": "urn:not-a-story"}'], [t.deadletter],
                                     lambda seen: any(map(from_enrich, seen)), to_topic=t.stories)
    letters = [from_json(DeadLetter, v) for _, _, v in seen]
    assert [(d.stage, d.reason) for d in letters if d.source_topic == t.stories] == [("enrich", "bad_record")], letters


async def test_versions_supersede_duplicates_drop_and_kills_retract(worker):
    s, t = worker.settings, worker.settings.topics

    def item(version, body, pubstatus="usable"):
        return orjson.dumps({"uri": "urn:test:versions", "version": version, "pubstatus": pubstatus, "language": "en",
                             "headline": f"v{version}", "body_text": body})

    irbil = "A drone struck the airport in Irbil on Tuesday."
    damascus = "Shelling hit the outskirts of Damascus on Wednesday."

    # Other tests share this worker: their alerts may still arrive, so only this story's records count.
    # Delivery is at least once: a record may come twice (a producer's retry), identical, with the same key.
    # So alerts are compared as sets of (region, status, version), and the waits are for what must come.
    def alerts_in(seen):
        return {(a.region_id, a.status, a.story_version) for a in (from_json(Alert, v) for tp, _, v in seen
                                                                    if tp == t.alerts)
                if a.story_uri == "urn:test:versions"}

    # v2 alerts kurdistan; then a stale v1 and a duplicate v2 are dropped
    seen = await produce_and_collect(s, [item(2, irbil), item(1, damascus), item(2, irbil)], [t.enriched, t.alerts],
                                     lambda seen: bool(alerts_in(seen)))
    first = alerts_in(seen)
    assert first == {("kurdistan", "active", 2)}
    # v3 moves the story to Damascus: syria alerts, kurdistan is retracted
    expected = {("syria", "active", 3), ("kurdistan", "retracted", 3)}
    seen = await produce_and_collect(s, [item(3, damascus)], [t.enriched, t.alerts],  # records of two topics
                                     lambda seen: expected <= alerts_in(seen)  # arrive in any order
                                     and any(x[0] == t.enriched and x[1] == b"urn:test:versions" for x in seen))
    assert alerts_in(seen) - expected <= first  # nothing new beyond v3's alerts (at most a repeat of v2's)
    enriched_versions = {from_json(EnrichedStory, v).version for tp, k, v in seen
                         if tp == t.enriched and k == b"urn:test:versions"}
    assert enriched_versions <= {2, 3} and 3 in enriched_versions  # the stale v1 never reached wire.enriched
    # a kill retracts what is still alerted
    seen = await produce_and_collect(s, [item(4, "", pubstatus="canceled")], [t.enriched, t.alerts],
                                     lambda seen: ("syria", "retracted", 4) in alerts_in(seen)
                                     and any(x[0] == t.enriched and x[1] == b"urn:test:versions"
                                             and from_json(EnrichedStory, x[2]).version == 4 for x in seen))
    kill = next(k for k in (from_json(EnrichedStory, v) for tp, key, v in seen
                            if tp == t.enriched and key == b"urn:test:versions") if k.version == 4)
    assert kill.pubstatus == "canceled" and kill.tags == ["kill"] and kill.places == []
    retractions = [a for a in (from_json(Alert, v) for tp, _, v in seen if tp == t.alerts)
                   if a.story_uri == "urn:test:versions" and a.story_version == 4]
    assert {(r.region_id, r.status, tuple(r.match_reasons)) for r in retractions} == {("syria", "retracted", ("kill",))}
    status, stats = get(f"{worker.base_url}/stats")
    assert stats["dropped"] == {"stale": 1, "duplicate": 1}


async def test_a_kill_in_the_same_batch_as_its_story_stays_final(worker):
    """v1 and its kill (and v1, v2, kill) arriving together: on wire.enriched the kill is each story's last
    record, and nothing of a killed story follows it."""
    s, t = worker.settings, worker.settings.topics

    def item(uri, version, body="Gunmen attacked a police post in Kirkuk on Monday.", pubstatus="usable"):
        return orjson.dumps({"uri": uri, "version": version, "pubstatus": pubstatus, "language": "en",
                             "headline": f"v{version}", "body_text": body})

    uris = [f"urn:test:backlog:{i}" for i in range(12)]
    messages = []
    for i, uri in enumerate(uris):
        messages.append(item(uri, 1))
        if i % 2:
            messages.append(item(uri, 2, "Shelling hit Kirkuk on Tuesday."))
        messages.append(item(uri, 3, "", pubstatus="canceled"))

    def records(seen):
        out: dict[str, list] = {}
        for tp, key, value in seen:
            if tp == t.enriched and key and key.decode().startswith("urn:test:backlog:"):
                out.setdefault(key.decode(), []).append(from_json(EnrichedStory, value))
        return out

    seen = await produce_and_watch(s, messages, [t.enriched], lambda seen: all(
        any(r.pubstatus == "canceled" for r in records(seen).get(u, [])) for u in uris), linger=3.0)
    for uri, got in records(seen).items():
        kill = next(i for i, r in enumerate(got) if r.pubstatus == "canceled")
        assert all(r.pubstatus == "canceled" for r in got[kill:]), (uri, [(r.version, r.pubstatus) for r in got])
        versions = [r.version for r in got]
        assert versions == sorted(versions), (uri, versions)  # never backwards


def post(url: str, data: bytes, token: str | None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


async def test_post_ingest(worker):
    import asyncio

    url = f"{worker.base_url}/ingest"
    story = orjson.dumps({"uri": "urn:test:posted", "body_text": "Clashes were reported near Kirkuk."})
    loop = asyncio.get_running_loop()
    assert (await loop.run_in_executor(None, post, url, story, None))[0] == 401
    assert (await loop.run_in_executor(None, post, url, story, "wrong"))[0] == 401
    status, body = await loop.run_in_executor(None, post, url, b'{"body_text": "no uri"}', "s3cret")
    assert (status, body["reason"]) == (422, "missing_uri")
    status, body = await loop.run_in_executor(None, post, url, b"x" * (worker.settings.max_message_bytes + 1), "s3cret")
    assert (status, body["reason"]) == (413, "too_large")
    s, t = worker.settings, worker.settings.topics
    from pipeline.kafka import follow

    started, seen = asyncio.Event(), []

    async def collect():
        async for item in follow(s.bootstrap_servers, [t.enriched], started=started):
            seen.append(item)
            if item[1] == b"urn:test:posted":
                return

    task = asyncio.ensure_future(collect())
    await asyncio.wait_for(started.wait(), 20)
    status, body = await loop.run_in_executor(None, post, url, story, "s3cret")
    assert (status, body["accepted"]) == (202, ["urn:test:posted"])
    await asyncio.wait_for(task, 60)


async def test_hostile_messages_are_dead_lettered_and_the_worker_stays_up(worker):
    from tests.test_hostile_input import BILLION_LAUGHS, XXE

    s, t = worker.settings, worker.settings.topics
    hostile = {  # expected reason → message
        "xml_entities": BILLION_LAUGHS,
        "bad_json": b"[" * 50_000 + b"]" * 50_000,  # orjson's recursion limit
        "too_large": b"x" * (s.max_message_bytes + 1),
        "invalid_utf8": bytes(range(256)) * 4,
        "binary": b"\x00\x01\x02 binary \x03\x04\x05\x06",
    }
    good = orjson.dumps({"uri": "urn:test:after-hostile", "body_text": "Protesters gathered in Basra on Sunday."})

    def done(seen):
        letters = [x for x in seen if x[0] == t.deadletter]
        return len(letters) >= len(hostile) + 1 and any(k == b"urn:test:after-hostile" for _, k, _ in seen)

    seen = await produce_and_collect(s, [*hostile.values(), XXE, good], [t.deadletter, t.enriched], done)
    letters = [from_json(DeadLetter, v) for tp, _, v in seen if tp == t.deadletter]
    reasons = sorted(d.reason for d in letters)
    assert reasons == sorted([*hostile, "xml_entities"])
    oversize = next(d for d in letters if d.reason == "too_large")
    assert oversize.original_truncated and oversize.original_size == s.max_message_bytes + 1
    assert get(f"{worker.base_url}/health")[0] == 200
