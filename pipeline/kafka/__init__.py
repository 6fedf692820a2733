"""Kafka over its protocol (aiokafka): broker administration (readiness, topic creation and checks),
producing raw messages and following topics, and the embedded broker (Tansu) for one machine and
the tests, with its storage: memory or a local S3 store. No Faust here: the worker's consumer is
Faust's (:mod:`pipeline.stream`)."""

from ._admin import check_topics, ensure_topics, existing_topics, is_tansu, wait_for_broker
from ._broker import (
    EMBEDDED_PRODUCER_BATCH_BYTES,
    EMBEDDED_SESSION_TIMEOUT,
    STORAGE_CHOICES,
    EmbeddedBroker,
    embedded_broker,
    embedded_session_timeout,
    for_embedded,
)
from ._io import MAX_REQUEST_BYTES, Unsent, follow, produce, read_all, send_keyed, sniff_key
from ._ports import free_port
from ._store import LocalS3, s3store_installed

__all__ = ["check_topics", "ensure_topics", "existing_topics", "is_tansu", "wait_for_broker",
           "EMBEDDED_PRODUCER_BATCH_BYTES", "EMBEDDED_SESSION_TIMEOUT", "EmbeddedBroker", "embedded_broker",
           "embedded_session_timeout", "for_embedded", "free_port", "STORAGE_CHOICES", "LocalS3", "s3store_installed",
           "MAX_REQUEST_BYTES", "Unsent", "follow", "produce", "read_all", "send_keyed", "sniff_key"]
