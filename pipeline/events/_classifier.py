"""The learned event-type classifier (pure; numpy only at run time).

A multinomial logistic model over a sentence's features decides the event type — or ``none`` — of a
sentence the trigger lexicon flagged. Its features:

* word unigrams (through the lexicon's lemmatizer) and bigrams of the lower-cased words; capitalised
  words inside the sentence (names of people, places, groups) are masked as ``<cap>`` so that a name
  never decides a type;
* character 3–5-grams of each (unmasked) lower-case word, for unseen inflections and compounds;
* the rule layer's opinion: each candidate type :func:`pipeline.events._rules.decide` keeps, with its
  score, and each cue group of the lexicon the sentence has (``state``, ``nonstate``, ``civilian``,
  ``protest``, …).

Counts are weighted ``(1 + log tf) · idf`` and L2-normalised, as in training. The model file (``.npz``:
labels, vocabulary, idf, coefficients) is written by ``wirewatch train events`` from the corpus in
``pipeline/events/corpus/``; training lives in :mod:`pipeline.events._training` (scikit-learn).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ._forms import forms, lemma_of, register
from ._lexicon import CUES, TRIGGERS, Trigger, vocabulary
from ._rules import Sentence, decide

__all__ = ["EventClassifier", "sentence_features", "rule_candidates", "NONE", "DEFAULT_MODEL_PATH", "default_classifier"]

NONE = "none"
OTHER = "other"  # the residual event type (a development that fits no other type)
DEFAULT_MODEL_PATH = Path(__file__).with_name("event_classifier.npz")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"[a-z][a-z'’]*")
_EVENTIVE_SHARE = 0.1


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


class _TriggerIndex:
    """The lexicon's trigger phrases, inflected one word at a time, indexed by their first word: the same
    matches the spaCy component's PhraseMatcher finds, over a plain token list."""

    def __init__(self, triggers: Iterable[Trigger]) -> None:
        register(vocabulary())
        self.by_first: dict[str, list[tuple[tuple[str, ...], Trigger]]] = {}
        for trigger in triggers:
            words = trigger.phrase.replace("-", " - ").split()
            variants = {tuple(words[:i] + [f] + words[i + 1:]) for i, _ in enumerate(words) for f in forms(words[i])}
            for variant in sorted(variants):
                self.by_first.setdefault(variant[0], []).append((variant, trigger))

    def matches(self, lower: Sequence[str]) -> list[tuple[Trigger, int, int]]:
        out = []
        for i, word in enumerate(lower):
            for variant, trigger in self.by_first.get(word, ()):
                n = len(variant)
                if tuple(lower[i:i + n]) == variant:
                    out.append((trigger, i, i + n))
        return out


@lru_cache(maxsize=1)
def _index() -> _TriggerIndex:
    return _TriggerIndex(TRIGGERS)


def rule_candidates(text: str) -> dict[str, float]:
    """The rule layer's candidate types for ``text`` (one sentence or snippet) with their scores, without a
    parse (territory changes fall to the sentence's first-named actor)."""
    lower = [t.lower() for t in _tokens(text)]
    sentence = Sentence([lemma_of(w) for w in lower], lower)
    return {c.type: c.score for c in decide(sentence, _index().matches(lower), {})}


@lru_cache(maxsize=1 << 16)
def _char_grams(low: str) -> tuple[str, ...]:
    """The character 3–5-gram features of one lower-case word (words recur: computed once each)."""
    if not _WORD.fullmatch(low):
        return ()
    padded = f" {low} "
    return tuple("c:" + padded[j:j + n] for n in (3, 4, 5) for j in range(len(padded) - n + 1))


def sentence_features(text: str) -> dict[str, float]:
    """Raw feature counts of one sentence or snippet (see the module docstring)."""
    _index()  # registers the lexicon's lemmas before the first word is read through them
    feats: dict[str, float] = {}

    def add(key: str, value: float = 1.0) -> None:
        feats[key] = feats.get(key, 0.0) + value

    tokens = _tokens(text)
    lower = [t.lower() for t in tokens]
    words = []
    for i, (tok, low) in enumerate(zip(tokens, lower, strict=True)):
        if not tok[0].isalnum():
            continue
        if tok[0].isdigit():
            words.append("<num>")
        elif tok[0].isupper() and i > 0 and not tok.isupper() and tokens[i - 1] not in (".", "!", "?", "—", "-", '"'):
            words.append("<cap>")
        else:
            words.append(lemma_of(low))
            for key in _char_grams(low):
                add(key, 0.5)
    for w in words:
        add("w:" + w)
    for a, b in zip(words, words[1:], strict=False):
        add("b:" + a + "_" + b)
    sentence = Sentence([lemma_of(w) for w in lower], lower)
    for group in CUES:
        if sentence.has_group(group):
            add("g:" + group)
    for type_, score in {c.type: c.score for c in decide(sentence, _index().matches(lower), {})}.items():
        add("r:" + type_, 1.0 + score)
    return feats


