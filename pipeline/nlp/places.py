"""spaCy component ``wirewatch_places``: resolve place entities to gazetteer entries.

Reads ``doc.ents`` with the configured labels, strips a leading article, resolves each mention
with the process-wide :class:`~pipeline.geo.Gazetteer` and writes ``doc._.places``: a list of
:class:`PlaceMention` (unresolved mentions are kept with ``entry=None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..geo import GeoEntry, Gazetteer, default_gazetteer

__all__ = ["PlaceMention", "PlaceResolver", "make_place_resolver"]

_ARTICLES = {"the"}


@dataclass(frozen=True, slots=True)
class PlaceMention:
    text: str
    start: int  # character offsets into doc.text
    end: int
    label: str
    entry: GeoEntry | None
    confidence: float


class PlaceResolver:
    def __init__(self, name: str, gazetteer: Gazetteer, labels: Sequence[str]) -> None:
        self.name = name
        self.gazetteer = gazetteer
        self.labels = frozenset(labels)

    def __call__(self, doc: Doc) -> Doc:
        mentions = []
        for ent in doc.ents:
            if ent.label_ not in self.labels:
                continue
            span = ent[1:] if len(ent) > 1 and ent[0].lower_ in _ARTICLES else ent
            resolved = self.gazetteer.resolve(span.text)
            entry, confidence = resolved if resolved else (None, 0.0)
            mentions.append(
                PlaceMention(span.text, span.start_char, span.end_char, ent.label_, entry, confidence)
            )
        doc._.places = mentions
        return doc


@Language.factory(
    "wirewatch_places",
    default_config={"labels": ["GPE", "LOC"], "gazetteer_min_population": 15000},
    requires=["doc.ents"],
    assigns=["doc._.places"],
)
def make_place_resolver(nlp: Language, name: str, labels: list[str], gazetteer_min_population: int) -> PlaceResolver:
    if not Doc.has_extension("places"):
        Doc.set_extension("places", default=None)
    return PlaceResolver(name, default_gazetteer(gazetteer_min_population), labels)
