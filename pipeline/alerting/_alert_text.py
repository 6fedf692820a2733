"""An alert in words, the same for every channel that writes to people (Slack, e-mail)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..core import Alert

__all__ = ["cut", "headline_line", "one_line", "web_link", "what"]


def one_line(text: str) -> str:
    """White space, line breaks included, as single spaces."""
    return " ".join(text.split())


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def what(alert: Alert) -> str:
    """``air_drone_strike@Boukamal`` — the event and its place — or the region, for an alert without an event."""
    if alert.event is not None:
        return f"{alert.event.type}@{alert.event.place.text if alert.event.place else '?'}"
    return alert.region_name or alert.region_id


def headline_line(alert: Alert) -> str:
    """``air_drone_strike@Boukamal · severity 4``, ``[retracted]`` first when the alert is not active."""
    severity = f"severity {alert.severity}" if alert.severity is not None else "no severity"
    status = "" if alert.status == "active" else f"[{alert.status}] "
    return one_line(f"{status}{what(alert)} · {severity}")


def web_link(uri: str) -> str | None:
    """The story uri when it is an http(s) address that can stand in a link, else ``None``."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https") and parts.netloc and not any(c in uri for c in "<>|\"' \t\r\n"):
        return uri
    return None
