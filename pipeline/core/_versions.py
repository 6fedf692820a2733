"""Which version of a story wins (pure logic; the agent keeps the marks in a Faust table).

A story family is identified by its ``uri``. Versions are ordered by ``version_created`` when both
sides have it (Reuters' version numbers are opaque), then by ``version``. An older or equal version
is a duplicate and is dropped; a newer one supersedes; a newer ``canceled``/``withheld`` one kills.

**Durable before visible.** A mark is written twice: *pending* (``"pending": true``), written to the table's
changelog and acknowledged by the broker **before** the output it covers is sent, then *final*, after that
output is acknowledged. After a crash, the table recovered from the changelog therefore knows every version
(or kill) whose output may be visible: a replay of an older version is stale and dropped, and a replay of
the pending version itself is sent again (:attr:`Verdict.REPLAY`: its output may never have left), never
dropped as a duplicate. A final mark is durable only once its output is.

**Retention.** A mark remembers when it was written (``seen``, processing time, epoch seconds); a mark older
than the retention window is forgotten (:class:`Retention`): a story seen again after it is new.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Generic, Iterable, Mapping, TypeVar

from ._records import EnrichedStory, Story

__all__ = ["latest_only", "Verdict", "judge", "mark", "pending", "is_kill", "Retention", "VersionGate", "GatedBatch"]


class Verdict(enum.Enum):
    NEW = "new"
    SUPERSEDES = "supersedes"
    DUPLICATE = "duplicate"  # the same version again (a retry or a replay)
    STALE = "stale"  # an older version arriving late
    REPLAY = "replay"  # the version of a pending mark again: its output may not have left before a crash


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


def mark(story: Story | EnrichedStory, now: float | None = None) -> dict[str, Any]:
    """What the table remembers of the latest version seen (a Story or the EnrichedStory made from it);
    with ``now``, when (``seen``, epoch seconds: what :class:`Retention` goes by)."""
    marked = {"version": story.version, "version_created": story.version_created, "pubstatus": story.pubstatus}
    if now is not None:
        marked["seen"] = now
    return marked


def pending(marked: Mapping[str, Any]) -> dict[str, Any]:
    """``marked`` as a pending mark: written durably before the output it covers is sent."""
    return {**marked, "pending": True}


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
    if previous.get("pending"):
        if is_kill(story) or previous.get("pubstatus") not in ("canceled", "withheld"):
            return Verdict.REPLAY  # the same version as a pending mark: send it again
        return Verdict.STALE  # a usable version reusing the number of a pending kill
    return Verdict.DUPLICATE


@dataclass(frozen=True)
class Retention:
    """How long the workers' tables remember a story (``window_s`` seconds since its entry was last
    written, processing time; 0 or less: for ever). Pure: the agents' timers delete what :meth:`expired`
    names, and judge against :meth:`live` entries only (an entry past the window and not yet deleted
    counts as gone)."""

    window_s: float

    def is_expired(self, entry: Any, now: float) -> bool:
        """Past the window. An entry without ``seen`` (written before marks were dated) never is: the sweep
        dates it (:meth:`expired`), so it goes one window later."""
        if self.window_s <= 0 or not isinstance(entry, Mapping):
            return False
        seen = entry.get("seen")
        return isinstance(seen, (int, float)) and now - seen > self.window_s

    def live(self, entry: Any, now: float) -> Any:
        """``entry``, or ``None`` once it is past the window."""
        return None if entry is None or self.is_expired(entry, now) else entry

    def expired(self, entries: Iterable[tuple[Any, Any]], now: float,
                date: Callable[[Any, float], Any] | None = None) -> tuple[list[Any], dict[Any, Any]]:
        """Of ``(key, entry)`` pairs, the keys to delete (past the window) and the entries to write again
        dated (``date(entry, now)``; default: ``seen`` added to a mapping) — undated ones, from before
        entries were dated. Empty when the window is off."""
        if self.window_s <= 0:
            return [], {}
        gone, dated = [], {}
        for key, entry in entries:
            if entry is None:
                continue
            if self.is_expired(entry, now):
                gone.append(key)
            elif not (isinstance(entry, Mapping) and isinstance(entry.get("seen"), (int, float))):
                stamped = (date or _dated)(entry, now)
                if stamped is not None:
                    dated[key] = stamped
        return gone, dated


def _dated(entry: Any, now: float) -> Any:
    return {**entry, "seen": now} if isinstance(entry, Mapping) else None


E = TypeVar("E")  # what carries a story (the agent's Kafka event), passed through untouched


@dataclass
class GatedBatch(Generic[E]):
    """What the enrich stage does with one batch: ``kills`` to send as they are, ``pairs`` (carrier,
    story) to enrich, ``dropped`` (why, story) — a duplicate, a stale version, or one superseded in the same
    batch —, ``accepted``, the marks this batch holds in flight until it is finished, and ``pending``: the
    same marks as pending marks, to write (and have acknowledged) before any of the batch's output is sent."""

    kills: list[Story] = field(default_factory=list)
    pairs: list[tuple[E, Story]] = field(default_factory=list)
    dropped: list[tuple[str, Story]] = field(default_factory=list)
    accepted: dict[str, dict] = field(default_factory=dict)
    pending: dict[str, dict] = field(default_factory=dict)


