"""Event tagging: the taxonomy, the trigger lexicon and rules, the learned type classifier and its
training, dates and fatalities (pure; no spaCy). The spaCy component is :mod:`pipeline.nlp.events`."""

from ._classifier import DEFAULT_MODEL_PATH, NONE, EventClassifier, default_classifier, rule_candidates, sentence_features
from ._dates import MONTH_NAMES, WEEKDAY_NAMES, ended_before, parse_story_date, resolve_date
from ._fatalities import parse_fatalities
from ._forms import forms, lemma_of, register
from ._lexicon import CUES, MODALITY_VERBS, NOT_REAL_MODIFIERS, NOT_REAL_VERBS, TRIGGERS, Trigger, vocabulary
from ._merge import merge_events
from ._rules import Candidate, Sentence, actor_kind, decide
from ._scores import score_labels
from ._taxonomy import (
    CATEGORIES,
    EVENT_TYPES,
    TYPE_IDS,
    EventType,
    closest_names,
    event_type,
    taxonomy_document,
    taxonomy_listing,
)
from ._training import CORPUS_DIR, TrainingReport, load_corpus, train

__all__ = ["CATEGORIES", "EVENT_TYPES", "TYPE_IDS", "EventType", "closest_names", "event_type", "taxonomy_document",
           "taxonomy_listing", "parse_fatalities",
           "parse_story_date", "resolve_date", "ended_before", "MONTH_NAMES", "WEEKDAY_NAMES", "score_labels",
           "EventClassifier", "default_classifier",
           "rule_candidates", "sentence_features", "NONE", "DEFAULT_MODEL_PATH",
           "CORPUS_DIR", "TrainingReport", "load_corpus", "train", "forms", "lemma_of", "register", "CUES",
           "MODALITY_VERBS", "NOT_REAL_MODIFIERS", "NOT_REAL_VERBS", "TRIGGERS", "Trigger", "vocabulary", "merge_events",
           "Candidate", "Sentence", "actor_kind",
           "decide"]
