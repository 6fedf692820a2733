"""Language identification for formats that do not state it (py3langid, model shipped in the wheel)."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["detect_language"]

_MIN_CHARS = 20


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code, or ``None`` when the text is too short or the guess too unsure."""
    sample = text[:2000]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= 0.5 else None
