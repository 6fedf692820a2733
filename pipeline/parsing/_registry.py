"""Format registry and auto-detection."""

from __future__ import annotations

from typing import Callable

import orjson

from .._errors import InputTooLarge, MalformedInput, ParseError, UnsupportedFormat
from .._records import Story
from ._common import utc_now_iso
from ._ninjs import parse_ninjs
from ._text import parse_text

__all__ = ["FORMATS", "detect_format", "parse_raw"]

DEFAULT_MAX_BYTES = 1_048_576


def _ninjs(text: str, received_at: str) -> Story:
    try:
        item = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedInput(f"not valid JSON: {exc}", code="bad_json", format_guess="ninjs") from None
    return parse_ninjs(item, received_at=received_at)


def _text(text: str, received_at: str) -> Story:
    return parse_text(text, received_at=received_at)


#: format name → parser(text, received_at) → Story
FORMATS: dict[str, Callable[[str, str], Story]] = {"ninjs": _ninjs, "text": _text}


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput(
            f"message is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
            "re-encode it as UTF-8 before ingesting",
            code="invalid_utf8",
        ) from None
    return text.removeprefix("\ufeff")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in sample or controls / len(sample) > 0.05


def detect_format(text: str) -> str:
    """Guess the format of decoded message text. Raises :class:`UnsupportedFormat` for the rest."""
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "ninjs"
    if head == "<":
        raise UnsupportedFormat(
            "XML wire formats (NewsML-G2, NITF, NewsML 1.2, RSS/Atom) are not parsed yet; "
            "send ninjs JSON or plain text",
            format_guess="xml",
        )
    if _looks_binary(text):
        raise UnsupportedFormat("message looks like binary data, not text", code="binary", format_guess="binary")
    return "text"


def parse_raw(
    data: bytes,
    *,
    format: str = "auto",
    received_at: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Story:
    """Normalise one raw wire message into a :class:`Story`.

    Raises a :class:`~pipeline.ParseError` subclass with a stable ``code`` for anything that is not
    a story wirewatch can analyse; callers turn it into a dead letter.
    """
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"message is {len(data):,} bytes, more than the limit of {max_bytes:,} "
            "(raise WIREWATCH_MAX_MESSAGE_BYTES if such stories are legitimate)"
        )
    text = _decode(data)
    fmt = detect_format(text) if format == "auto" else format
    parser = FORMATS.get(fmt)
    if parser is None:
        raise UnsupportedFormat(
            f"unknown format {fmt!r}; known formats: auto, {', '.join(sorted(FORMATS))}", format_guess=fmt
        )
    try:
        return parser(text, received_at or utc_now_iso())
    except ParseError as exc:
        if exc.format_guess is None:
            exc.format_guess = fmt
        raise
