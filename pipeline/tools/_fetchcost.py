"""How a broker's fetch and produce latency grow with the size of one partition.

    python -m pipeline.tools._fetchcost [--steps 6] [--every 10000] [--broker kafka://host:port]

Without ``--broker`` it starts the embedded broker (Tansu) in memory. It fills one single-partition topic
in steps of ``--every`` records (1.5 kB each, one record per producer batch, as the workers send on
Tansu) and after each step prints the median time of an acknowledged one-record produce and of a fetch
of a record near the end and near the start of the partition. On Kafka these stay flat; on Tansu 0.6's
memory engine a fetch grows with the records before it, which is what makes a long-lived embedded
broker slower to serve a restarted worker (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid

__all__ = ["measure"]

_PAYLOAD = b"x" * 1500


async def _fetch_ms(bootstrap: str, topic: str, offset: int, times: int = 5) -> float:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        samples = []
        for _ in range(times):
            consumer.seek(tp, offset)
            t = time.perf_counter()
            await consumer.getone()
            samples.append(time.perf_counter() - t)
        return 1000 * statistics.median(samples)
    finally:
        await consumer.stop()


async def measure(bootstrap: str, steps: int, every: int, say=print) -> list[dict]:
    """Fill a new topic step by step; per step the partition's size and the median latencies (ms)."""
    from aiokafka import AIOKafkaProducer

    from ..kafka import ensure_topics

    topic = f"fetchcost-{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=1, replication=1)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_batch_size=1, linger_ms=0)
    await producer.start()
    rows, size = [], 0
    try:
        for _ in range(steps):
            await asyncio.gather(*[await producer.send(topic, _PAYLOAD) for _ in range(every)])
            samples = []
            for _ in range(11):
                t = time.perf_counter()
                await (await producer.send(topic, _PAYLOAD))
                samples.append(time.perf_counter() - t)
            size += every + 11
            row = {"records": size, "produce_ms": round(1000 * statistics.median(samples), 1),
                   "fetch_end_ms": round(await _fetch_ms(bootstrap, topic, size - 5), 1),
                   "fetch_start_ms": round(await _fetch_ms(bootstrap, topic, 10), 1)}
            rows.append(row)
            say(f"{row['records']:>8,} records: one acknowledged produce {row['produce_ms']} ms, a fetch near the "
                f"end {row['fetch_end_ms']} ms, near the start {row['fetch_start_ms']} ms")
    finally:
        await producer.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6, help="how many steps (default 6)")
    parser.add_argument("--every", type=int, default=10_000, help="records added per step (default 10,000)")
    parser.add_argument("--broker", help="kafka://host:port; default: the embedded broker, in memory")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.every < 1:
        parser.error("--steps and --every must be at least 1")
    from ..core import WirewatchError
    from ..kafka import EmbeddedBroker

    broker = None if args.broker else EmbeddedBroker().start()
    url = args.broker or broker.url
    try:
        asyncio.run(measure(url.removeprefix("kafka://"), args.steps, args.every))
    except WirewatchError as exc:
        print(f"fetchcost: {exc}", file=sys.stderr)
        return 2
    finally:
        if broker is not None:
            broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
