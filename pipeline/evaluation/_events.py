"""Event evaluations.

**Types** on CASE 2021 task 2 (Haneczok et al.): snippets with one fine-grained label each (the 25 ACLED
sub-event types and five more). Each snippet is enriched as a story; its predicted label is the
highest-confidence event that has a CASE label. The task is closed-set — every snippet reports one
event — so a snippet where the tagger finds none is labelled by the type classifier's most probable
event type for the whole snippet (``OTHER`` without a classifier); how many needed this is reported.
Reported: accuracy, weighted and macro F1 over the classes, a per-class table and the most frequent
confusions.

**Location** on the event-location data of Halterman ("Geolocating Political Events in Text"):
sentences with an event verb and, where the event has one, the span of the place where it happened.
For the gold verb, the event tagger's place linker picks a place or area of the sentence, or none.
Correct when it overlaps a gold LOCATION span, or when both are none.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..core import ConfigError, EnrichedStory, Story
from ..events import EVENT_TYPES, score_labels

__all__ = ["Snippet", "load_case", "evaluate_case", "CaseReport", "LocationItem", "load_event_locations",
           "LocationReport", "evaluate_locations", "CASE_TO_TYPE", "place_linker"]

CASE_TO_TYPE = {t.case_code: t.id for t in EVENT_TYPES if t.case_code}
_TYPE_TO_CASE = {v: k for k, v in CASE_TO_TYPE.items()}


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    label: str


def load_case(path: str | Path) -> list[Snippet]:
    """CASE 2021 task 2 snippets: a UTF-8 TSV with the columns ``id``, ``EventSnippet`` and ``SubType``."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = {"id", "EventSnippet", "SubType"} - set(rows.fieldnames or ())
            if missing:
                raise ConfigError(f"{path}: not a CASE 2021 task 2 file: its header lacks {', '.join(sorted(missing))} "
                                  "(give ../shared/data/events/case2021-task2/dev.tsv)")
            snippets = [Snippet(r["id"], r["EventSnippet"], (r["SubType"] or "").strip())
                        for r in rows if r.get("EventSnippet")]
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise ConfigError(f"{path}: not a tab-separated file ({exc})") from None
    if not snippets:
        raise ConfigError(f"{path}: no snippets (rows with an EventSnippet)")
    return snippets


def predict_label(result: EnrichedStory) -> str | None:
    """The CASE label of the story's highest-confidence event that has one, or ``None``."""
    scored = [(e.confidence, _TYPE_TO_CASE[e.type]) for e in result.events if e.type in _TYPE_TO_CASE]
    return max(scored)[1] if scored else None


@dataclass
class CaseReport:
    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    per_class: dict[str, dict]
    confusions: list[tuple[str, str, int]]
    predictions: list[tuple[str, str, str]] = field(default_factory=list)  # id, gold, predicted
    fallback: int = 0  # snippets where the tagger found no event: labelled by the classifier alone

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": self.accuracy, "weighted_f1": self.weighted_f1, "macro_f1": self.macro_f1,
                "fallback": self.fallback, "per_class": self.per_class,
                "confusions": [list(c) for c in self.confusions]}


def evaluate_case(snippets: Sequence[Snippet], enrich: Callable[[list[Story]], Iterable[EnrichedStory]],
                  classify: Callable[[str], str] | None = None) -> CaseReport:
    """``classify``: text → event type id, for snippets where the tagger finds no event (closed set)."""
    stories = [Story(uri=f"case:{s.id}", version=1, headline="", body=s.text, source_format="text", received_at="",
                     language="en") for s in snippets]
    found = [predict_label(r) for r in enrich(stories)]
    predicted = [label if label is not None else _TYPE_TO_CASE.get(classify(s.text), "OTHER") if classify else "OTHER"
                 for s, label in zip(snippets, found, strict=True)]
    gold = [s.label for s in snippets]
    per_class, weighted, macro, accuracy = score_labels(gold, predicted)
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p).most_common(15)
    return CaseReport(len(gold), accuracy, weighted, macro, per_class, [(g, p, n) for (g, p), n in confusions],
                      [(s.id, g, p) for s, g, p in zip(snippets, gold, predicted, strict=True)],
                      fallback=sum(label is None for label in found))


@dataclass(frozen=True)
class LocationItem:
    text: str
    verb: tuple[int, int]
    locations: tuple[tuple[int, int], ...]


