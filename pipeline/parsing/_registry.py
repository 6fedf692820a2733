"""Format registry, auto-detection and the post-processing every story gets.

``parse_raw(bytes) -> list[Story]``: one wire message may carry several stories (a NewsML-G2
newsMessage, a feed, a ninjs list). Anything that is not a story wirewatch can analyse raises a
:class:`~pipeline.ParseError` with a stable ``code`` (documented in the README).
"""

from __future__ import annotations

import re
from typing import Callable

import orjson

from ..core import InputTooLarge, MalformedInput, ParseError, Story, UnsupportedFormat
from ._apmedia import is_apmedia, parse_apmedia
from ._common import first_line, parse_dateline, utc_now_iso
from ._digitalwires import is_digitalwires, parse_digitalwires
from ._feed import parse_feed
from ._html import html_to_text
from ._language import detect_language
from ._legacy import decode_legacy, parse_anpa, parse_iptc7901
from ._newsml1 import parse_newsml1
from ._newsmlg2 import parse_newsmlg2
from ._ninjs import ninjs_items, parse_ninjs
from ._nitf import parse_nitf
from ._text import parse_text
from ._xml import local, parse_xml

__all__ = ["FORMATS", "detect_format", "parse_raw"]

DEFAULT_MAX_BYTES = 1_048_576
_G2_NON_STORIES = {"conceptItem", "packageItem", "planningItem", "knowledgeItem", "catalogItem", "catalog"}
_FEED_ROOTS = {"rss", "feed", "RDF"}
_ANPA_HEAD = re.compile(rb"^\x16\x16\x01[A-Za-z]\d{4}")  # SYN SYN SOH + selector/sequence
_IPTC7901_HEAD = re.compile(rb"^\x01[A-Za-z]{2,4}\d{2,5}\s+\d")  # SOH + service id + priority


def _decode_utf8(data: bytes, fmt: str, truncated_code: str | None = None) -> str:
    """The text of ``data``; a message cut inside its last character raises ``truncated_code`` when given
    (a truncated JSON document is bad JSON, not a text in another encoding)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if truncated_code and exc.end == len(data) and exc.reason == "unexpected end of data":
            raise MalformedInput(
                f"message ends inside a UTF-8 character (byte {exc.start} of {len(data)}): it was cut short; "
                "send the whole document", code=truncated_code, format_guess=fmt,
            ) from None
        raise MalformedInput(
            f"message is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
            "re-encode it as UTF-8 before ingesting",
            code="invalid_utf8", format_guess=fmt,
        ) from None
    return text.removeprefix("\ufeff")


def _json(data: bytes, fmt: str) -> object:
    text = _decode_utf8(data, fmt, truncated_code="bad_json")
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedInput(f"not valid JSON: {exc}", code="bad_json", format_guess=fmt) from None


# -- one function per format: bytes → stories -------------------------------------------------------
def _ninjs(data: bytes, received_at: str) -> list[Story]:
    from ._ninjs_schema import validate_ninjs

    stories = []
    for item in ninjs_items(_json(data, "ninjs")):
        story = parse_ninjs(item, received_at=received_at)  # our typed checks first: precise reasons
        validate_ninjs(item)
        stories.append(story)
    if not stories:
        raise MalformedInput("empty list: no ninjs items", code="no_items", format_guess="ninjs")
    return stories


def _json_format(recognise: Callable[[object], bool], parser: Callable, fmt: str, what: str
                 ) -> Callable[[bytes, str], list[Story]]:
    def parse(data: bytes, received_at: str) -> list[Story]:
        doc = _json(data, fmt)
        if not recognise(doc):
            raise MalformedInput(f"not {what}", code="wrong_format", format_guess=fmt)
        return parser(doc, received_at)
    return parse


def _xml_format(expected: set[str], parser: Callable, fmt: str) -> Callable[[bytes, str], list[Story]]:
    def parse(data: bytes, received_at: str) -> list[Story]:
        root = parse_xml(data, fmt)
        if local(root) not in expected:
            raise MalformedInput(f"root element <{local(root)}> is not {fmt} ({', '.join(sorted(expected))})",
                                 code="wrong_format", format_guess=fmt)
        return parser(root, received_at)
    return parse


def _feed(data: bytes, received_at: str) -> list[Story]:
    parse_xml(data, "feed")  # the hardened parser vets the document before feedparser reads it
    return parse_feed(data, received_at)


def _anpa(data: bytes, received_at: str) -> list[Story]:
    return parse_anpa(decode_legacy(data), received_at)


def _iptc7901(data: bytes, received_at: str) -> list[Story]:
    return parse_iptc7901(decode_legacy(data), received_at)


def _text(data: bytes, received_at: str) -> list[Story]:
    text = _decode_utf8(data, "text")
    if _looks_binary(text):
        raise UnsupportedFormat("message looks like binary data, not text", code="binary", format_guess="binary")
    return [parse_text(text, received_at=received_at)]


#: format name → parser(bytes, received_at) → stories
FORMATS: dict[str, Callable[[bytes, str], list[Story]]] = {
    "ninjs": _ninjs,
    "dpa-digitalwires": _json_format(is_digitalwires, parse_digitalwires, "dpa-digitalwires",
                                     'a dpa digitalwires entry (no "format": "digitalwires@…")'),
    "ap-media": _json_format(is_apmedia, parse_apmedia, "ap-media", "an AP Media API document (no api_version/data)"),
    "newsml-g2": _xml_format({"newsItem", "newsMessage"}, parse_newsmlg2, "newsml-g2"),
    "nitf": _xml_format({"nitf"}, parse_nitf, "nitf"),
    "newsml-1.2": _xml_format({"NewsML"}, parse_newsml1, "newsml-1.2"),
    "feed": _feed,
    "anpa": _anpa,
    "iptc7901": _iptc7901,
    "text": _text,
}


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in sample or controls / len(sample) > 0.05


def detect_format(data: bytes) -> str:
    """Name the format of a raw message from its bytes. Raises for what no parser reads."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    start = data.lstrip(b"\xef\xbb\xbf")[:8]
    if _ANPA_HEAD.match(start):
        return "anpa"
    if _IPTC7901_HEAD.match(data.lstrip(b"\xef\xbb\xbf")[:24]):
        return "iptc7901"
    if head in (b"{", b"["):
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            return "ninjs"  # the ninjs parser reports the JSON error precisely
        if is_digitalwires(doc):
            return "dpa-digitalwires"
        if is_apmedia(doc):
            return "ap-media"
        return "ninjs"
    if head == b"<":
        root_name = local(parse_xml(data))
        if root_name in ("newsItem", "newsMessage"):
            return "newsml-g2"
        if root_name == "nitf":
            return "nitf"
        if root_name == "NewsML":
            return "newsml-1.2"
        if root_name in _FEED_ROOTS:
            return "feed"
        if root_name in _G2_NON_STORIES:
            raise UnsupportedFormat(f"NewsML-G2 {root_name} carries no news story (only newsItem/newsMessage)",
                                    code="not_a_story", format_guess="newsml-g2")
        raise UnsupportedFormat(
            f"XML with root <{root_name}> is not a wire format wirewatch reads "
            "(NewsML-G2 newsItem/newsMessage, NITF, NewsML 1.2, RSS/Atom)",
            format_guess="xml",
        )
    return "text"


