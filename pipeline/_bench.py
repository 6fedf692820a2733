"""Benchmarks (``wirewatch bench``): measured, never asserted in tests. No Kafka here.

``nlp``: the enrichment pipeline, component by component, over a corpus of texts — milliseconds per
story for each spaCy component, the whole, and the share event tagging adds (the sentence splitter and
``wirewatch_events``) over the rest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from spacy.language import Language

__all__ = ["ComponentTimes", "time_components"]

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
