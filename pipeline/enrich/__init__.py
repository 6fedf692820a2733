"""Story → EnrichedStory: the one enrichment path (spaCy pipeline, gazetteer, event tagging) used by the
enrich agent, ``wirewatch enrich`` (broker-free, :func:`enrich_stream`), the evaluations and the bench.
No Kafka here. Its names load on first use: :class:`Enricher` and the rest import spaCy, :func:`killed` (the
record a kill becomes) does not."""

from ..core import lazy_exports

__getattr__, _lazy_names = lazy_exports(__name__, {
    "_enricher": ("SUPPORTED_LANGUAGES", "Enricher"),
    "_kill": ("killed",),
    "_offline": ("Failure", "enrich_stream", "read_messages"),
})

__all__ = [*_lazy_names]