def _weigh(feats: dict[str, float], vocab: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices and (1 + log tf)·idf weights, L2-normalised, of the features the vocabulary knows."""
    idx, val = [], []
    for key, count in feats.items():
        j = vocab.get(key)
        if j is not None:
            idx.append(j)
            val.append((1.0 + math.log(count)) * idf[j] if count >= 1 else count * idf[j])
    if not idx:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    values = np.asarray(val)
    norm = float(np.sqrt((values ** 2).sum()))
    return np.asarray(idx, dtype=np.int64), values / norm if norm else values


@dataclass
class EventClassifier:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # features × labels
    intercept: np.ndarray
    temperature: float = 1.0  # calibration: logits are divided by it
    none_shift: float = 0.0  # prior correction: added to the calibrated log-odds of ``none`` (see _training)
    other_shift: float = 0.0  # prior correction: added to the calibrated log-odds of ``other`` (see _training)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return _weigh(sentence_features(text), self.vocab, self.idf)

    def logits(self, text: str) -> np.ndarray:
        idx, val = self.vector(text)
        return (val @ self.coef[idx].astype(np.float64) if len(idx) else np.zeros(len(self.labels))) + self.intercept

    def proba(self, text: str) -> dict[str, float]:
        """Calibrated probability of each label (event type ids and ``none``) for one sentence."""
        z = self.logits(text) / self.temperature
        if self.none_shift and NONE in self.labels:
            z[self.labels.index(NONE)] += self.none_shift
        if self.other_shift and OTHER in self.labels:
            z[self.labels.index(OTHER)] += self.other_shift
        z = np.exp(z - z.max())
        p = z / z.sum()
        return {label: float(p[i]) for i, label in enumerate(self.labels)}

    @cached_property
    def eventive_words(self) -> frozenset[str]:
        """The word lemmas that speak most for some event type against ``none`` (the top tenth of the
        vocabulary's words by that margin, idf-weighted): a sentence with none of them cannot be read as
        an event with high probability, so the tagger need not ask."""
        none = self.labels.index(NONE) if NONE in self.labels else None
        words = [(k[2:], j) for k, j in self.vocab.items() if k.startswith("w:") and k not in ("w:<cap>", "w:<num>")]
        if none is None or not words:
            return frozenset(w for w, _ in words)
        events = [i for i in range(len(self.labels)) if i != none]
        idx = np.array([j for _, j in words])
        margin = (self.coef[idx][:, events].max(axis=1) - self.coef[idx, none]) * self.idf[idx]
        cut = np.quantile(margin, 1.0 - _EVENTIVE_SHARE)
        return frozenset(w for (w, _), m in zip(words, margin, strict=True) if m >= cut)

    def best_type(self, text: str, allowed: Iterable[str] | None = None) -> tuple[str, float]:
        """The most probable event type (never ``none``) of ``text``, among ``allowed`` if given, with its
        probability: for closed-set tasks where the text is known to report an event."""
        p = self.proba(text)
        keep = set(allowed) if allowed is not None else set(self.labels)
        label = max((lb for lb in self.labels if lb != NONE and lb in keep), key=p.__getitem__)
        return label, p[label]

    def evidence(self, text: str, label: str, k: int = 1) -> list[str]:
        """The words of ``text`` that speak most for ``label`` (its strongest word features), for an event
        the rules did not flag: the classifier's own trigger."""
        col = self.labels.index(label)
        scored = []
        for key in sentence_features(text):
            j = self.vocab.get(key)
            if j is not None and key.startswith("w:") and key not in ("w:<cap>", "w:<num>"):
                scored.append((float(self.coef[j, col]) * float(self.idf[j]), key[2:]))
        return [w for s, w in sorted(scored, reverse=True)[:k] if s > 0]

    def save(self, path: str | Path) -> None:
        keys = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(path, labels=np.array(self.labels), vocab=np.array(keys), idf=self.idf.astype(np.float32),
                            coef=self.coef.astype(np.float16), intercept=self.intercept,
                            temperature=np.array([self.temperature]), none_shift=np.array([self.none_shift]),
                            other_shift=np.array([self.other_shift]))

    @classmethod
    def load(cls, path: str | Path) -> "EventClassifier":
        with np.load(path, allow_pickle=False) as data:
            keys = [str(k) for k in data["vocab"]]
            return cls(tuple(str(x) for x in data["labels"]), {k: i for i, k in enumerate(keys)},
                       data["idf"].astype(np.float64), data["coef"].astype(np.float32),
                       data["intercept"].astype(np.float64), float(data["temperature"][0]),
                       float(data["none_shift"][0]) if "none_shift" in data else 0.0,
                       float(data["other_shift"][0]) if "other_shift" in data else 0.0)


@lru_cache(maxsize=1)
def default_classifier() -> EventClassifier | None:
    """The shipped model, or ``None`` when it has not been trained (the rules then decide alone)."""
    return EventClassifier.load(DEFAULT_MODEL_PATH) if DEFAULT_MODEL_PATH.exists() else None
