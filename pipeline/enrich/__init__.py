"""Story → EnrichedStory: the one enrichment path (spaCy pipeline, gazetteer, event tagging) used by the
enrich agent, ``wirewatch enrich`` (broker-free, :func:`enrich_stream`), the evaluations and the bench.
No Kafka here. Importing this package imports spaCy."""

from ._enricher import SUPPORTED_LANGUAGES, Enricher
from ._offline import Failure, enrich_stream, read_messages

__all__ = ["SUPPORTED_LANGUAGES", "Enricher", "Failure", "enrich_stream", "read_messages"]
