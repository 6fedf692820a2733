"""Kafka over its protocol (aiokafka): broker administration (readiness, topic creation and checks),
producing raw messages and following topics, and the embedded broker (Tansu) for one machine and
the tests. No Faust here: the worker's consumer is Faust's (:mod:`pipeline.stream`)."""

from ._admin import check_topics, ensure_topics, existing_topics, is_tansu, wait_for_broker
from ._broker import EMBEDDED_PRODUCER_BATCH_BYTES, EmbeddedBroker, free_port
from ._io import MAX_REQUEST_BYTES, Unsent, follow, produce, read_all, send_keyed, sniff_key

__all__ = ["check_topics", "ensure_topics", "existing_topics", "is_tansu", "wait_for_broker", "EMBEDDED_PRODUCER_BATCH_BYTES",
           "EmbeddedBroker", "free_port", "MAX_REQUEST_BYTES", "Unsent", "follow", "produce", "read_all", "send_keyed",
           "sniff_key"]