_ESCAPED_HTML = re.compile(r"</?(?:p|br|div|b|i)\b[^>]*>", re.I)


def _finish(story: Story) -> Story:
    """What every story gets whatever its format: markup-free text, a language, a dateline if the body
    starts with one. (Plain-text bodies are never rewritten: offsets must match the input.)"""
    if story.source_format != "text" and _ESCAPED_HTML.search(story.body):
        story.body = html_to_text(story.body)  # HTML escaped inside XML text (ANSA, ANA)
    if not story.language:
        story.language = detect_language(f"{story.headline}\n{story.body}")
    if story.dateline is None:
        story.dateline = parse_dateline(story.body)
    if not story.headline.strip():
        story.headline = first_line(story.body)
    return story


def parse_raw(
    data: bytes,
    *,
    format: str = "auto",
    received_at: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[Story]:
    """Normalise one raw wire message into the stories it carries (usually one).

    Raises a :class:`~pipeline.ParseError` subclass with a stable ``code`` for anything that is not
    a story wirewatch can analyse; callers turn it into a dead letter.
    """
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"message is {len(data):,} bytes, more than the limit of {max_bytes:,} "
            "(raise WIREWATCH_MAX_MESSAGE_BYTES if such stories are legitimate)"
        )
    fmt = detect_format(data) if format == "auto" else format
    parser = FORMATS.get(fmt)
    if parser is None:
        raise UnsupportedFormat(f"unknown format {fmt!r}; known formats: auto, {', '.join(sorted(FORMATS))}",
                                format_guess=fmt)
    try:
        stories = parser(data, received_at or utc_now_iso())
    except ParseError as exc:
        if exc.format_guess is None:
            exc.format_guess = fmt
        raise
    except RecursionError:
        raise MalformedInput("document is nested too deeply", code="too_deep", format_guess=fmt) from None
    return [_finish(s) for s in stories]
