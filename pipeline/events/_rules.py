"""Decide which events a sentence reports from its trigger matches and cues (pure; no spaCy).

The spaCy component finds trigger phrases and builds a :class:`Sentence` (lemmas, lower-cased words);
this module checks each trigger's cue groups, resolves territory changes by who acted, and keeps the
events worth an analyst's attention: the sentence's strongest event plus any other strong, specific one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ._lexicon import CUES, Trigger

__all__ = ["Sentence", "Candidate", "decide", "actor_kind", "GENERIC_TYPES"]

#: Types that are usually part of a more specific event in the same sentence ("airstrikes … killing six").
GENERIC_TYPES = frozenset({"attack", "man_made_disaster", "change_to_group_activity", "diplomatic_event",
                           "armed_clash", "arrests", "looting_property_destruction", "agreement"})
_STRONG = 0.75


class Sentence:
    """Cue lookup over one sentence: single words by lemma or form, phrases by lemma or form sequence."""

    def __init__(self, lemmas: list[str], words: list[str]) -> None:
        self.words = set(lemmas) | set(words)
        self.lemma_text = " " + " ".join(lemmas) + " "
        self.word_text = " " + " ".join(words) + " "

    def has(self, cue: str) -> bool:
        if " " not in cue and "-" not in cue:
            return cue in self.words
        padded = f" {cue} "
        return padded in self.lemma_text or padded in self.word_text or cue in self.word_text

    def has_group(self, group: str) -> bool:
        single, phrases = _split(group)
        return not single.isdisjoint(self.words) or any(self.has(c) for c in phrases)

    def first_of(self, group: str) -> int | None:
        """Position (in words) of the first cue of ``group``, for ordering actor mentions."""
        positions = [self.lemma_text.find(f" {c} ") for c in CUES[group]]
        positions = [p for p in positions if p >= 0]
        return min(positions) if positions else None


@lru_cache(maxsize=None)
def _split(group: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """A cue group's single words (one set lookup for all) and its phrases."""
    cues = CUES[group]
    return (frozenset(c for c in cues if " " not in c and "-" not in c),
            tuple(c for c in cues if " " in c or "-" in c))


@dataclass(frozen=True, slots=True)
class Candidate:
    type: str
    score: float
    trigger: Trigger
    start: int  # token offsets in the doc
    end: int


def actor_kind(text_lemmas: str) -> str | None:
    """"state" or "nonstate" for an actor phrase (lemmas, space-separated), else ``None``."""
    padded = f" {text_lemmas.lower()} "
    for kind in ("nonstate", "state"):
        if any(f" {c} " in padded for c in CUES[kind]):
            return kind
    return None


def decide(sentence: Sentence, matches: list[tuple[Trigger, int, int]], subject_kind: dict[int, str | None],
           salience: dict[int, float] | None = None) -> list[Candidate]:
    """The events of one sentence. ``subject_kind`` maps a match start to the kind of its grammatical
    subject (from the parser, for territory changes), when known; ``salience`` to a score adjustment
    (a trigger in the main clause counts more than one in a background phrase: "… after a nerve agent
    attack")."""
    best: dict[str, Candidate] = {}
    for trigger, start, end in matches:
        if any(sentence.has_group(g) for g in trigger.unless):
            continue
        if not all(sentence.has_group(g) for g in trigger.needs):
            continue
        type_ = trigger.type
        if type_ == "_territory":
            kind = subject_kind.get(start) or _sentence_actor(sentence)
            if kind is None:
                continue
            type_ = "government_regains_territory" if kind == "state" else "non_state_actor_overtakes_territory"
        score = min(0.99, trigger.weight + 0.02 * trigger.phrase.count(" ") + (salience or {}).get(start, 0.0))
        held = best.get(type_)
        if held is None or score > held.score:
            best[type_] = Candidate(type_, score, trigger, start, end)
    if not best:
        return []
    ranked = sorted(best.values(), key=lambda c: c.score, reverse=True)
    top = ranked[0]
    keep = [top]
    for c in ranked[1:]:
        if c.type in ("threaten", "election", "attribution_of_responsibility") and c.score >= 0.6:
            keep.append(c)
        elif c.score >= _STRONG and c.type not in GENERIC_TYPES and not _same_family(c.type, top.type):
            keep.append(c)
    return keep


_FAMILIES = [
    {"peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters", "violent_demonstration"},
    {"air_drone_strike", "shelling_artillery_missile_attack", "remote_explosive_landmine_ied", "suicide_bomb",
     "grenade"},
]


def _same_family(a: str, b: str) -> bool:
    return any(a in f and b in f for f in _FAMILIES)


def _sentence_actor(sentence: Sentence) -> str | None:
    state, nonstate = sentence.first_of("state"), sentence.first_of("nonstate")
    if state is None and nonstate is None:
        return None
    if nonstate is None:
        return "state"
    if state is None:
        return "nonstate"
    return "state" if state < nonstate else "nonstate"
