"""Event tagging: the taxonomy, the trigger lexicon and rules, dates and fatalities (pure; no spaCy).
The spaCy component is :mod:`pipeline.nlp.events`."""

from ._dates import parse_story_date, resolve_date
from ._fatalities import parse_fatalities
from ._taxonomy import EVENT_TYPES, TYPE_IDS, EventType, event_type, taxonomy_document

__all__ = ["EVENT_TYPES", "TYPE_IDS", "EventType", "event_type", "taxonomy_document", "parse_fatalities",
           "parse_story_date", "resolve_date"]