def _offsets(record: dict, span: dict) -> tuple[int, int]:
    """A span's character offsets. In some records (≈ 920 LOCATION spans of the development file) the
    ``start``/``end`` fields hold token indices — ``{"start": 15, "end": 15, "text": "Algiers"}`` — so
    when the span's own ``text`` is not at those offsets, its tokens' offsets are used, or else the
    occurrence of that text nearest to them."""
    start, end, text = span["start"], span["end"], span.get("text")
    body = record["text"]
    if not text or body[start:end] == text:
        return start, end
    tokens = record.get("tokens") or []
    first, last = span.get("token_start", -1), span.get("token_end", -1)
    if 0 <= first <= last < len(tokens) and body[tokens[first]["start"]:tokens[last]["end"]] == text:
        return tokens[first]["start"], tokens[last]["end"]
    hits = [i for i in range(len(body)) if body.startswith(text, i)]
    if hits:
        at = min(hits, key=lambda i: abs(i - start))
        return at, at + len(text)
    return start, end


def load_event_locations(path: str | Path, limit: int | None = None) -> list[LocationItem]:
    """Sentences with exactly one event verb (``spans`` labelled ``VERB``) and their ``LOCATION`` spans; a
    record without spans or text has no event to judge and is skipped. A line that is not a JSON object
    is an error that names it."""
    try:
        return _event_locations(path, limit)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _event_locations(path: str | Path, limit: int | None) -> list[LocationItem]:
    items = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{n}: not JSON ({exc.msg}); an event-location file holds one JSON "
                                  "object per line") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                continue
            spans = [s for s in record.get("spans") or [] if isinstance(s, dict) and "start" in s and "end" in s]
            verbs = [_offsets(record, s) for s in spans if s.get("label") == "VERB"]
            if len(verbs) != 1:
                continue
            locations = tuple(_offsets(record, s) for s in spans if s.get("label") == "LOCATION")
            items.append(LocationItem(record["text"], verbs[0], locations))
            if limit and len(items) >= limit:
                break
    return items


@dataclass
class LocationReport:
    n: int
    accuracy: float
    with_location: dict
    without_location: dict
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": self.accuracy, "with_location": self.with_location,
                "without_location": self.without_location}


def evaluate_locations(items: Sequence[LocationItem],
                       link: Callable[[list[LocationItem]], Iterable[tuple[int, int] | None]]) -> LocationReport:
    """``link`` returns, per item, the character span of the place linked to its verb, or ``None``."""
    buckets: dict[str, list[bool]] = defaultdict(list)
    errors = []
    for item, got in zip(items, link(list(items)), strict=True):
        if item.locations:
            ok = got is not None and any(got[0] < e and s < got[1] for s, e in item.locations)
            buckets["with"].append(ok)
        else:
            ok = got is None
            buckets["without"].append(ok)
        if not ok:
            errors.append({"text": item.text, "verb": item.text[item.verb[0]:item.verb[1]],
                           "gold": [item.text[s:e] for s, e in item.locations],
                           "predicted": item.text[got[0]:got[1]] if got else None})
    every = buckets["with"] + buckets["without"]

    def share(values: list[bool]) -> dict:
        return {"n": len(values), "accuracy": round(sum(values) / len(values), 3) if values else None}

    return LocationReport(len(every), round(sum(every) / len(every), 3) if every else 0.0, share(buckets["with"]),
                          share(buckets["without"]), errors)


def place_linker(nlp, batch_size: int = 64) -> Callable[[list[LocationItem]], list[tuple[int, int] | None]]:
    """The ``link`` function for :func:`evaluate_locations`: the ``wirewatch_events`` component's place
    linker on the gold verb, within its sentence."""
    tagger = nlp.get_pipe("wirewatch_events")

    def link(items: list[LocationItem]) -> list[tuple[int, int] | None]:
        out: list[tuple[int, int] | None] = []
        for item, doc in zip(items, nlp.pipe((i.text for i in items), batch_size=batch_size), strict=True):
            span = doc.char_span(item.verb[0], item.verb[1], alignment_mode="expand")
            ref = tagger.place_of(doc, span.start, span.end) if span is not None and len(span) else None
            out.append((ref.start, ref.end) if ref else None)
        return out

    return link
