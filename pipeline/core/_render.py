"""Human-readable one-line renderings of records for the terminal."""

from __future__ import annotations

import base64

from ._errors import REASONS
from ._records import Alert, DeadLetter, EnrichedStory

__all__ = ["render_alert", "render_dead_letter", "render_enriched"]


def _places(places) -> str:
    return ", ".join(f"{p.name or p.text} ({p.country_code or '?'})" for p in places) or "-"


def render_alert(alert: Alert) -> str:
    event = f" {alert.event.type}@{alert.event.place.text if alert.event.place else '?'}" if alert.event else ""
    rule = f"rule={alert.rule_id}{event} " if alert.rule_id else ""
    level = alert.severity if alert.severity is not None else "-"
    at = alert.location
    where = f"      at: {at.name or '?'} ({at.lat:.2f}, {at.lon:.2f}; {at.source})\n" if at is not None else ""
    evidence = f"      evidence: {_marked(alert)}\n" if alert.evidence else ""
    return (
        f"ALERT [{alert.region_id}] {alert.headline!r}\n"
        f"      {rule}severity={level}\n"
        f"      status={alert.status} story={alert.story_uri} v{alert.story_version}\n"
        f"      places: {_places(alert.places)}\n"
        + where
        + evidence
        + f"      why: {'; '.join(alert.match_reasons)}"
    )


def _marked(alert: Alert) -> str:
    """The evidence sentence on one line, its trigger words in [brackets]."""
    text, trigger = alert.evidence or "", alert.evidence_trigger
    if trigger is not None and 0 <= trigger.start < trigger.end <= len(text):
        text = f"{text[:trigger.start]}[{text[trigger.start:trigger.end]}]{text[trigger.end:]}"
    return " ".join(text.split())


def render_dead_letter(letter: DeadLetter) -> str:
    preview = base64.b64decode(letter.original_base64)[:80].decode("utf-8", "replace").replace("\n", " ")
    known = REASONS.get(letter.reason)
    return (
        f"DEAD LETTER [{letter.stage}:{letter.reason}] {letter.message}\n"
        + (f"      what to do: {known.fix}\n" if known else "")
        + f"      original ({letter.original_size} bytes): {preview!r}"
    )


def render_enriched(story: EnrichedStory) -> str:
    return f"ENRICHED {story.uri} v{story.version} {story.headline!r}\n      places: {_places(story.places)}"