class VersionGate:
    """The enrich stage's version bookkeeping, with two batches in flight (pure: the agent passes the
    table's marks in as ``stored``). A story is judged against the newest mark of its uri — accepted
    earlier in this batch, held by a batch still in flight, or stored — so versions only go forward
    across batches; within a batch only the last version per uri goes on (a v1 and its kill: only the
    kill). A batch's ``pending`` marks go to the table (durably) before its output; :meth:`finished` names
    the final marks to write once the output is acknowledged — those no later batch replaced — and forgets
    the batch's in-flight marks. Stored marks past ``retention`` count as gone."""

    def __init__(self, retention: Retention | None = None) -> None:
        self.inflight: dict[str, dict] = {}
        self.retention = retention or Retention(0)

    def admit(self, items: list[tuple[E, Story]], stored: Callable[[str], Mapping[str, Any] | None],
              now: float | None = None) -> GatedBatch[E]:
        batch: GatedBatch[E] = GatedBatch()
        taken: list[tuple[E, Story]] = []
        for carrier, story in items:
            previous = batch.accepted.get(story.uri) or self.inflight.get(story.uri)
            if previous is None and now is not None:
                previous = self.retention.live(stored(story.uri), now)
            elif previous is None:
                previous = stored(story.uri)
            verdict = judge(previous, story)
            if verdict in (Verdict.DUPLICATE, Verdict.STALE):
                batch.dropped.append((verdict.value, story))
            else:
                taken.append((carrier, story))
                batch.accepted[story.uri] = mark(story, now)
        kept, superseded = latest_only([story for _, story in taken])
        batch.dropped += [("superseded", story) for story in superseded]
        keep = {id(story) for story in kept}
        batch.kills = [story for _, story in taken if id(story) in keep and is_kill(story)]
        batch.pairs = [(c, story) for c, story in taken if id(story) in keep and not is_kill(story)]
        batch.pending = {uri: pending(marked) for uri, marked in batch.accepted.items()}
        self.inflight.update(batch.accepted)
        return batch

    def finished(self, batch: GatedBatch, sent: Iterable[str] | None = None) -> dict[str, dict]:
        """Forget ``batch``'s in-flight marks; return the final marks to write: of the uris whose output was
        sent and acknowledged (``sent``; default: all the batch accepted), those no later batch replaced
        (a later batch's pending mark stands until its own final one). A story that was not sent (its
        enrichment failed: dead-lettered) keeps its pending mark, so that the same version is tried again."""
        done = set(batch.accepted) if sent is None else set(sent)
        final = {}
        for uri, marked in batch.accepted.items():
            if self.inflight.get(uri) is marked:  # not replaced by a later batch's version
                del self.inflight[uri]
                if uri in done:
                    final[uri] = marked
        return final
