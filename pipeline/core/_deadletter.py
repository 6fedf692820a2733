"""Building dead letters: the original bytes, where they came from, and why they were rejected."""

from __future__ import annotations

import base64
import hashlib

from ._clock import utc_now_iso
from ._errors import DEAD_LETTER_STAGES
from ._errors import reason as registered
from ._records import DeadLetter

__all__ = ["dead_letter", "MAX_KEPT_BYTES"]

#: Originals up to this size are kept whole in the dead letter; larger ones keep a preview, their
#: SHA-256 and the source topic/partition/offset as the reference to the full message.
MAX_KEPT_BYTES = 256 * 1024
_PREVIEW_BYTES = 4096


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
    if stage not in DEAD_LETTER_STAGES:
        raise ValueError(f"unknown dead-letter stage {stage!r}; one of {', '.join(DEAD_LETTER_STAGES)}")
    reason = registered(reason).code
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="backslashreplace")
    truncated = len(original) > MAX_KEPT_BYTES
    kept = original[:_PREVIEW_BYTES] if truncated else original
    return DeadLetter(
        stage=stage,
        reason=reason,
        message=message,
        original_base64=base64.b64encode(kept).decode("ascii"),
        original_size=len(original),
        original_truncated=truncated,
        original_sha256=hashlib.sha256(original).hexdigest(),
        failed_at=utc_now_iso(),
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key,
        format_guess=format_guess,
    )
