"""Plain text: the whole message is the body, character for character."""

from __future__ import annotations

from ..core import MissingContent, Story
from ._common import content_uri, first_line

__all__ = ["parse_text"]


def parse_text(text: str, *, received_at: str) -> Story:
    if not text.strip():
        raise MissingContent("the message is empty or only white space: nothing to analyse", code="empty")
    return Story(
        uri=content_uri("text", text),
        version=1,
        headline=first_line(text),
        body=text,
        source_format="text",
        received_at=received_at,
    )
