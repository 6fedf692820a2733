"""NITF 3.x (News Industry Text Format). NITF has no mandatory story identifier: the uri is
``doc-id/@id-string`` when present, otherwise derived from the provider, issue date and headline
(a heuristic, marked ``urn:wirewatch:nitf:…``)."""

from __future__ import annotations

from lxml import etree

from ..core import Dateline, MissingContent, Story
from ._common import content_uri, first_line, normalize_pubstatus, version_number
from ._xml import attr, block_text, child, find, findall, text_of

__all__ = ["parse_nitf", "nitf_body"]

FORMAT = "nitf"


def nitf_body(nitf: etree._Element) -> str:
    return block_text(find(nitf, "body/body.content"))


def parse_nitf(root: etree._Element, received_at: str) -> list[Story]:
    head, body_head = child(root, "head"), find(root, "body/body.head")
    docdata = child(head, "docdata")
    body = nitf_body(root)
    if not body.strip():
        raise MissingContent("NITF document has no text in body.content", code="no_text", format_guess=FORMAT)
    headline = text_of(find(body_head, "hedline/hl1")) or text_of(child(head, "title")) or first_line(body)
    doc_id = child(docdata, "doc-id")
    issued = attr(child(docdata, "date.issue"), "norm")
    provider = (attr(child(docdata, "doc.copyright"), "holder") or attr(doc_id, "regsrc")
                or text_of(child(body_head, "distributor")) or None)
    uri = attr(doc_id, "id-string") or content_uri("nitf", f"{provider}|{issued}|{headline}")
    location = text_of(find(body_head, "dateline/location"))
    dateline_text = text_of(child(body_head, "dateline"))
    evloc = child(docdata, "evloc")
    hints = [h for h in [location, attr(evloc, "city"), attr(evloc, "state-prov"), attr(evloc, "iso-cc")] if h]
    subjects = [attr(s, "tobject.subject.matter") or attr(s, "tobject.subject.type") or ""
                for s in findall(head, "tobject/tobject.subject")]
    return [Story(
        uri=uri,
        version=version_number(attr(child(docdata, "du-key"), "version"), FORMAT),
        version_created=issued,
        pubstatus=normalize_pubstatus(attr(child(docdata, "doc-scope"), "pubstatus")),
        headline=headline,
        body=body,
        language=attr(root, "lang") or attr(head, "lang"),
        provider=provider,
        subjects=[s for s in subjects if s],
        place_hints=list(dict.fromkeys(hints)),
        dateline=Dateline(text=dateline_text, place=location or None) if dateline_text else None,
        source_format=FORMAT,
        received_at=received_at,
    )]
