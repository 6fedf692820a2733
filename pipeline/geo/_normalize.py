"""Name normalisation for matching mentions to gazetteer names.

Two keys:

- ``normalize_name``: case, diacritics, hyphens/apostrophes/spaces, a leading "the". Exact spellings.
- ``fold_name``: additionally folds the ways Arabic, Persian and Kurdish names are romanised — article
  prefixes (al-, el-, ad-, ar-, as-, ash-, at-, az-, an-), vowel spellings (ou/oo → u, ee/ie/ei → i),
  q → k, dh → z, kh → k, gh → g, doubled letters, a final h after a vowel — and drops spaces, so
  "Boukamal", "Al-Bukamal" and "Albu Kamal" meet, as do "Mayadeen" and "Al Mayādīn".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_name", "fold_name", "is_latin"]

_PUNCT = re.compile(r"[\s\-‐‑–—_'’`ʼʻʿʾ.,]+")
_ARTICLE = re.compile(r"^(the)\s+")
_AR_ARTICLES = {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ul", "il"}
_FOLDS = [
    (re.compile(r"ou|oo"), "u"), (re.compile(r"ee|ie|ei|iy|ey"), "i"), (re.compile(r"aa"), "a"),
    (re.compile(r"q"), "k"), (re.compile(r"dh"), "z"), (re.compile(r"kh"), "k"), (re.compile(r"gh"), "g"),
    (re.compile(r"ph"), "f"), (re.compile(r"w"), "u"), (re.compile(r"y"), "i"), (re.compile(r"e"), "i"),
    (re.compile(r"o"), "u"), (re.compile(r"(.)\1+"), r"\1"),
]


def normalize_name(name: str) -> str:
    """Casefold, strip diacritics, unify hyphens/apostrophes/spaces, drop a leading 'the'."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _PUNCT.sub(" ", stripped.casefold()).strip()
    return _ARTICLE.sub("", key)


def fold_name(name: str) -> str:
    """The transliteration-folded key (see module doc). Empty for names too short to fold safely."""
    tokens = normalize_name(name).split()
    while len(tokens) > 1 and tokens[0] in _AR_ARTICLES:
        tokens = tokens[1:]
    key = "".join(tokens)
    if not key.isalpha():
        return ""
    for pattern, repl in _FOLDS:
        key = pattern.sub(repl, key)
    key = re.sub(r"([aiu])h$", r"\1", key)
    return key if len(key) >= 4 else ""


def is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in unicodedata.normalize("NFKD", name))
