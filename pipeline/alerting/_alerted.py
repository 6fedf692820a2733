"""The match stage's memory of each story: which version it last matched and what that alerted (pure; the
agent keeps the entries in the ``alerted`` table, keyed by story uri).

An entry is ``{"version", "version_created", "pubstatus", "seen", "alerts": [[alert id, region id, rule id],
…]}`` (older workers wrote the bare list of alerts). The match stage judges each enriched story against it,
like the enrich stage judges versions (:func:`~pipeline.core.judge`):

- an **older** version than the entry's (a replay after a crash, the entry ahead of the committed offset),
  or the **same** version again once its entry is final, is skipped: nothing is sent. So a killed story's
  alerts, once retracted, are never made active again by a replay of an earlier version;
- a newer version (or the first) is matched; what the entry alerted and the new version does not is
  retracted.

Durable before visible, as for versions: before the candidates of a version are sent, a **pending** entry
— the new version, and the alerts of both the old entry and the new match — is written to the changelog
and acknowledged; after the candidates are acknowledged, the **final** entry (the new match's alerts).
After a crash, a replay of the pending version is matched again against the pending entry's alerts, so a
retraction that may not have left is sent again; an older version is skipped.

Entries are dated (``seen``, processing time) and forgotten after the retention window
(:class:`~pipeline.core.Retention`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..core import EnrichedStory, Retention, Verdict, judge, mark, pending

__all__ = ["AlertedGate", "MatchPlan"]


def _alerts(entry: Any) -> list:
    if entry is None:
        return []
    if isinstance(entry, list):
        return list(entry)  # an entry of an older worker: the alerts alone
    return list(entry.get("alerts") or [])


def _key(item: Any) -> str:
    return item if isinstance(item, str) else str(item[0] if item else "")


@dataclass(frozen=True)
class MatchPlan:
    """What the match stage does with one enriched story: ``skip`` it (a stale replay or a repeat), or match
    it, retracting what ``before`` alerted and the new match does not. ``known``: the story had an entry."""

    verdict: Verdict
    before: list
    known: bool

    @property
    def skip(self) -> bool:
        return self.verdict in (Verdict.DUPLICATE, Verdict.STALE)


class AlertedGate:
    """Judges enriched stories against their ``alerted`` entries and makes the entries to write."""

    def __init__(self, retention: Retention | None = None) -> None:
        self.retention = retention or Retention(0)

    def plan(self, entry: Any, story: EnrichedStory, now: float) -> MatchPlan:
        entry = self.retention.live(entry, now)
        if entry is None:
            return MatchPlan(Verdict.NEW, [], False)
        if isinstance(entry, list) or "version" not in entry:  # an undated entry of an older worker
            return MatchPlan(Verdict.SUPERSEDES, _alerts(entry), True)
        return MatchPlan(judge(entry, story), _alerts(entry), True)

    @staticmethod
    def dated(entry: Any, now: float) -> Any:
        """An undated entry (an older worker's: a bare list of alerts, or without ``seen``), dated ``now``
        by the sweep, so that it goes one retention window later."""
        if isinstance(entry, list):
            return {"alerts": entry, "seen": now}
        return {**entry, "seen": now} if isinstance(entry, dict) else None

    @staticmethod
    def pending(story: EnrichedStory, before: Iterable[Any], memo: Iterable[Any], now: float) -> dict[str, Any]:
        """The entry to write durably before the story's candidates are sent: its version, pending, and the
        alerts before and now (a replay retracts whichever of them it no longer matches)."""
        alerts: dict[str, Any] = {}
        for item in [*before, *memo]:
            alerts.setdefault(_key(item), item)
        return {**pending(mark(story, now)), "alerts": [alerts[k] for k in sorted(alerts)]}

    @staticmethod
    def final(story: EnrichedStory, memo: Iterable[Any], now: float) -> dict[str, Any]:
        """The entry once the story's candidates are acknowledged: its version and what it alerts now."""
        return {**mark(story, now), "alerts": list(memo)}
