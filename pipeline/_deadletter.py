"""Building dead letters: the original bytes, where they came from, and why they were rejected."""

from __future__ import annotations

import base64

from ._records import DeadLetter
from .parsing._common import utc_now_iso

__all__ = ["dead_letter"]


def dead_letter(
    *,
    stage: str,
    reason: str,
    message: str,
    original: bytes,
    source_topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
    format_guess: str | None = None,
) -> DeadLetter:
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="backslashreplace")
    return DeadLetter(
        stage=stage,
        reason=reason,
        message=message,
        original_base64=base64.b64encode(original).decode("ascii"),
        original_size=len(original),
        failed_at=utc_now_iso(),
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key,
        format_guess=format_guess,
    )
