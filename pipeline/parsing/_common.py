"""Helpers shared by the format parsers."""

from __future__ import annotations

import hashlib
import re

from ..core import Dateline, MalformedInput, utc_now_iso

__all__ = [
    "content_uri", "utc_now_iso", "first_line", "parse_dateline", "normalize_signal", "normalize_pubstatus",
    "version_number",
]


def content_uri(scheme: str, text: str) -> str:
    """A stable uri derived from the content, for formats that carry no identifier."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    return f"urn:wirewatch:{scheme}:{digest}"


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


# "BAGHDAD (AP) —", "Waghäusel (dpa) - ", "ACCRA, Nov 22 (Reuters) -", "HELSINKI (STT) –", "LONDON, June 5 —"
_DATELINE = re.compile(
    r"""^\s*
    (?P<text>(?P<place>[A-ZÀ-ÞĀ-Ž][\w.'’\- ]{1,40}?)(?:,\s*[^\n()—–]{1,40}?)?)
    \s*(?:\((?P<agency>[^)\n]{1,30})\))?
    \s*(?:—|–|--|-|_|:)\s+""",
    re.X,
)


def parse_dateline(body: str) -> Dateline | None:
    """Dateline from the body's first paragraph (after a byline), when it starts like one: it needs an
    agency in parentheses or an upper-case place."""
    head = body[:400]
    first, _, rest = head.partition("\n")
    if re.match(r"^\s*By\s", first) and rest:
        head = rest.lstrip()
    m = _DATELINE.match(head[:200])
    if not m:
        return None
    place = m.group("place").strip()
    if not m.group("agency") and not (place.isupper() and len(place) > 2):
        return None  # "Officials said - …" is not a dateline; "BAGHDAD —" and "Waghäusel (dpa) -" are
    text = m.group(0).strip().rstrip("—–-_:").strip()
    if place.lower().startswith("by "):  # a byline on the same line: "By Jane Roe. BOSTON (Reuters)"
        runs = [r for r in _CAPS_RUN.finditer(m.group("text")) if sum(c.isalpha() for c in r.group(1)) > 2]
        if not runs:
            return None
        place, text = runs[-1].group(1).strip(), text[runs[-1].start(1):]
    return Dateline(text=text, place=place.title() if place.isupper() else place)


#: A run of upper-case words ("BOSTON", "NEW YORK", "ST. LOUIS")
_CAPS_RUN = re.compile(r"(?:^|(?<=[\s.,]))((?:[A-ZÀ-ÞĀ-Ž][A-ZÀ-ÞĀ-Ž.'’\-]+(?:\s|$)){1,4})")


_SIGNALS = {
    "update": "update", "correction": "correction", "corrected": "correction", "kill": "kill",
    "withhold": "withhold", "advisory": "advisory", "embargo": "embargo",
    # Reuters editorial status
    "edstat:c": "correction", "edstat:u": "update", "edstat:d": "delete", "edstat:w": "withhold",
    "edstat:n": "new", "edstat:a": "advisory",
}


def normalize_signal(qcode: str) -> str:
    """``sig:correction`` → correction, ``edStat:C`` → correction; unknown qcodes are kept as given."""
    key = qcode.strip().lower()
    if key in _SIGNALS:
        return _SIGNALS[key]
    short = key.split(":", 1)[-1]
    if key.startswith(("sig:", "signal:")) and short in _SIGNALS:
        return _SIGNALS[short]
    return qcode.strip()


def normalize_pubstatus(value: str | None) -> str:
    """``stat:canceled``, ``Canceled``, ``canceled`` → canceled; absent → usable."""
    if not value:
        return "usable"
    v = value.strip().lower().split(":")[-1]
    if v in ("usable", "withheld", "canceled"):
        return v
    if v in ("cancelled", "kill", "killed", "deleted"):
        return "canceled"
    if v in ("withhold",):
        return "withheld"
    return "usable"


def version_number(value: object, format_guess: str) -> int:
    """A version as an int (numeric strings allowed); absent → 1."""
    if value is None or value == "":
        return 1
    if isinstance(value, bool):
        raise MalformedInput("version must be a number", code="wrong_type", format_guess=format_guess)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise MalformedInput(f"version must be a number or numeric string, got {value!r}", code="wrong_type",
                         format_guess=format_guess)
