"""Legacy character-stream wires: ANPA-1312 (AP, US agencies) and IPTC 7901 (dpa, European agencies).

Both frame a story with control characters (SOH … STX body ETX) and carry no globally unique id:
the uri is a **heuristic** — ``urn:wirewatch:anpa:<selector/keyword>:<hash of header+headline>`` —
stable across retransmissions of the same story but not across corrections.
"""

from __future__ import annotations

import hashlib
import re

from ..core import MissingContent, Story
from ._common import first_line

__all__ = ["parse_anpa", "parse_iptc7901", "decode_legacy"]

SOH, STX, ETX, SYN = "\x01", "\x02", "\x03", "\x16"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_legacy(data: bytes) -> str:
    """These wires predate UTF-8: try it, then Windows-1252 (a superset of Latin-1 for text)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _uri(kind: str, key: str, header: str, headline: str) -> str:
    digest = hashlib.sha256(f"{header}|{headline}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-")[:40] or "story"
    return f"urn:wirewatch:{kind}:{slug}:{digest}"


def _paragraphs(lines: list[str]) -> str:
    paragraphs, current = [], []
    for line in lines:
        stripped = line.strip()
        if not stripped or line.startswith(("\t", "   ")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
        if stripped:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(p for p in paragraphs if p)


def parse_anpa(text: str, received_at: str) -> list[Story]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, _, rest = text.partition(STX)
    body_part = rest.split(ETX, 1)[0]
    header_clean = _CONTROL.sub(" ", header).strip()
    keyword = next((w for w in header_clean.split() if w.startswith("BC-") or "--" in w), header_clean[:20])
    headline, content = "", []
    for line in body_part.split("\n"):
        line = _CONTROL.sub("", line)
        if line.startswith("^"):  # header fields: keyword line, headline, eds notes, byline
            value = line[1:].rstrip("<=").strip()
            if not headline and value and value.upper() != "END" \
                    and not value.startswith(("BC-", "AP Photo", "Eds:", "By ", "Associated Press")) \
                    and not re.match(r"^[A-Za-z]{2}-", value):
                headline = value
            continue
        content.append(line.replace("``", "“").replace("''", "”"))
    body = _paragraphs(content)
    body = re.sub(r"\s+(?:_|\(END\)|AP-WF-\S+|\d{2}-\d{2}-\d{2} \d{4}\w*)$", "", body).strip()
    if not body:
        raise MissingContent("ANPA message has no story text between STX and ETX (only header lines, "
                             "e.g. a headline digest)", code="no_text", format_guess="anpa")
    headline = headline or first_line(body)
    return [Story(uri=_uri("anpa", keyword, header_clean, headline), version=1, headline=headline, body=body,
                  provider="AP" if "(AP)" in body[:300] else None, source_format="anpa", received_at=received_at)]


def parse_iptc7901(text: str, received_at: str) -> list[Story]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, _, rest = text.partition(STX)
    body_part = rest.split(ETX, 1)[0]
    header_lines = [_CONTROL.sub(" ", ln).strip() for ln in header.split("\n") if _CONTROL.sub("", ln).strip()]
    service = header_lines[0] if header_lines else ""
    keyword = header_lines[1].rstrip("/") if len(header_lines) > 1 else service.split()[0] if service else ""
    lines = [_CONTROL.sub("", ln) for ln in body_part.split("\n")]
    headline = ""
    while lines and not lines[0].strip():
        lines.pop(0)
    ends = [i for i, ln in enumerate(lines[:4]) if ln.rstrip().endswith("=")]
    if ends:  # the headline runs to the first line ending in "=" (it may wrap)
        headline = " ".join(ln.strip() for ln in lines[:ends[0] + 1]).rstrip("=").strip()
        del lines[:ends[0] + 1]
    body = _paragraphs(lines)
    if not body:
        raise MissingContent("IPTC 7901 message has no text between STX and ETX", code="no_text",
                             format_guess="iptc7901")
    provider = next((w for w in service.split()
                     if w.isalpha() and w.islower() and len(w) <= 5 and w not in ("i", "s", "r")), None)
    return [Story(uri=_uri("iptc7901", keyword, service, headline or body[:80]), version=1,
                  headline=headline or first_line(body), body=body, provider=provider,
                  source_format="iptc7901", received_at=received_at)]
