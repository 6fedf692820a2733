"""spaCy component ``wirewatch_areas``: relative and composite locations → ``doc._.areas``.

The work is :func:`pipeline.geo.find_areas` (pure); this component runs it on the doc's text with the
process-wide gazetteer and its configured distances.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..geo import Gazetteer, default_gazetteer, find_areas

__all__ = ["AreaFinder", "make_area_finder"]


class AreaFinder:
    def __init__(self, name: str, gazetteer: Gazetteer, border_km: float, relative_km: float) -> None:
        self.name = name
        self.gazetteer = gazetteer
        self.border_km = border_km
        self.relative_km = relative_km

    def __call__(self, doc: Doc) -> Doc:
        doc._.areas = find_areas(doc.text, self.gazetteer, border_km=self.border_km, relative_km=self.relative_km)
        return doc


@Language.factory(
    "wirewatch_areas",
    default_config={"border_km": 50.0, "relative_km": 50.0, "gazetteer_min_population": 500},
    assigns=["doc._.areas"],
)
def make_area_finder(nlp: Language, name: str, border_km: float, relative_km: float,
                     gazetteer_min_population: int) -> AreaFinder:
    if not Doc.has_extension("areas"):
        Doc.set_extension("areas", default=None)
    return AreaFinder(name, default_gazetteer(gazetteer_min_population), border_km, relative_km)
