"""Producing raw stories and following topics (aiokafka clients used by the CLI)."""

from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import (
    AuthenticationFailedError,
    BrokerResponseError,
    ClusterAuthorizationFailedError,
    CorruptRecordException,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
)

from ..core import Backoff, BrokerError
from ._admin import existing_topics

__all__ = ["MAX_REQUEST_BYTES", "Unsent", "produce", "follow", "read_all", "send_keyed", "sniff_key"]

#: The largest produce request the CLI's producer sends; a larger message is refused before sending.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


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


async def produce(bootstrap: str, topic: str, messages: Iterable[bytes], *, on_sent=None, on_refused=None,
                  retry_seconds: float = 60.0) -> int:
    """Send raw wire messages, keyed by their story uri where visible (:func:`sniff_key`); see
    :func:`send_keyed` for acknowledgement, retries and refusals."""
    return await send_keyed(bootstrap, topic, ((sniff_key(data), data) for data in messages), on_sent=on_sent,
                            on_refused=on_refused, retry_seconds=retry_seconds)


#: Refusals of one record that no retry changes: the record itself is wrong for the broker.
_RECORD_REFUSED = (MessageSizeTooLargeError, RecordListTooLargeError, CorruptRecordException)


async def _permanent(exc: KafkaError, bootstrap: str, topic: str) -> str | None:
    """Why ``exc`` is a permanent refusal (no retry changes it), or ``None`` for a transient error (the
    broker is away, a leader moves, a request timed out)."""
    if isinstance(exc, UnknownTopicOrPartitionError):
        # also what a producer says when the broker stopped answering while it looked the topic up: ask
        try:
            present = await existing_topics(bootstrap, timeout=5.0)
        except (KafkaError, BrokerError, OSError):
            return None
        return None if topic in present else f"topic {topic!r} does not exist; create it with `wirewatch topics create`"
    if isinstance(exc, (TopicAuthorizationFailedError, ClusterAuthorizationFailedError)):
        return f"the broker refuses this client access to {topic!r} ({type(exc).__name__}); check the broker's ACLs"
    if isinstance(exc, (SaslAuthenticationFailed, AuthenticationFailedError)):
        return f"the broker refuses this client's credentials ({type(exc).__name__}: {exc})"
    if isinstance(exc, _RECORD_REFUSED):
        return f"refused as too large or invalid ({type(exc).__name__}: {exc})"
    if isinstance(exc, BrokerResponseError) and not exc.retriable:
        return f"the broker refuses it ({type(exc).__name__}: {exc})"
    return None


async def send_keyed(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes | None]], *,
                     on_sent=None, on_refused=None, retry_seconds: float = 0.0) -> int:
    """Send ``(key, value)`` records (value ``None``: a tombstone) to ``topic`` (acks=all) and wait for each
    acknowledgement, one at a time (memory stays bounded by one record whatever the input). A record the
    broker does not take for a passing reason (it is away, a leader moves) is retried with exponential
    backoff (0.5 s doubling to 8 s) for up to ``retry_seconds`` — a broker restart or a leader change passes
    unnoticed; after that (at once with the default 0) :class:`Unsent` says how many were sent before it.

    A permanent refusal is never retried. One of the record itself (too large for the broker) calls
    ``on_refused(index, why)`` (``index``: the record's 0-based position) and sending goes on with the next;
    without ``on_refused``, and for one that no record can pass (unknown topic, authorisation), sending stops
    at once: :class:`Unsent` with ``permanent=True``. ``on_sent(n)`` is called with the number sent so far."""
    import time

    deadline = time.monotonic() + retry_seconds
    producer: AIOKafkaProducer | None = None
    sent, backoff = 0, Backoff(first=0.5, cap=8.0)
    try:
        for index, (key, value) in enumerate(records):
            while True:
                try:
                    if producer is None:
                        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                                    max_request_size=MAX_REQUEST_BYTES, request_timeout_ms=10000)
                        await producer.start()
                    await producer.send_and_wait(topic, value, key=key)
                    sent += 1
                    if on_sent is not None:
                        on_sent(sent)
                    break
                except KafkaError as exc:
                    if producer is not None:
                        await producer.stop()
                        producer = None
                    why = await _permanent(exc, bootstrap, topic)
                    if why is not None:
                        if on_refused is not None and isinstance(exc, _RECORD_REFUSED):
                            on_refused(index, why)
                            break
                        raise Unsent(sent, f"the broker at {bootstrap} did not take message #{index + 1}: {why}",
                                     index=index, permanent=True) from None
                    if time.monotonic() + backoff.peek() > deadline:
                        raise Unsent(sent, f"the broker at {bootstrap} did not take message #{index + 1} for "
                                           f"{retry_seconds:.0f} s ({type(exc).__name__}: {exc})", index=index) from None
                    await asyncio.sleep(backoff.next())
            backoff.reset()
            deadline = time.monotonic() + retry_seconds
    finally:
        if producer is not None:
            await producer.stop()
    return sent


