"""Event evaluation on whole stories (``wirewatch eval stories [DIR]``).

Each file of the set (default: ``pipeline/evaluation/stories/``, stories written for this project) holds a
ninjs ``story``, its ``kind`` (``multi_event``, ``single_event``, ``no_event``, ``background_only``) and
the gold ``events`` [{type, place, modality, evidence}], plus ``acceptable`` events a careful tagger may
fairly report but that are not required.

The story goes through the real parser and enricher. A predicted event **counts** when it would reach an
alert rule by default: modality ``asserted`` or ``reported`` (``threatened`` for ``threaten``); the
``election`` context tag is not an event. Predictions are matched to gold events of the same type, most
confident first, preferring the gold event at the same place; a prediction matching only an
``acceptable`` event is neither right nor wrong; any other is a false event. Reported: event precision
and recall, event-place accuracy (of matched gold events that name a place: the predicted place's text
and the gold place overlap in the body, or are the same name), and false events per story without a gold
event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import orjson

from ..core import HAPPENING, ConfigError, EnrichedStory, Event, Story
from ..parsing import parse_raw

__all__ = ["STORIES_DIR", "AnnotatedStory", "load_stories", "evaluate_stories", "StoriesReport", "counts"]

STORIES_DIR = Path(__file__).with_name("stories")


@dataclass(frozen=True)
class GoldEvent:
    type: str
    place: str | None
    modality: str


@dataclass(frozen=True)
class AnnotatedStory:
    name: str
    story: Story
    kind: str
    events: tuple[GoldEvent, ...]
    acceptable: tuple[GoldEvent, ...]


def _gold(items: Iterable[dict]) -> tuple[GoldEvent, ...]:
    return tuple(GoldEvent(e["type"], e.get("place"), e.get("modality", "asserted")) for e in items)


def load_stories(directory: str | Path = STORIES_DIR) -> list[AnnotatedStory]:
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise ConfigError(f"no annotated stories (*.json) in {directory}")
    out = []
    for path in files:
        try:
            record = orjson.loads(path.read_bytes())
            [story] = parse_raw(orjson.dumps(record["story"]), format="ninjs")
            out.append(AnnotatedStory(path.stem, story, record["kind"], _gold(record["events"]),
                                      _gold(record.get("acceptable", ()))))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: not an annotated story ({type(exc).__name__}: {exc}); each file needs "
                              "\"story\" (ninjs), \"kind\" and \"events\"") from None
    return out


def counts(event: Event) -> bool:
    """Whether a predicted event would reach an alert rule by default."""
    if event.type == "election":
        return False
    return event.modality in HAPPENING or (event.type == "threaten" and event.modality == "threatened")


def _same_place(body: str, event: Event, gold: str | None) -> bool:
    if gold is None or event.place is None:
        return False
    place = event.place
    if place.text.casefold() == gold.casefold() or (place.name or "").casefold() == gold.casefold():
        return True
    at = body.find(gold)
    while at >= 0:
        if place.start < at + len(gold) and at < place.end:
            return True
        at = body.find(gold, at + 1)
    return False


@dataclass
class StoriesReport:
    stories: int
    gold_events: int
    predicted_events: int
    precision: float
    recall: float
    place_accuracy: float | None
    false_events_per_no_event_story: float | None
    by_type: dict[str, dict]
    by_kind: dict[str, dict]
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


def _score(story: AnnotatedStory, result: EnrichedStory) -> dict:
    body = result.body
    predicted = sorted((e for e in result.events if counts(e)), key=lambda e: -e.confidence)
    free = list(story.events)
    tp, fp, place_ok, place_n = [], [], 0, 0
    errors = []
    for event in predicted:
        same = [g for g in free if g.type == event.type]
        if same:
            gold = next((g for g in same if _same_place(body, event, g.place)), same[0])
            free.remove(gold)
            tp.append(event.type)
            if gold.place is not None:
                place_n += 1
                ok = _same_place(body, event, gold.place)
                place_ok += ok
                if not ok:
                    errors.append({"story": story.name, "error": "wrong_place", "type": event.type, "gold": gold.place,
                                   "predicted": event.place.text if event.place else None})
        elif any(g.type == event.type for g in story.acceptable):
            continue
        else:
            fp.append(event.type)
            sentence = body[event.sentence.start:event.sentence.end] if event.sentence else ""
            errors.append({"story": story.name, "error": "false_event", "type": event.type,
                           "modality": event.modality, "confidence": event.confidence,
                           "trigger": event.trigger.text if event.trigger else None, "sentence": sentence.strip()})
    for gold in free:
        errors.append({"story": story.name, "error": "missed", "type": gold.type, "place": gold.place})
    return {"tp": tp, "fp": fp, "fn": [g.type for g in free], "place_ok": place_ok, "place_n": place_n,
            "errors": errors}


def evaluate_stories(stories: Sequence[AnnotatedStory],
                     enrich: Callable[[list[Story]], Iterable[EnrichedStory]]) -> StoriesReport:
    results = list(enrich([s.story for s in stories]))
    totals: Counter[str] = Counter()
    by_type: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    errors: list[dict] = []
    for story, result in zip(stories, results, strict=True):
        s = _score(story, result)
        errors += s["errors"]
        for key in ("tp", "fp", "fn"):
            totals[key] += len(s[key])
            by_kind[story.kind][key] += len(s[key])
            for t in s[key]:
                by_type[t][key] += 1
        totals["place_ok"] += s["place_ok"]
        totals["place_n"] += s["place_n"]
        by_kind[story.kind]["stories"] += 1

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    def summary(c: Counter) -> dict:
        return {"tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "precision": ratio(c["tp"], c["tp"] + c["fp"]),
                "recall": ratio(c["tp"], c["tp"] + c["fn"])}

    quiet = [k for k in by_kind if k in ("no_event", "background_only")]
    quiet_stories = sum(by_kind[k]["stories"] for k in quiet)
    return StoriesReport(
        stories=len(stories), gold_events=totals["tp"] + totals["fn"], predicted_events=totals["tp"] + totals["fp"],
        precision=ratio(totals["tp"], totals["tp"] + totals["fp"]) or 0.0,
        recall=ratio(totals["tp"], totals["tp"] + totals["fn"]) or 0.0,
        place_accuracy=ratio(totals["place_ok"], totals["place_n"]),
        false_events_per_no_event_story=ratio(sum(by_kind[k]["fp"] for k in quiet), quiet_stories),
        by_type={t: summary(c) for t, c in sorted(by_type.items())},
        by_kind={k: {"stories": c["stories"], **summary(c)} for k, c in sorted(by_kind.items())},
        errors=errors,
    )
