"""`wirewatch ingest` checks each message before sending (size, format, as the normalize agent parses it)
and tells permanent broker refusals from passing trouble. No broker: a message refused here never reaches one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RequestTimedOutError,
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
)

import pipeline.kafka
from pipeline.cli import main
from pipeline.core import BrokerError
from pipeline.kafka import Unsent, _io

NOWHERE = "kafka://127.0.0.1:9"  # nothing listens: a message that got as far as sending would hang in retries


def ingest(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(tmp_path / "data"), "WIREWATCH_MAX_MESSAGE_BYTES": "2000"}
    env.pop("WIREWATCH_BROKER", None)
    return subprocess.run([sys.executable, "-m", "pipeline", "ingest", "--broker", NOWHERE, "--retry-seconds", "600",
                           *args], capture_output=True, text=True, timeout=120, env=env)


def test_messages_that_would_be_dead_lettered_are_reported_and_not_sent(tmp_path):
    (tmp_path / "no-uri.json").write_text('{"headline": "h", "body_text": "Shelling near Idlib."}')
    (tmp_path / "big.json").write_text('{"uri": "urn:x", "body_text": "' + "a" * 3000 + '"}')
    (tmp_path / "broken.xml").write_text("<newsMessage><itemSet>")
    proc = ingest(tmp_path, str(tmp_path / "no-uri.json"), str(tmp_path / "big.json"), str(tmp_path / "broken.xml"))
    assert proc.returncode == 1, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ": NOT sent: " in ln]
    assert len(lines) == 3, proc.stderr  # one line per problem file, with its reason code
    assert "no-uri.json: NOT sent: missing_uri: " in lines[0]
    assert "big.json: NOT sent: too_large: " in lines[1] and "WIREWATCH_MAX_MESSAGE_BYTES" in lines[1]
    assert "broken.xml: NOT sent: bad_xml: " in lines[2]
    assert "NOT sent: 3 file(s)" in proc.stderr.splitlines()[-1]
    [listing] = (tmp_path / "data").glob("unsent-*.txt")
    assert [os.path.basename(p) for p in listing.read_text().splitlines()] == ["no-uri.json", "big.json", "broken.xml"]


def test_lines_are_checked_one_by_one(tmp_path):
    (tmp_path / "items.jsonl").write_text('{"body_text": "no uri"}\n\n{"uri": "urn:y"}\n')
    proc = ingest(tmp_path, "--lines", str(tmp_path / "items.jsonl"))
    assert proc.returncode == 1
    assert "items.jsonl:1: NOT sent: missing_uri" in proc.stderr
    assert "items.jsonl:3: NOT sent: no_text" in proc.stderr


async def test_transient_errors_are_retried(monkeypatch):
    for exc in (KafkaConnectionError(), KafkaTimeoutError(), RequestTimedOutError()):
        assert await _io._permanent(exc, "h:1", "wire.raw") is None


async def test_refusals_no_retry_changes_are_permanent():
    assert "too large" in await _io._permanent(MessageSizeTooLargeError(), "h:1", "wire.raw")
    assert "ACLs" in await _io._permanent(TopicAuthorizationFailedError(), "h:1", "wire.raw")


@pytest.mark.parametrize("present, permanent", [({"other"}, True), ({"wire.raw"}, False), (None, False)])
async def test_unknown_topic_is_permanent_only_when_the_broker_says_so(monkeypatch, present, permanent):
    async def topics(bootstrap, timeout=10.0):
        if present is None:
            raise BrokerError("cannot reach the Kafka broker")  # the broker is away: a passing trouble
        return present

    monkeypatch.setattr(_io, "existing_topics", topics)
    why = await _io._permanent(UnknownTopicOrPartitionError(), "h:1", "wire.raw")
    assert (why is not None) == permanent
    if permanent:
        assert "wirewatch topics create" in why


class FakeProducer:
    """An AIOKafkaProducer whose sends fail with the errors given, in turn, then succeed."""

    errors: list = []
    sends = 0
    sent: list = []

    def __init__(self, **_kwargs) -> None:
        pass

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send_and_wait(self, topic, value, key=None) -> None:
        FakeProducer.sends += 1
        if FakeProducer.errors:
            raise FakeProducer.errors.pop(0)
        FakeProducer.sent.append(value)


@pytest.fixture
def producer(monkeypatch):
    FakeProducer.errors, FakeProducer.sends, FakeProducer.sent = [], 0, []
    monkeypatch.setattr(_io, "AIOKafkaProducer", FakeProducer)
    monkeypatch.setattr(_io.asyncio, "sleep", _no_sleep)
    return FakeProducer


async def _no_sleep(_delay) -> None:
    pass


async def test_a_refusal_for_every_record_stops_at_once(producer):
    producer.errors = [TopicAuthorizationFailedError()]
    with pytest.raises(Unsent) as caught:
        await _io.send_keyed("h:1", "wire.raw", [(None, b"a"), (None, b"b")], retry_seconds=600)
    assert caught.value.permanent and caught.value.index == 0 and caught.value.sent == 0
    assert producer.sends == 1  # tried once, never retried


async def test_a_record_too_large_is_refused_alone(producer):
    producer.errors = [MessageSizeTooLargeError()]
    refused = []
    sent = await _io.send_keyed("h:1", "wire.raw", [(None, b"big"), (None, b"b")], retry_seconds=600,
                                on_refused=lambda i, why: refused.append((i, why)))
    assert sent == 1 and producer.sent == [b"b"] and producer.sends == 2
    assert [i for i, _ in refused] == [0] and "too large" in refused[0][1]


async def test_a_broker_away_is_retried(producer):
    producer.errors = [KafkaConnectionError(), RequestTimedOutError()]
    assert await _io.send_keyed("h:1", "wire.raw", [(None, b"a")], retry_seconds=600) == 1
    assert producer.sends == 3


def test_ingest_reports_a_permanent_refusal_once_and_lists_the_rest(tmp_path, monkeypatch, capsys):
    files = []
    for k in range(3):
        files.append(tmp_path / f"{k}.json")
        files[-1].write_text(f'{{"uri": "urn:t:{k}", "body_text": "Shelling near Idlib."}}')

    async def produce(bootstrap, topic, messages, **_kwargs):
        next(iter(messages))  # the first is sent, then the broker refuses the topic
        next(iter(messages))
        raise Unsent(1, f"the broker at {bootstrap} did not take message #2: topic {topic!r} does not exist; "
                        "create it with `wirewatch topics create`", index=1, permanent=True)

    monkeypatch.setattr(pipeline.kafka, "produce", produce)
    monkeypatch.delenv("WIREWATCH_BROKER", raising=False)
    code = main(["ingest", "--broker", "kafka://h:1", "--data-dir", str(tmp_path / "data"), *map(str, files)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("does not exist") == 1 and "Not retried" in err and "NOT sent: 2 file(s)" in err
    [listing] = (tmp_path / "data").glob("unsent-*.txt")
    assert listing.read_text().splitlines() == [str(files[1]), str(files[2])]
