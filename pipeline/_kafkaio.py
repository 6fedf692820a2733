"""Producing raw stories and following topics (aiokafka clients used by the CLI)."""

from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from ._errors import BrokerError

__all__ = ["produce", "follow", "sniff_key"]


def sniff_key(data: bytes) -> bytes | None:
    """Key a raw message by its story uri when it is visibly a ninjs item; else no key."""
    import orjson

    head = data.lstrip()[:1]
    if head != b"{":
        return None
    try:
        item = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    uri = item.get("uri") if isinstance(item, dict) else None
    return uri.encode() if isinstance(uri, str) and uri else None


async def produce(bootstrap: str, topic: str, messages: Iterable[bytes], *, on_sent=None) -> int:
    """Send each message to ``topic`` (acks=all) and wait for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=8 * 1024 * 1024)
    try:
        await producer.start()
    except KafkaError as exc:
        raise BrokerError(f"cannot connect a producer to {bootstrap}: {exc}") from None
    sent = 0
    try:
        for data in messages:
            await producer.send_and_wait(topic, data, key=sniff_key(data))
            sent += 1
            if on_sent is not None:
                on_sent(sent)
    finally:
        await producer.stop()
    return sent


async def follow(
    bootstrap: str,
    topics: list[str],
    *,
    from_beginning: bool = False,
    started: asyncio.Event | None = None,
    idle_timeout: float | None = None,
) -> AsyncIterator[tuple[str, bytes | None, bytes]]:
    """Yield ``(topic, key, value)`` from all partitions of ``topics``, without a consumer group.

    Positions are fixed (end, or beginning) before ``started`` is set, so a caller can produce
    afterwards and be sure to see the results.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        await consumer.topics()  # refreshes cluster metadata
        partitions = []
        for t in topics:
            parts = consumer.partitions_for_topic(t)
            if not parts:
                raise BrokerError(f"topic {t!r} does not exist; create it with `wirewatch topics create`")
            partitions += [TopicPartition(t, p) for p in sorted(parts)]
        consumer.assign(partitions)
        if from_beginning:
            await consumer.seek_to_beginning(*partitions)
        else:
            await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        if started is not None:
            started.set()
        last = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                for record in records:
                    last = time.monotonic()
                    yield tp.topic, record.key, record.value
            if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                return
    finally:
        await consumer.stop()
