"""IPTC ninjs (JSON). This first cut reads the fields common to ninjs 1.x–3.x;
schema validation and per-version details come with the ingest work (issue 02)."""

from __future__ import annotations

from typing import Any

from .._errors import MalformedInput, MissingContent
from .._records import Story
from ._common import first_line
from ._html import html_to_text

__all__ = ["parse_ninjs"]


def _str_field(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedInput(
            f"ninjs field {name!r} must be a string, got {type(value).__name__}", code="wrong_type", format_guess="ninjs"
        )
    return value


def _version(item: dict[str, Any]) -> int:
    value = item.get("version", 1)
    if isinstance(value, bool):
        raise MalformedInput("ninjs field 'version' must be a number or numeric string", code="wrong_type", format_guess="ninjs")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise MalformedInput(
        f"ninjs field 'version' must be a number or numeric string, got {value!r}", code="wrong_type", format_guess="ninjs"
    )


def _names(value: Any) -> list[str]:
    """Names from a ninjs list of objects (subject, place) or strings; anything else is ignored."""
    if not isinstance(value, list):
        return []
    out = []
    for entry in value:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append(entry["name"])
    return out


def _language(item: dict[str, Any]) -> str | None:
    lang = item.get("language")
    if isinstance(lang, str) and lang:
        return lang
    return None


def _provider(item: dict[str, Any]) -> str | None:
    for key in ("copyrightholder", "provider", "source"):
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return value["name"]
    return None


def parse_ninjs(item: Any, *, received_at: str) -> Story:
    if not isinstance(item, dict):
        raise MalformedInput(
            f"a ninjs item must be a JSON object, got {type(item).__name__}", code="wrong_type", format_guess="ninjs"
        )
    uri = _str_field(item, "uri")
    if not uri:
        raise MissingContent("ninjs item has no 'uri': every story needs a stable identifier", code="missing_uri", format_guess="ninjs")
    body = _str_field(item, "body_text")
    if body is None:
        html = _str_field(item, "body_html")
        if html is not None:
            body = html_to_text(html)
    if body is None:
        body = _str_field(item, "description_text")
    if body is None or not body.strip():
        raise MissingContent(
            "ninjs item has no text (no body_text, body_html or description_text); "
            "items without text, such as pictures, are not enriched",
            code="no_text",
            format_guess="ninjs",
        )
    headline = _str_field(item, "headline") or first_line(body)
    return Story(
        uri=uri,
        version=_version(item),
        version_created=_str_field(item, "versioncreated"),
        pubstatus=_str_field(item, "pubstatus") or "usable",
        headline=headline,
        body=body,
        language=_language(item),
        provider=_provider(item),
        subjects=_names(item.get("subject")),
        place_hints=_names(item.get("place")),
        source_format="ninjs",
        received_at=received_at,
    )
