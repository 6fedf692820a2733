"""The spaCy pipeline: one function builds it and states its order."""

from ._build import DEFAULT_MODEL, build_nlp

__all__ = ["DEFAULT_MODEL", "build_nlp"]
