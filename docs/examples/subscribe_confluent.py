"""Read wire.enriched and wire.alerts in a consumer group with confluent-kafka (librdkafka).

    python subscribe_confluent.py localhost:9092 my-group
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Callable

from confluent_kafka import Consumer, KafkaException
from wire_state import WireState


def subscribe(bootstrap: str, group: str, topics: list[str], handle: Callable[[str, str, dict], object],
              stop: threading.Event | None = None) -> None:
    """Pass every record of ``topics`` to ``handle(topic, key, value)``; commit only what it handled."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "enable.auto.commit": False,  # commit after handling: a crash re-reads, never skips
        "auto.offset.reset": "earliest",  # a new group starts at the oldest record
        "session.timeout.ms": 10000,
    })
    consumer.subscribe(topics)
    try:
        while stop is None or not stop.is_set():
            messages = consumer.consume(num_messages=500, timeout=0.5)
            for message in messages:
                if message.error():
                    raise KafkaException(message.error())
                handle(message.topic(), message.key().decode(), json.loads(message.value()))
            if messages:
                consumer.commit(asynchronous=False)
    finally:
        consumer.close()


if __name__ == "__main__":
    state = WireState()

    def show(topic: str, key: str, value: dict) -> None:
        if state.handle(topic, key, value):
            print(topic, key, value.get("status") or value["pubstatus"], value.get("headline"))

    subscribe(sys.argv[1], sys.argv[2], ["wire.enriched", "wire.alerts"], show)
