"""Benchmarks (``wirewatch bench``): measured, never asserted in tests. No Kafka here.

``nlp``: the enrichment pipeline, component by component, over a corpus of texts — milliseconds per
story for each spaCy component, the whole, and the share event tagging adds (the sentence splitter and
``wirewatch_events``) over the rest. ``time_resolution``: gazetteer lookups (mention → GeoNames entry,
with the story's countries as context) per second, without spaCy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from spacy.language import Language

__all__ = ["ComponentTimes", "time_components", "time_resolution"]

_EVENT_PARTS = ("senter", "wirewatch_events")


@dataclass
class ComponentTimes:
    stories: int
    words: int
    ms_per_story: dict[str, float]

    @property
    def total_ms(self) -> float:
        return sum(self.ms_per_story.values())

    @property
    def event_share(self) -> float:
        """What event tagging adds, as a fraction of the rest of the pipeline."""
        events = sum(v for k, v in self.ms_per_story.items() if k in _EVENT_PARTS)
        return events / (self.total_ms - events) if self.total_ms > events else 0.0

    def as_dict(self) -> dict:
        return {"stories": self.stories, "words": self.words, "ms_per_story": self.ms_per_story,
                "total_ms_per_story": round(self.total_ms, 2), "stories_per_second": round(1000 / self.total_ms, 2)
                if self.total_ms else None, "event_tagging_share": round(self.event_share, 3)}


def time_components(nlp: Language, texts: Sequence[str], *, batch_size: int = 32, story_date: str = "",
                    repeat: int = 1) -> ComponentTimes:
    """Run ``nlp`` component by component over ``texts`` (after a short warm-up), ``repeat`` times,
    keeping each component's best time."""
    list(nlp.pipe(texts[:5]))
    best: dict[str, float] = {}
    for _ in range(max(1, repeat)):
        docs = [nlp.make_doc(t) for t in texts]
        for d in docs:
            d._.hints = {"story_date": story_date}
        for name, proc in nlp.pipeline:
            start = time.perf_counter()
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=batch_size))
            else:
                docs = [proc(d) for d in docs]
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, elapsed), elapsed)
    n = max(1, len(texts))
    return ComponentTimes(len(texts), sum(len(t.split()) for t in texts),
                          {k: round(v * 1000 / n, 2) for k, v in best.items()})


_COUNTRIES = ("IQ SY US FR IN NG UA MX PK KE AF YE SO SD ML BF NE LY EG TR IR IL LB JO SA GB DE RU CN JP KR PH ID "
              "TH MM BD LK BR CO VE PE AR CL ZA ET CD CM MZ CA AU").split()


def synthetic_regions(n: int, seed: int = 7) -> list:
    """``n`` regions spread over the world — circles of 20–300 km, boxes up to 8° × 6°, and one in ten a
    country — for timing only."""
    import random

    from ..alerting import parse_regions

    rnd = random.Random(seed)
    features = []
    for k in range(n):
        lat, lon = rnd.uniform(-60, 70), rnd.uniform(-180, 180)
        if k % 10 == 0:  # one in ten: a country, out of 50
            props = {"country_codes": [rnd.choice(_COUNTRIES)]}
        elif k % 2 == 0:
            props = {"circle": {"lat": lat, "lon": lon, "radius_km": rnd.uniform(20, 300)}}
        else:
            w, h = rnd.uniform(0.5, 8), rnd.uniform(0.5, 6)
            props = {"bbox": [lon, lat, min(180.0, lon + w), min(85.0, lat + h)] if lon + w <= 180 else
                     [lon, lat, lon + w - 360, min(85.0, lat + h)]}
        features.append({"type": "Feature", "properties": {"id": f"r{k}", **props}, "geometry": None})
    return parse_regions({"type": "FeatureCollection", "features": features})


def _best_seconds(work: Callable[[], object], repeat: int) -> float:
    """The shortest of ``repeat`` timed runs of ``work``."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def time_matching(stories: Sequence, n_regions: int, repeat: int = 3) -> float:
    """Milliseconds per story for :class:`~pipeline.alerting.AlertMatcher` with ``n_regions`` regions."""
    from ..alerting import AlertMatcher

    matcher = AlertMatcher(synthetic_regions(n_regions))
    best = _best_seconds(lambda: [matcher.match(story) for story in stories], repeat)
    return best * 1000 / max(1, len(stories))


def time_resolution(gazetteer, mentions: Sequence[tuple[str, frozenset]], repeat: int = 3) -> float:
    """Mentions resolved per second by :meth:`~pipeline.geo.Gazetteer.resolve`, each ``(text, context)``
    as the place component passes them (best of ``repeat`` runs)."""
    if not mentions:
        return 0.0
    best = _best_seconds(lambda: [gazetteer.resolve(text, context) for text, context in mentions], repeat)
    return len(mentions) / best if best > 0 else float("inf")
