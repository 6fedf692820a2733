"""Story → EnrichedStory. The single enrichment path used by the agent, ``wirewatch enrich`` and
the bench. No Kafka here."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..core import HAPPENING, Area, EnrichedStory, Entity, Event, EventPlace, Focus, FocusItem, Offsets, Place, Story, TextSpan
from ..events import event_type, merge_events
from ..nlp import DEFAULT_MODEL, build_nlp
from ._kill import common_fields as _common
from ._kill import killed

__all__ = ["Enricher", "SUPPORTED_LANGUAGES"]

#: Languages the default model analyses. Stories in others pass through, tagged, without
#: invented entities or places.
SUPPORTED_LANGUAGES = frozenset({"en"})


def _is_supported(language: str | None) -> bool:
    return language is None or language.split("-")[0].lower() in SUPPORTED_LANGUAGES


_DATELINE_TAIL = re.compile(r"(?:,[^\S\n]*[^\n()—–]{1,40}?)?[^\S\n]*(?:\([^)\n]{1,30}\))?[^\S\n]*(?:—|–|--|-|_|:)[^\S\n]+")


def _dateline_at(body: str, text: str) -> int:
    """Where the dateline's text opens a line among the body's first 300 characters ("BAGHDAD (AP) —",
    after a byline perhaps), or -1: a dateline known only from the metadata ("located": Mosul) is not
    the first "Mosul" the story mentions."""
    if not text:
        return -1
    head, want = body[:300].lower(), text.lower()
    at = head.find(want)
    while at >= 0:
        if not head[:at].strip() or head[:at].rstrip(" \t").endswith("\n"):
            return at
        at = head.find(want, at + 1)
    return -1


class Enricher:
    """Holds the loaded ``nlp`` pipeline; :meth:`enrich` is pure CPU work (run it off the event loop)."""

    def __init__(self, nlp: Language, *, model_name: str) -> None:
        self.nlp = nlp
        self.model_name = model_name

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL) -> "Enricher":
        nlp = build_nlp(model)
        meta = nlp.meta
        return cls(nlp, model_name=f"{meta.get('lang', '?')}_{meta.get('name', model)}-{meta.get('version', '?')}")

    def enrich(self, stories: Sequence[Story], *, batch_size: int = 32) -> list[EnrichedStory]:
        """Enrich ``stories``, in order. Unsupported languages pass through untouched."""
        supported = [s for s in stories if _is_supported(s.language)]
        docs = iter(self.nlp.pipe((self._doc(s) for s in supported), batch_size=batch_size))
        out = []
        for story in stories:
            if _is_supported(story.language):
                out.append(self._from_doc(story, next(docs)))
            else:
                out.append(self._passthrough(story))
        return out

    def _doc(self, story: Story) -> Doc:
        """A Doc carrying the story's own geography (dateline, provider places) for the components."""
        doc = self.nlp.make_doc(story.body)
        dateline = story.dateline
        at = _dateline_at(story.body, dateline.text) if dateline else -1
        end = 0
        if at >= 0:  # through the rest of the dateline: ", Iraq (AP) — " after a "MOSUL" the metadata gave
            end = at + len(dateline.text)
            tail = _DATELINE_TAIL.match(story.body, end)
            end = tail.end() if tail else end
        doc._.hints = {"dateline_place": dateline.place if dateline else None,
                       "dateline_text": dateline.text if dateline else None,
                       "dateline_end": end,
                       "place_hints": list(story.place_hints),
                       "story_date": story.version_created or story.received_at}
        return doc

    def _common(self, story: Story) -> dict:
        return _common(story, self.model_name)

    def _from_doc(self, story: Story, doc: Doc) -> EnrichedStory:
        entities = [Entity(text=e.text, label=e.label_, start=e.start_char, end=e.end_char) for e in doc.ents]
        places = [
            Place(
                text=m.text, start=m.start, end=m.end,
                geonameid=m.entry.geonameid if m.entry and m.entry.geonameid > 0 else None,  # features have none
                name=m.entry.name if m.entry else None,
                country_code=(m.entry.country_code or None) if m.entry else None,  # none for seas, continents
                admin1=m.entry.admin1 if m.entry else None,
                lat=m.entry.lat if m.entry else None,
                lon=m.entry.lon if m.entry else None,
                feature=m.entry.feature if m.entry else None,
                confidence=m.confidence,
                kind=m.kind,
                role=m.role,
            )
            for m in doc._.places
        ]
        focus = _focus(places)
        top = {f.geonameid for f in focus.places[:1] if f.score >= 0.25}
        for p in places:
            if p.role == "mentioned" and p.geonameid in top:
                p.role = "focus"
        areas = [Area(text=a.text, start=a.start, end=a.end, kind=a.kind, country_codes=list(a.country_codes),
                      geometry=a.geometry) for a in doc._.areas]
        events = merge_events(_event(m, places, areas, focus) for m in doc._.events or ())
        return EnrichedStory(
            **self._common(story), entities=entities, places=places, events=events, focus=focus,
            tags=_tags(events), areas=areas,
        )

    @staticmethod
    def killed(story: Story, model_name: str) -> EnrichedStory:
        """The downstream form of a kill: no analysis (no model needed), tagged ``kill``; later stages
        retract."""
        return killed(story, model_name)

    def _passthrough(self, story: Story) -> EnrichedStory:
        return EnrichedStory(
            **self._common(story), entities=[], places=[], events=[], focus=Focus(),
            tags=["language_unsupported"],
        )


