"""Faust's consumer with a configurable fetch wait (Faust hard-codes ``fetch_max_wait_ms=1500``).

A fetch that waits at the broker for the whole time although data has arrived on another partition
adds that time to every hop of the topology: measured on the embedded broker, a record on one of
four partitions reached an aiokafka consumer after ~480 ms with 1,500 ms and ~10 ms with 100 ms. The
override sets aiokafka's ``fetch_max_wait_ms`` on the consumer Faust creates, before it starts; the
only private name it touches is that attribute, read by ``AIOKafkaConsumer.start()``.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver

__all__ = ["use_fetch_max_wait"]


def use_fetch_max_wait(app: faust.App, ms: int) -> None:
    """Make ``app``'s consumer fetch with ``fetch_max_wait_ms=ms``."""

    class ConsumerThread(driver.AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = ms
            return consumer

    class Consumer(driver.Consumer):
        def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
            return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    app.transport.Consumer = Consumer
