"""IPTC NewsML 1.2 (AFP, ANA, Business Wire): ``NewsML/NewsItem`` with NITF or plain ``p`` content."""

from __future__ import annotations

import re

from lxml import etree

from ..core import Dateline, MissingContent, Story
from ._common import first_line, normalize_pubstatus, version_number
from ._html import html_to_text
from ._xml import attr, block_text, child, children, descendants, find, findall, text_of

__all__ = ["parse_newsml1"]

FORMAT = "newsml-1.2"


def _content_text(item: etree._Element) -> str:
    texts = []
    for content in descendants(item, "DataContent"):
        nitf_body = next(descendants(content, "body.content"), None)
        text = block_text(nitf_body if nitf_body is not None else content)
        if re.search(r"</?p\b", text, re.I):  # HTML escaped as text (ANA)
            text = html_to_text(text)
        texts.append(text)
    return "\n\n".join(t for t in texts if t.strip())


def _property_values(item: etree._Element, names: set[str]) -> list[str]:
    out = []
    for loc in descendants(item, "Location"):
        for prop in children(loc, "Property"):
            if attr(prop, "FormalName") in names and attr(prop, "Value"):
                out.append(attr(prop, "Value"))
    return list(dict.fromkeys(out))


def _story(item: etree._Element, received_at: str) -> Story | None:
    body = _content_text(item)
    if not body.strip():
        return None
    ident = find(item, "Identification/NewsIdentifier")
    public = text_of(child(ident, "PublicIdentifier"))
    parts = [text_of(child(ident, n)) for n in ("ProviderId", "DateId", "NewsItemId")]
    if not public and not all(parts):
        raise MissingContent("NewsML 1.2 item has no NewsIdentifier", code="missing_uri", format_guess=FORMAT)
    revision = child(ident, "RevisionId")
    uri = public.rsplit(":", 1)[0] if public and revision is not None else public
    uri = uri or f"urn:newsml:{parts[0]}:{parts[1]}:{parts[2]}"
    management = child(item, "NewsManagement")
    lines = next(descendants(item, "NewsLines"), None)
    language = attr(next(descendants(item, "Language"), None), "FormalName")
    dateline = text_of(child(lines, "DateLine"))
    cities = _property_values(item, {"City", "Country", "CountryArea"})
    return Story(
        uri=uri,
        version=version_number(text_of(revision) or None, FORMAT),
        version_created=text_of(child(management, "ThisRevisionCreated")) or None,
        pubstatus=normalize_pubstatus(attr(child(management, "Status"), "FormalName")),
        headline=text_of(child(lines, "HeadLine")) or first_line(body),
        body=body,
        language=language.lower() if language else None,
        provider=text_of(find(item, "Identification/NewsIdentifier/ProviderId")) or None,
        subjects=list(dict.fromkeys(attr(s, "FormalName") for s in descendants(item, "Subject") if attr(s, "FormalName"))),
        place_hints=cities,
        dateline=Dateline(text=dateline, place=cities[0] if cities else None) if dateline else None,
        source_format=FORMAT,
        received_at=received_at,
    )


def parse_newsml1(root: etree._Element, received_at: str) -> list[Story]:
    items = findall(root, "NewsItem")
    stories = [s for s in (_story(i, received_at) for i in items) if s is not None]
    if not stories:
        raise MissingContent("NewsML 1.2 document has no item with text content", code="no_text", format_guess=FORMAT)
    return stories