class Unsent(BrokerError):
    """Sending stopped: ``sent`` messages went through, the one at ``index`` (0-based) and those after it did
    not (the message says why); ``permanent``: the broker refused, retrying would not help."""

    def __init__(self, sent: int, message: str, *, index: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.sent = sent
        self.index = sent if index is None else index
        self.permanent = permanent


async def follow(
    bootstrap: str,
    topics: list[str],
    *,
    from_beginning: bool = False,
    started: asyncio.Event | None = None,
    idle_timeout: float | None = None,
    caught_up: asyncio.Event | None = None,
    last: int | None = None,
    fetch_max_wait_ms: int = 100,
) -> AsyncIterator[tuple[str, bytes | None, bytes | None]]:
    """Yield ``(topic, key, value)`` from all partitions of ``topics``, without a consumer group.

    Positions are fixed (end, or beginning) before ``started`` is set, so a caller can produce
    afterwards and be sure to see the results. ``caught_up`` is set once every record that existed at
    the start has been yielded (or, should a broker misreport end offsets, after 5 s without records).
    The value is ``None`` for a tombstone. ``last=N`` starts N records before the end of each partition
    (for a view of recent history that survives restarts).
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                fetch_max_wait_ms=fetch_max_wait_ms)
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
        elif last:
            begins, ends_now = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
            for tp in partitions:
                consumer.seek(tp, max(begins[tp], ends_now[tp] - last))
        else:
            await consumer.seek_to_end(*partitions)
        for tp in partitions:
            await consumer.position(tp)
        ends = await consumer.end_offsets(partitions) if caught_up is not None else {}
        if started is not None:
            started.set()
        last = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                for record in records:
                    last = time.monotonic()
                    yield tp.topic, record.key, record.value
            if caught_up is not None and not caught_up.is_set():
                done = all([await consumer.position(tp) >= end for tp, end in ends.items()])
                if done or time.monotonic() - last > 5.0:
                    caught_up.set()
            if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                return
    finally:
        await consumer.stop()


async def read_all(bootstrap: str, topics: list[str], timeout: float = 30.0) -> list[tuple[str, bytes | None, bytes | None]]:
    """Every record now on ``topics`` (all partitions, oldest first per partition), then stop."""
    done = asyncio.Event()
    out: list[tuple[str, bytes | None, bytes | None]] = []

    async def consume() -> None:
        async for item in follow(bootstrap, topics, from_beginning=True, caught_up=done):
            out.append(item)

    task = asyncio.ensure_future(consume())
    waiter = asyncio.ensure_future(done.wait())
    try:
        await asyncio.wait([task, waiter], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raises the consumer's error
        if not done.is_set():
            raise BrokerError(f"could not read {', '.join(topics)} to the end within {timeout:.0f} s")
    finally:
        for t in (task, waiter):
            t.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)
    return out
