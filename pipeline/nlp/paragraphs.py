"""spaCy component ``wirewatch_paragraphs``: a paragraph break is a sentence break.

The statistical sentence splitter reads "… near the airport\\n\\nNo group claimed it." as one sentence
when the first paragraph has no final full stop (headlines, datelines, bullet lines, feeds that strip
punctuation). Evidence and places must not run across paragraphs, so the token after a whitespace
token holding a line break always starts a sentence (and the whitespace token itself ends the one before).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["split_paragraphs"]


@Language.component("wirewatch_paragraphs", requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def split_paragraphs(doc: Doc) -> Doc:
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc
