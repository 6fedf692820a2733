"""wirewatch: a streaming ingest pipeline for news wire stories.

Public surface: the records (what travels on the topics), the pure core that the agents wire to
topics (parsing, enrichment, alert matching), settings and errors. Importing this package has no
side effects: nothing connects, loads a model or reads data until asked.
"""

from .core import Settings
from .enrich import Enricher
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
    TopicsMissing,
    UnsupportedFormat,
    WirewatchError,
)
from .core import Alert, DeadLetter, EnrichedStory, Entity, Event, Focus, FocusItem, Place, Story
from .alerting import AlertMatcher, Region, load_regions
from .nlp import build_nlp
from .parsing import parse_raw

__version__ = "0.1.0"

__all__ = [
    "Alert", "AlertMatcher", "BrokerError", "ConfigError", "DeadLetter", "EnrichedStory", "Enricher", "Entity",
    "Event", "Focus", "FocusItem", "GazetteerError", "InputTooLarge", "MalformedInput", "MissingContent", "ModelError", "ParseError",
    "Place", "Region", "RegionError", "Settings", "Story", "TopicsMissing", "UnsupportedFormat", "WirewatchError",
    "build_nlp", "load_regions", "parse_raw",
]
