"""Helpers shared by the format parsers."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

__all__ = ["content_uri", "utc_now_iso", "first_line"]


def content_uri(scheme: str, text: str) -> str:
    """A stable uri derived from the content, for formats that carry no identifier."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return f"urn:wirewatch:{scheme}:{digest}"


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line, cut at ``limit`` characters on a word boundary."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            if len(line) <= limit:
                return line
            cut = line[:limit].rsplit(" ", 1)[0]
            return cut + "…"
    return ""
