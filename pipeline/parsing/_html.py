"""HTML → plain text, keeping paragraphs: lxml's HTML parser (never fetches or expands anything), then
the one markup walker the XML formats use too (:func:`._xml.block_text`)."""

from __future__ import annotations

import html as _entities
import re

from lxml import etree, html

from ._xml import block_text

__all__ = ["html_to_text"]

_TAG = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.S | re.I)


def html_to_text(markup: str) -> str:
    """Strip markup; block elements become blank-line separated paragraphs; runs of white space collapse.
    Markup the parser cannot take whole (nested deeper than it goes: a hostile body) still gives its
    words, as one paragraph."""
    if not markup or not markup.strip():
        return ""
    try:
        text = block_text(html.fragment_fromstring(markup, create_parent="div"))
    except (etree.ParserError, ValueError):
        text = ""
    return text or " ".join(_entities.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", markup))).split())
