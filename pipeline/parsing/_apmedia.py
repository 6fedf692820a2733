"""AP Media API JSON (``{"api_version": …, "data": {"item": …}}`` or a feed of ``data.items``).

AP Media items carry metadata only: the story text is a separate NITF rendition
(``renditions.nitf.href``), which is ingested on its own. Items are therefore rejected with
``no_text``, naming the rendition to fetch, unless a provider inlines the text."""

from __future__ import annotations

from typing import Any

from ..core import MissingContent, Story
from ._common import normalize_pubstatus, version_number
from ._html import html_to_text

__all__ = ["parse_apmedia", "is_apmedia"]

FORMAT = "ap-media"


def is_apmedia(doc: Any) -> bool:
    return isinstance(doc, dict) and "api_version" in doc and isinstance(doc.get("data"), dict)


def _items(doc: dict[str, Any]) -> list[dict[str, Any]]:
    data = doc["data"]
    if isinstance(data.get("item"), dict):
        return [data["item"]]
    return [i["item"] for i in data.get("items", []) if isinstance(i, dict) and isinstance(i.get("item"), dict)]


def _story(item: dict[str, Any], received_at: str) -> Story | None:
    text = item.get("body_nitf") or item.get("body_html") or item.get("body_text")
    if not isinstance(text, str) or not text.strip():
        return None
    itemid = (item.get("altids") or {}).get("itemid") if isinstance(item.get("altids"), dict) else None
    return Story(
        uri=f"urn:ap:item:{itemid}" if itemid else str(item.get("uri")),
        version=version_number(item.get("version"), FORMAT),
        version_created=item.get("versioncreated"),
        pubstatus=normalize_pubstatus(item.get("pubstatus")),
        headline=item.get("headline") or item.get("title") or "",
        body=html_to_text(text) if "<" in text else text,
        language=item.get("language"),
        provider="AP",
        subjects=[s["name"] for s in item.get("subject", []) if isinstance(s, dict) and isinstance(s.get("name"), str)],
        place_hints=[p["name"] for p in item.get("place", []) if isinstance(p, dict) and isinstance(p.get("name"), str)],
        signals=[s for s in item.get("signals", []) if isinstance(s, str)],
        source_format=FORMAT,
        received_at=received_at,
    )


def parse_apmedia(doc: dict[str, Any], received_at: str) -> list[Story]:
    items = _items(doc)
    stories = [s for s in (_story(i, received_at) for i in items) if s is not None]
    if not stories:
        kinds = sorted({str(i.get("type", "?")) for i in items}) or ["none"]
        raise MissingContent(
            f"AP Media API document with {len(items)} item(s) of type {', '.join(kinds)} carries no story text; "
            "fetch each item's NITF rendition (renditions.nitf.href) and ingest that",
            code="no_text", format_guess=FORMAT,
        )
    return stories
