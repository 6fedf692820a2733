"""Hardened XML parsing (lxml) and namespace-agnostic helpers shared by the XML wire formats.

Safety: no DTD loading, no entity substitution, no network, no huge-tree mode; a document whose
DOCTYPE declares entities (XXE, "billion laughs") is rejected before parsing.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from lxml import etree

from ..core import MalformedInput

__all__ = ["parse_xml", "local", "child", "children", "descendants", "find", "findall", "text_of", "block_text", "attr"]

_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[(?P<subset>.*?)\])?\s*>", re.S | re.I)
_MAX_DEPTH = 200


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, recover=False,
    )


def parse_xml(data: bytes, format_guess: str = "xml") -> etree._Element:
    """Parse ``data`` safely; raise :class:`MalformedInput` with a reason code otherwise."""
    head = data[:65536]
    doctype = _DOCTYPE.search(head)
    if doctype and doctype.group("subset") and re.search(rb"<!ENTITY", doctype.group("subset"), re.I):
        raise MalformedInput(
            "XML declares entities in its DOCTYPE (XXE / entity-expansion risk); such documents are never expanded",
            code="xml_entities", format_guess=format_guess,
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedInput(f"not well-formed XML: {exc}", code="bad_xml", format_guess=format_guess) from None
    if root is None:
        raise MalformedInput("empty XML document", code="bad_xml", format_guess=format_guess)
    return root


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and local(c) == name]


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    for c in children(el, name):
        return c
    return None


def find(el: etree._Element | None, path: str) -> etree._Element | None:
    """First element along a ``/``-separated path of local names (namespaces ignored)."""
    for found in findall(el, path):
        return found
    return None


def findall(el: etree._Element | None, path: str) -> list[etree._Element]:
    current = [el] if el is not None else []
    for step in path.split("/"):
        if step == "*":
            current = [c for e in current for c in e if isinstance(c.tag, str)]
        elif step == "**":
            current = [d for e in current for d in e.iter() if isinstance(d.tag, str)]
        else:
            current = [c for e in current for c in children(e, step)]
    return current


def descendants(el: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if el is None:
        return iter(())
    return (d for d in el.iter() if isinstance(d.tag, str) and local(d) == name)


def attr(el: etree._Element | None, name: str) -> str | None:
    """Attribute by local name (``xml:lang`` is ``lang``)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.rpartition("}")[2] == name:
            return value
    return None


def text_of(el: etree._Element | None) -> str:
    """All text inside ``el``, white space collapsed."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


_BLOCKS = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hl1", "hl2", "blockquote", "tr", "pre",
    "section", "article", "block", "table", "ul", "ol", "dl", "dd", "dt", "body.end", "tagline", "note",
}
_SKIP = {"script", "style", "head", "title", "media", "media-reference", "img", "object", "photo", "caption",
         "header", "nav", "footer", "aside"}


def block_text(el: etree._Element | None, skip: Iterable[str] = ()) -> str:
    """Markup → plain text: block elements become paragraphs (blank-line separated)."""
    if el is None:
        return ""
    skipped = _SKIP | set(skip)
    parts: list[str] = []

    def walk(node: etree._Element, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        name = local(node)
        if name in skipped:
            if node.tail:
                parts.append(node.tail)
            return
        block = name in _BLOCKS
        if block:
            parts.append("\n\n")
        if node.text:
            parts.append(node.text)
        for c in node:
            if isinstance(c.tag, str):
                walk(c, depth + 1)
            elif c.tail:
                parts.append(c.tail)
        if block:
            parts.append("\n\n")
        if node.tail and depth > 0:
            parts.append(node.tail)

    walk(el, 0)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", "".join(parts)))
    return "\n\n".join(p for p in paragraphs if p)
