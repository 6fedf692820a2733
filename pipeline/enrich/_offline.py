"""``wirewatch enrich``: the broker-free enrichment path (the evaluation contract).

Input: ninjs JSON lines (``{"uri": …, "body_text": …}`` one per line), or with ``--format text``
each file is one plain-text story. Output: one EnrichedStory JSON per line, in input order.
The code path is the agent's: :func:`~pipeline.parsing.parse_raw` then :meth:`Enricher.enrich`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Sequence

from ..core import ParseError, Story, dumps
from ..parsing import parse_raw
from ._enricher import Enricher

__all__ = ["read_messages", "enrich_stream", "Failure"]


@dataclass
class Failure:
    where: str
    reason: str
    message: str


def _is_json_lines(data: bytes) -> bool:
    lines = [ln for ln in data.splitlines() if ln.strip()]
    return bool(lines) and all(ln.lstrip()[:1] == b"{" for ln in lines)


def read_messages(sources: Sequence[tuple[str, BinaryIO]], fmt: str) -> Iterator[tuple[str, bytes]]:
    """Yield ``(where, raw message)``: one per JSON line, or one per file for plain text."""
    for name, handle in sources:
        data = handle.read()
        if fmt in ("ninjs", "jsonl") or (fmt == "auto" and _is_json_lines(data)):
            for number, line in enumerate(data.splitlines(), 1):
                if line.strip():
                    yield f"{name}:{number}", line
        else:
            yield name, data


def enrich_stream(
    messages: Iterator[tuple[str, bytes]],
    enricher: Enricher,
    out: BinaryIO,
    *,
    fmt: str = "auto",
    batch_size: int = 64,
    progress: bool | None = None,
) -> tuple[int, list[Failure]]:
    """Enrich every message, writing JSON lines to ``out`` in input order. Returns (written, failures)."""
    from tqdm import tqdm

    parse_fmt = "ninjs" if fmt == "jsonl" else fmt
    failures: list[Failure] = []
    written = 0
    batch: list[Story] = []
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(desc="enriching", unit="story", file=sys.stderr, disable=not show)

    def flush() -> None:
        nonlocal written
        for result in enricher.enrich(batch, batch_size=batch_size):
            out.write(dumps(result) + b"\n")
            written += 1
        bar.update(len(batch))
        batch.clear()

    for where, data in messages:
        try:
            batch.extend(parse_raw(data, format=parse_fmt))
        except ParseError as exc:
            failures.append(Failure(where, exc.code, str(exc)))
            continue
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    bar.close()
    out.flush()
    return written, failures
