"""RSS 2.0 / Atom / RDF feeds, read with feedparser (no network access: bytes in, entries out)."""

from __future__ import annotations

import feedparser

from ..core import MalformedInput, MissingContent, Story
from ._common import content_uri
from ._html import html_to_text

__all__ = ["parse_feed"]

FORMAT = "feed"


def parse_feed(data: bytes, received_at: str) -> list[Story]:
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise MalformedInput(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}", code="bad_feed",
                             format_guess=FORMAT)
    language = parsed.feed.get("language")
    stories = []
    for entry in parsed.entries:
        html = ""
        if entry.get("content"):
            html = entry.content[0].get("value", "")
        html = html or entry.get("summary", "")
        body = html_to_text(html) if html else ""
        if not body.strip():
            continue
        uri = entry.get("id") or entry.get("link") or content_uri("feed", body)
        stories.append(Story(
            uri=uri,
            version=1,
            version_created=entry.get("updated") or entry.get("published"),
            headline=html_to_text(entry.get("title", "")) or body[:120],
            body=body,
            language=language,
            provider=parsed.feed.get("title"),
            subjects=[t.get("term") for t in entry.get("tags", []) if t.get("term")],
            source_format=FORMAT,
            received_at=received_at,
        ))
    if not stories:
        raise MissingContent("feed has no entry with text", code="no_text", format_guess=FORMAT)
    return stories
