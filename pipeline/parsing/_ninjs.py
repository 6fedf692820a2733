"""IPTC ninjs 1.x, 2.x and 3.x (JSON), plus the shapes seen in the wild: Superdesk's ``guid`` for
``uri``, a wrapper ``{"item": …}`` (one item or a list), and a bare list of items. Validation against
the IPTC schemas is :mod:`pipeline.parsing._ninjs_schema`'s job; this module only reads."""

from __future__ import annotations

from typing import Any

from ..core import Dateline, MalformedInput, MissingContent, Story
from ._common import first_line, normalize_pubstatus, normalize_signal, version_number
from ._html import html_to_text

__all__ = ["parse_ninjs", "ninjs_items"]

FORMAT = "ninjs"


def _get(item: dict[str, Any], *names: str) -> Any:
    """First present field among ``names`` (ninjs 3 renamed many to camelCase)."""
    for name in names:
        if item.get(name) is not None:
            return item[name]
    return None


def _str(item: dict[str, Any], *names: str) -> str | None:
    value = _get(item, *names)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedInput(f"ninjs field {names[0]!r} must be a string, got {type(value).__name__}",
                             code="wrong_type", format_guess=FORMAT)
    return value


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    out = []
    for entry in value:
        name = entry if isinstance(entry, str) else entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, dict):  # ninjs 3 allows {"en": "…"} maps
            name = next((v for v in name.values() if isinstance(v, str)), None)
        if isinstance(name, str) and name and name not in out:
            out.append(name)
    return out


def _role_value(entries: Any, preferred: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(value, contentType) from a ninjs 3 list of {role, contentType, value}."""
    if not isinstance(entries, list):
        return None, None
    usable = [e for e in entries if isinstance(e, dict) and isinstance(e.get("value"), str)]
    for role in preferred:
        for e in usable:
            if e.get("role", "") == role:
                return e["value"], e.get("contentType") or e.get("contenttype")
    if usable:
        return usable[0]["value"], usable[0].get("contentType") or usable[0].get("contenttype")
    return None, None


def _body(item: dict[str, Any]) -> str | None:
    text = _str(item, "body_text")
    if text is not None:
        return text
    for key in ("body_html", "body_xhtml", *sorted(k for k in item if k.startswith("body_") and k != "body_text")):
        html = _str(item, key)
        if html is not None:
            return html_to_text(html)
    value, ctype = _role_value(item.get("bodies"), ("text", "", "html", "richtext"))
    if value is not None:
        return html_to_text(value) if ctype and "html" in ctype else value
    desc = _str(item, "description_text")
    if desc is not None:
        return desc
    value, ctype = _role_value(item.get("descriptions"), ("summary", "", "caption"))
    if value is not None:
        return html_to_text(value) if ctype and "html" in ctype else value
    return None


def _headline(item: dict[str, Any]) -> str | None:
    head = _str(item, "headline")
    if head:
        return head
    value, _ = _role_value(item.get("headlines"), ("main", ""))
    return value


def _provider(item: dict[str, Any]) -> str | None:
    for key in ("copyrightholder", "copyrightHolder", "provider", "source"):
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return value["name"]
    return None


def _signals(item: dict[str, Any]) -> list[str]:
    raw = _get(item, "signals", "signal")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    out = []
    for s in raw:
        code = s if isinstance(s, str) else (s.get("uri") or s.get("name")) if isinstance(s, dict) else None
        if isinstance(code, str) and code:
            out.append(normalize_signal(code))
    return out


def ninjs_items(document: Any) -> list[Any]:
    """The items of a ninjs document: one object, a list, or a ``{"item": …}`` wrapper."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and "item" in document and not ({"uri", "guid"} & document.keys()):
        inner = document["item"]
        return inner if isinstance(inner, list) else [inner]
    return [document]


def parse_ninjs(item: Any, *, received_at: str) -> Story:
    if not isinstance(item, dict):
        raise MalformedInput(f"a ninjs item must be a JSON object, got {type(item).__name__}",
                             code="wrong_type", format_guess=FORMAT)
    uri = _str(item, "uri", "guid")
    if not uri:
        raise MissingContent("ninjs item has no 'uri': every story needs a stable identifier",
                             code="missing_uri", format_guess=FORMAT)
    body = _body(item)
    pubstatus = normalize_pubstatus(_str(item, "pubstatus", "pubStatus"))
    if (body is None or not body.strip()) and pubstatus != "usable":
        body = ""  # a kill or withhold passes through without text
    elif body is None or not body.strip():
        kind = item.get("type") or "unknown type"
        raise MissingContent(
            f"ninjs item ({kind}) has no text (no body_text, body_html, bodies or description); "
            "items without text, such as pictures, are not enriched",
            code="no_text", format_guess=FORMAT,
        )
    located = item.get("located")
    places = _names(_get(item, "place", "places"))
    if isinstance(located, str) and located and located not in places:
        places.insert(0, located)
    language = item.get("language")
    return Story(
        uri=uri,
        version=version_number(item.get("version"), FORMAT),
        version_created=_str(item, "versioncreated", "versionCreated"),
        pubstatus=pubstatus,
        headline=_headline(item) or first_line(body),
        body=body,
        language=language if isinstance(language, str) and language else None,
        provider=_provider(item),
        subjects=_names(_get(item, "subject", "subjects")),
        place_hints=places,
        signals=_signals(item),
        dateline=Dateline(text=located, place=located) if isinstance(located, str) and located else None,
        source_format=FORMAT,
        received_at=received_at,
    )
