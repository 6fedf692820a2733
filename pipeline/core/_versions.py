"""Which version of a story wins (pure logic; the agent keeps the marks in a Faust table).

A story family is identified by its ``uri``. Versions are ordered by ``version_created`` when both
sides have it (Reuters' version numbers are opaque), then by ``version``. An older or equal version
is a duplicate and is dropped; a newer one supersedes; a newer ``canceled``/``withheld`` one kills.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Generic, Mapping, TypeVar

from ._records import EnrichedStory, Story

__all__ = ["latest_only", "Verdict", "judge", "mark", "is_kill", "VersionGate", "GatedBatch"]


class Verdict(enum.Enum):
    NEW = "new"
    SUPERSEDES = "supersedes"
    DUPLICATE = "duplicate"  # the same version again (a retry or a replay)
    STALE = "stale"  # an older version arriving late


def latest_only(accepted: list[Story]) -> tuple[list[Story], list[Story]]:
    """Of the versions one batch accepted (each newer than the last accepted for its uri), the last per
    uri, in order, and the ones it supersedes. A batch then carries one record per story: a v1 and its kill
    (or v2) in one batch cannot be sent in the wrong order, since only the kill (v2) goes on."""
    last = {story.uri: story for story in accepted}
    kept = [s for s in accepted if last[s.uri] is s]
    return kept, [s for s in accepted if last[s.uri] is not s]


def is_kill(story: Story) -> bool:
    return story.pubstatus in ("canceled", "withheld")


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    for parse in (datetime.fromisoformat,):
        try:
            moment = parse(text)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=None)
    return None


def _key(version: int, version_created: str | None) -> tuple:
    moment = _instant(version_created)
    stamp = moment.timestamp() if moment is not None and moment.tzinfo else None
    return stamp, version


def mark(story: Story | EnrichedStory) -> dict[str, Any]:
    """What the table remembers of the latest version seen (a Story or the EnrichedStory made from it)."""
    return {"version": story.version, "version_created": story.version_created, "pubstatus": story.pubstatus}


def judge(previous: Mapping[str, Any] | None, story: Story) -> Verdict:
    if previous is None:
        return Verdict.NEW
    old_stamp, old_version = _key(previous.get("version", 0), previous.get("version_created"))
    new_stamp, new_version = _key(story.version, story.version_created)
    if old_stamp is not None and new_stamp is not None and old_stamp != new_stamp:
        return Verdict.SUPERSEDES if new_stamp > old_stamp else Verdict.STALE
    if new_version > old_version:
        return Verdict.SUPERSEDES
    if new_version < old_version:
        return Verdict.STALE
    if is_kill(story) and previous.get("pubstatus") == "usable":
        return Verdict.SUPERSEDES  # a kill reusing the version number still retracts
    return Verdict.DUPLICATE


E = TypeVar("E")  # what carries a story (the agent's Kafka event), passed through untouched


@dataclass
class GatedBatch(Generic[E]):
    """What the enrich stage does with one batch: ``kills`` to send as they are, ``pairs`` (carrier,
    story) to enrich, ``dropped`` (why, story) — a duplicate, a stale version, or one superseded in the same
    batch —, and ``accepted``, the marks this batch holds in flight until it is finished."""

    kills: list[Story] = field(default_factory=list)
    pairs: list[tuple[E, Story]] = field(default_factory=list)
    dropped: list[tuple[str, Story]] = field(default_factory=list)
    accepted: dict[str, dict] = field(default_factory=dict)


class VersionGate:
    """The enrich stage's version bookkeeping, with two batches in flight (pure: the agent passes the
    table's marks in as ``stored``). A story is judged against the newest mark of its uri — accepted
    earlier in this batch, held by a batch still in flight, or stored — so versions only go forward
    across batches; within a batch only the last version per uri goes on (a v1 and its kill: only the
    kill). :meth:`finished` forgets a finished batch's in-flight marks that no later batch replaced."""

    def __init__(self) -> None:
        self.inflight: dict[str, dict] = {}

    def admit(self, items: list[tuple[E, Story]], stored: Callable[[str], Mapping[str, Any] | None]) -> GatedBatch[E]:
        batch: GatedBatch[E] = GatedBatch()
        taken: list[tuple[E, Story]] = []
        for carrier, story in items:
            verdict = judge(batch.accepted.get(story.uri) or self.inflight.get(story.uri) or stored(story.uri), story)
            if verdict in (Verdict.DUPLICATE, Verdict.STALE):
                batch.dropped.append((verdict.value, story))
            else:
                taken.append((carrier, story))
                batch.accepted[story.uri] = mark(story)
        kept, superseded = latest_only([story for _, story in taken])
        batch.dropped += [("superseded", story) for story in superseded]
        keep = {id(story) for story in kept}
        batch.kills = [story for _, story in taken if id(story) in keep and is_kill(story)]
        batch.pairs = [(c, story) for c, story in taken if id(story) in keep and not is_kill(story)]
        self.inflight.update(batch.accepted)
        return batch

    def finished(self, batch: GatedBatch) -> None:
        for uri, marked in batch.accepted.items():
            if self.inflight.get(uri) is marked:  # not replaced by a later batch's version
                del self.inflight[uri]