def _event(m, places: list[Place], areas: list[Area], focus: Focus) -> Event:
    """An EventMention of the ``wirewatch_events`` component as a record, its place resolved."""
    kind = event_type(m.type)
    return Event(
        type=m.type, confidence=m.confidence, acled_event_type=kind.acled_event_type,
        acled_sub_event_type=kind.acled_sub_event_type,
        trigger=TextSpan(text=m.trigger[0], start=m.trigger[1], end=m.trigger[2]),
        sentence=Offsets(start=m.sentence[0], end=m.sentence[1]), modality=m.modality, actors=list(m.actors),
        targets=list(m.targets), place=_event_place(m.place, places, areas, focus), date=m.date,
        date_text=m.date_text, fatalities=m.fatalities,
    )


def _event_place(ref, places: list[Place], areas: list[Area], focus: Focus) -> EventPlace | None:
    if ref is None:
        top = next((f for f in focus.places if f.score >= 0.25), None)
        if top is None:
            return None
        at = next((p for p in places if p.geonameid == top.geonameid), None)
        return EventPlace(text=at.text if at else top.name, start=at.start if at else -1, end=at.end if at else -1,
                          how="focus", kind="toponym", geonameid=top.geonameid, name=top.name,
                          country_code=top.country_code, lat=at.lat if at else None, lon=at.lon if at else None)
    if ref.kind == "area":
        area = areas[ref.index]
        lon, lat = _centroid(area.geometry)
        return EventPlace(text=area.text, start=area.start, end=area.end, how=ref.how, kind="area", geonameid=None,
                          name=None, country_code=area.country_codes[0] if len(area.country_codes) == 1 else None,
                          lat=lat, lon=lon)
    p = places[ref.index]
    return EventPlace(text=p.text, start=p.start, end=p.end, how=ref.how, kind=p.kind, geonameid=p.geonameid,
                      name=p.name, country_code=p.country_code, lat=p.lat, lon=p.lon)


def _centroid(geometry: dict) -> tuple[float | None, float | None]:
    from shapely.geometry import shape

    try:
        point = shape(geometry).centroid
    except (ValueError, TypeError, AttributeError, KeyError):
        return None, None
    return round(point.x, 5), round(point.y, 5)


def _tags(events: list[Event]) -> list[str]:
    """Story-level summary: the types of events reported as happening, plus threats and elections."""
    tags = {e.type for e in events if e.modality in HAPPENING}
    tags |= {"threaten" for e in events if e.type == "threaten" or e.modality == "threatened"}
    tags |= {"election" for e in events if e.type == "election"}
    return sorted(tags)


_WEIGHTS = {"dateline": 2.0, "toponym": 1.0, "demonym": 0.5}


def _focus(places: Iterable[Place]) -> Focus:
    """What the story is about: weighted share of resolved mentions per country and per place
    (a dateline place counts double, a demonym half; demonyms count for countries only)."""
    resolved = [p for p in places if p.lat is not None and p.country_code]  # features (no GeoNames id) too
    if not resolved:
        return Focus()

    def weight(p: Place) -> float:
        return _WEIGHTS["dateline"] if p.role == "dateline" else _WEIGHTS[p.kind] if p.kind in _WEIGHTS else 1.0

    by_country: Counter = Counter()
    by_place: Counter = Counter()
    for p in resolved:
        by_country[p.country_code] += weight(p)
        if p.kind == "toponym" and p.geonameid is not None:
            by_place[(p.geonameid, p.name, p.country_code)] += weight(p)
    total = sum(by_country.values())
    country_names = {p.country_code: p.name for p in resolved if p.feature == "PCLI"}
    return Focus(
        countries=[
            FocusItem(name=country_names.get(cc, cc), country_code=cc, score=round(n / total, 3))
            for cc, n in by_country.most_common(10)
        ],
        places=[
            FocusItem(name=name, geonameid=gid, country_code=cc, score=round(n / total, 3))
            for (gid, name, cc), n in by_place.most_common(5)
        ],
    )


