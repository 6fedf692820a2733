"""IPTC NewsML-G2: ``newsItem`` and ``newsMessage`` (an itemSet of items), with text in
``inlineXML`` (NITF or XHTML) or ``inlineData``. Provider quirks handled: Reuters (opaque version
numbers, ``edStat`` signals, ``pubStatus`` kills), dpa / ANSA / STT (``sig:`` signals, NITF bodies,
``located``), AP (XHTML bodies). Items that carry no text (pictures, video, packages, concepts) are
skipped; a message with no text item at all is rejected with ``no_text``.
"""

from __future__ import annotations

import re

from lxml import etree

from ..core import Dateline, MissingContent, Story, UnsupportedFormat
from ._common import first_line, normalize_pubstatus, normalize_signal, version_number
from ._xml import attr, block_text, child, children, descendants, find, findall, local, text_of

__all__ = ["parse_newsmlg2"]

_DATE_ONLY = re.compile(r"^[\d\s:.+\-/TZGMT]+$")  # Reuters puts a timestamp in <dateline>

FORMAT = "newsml-g2"
_TEXT_CLASSES = {"text", "composite"}  # icls:text, ninat:text; dpa's composite articles carry text too


def _item_class(item: etree._Element) -> str:
    qcode = attr(find(item, "itemMeta/itemClass"), "qcode") or ""
    return qcode.split(":")[-1].lower()


def _headline(content_meta: etree._Element | None) -> str:
    heads = children(content_meta, "headline")
    for h in heads:
        if (attr(h, "role") or "").split(":")[-1].lower() in ("", "main", "headline"):
            return text_of(h)
    return text_of(heads[0]) if heads else ""


def _body(item: etree._Element) -> str:
    texts = []
    for content_set in children(item, "contentSet"):
        for inline in [*children(content_set, "inlineXML"), *children(content_set, "inlineData")]:
            if local(inline) == "inlineData":
                texts.append(inline.text or "")
                continue
            body = next(descendants(inline, "body.content"), None)  # NITF
            if body is None:
                body = next(descendants(inline, "body"), None)  # XHTML
            texts.append(block_text(body if body is not None else inline))
        if texts:
            break  # alternatives of the same content: the first rendition is enough
    return "\n\n".join(t.strip() for t in texts if t.strip())


def _names(elements: list[etree._Element]) -> list[str]:
    out = []
    for el in elements:
        name = text_of(child(el, "name")) or attr(el, "literal") or ""
        if name and name not in out:
            out.append(name)
    return out


def _places(content_meta: etree._Element | None) -> tuple[list[str], str | None]:
    """Provider place hints (located, geo subjects) and the located place's name."""
    located = children(content_meta, "located")
    located_names = _names(located)
    geo = [s for s in children(content_meta, "subject")
           if (attr(s, "type") or "").split(":")[-1] in ("geoArea", "poi", "geo")]
    hints = located_names + [n for n in _names(geo) if n not in located_names]
    return hints, (located_names[0] if located_names else None)


def _item_story(item: etree._Element, received_at: str, message_lang: str | None) -> Story | None:
    if _item_class(item) not in _TEXT_CLASSES:
        return None
    item_meta = child(item, "itemMeta")
    content_meta = child(item, "contentMeta")
    body = _body(item)
    pubstatus = normalize_pubstatus(attr(child(item_meta, "pubStatus"), "qcode"))
    if not body.strip() and pubstatus == "usable":
        return None  # kills and withholds pass through without text: they retract what came before
    guid = attr(item, "guid")
    if not guid:
        raise MissingContent("NewsML-G2 newsItem has no guid", code="missing_uri", format_guess=FORMAT)
    signals = [normalize_signal(attr(s, "qcode") or text_of(s)) for s in children(item_meta, "signal")]
    signals = [s for s in signals if s and not s.lower().startswith(("prodid:", "pmt:", "sic:", "var:"))]
    hints, located = _places(content_meta)
    dateline_el = child(content_meta, "dateline")
    dateline = None
    if dateline_el is not None and text_of(dateline_el) and not _DATE_ONLY.match(text_of(dateline_el)):
        dateline = Dateline(text=text_of(dateline_el), place=located)
    elif located:
        dateline = Dateline(text=located, place=located)
    provider = child(item_meta, "provider")
    language = attr(child(content_meta, "language"), "tag") or attr(item, "lang") or message_lang
    return Story(
        uri=guid,
        version=version_number(attr(item, "version"), FORMAT),
        version_created=text_of(child(item_meta, "versionCreated")) or None,
        pubstatus=pubstatus,
        headline=_headline(content_meta) or first_line(body),
        body=body,
        language=language,
        provider=attr(provider, "literal") or attr(provider, "qcode") or text_of(child(provider, "name")) or None,
        subjects=[n for n in _names([s for s in children(content_meta, "subject")
                                     if (attr(s, "type") or "").split(":")[-1] not in ("geoArea", "poi", "geo")])],
        place_hints=hints,
        signals=signals,
        dateline=dateline,
        source_format=FORMAT,
        received_at=received_at,
    )


def parse_newsmlg2(root: etree._Element, received_at: str) -> list[Story]:
    kind = local(root)
    if kind == "newsItem":
        items = [root]
    elif kind == "newsMessage":
        items = [i for i in findall(root, "itemSet/*") if local(i) == "newsItem"]
    else:
        raise UnsupportedFormat(
            f"NewsML-G2 {kind} carries no news story (only newsItem and newsMessage are ingested)",
            code="not_a_story", format_guess=FORMAT,
        )
    lang = attr(root, "lang")
    stories = [s for s in (_item_story(i, received_at, lang) for i in items) if s is not None]
    if not items and kind == "newsMessage":
        refs = [attr(r, "residref") for r in descendants(root, "itemRef") if attr(r, "residref")]
        raise MissingContent(
            "NewsML-G2 newsMessage carries only package(s) that reference items by id; ingest the referenced "
            f"newsItems ({', '.join(refs[:5]) or 'none named'})",
            code="package_only", format_guess=FORMAT,
        )
    if not stories:
        classes = sorted({_item_class(i) or "?" for i in items}) or ["none"]
        raise MissingContent(
            f"NewsML-G2 {kind} has no text item (item classes: {', '.join(classes)}); "
            "pictures, video and packages without text are not enriched",
            code="no_text", format_guess=FORMAT,
        )
    return stories
