"""The record a kill becomes downstream, and the fields every EnrichedStory takes over from its Story — no
spaCy needed (a worker whose NLP runs in a child process builds kills without importing it)."""

from __future__ import annotations

from ..core import EnrichedStory, Focus, Story, utc_now_iso

__all__ = ["common_fields", "killed"]


def common_fields(story: Story, model_name: str) -> dict:
    """The fields an EnrichedStory takes over from its Story."""
    return dict(
        uri=story.uri,
        version=story.version,
        version_created=story.version_created,
        pubstatus=story.pubstatus,
        headline=story.headline,
        body=story.body,
        language=story.language,
        provider=story.provider,
        source_format=story.source_format,
        enriched_at=utc_now_iso(),
        model=model_name,
    )


def killed(story: Story, model_name: str) -> EnrichedStory:
    """The downstream form of a kill: no analysis (no model needed), tagged ``kill``; later stages retract."""
    return EnrichedStory(**common_fields(story, model_name), entities=[], places=[], events=[], focus=Focus(),
                         tags=["kill"])
