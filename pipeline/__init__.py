"""wirewatch: a streaming ingest pipeline for news wire stories.

Public surface: the records (what travels on the topics), the pure core that the agents wire to
topics (parsing, enrichment, alert matching), settings and errors. Importing this package has no
side effects: nothing connects, loads a model or reads data until asked — and nothing heavy (Faust,
spaCy, shapely) is imported until a name that needs it is used. The layout of the subpackages is
described in docs/architecture.md.
"""

from .core import (
    BrokerError,
    ConfigError,
    GazetteerError,
    InputTooLarge,
    MalformedInput,
    MissingContent,
    ModelError,
    ParseError,
    RegionError,
    Settings,
    TopicsMissing,
    UnsupportedFormat,
    WirewatchError,
    lazy_exports,
)

__version__ = "0.1.0"

__getattr__, _lazy_names = lazy_exports(__name__, {
    "core": ("Alert", "DeadLetter", "EnrichedStory", "Entity", "Event", "Focus", "FocusItem", "Place", "Story"),
    "enrich": ("Enricher",),
    "alerting": ("AlertMatcher", "Region", "load_regions"),
    "nlp": ("build_nlp",),
    "parsing": ("parse_raw",),
})

__all__ = [
    "BrokerError", "ConfigError", "GazetteerError", "InputTooLarge", "MalformedInput", "MissingContent", "ModelError",
    "ParseError", "RegionError", "Settings", "TopicsMissing", "UnsupportedFormat", "WirewatchError", *_lazy_names,
]
