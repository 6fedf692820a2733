"""dpa digitalwires JSON (``"format": "digitalwires@…"``)."""

from __future__ import annotations

from typing import Any

from ..core import Dateline, MissingContent, Story
from ._common import first_line, normalize_pubstatus, normalize_signal, version_number
from ._html import html_to_text

__all__ = ["parse_digitalwires", "is_digitalwires"]

FORMAT = "dpa-digitalwires"


def is_digitalwires(doc: Any) -> bool:
    return isinstance(doc, dict) and str(doc.get("format", "")).startswith("digitalwires")


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v]


def parse_digitalwires(doc: dict[str, Any], received_at: str) -> list[Story]:
    uri = doc.get("urn")
    if not isinstance(uri, str) or not uri:
        raise MissingContent("digitalwires entry has no urn", code="missing_uri", format_guess=FORMAT)
    html = doc.get("article_html")
    body = html_to_text(html) if isinstance(html, str) else ""
    if not body.strip():
        raise MissingContent(f"digitalwires entry ({doc.get('type', '?')}) has no article text",
                             code="no_text", format_guess=FORMAT)
    raw_dateline = doc.get("dateline")
    dateline = None
    if isinstance(raw_dateline, str) and raw_dateline.strip():
        text = raw_dateline.strip().rstrip("-–— ").strip()
        dateline = Dateline(text=text, place=text.split("(")[0].strip() or None)
        if not body.startswith(raw_dateline.strip()[:10]):
            body = f"{raw_dateline.strip()} {body}"  # the dateline belongs to the first paragraph
    signal = doc.get("signal")
    return [Story(
        uri=uri,
        version=version_number(doc.get("version"), FORMAT),
        version_created=doc.get("version_created") if isinstance(doc.get("version_created"), str) else None,
        pubstatus=normalize_pubstatus(doc.get("pubstatus") if isinstance(doc.get("pubstatus"), str) else None),
        headline=doc.get("headline") if isinstance(doc.get("headline"), str) and doc["headline"] else first_line(body),
        body=body,
        language=doc.get("language") if isinstance(doc.get("language"), str) else None,
        provider="dpa",
        subjects=_names(doc.get("dpasubject_names")) + _names(doc.get("keyword_names")),
        place_hints=_names(doc.get("geosubject_names")),
        signals=[normalize_signal(signal)] if isinstance(signal, str) and signal else [],
        dateline=dateline,
        source_format=FORMAT,
        received_at=received_at,
    )]
