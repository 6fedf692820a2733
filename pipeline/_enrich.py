"""Story → EnrichedStory. The single enrichment path used by the agent, ``wirewatch enrich`` and
the bench. No Kafka here."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ._records import Area, EnrichedStory, Entity, Focus, FocusItem, Place, Story
from .nlp import DEFAULT_MODEL, build_nlp
from .parsing._common import utc_now_iso

__all__ = ["Enricher", "SUPPORTED_LANGUAGES"]

#: Languages the default model analyses. Stories in others pass through, tagged, without
#: invented entities or places.
SUPPORTED_LANGUAGES = frozenset({"en"})


def _is_supported(language: str | None) -> bool:
    return language is None or language.split("-")[0].lower() in SUPPORTED_LANGUAGES


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
        docs = iter(self.nlp.pipe((s.body for s in supported), batch_size=batch_size))
        out = []
        for story in stories:
            if _is_supported(story.language):
                out.append(self._from_doc(story, next(docs)))
            else:
                out.append(self._passthrough(story))
        return out

    def _common(self, story: Story) -> dict:
        return dict(
            uri=story.uri,
            version=story.version,
            version_created=story.version_created,
            pubstatus=story.pubstatus,
            headline=story.headline,
            body=story.body,
            language=story.language,
            provider=story.provider,
            source_format=story.source_format,
            enriched_at=utc_now_iso(),
            model=self.model_name,
        )

    def _from_doc(self, story: Story, doc: Doc) -> EnrichedStory:
        entities = [Entity(text=e.text, label=e.label_, start=e.start_char, end=e.end_char) for e in doc.ents]
        places = [
            Place(
                text=m.text, start=m.start, end=m.end,
                geonameid=m.entry.geonameid if m.entry else None,
                name=m.entry.name if m.entry else None,
                country_code=m.entry.country_code if m.entry else None,
                admin1=m.entry.admin1 if m.entry else None,
                lat=m.entry.lat if m.entry else None,
                lon=m.entry.lon if m.entry else None,
                feature=m.entry.feature if m.entry else None,
                confidence=m.confidence,
                kind=m.kind,
            )
            for m in doc._.places
        ]
        areas = [Area(text=a.text, start=a.start, end=a.end, kind=a.kind, country_codes=list(a.country_codes),
                      geometry=a.geometry) for a in doc._.areas]
        return EnrichedStory(
            **self._common(story), entities=entities, places=places, events=[], focus=_focus(places), tags=[],
            areas=areas,
        )

    def kill(self, story: Story) -> EnrichedStory:
        """The downstream form of a kill: no analysis, tagged ``kill``; later stages retract."""
        return EnrichedStory(**self._common(story), entities=[], places=[], events=[], focus=Focus(), tags=["kill"])

    def _passthrough(self, story: Story) -> EnrichedStory:
        return EnrichedStory(
            **self._common(story), entities=[], places=[], events=[], focus=Focus(),
            tags=["language_unsupported"],
        )


def _focus(places: Iterable[Place]) -> Focus:
    """Naive focus: share of resolved mentions per country and per place (issue 03 refines it)."""
    resolved = [p for p in places if p.geonameid is not None and p.kind == "toponym"]
    if not resolved:
        return Focus()
    total = len(resolved)
    by_country = Counter(p.country_code for p in resolved if p.country_code)
    by_place = Counter((p.geonameid, p.name, p.country_code) for p in resolved)
    country_names = {p.country_code: p.name for p in resolved if p.feature == "PCLI"}
    return Focus(
        countries=[
            FocusItem(name=country_names.get(cc, cc), country_code=cc, score=round(n / total, 3))
            for cc, n in by_country.most_common()
        ],
        places=[
            FocusItem(name=name, geonameid=gid, country_code=cc, score=round(n / total, 3))
            for (gid, name, cc), n in by_place.most_common(5)
        ],
    )
