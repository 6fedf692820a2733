"""The records that travel on the topics. Mirrored one-to-one by the JSON Schemas in ``schemas/``
(``tests/test_schemas.py`` keeps them in agreement).

All character offsets (``start``/``end``) index into the record's ``body``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import faust

__all__ = [
    "Story",
    "Dateline",
    "Entity",
    "Place",
    "Area",
    "Event",
    "EventPlace",
    "TextSpan",
    "Offsets",
    "FocusItem",
    "Focus",
    "EnrichedStory",
    "Alert",
    "DeadLetter",
    "RECORD_SCHEMAS",
]

_OPTIONS = dict(include_metadata=False, serializer="orjson", isodates=False)


class Dateline(faust.Record, **_OPTIONS):
    """Where (and often when) the story was filed: "BAGHDAD (AP) —" → text "BAGHDAD", place "BAGHDAD"."""

    text: str
    place: Optional[str] = None


class Story(faust.Record, **_OPTIONS):
    """A wire story normalised from whatever format it arrived in (topic ``wire.stories``)."""

    uri: str
    version: int
    headline: str
    body: str
    source_format: str
    received_at: str
    version_created: Optional[str] = None
    pubstatus: str = "usable"
    language: Optional[str] = None
    provider: Optional[str] = None
    subjects: List[str] = []
    place_hints: List[str] = []
    signals: List[str] = []
    dateline: Optional[Dateline] = None


class Entity(faust.Record, **_OPTIONS):
    """A named entity found by spaCy's NER."""

    text: str
    label: str
    start: int
    end: int


class Place(faust.Record, **_OPTIONS):
    """A place named in the story, resolved to a GeoNames entry where possible."""

    text: str
    start: int
    end: int
    geonameid: Optional[int]
    name: Optional[str]
    country_code: Optional[str]
    admin1: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    feature: Optional[str]
    confidence: float
    kind: str = "toponym"
    role: str = "mentioned"


class Area(faust.Record, **_OPTIONS):
    """A relative or composite location ("eastern Syria", "near the Iraq-Syria border", "south of
    Damascus") as a GeoJSON geometry alerting can intersect."""

    text: str
    start: int
    end: int
    kind: str
    country_codes: List[str]
    geometry: Dict[str, Any]


class TextSpan(faust.Record, **_OPTIONS):
    """A stretch of the body: the words that signal an event."""

    text: str
    start: int
    end: int


class Offsets(faust.Record, **_OPTIONS):
    """Character offsets of a sentence in the body."""

    start: int
    end: int


class EventPlace(faust.Record, **_OPTIONS):
    """Where an event happened: a place or area of the story, and how it was linked (``attached`` by a
    locative preposition to the trigger, elsewhere in the ``sentence``, else the story's ``dateline``
    or ``focus``)."""

    text: str
    start: int
    end: int
    how: str
    kind: str
    geonameid: Optional[int]
    name: Optional[str]
    country_code: Optional[str]
    lat: Optional[float]
    lon: Optional[float]


class Event(faust.Record, **_OPTIONS):
    """An event the story reports, in the taxonomy of ``schemas/event-taxonomy.json``."""

    type: str
    confidence: float
    acled_event_type: Optional[str] = None
    acled_sub_event_type: Optional[str] = None
    trigger: Optional[TextSpan] = None
    sentence: Optional[Offsets] = None
    modality: str = "asserted"
    actors: List[str] = []
    targets: List[str] = []
    place: Optional[EventPlace] = None
    date: Optional[str] = None
    date_text: Optional[str] = None
    fatalities: Optional[int] = None


class FocusItem(faust.Record, **_OPTIONS):
    """One country or place the story is about, with a score in [0, 1]."""

    name: str
    score: float
    country_code: Optional[str] = None
    geonameid: Optional[int] = None


class Focus(faust.Record, **_OPTIONS):
    """What the story is about, geographically."""

    countries: List[FocusItem] = []
    places: List[FocusItem] = []


class EnrichedStory(faust.Record, **_OPTIONS):
    """A story with entities, places and events (topic ``wire.enriched``)."""

    uri: str
    version: int
    headline: str
    body: str
    language: Optional[str]
    entities: List[Entity]
    places: List[Place]
    events: List[Event]
    focus: Focus
    enriched_at: str
    model: str
    version_created: Optional[str] = None
    pubstatus: str = "usable"
    provider: Optional[str] = None
    source_format: Optional[str] = None
    tags: List[str] = []
    areas: List[Area] = []


class AlertLocation(faust.Record, **_OPTIONS):
    """Where an alert is drawn: the event's place (``source`` ``event``; ``how`` says how the event was
    linked to it), a point of the event's area (``event_area``), or — only when the event has no place
    with coordinates — the story's main place (``story``)."""

    lat: float
    lon: float
    name: Optional[str]
    source: str
    how: Optional[str] = None
    geonameid: Optional[int] = None


class Alert(faust.Record, **_OPTIONS):
    """A story matched a region of interest (topic ``wire.alerts``, keyed by ``alert_id``).

    ``alert_id`` is deterministic — region + story uri without a rules file; rule + story uri + event
    identity (type, place, date) with one — so a replay or a retry never creates a second alert, and a
    newer version of the story supersedes the earlier alert under the same id. With a rules file an
    alert is about one ``event`` (its ``severity`` 1–5 and ``evidence`` sentence); without, about the
    region, listing the story's ``events``.
    """

    alert_id: str
    status: str
    region_id: str
    region_name: str
    story_uri: str
    story_version: int
    headline: str
    places: List[Place]
    match_reasons: List[str]
    created_at: str
    events: List[Event] = []
    areas: List[Area] = []
    rule_id: Optional[str] = None
    severity: Optional[int] = None
    event: Optional[Event] = None
    evidence: Optional[str] = None
    #: Other stories reporting the same incident (near-duplicates folded into this alert).
    also_reported_by: List[str] = []
    #: When a later report last changed the alert (an update, also of an acknowledged alert); ``None`` before.
    updated_at: Optional[str] = None
    #: Who acknowledged the alert, when (UTC) and with what note (``POST /alerts/{id}/ack``); ``None`` before.
    acknowledged_by: Optional[str] = None
    acknowledged_at: Optional[str] = None
    ack_note: Optional[str] = None
    #: Where to draw the alert (``None``: nowhere known).
    location: Optional[AlertLocation] = None
    #: The event's trigger words in ``evidence``: ``start``/``end`` are offsets into the evidence sentence.
    evidence_trigger: Optional[TextSpan] = None


class DeadLetter(faust.Record, **_OPTIONS):
    """A message some stage could not process (topic ``wire.deadletter``), with the reason.

    The original bytes are kept (base64) so that nothing is lost: fix the cause and re-ingest. Originals
    over 256 KiB keep a 4 KiB preview (``original_truncated``), their SHA-256, and the source
    topic/partition/offset, which point at the full message.
    """

    stage: str
    reason: str
    message: str
    original_base64: str
    original_size: int
    failed_at: str
    source_topic: Optional[str] = None
    partition: Optional[int] = None
    offset: Optional[int] = None
    key: Optional[str] = None
    format_guess: Optional[str] = None
    original_truncated: bool = False
    original_sha256: Optional[str] = None


#: Record class → schema file name in ``schemas/``.
RECORD_SCHEMAS = {
    Story: "story.schema.json",
    EnrichedStory: "enriched-story.schema.json",
    Alert: "alert.schema.json",
    DeadLetter: "dead-letter.schema.json",
}
