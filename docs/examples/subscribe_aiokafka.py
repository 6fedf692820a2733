"""Read wire.enriched and wire.alerts in a consumer group with aiokafka.

    python subscribe_aiokafka.py localhost:9092 my-group
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Callable

from aiokafka import AIOKafkaConsumer
from wire_state import WireState


async def subscribe(bootstrap: str, group: str, topics: list[str], handle: Callable[[str, str, dict], object],
                    stop: asyncio.Event | None = None) -> None:
    """Pass every record of ``topics`` to ``handle(topic, key, value)``; commit only what it handled."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,  # commit after handling: a crash re-reads, never skips
        auto_offset_reset="earliest",  # a new group starts at the oldest record
        session_timeout_ms=10000,
    )
    await consumer.start()
    try:
        while stop is None or not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    handle(record.topic, record.key.decode(), json.loads(record.value))
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()


if __name__ == "__main__":
    state = WireState()

    def show(topic: str, key: str, value: dict) -> None:
        if state.handle(topic, key, value):
            print(topic, key, value.get("status") or value["pubstatus"], value.get("headline"))

    asyncio.run(subscribe(sys.argv[1], sys.argv[2], ["wire.enriched", "wire.alerts"], show))
